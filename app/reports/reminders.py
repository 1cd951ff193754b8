"""The statutory reports chased by the scheduled jobs (issue 19; app/jobs/registry.py):
reminders to the reporting units ahead of each report's date and after it, with a summary
of the late units to Sở Nội vụ, and each unit's draft compiled on its compilation date.

The dates come from the profile: each period's due date (app/reports/statutory.py) and
``reports.reminder_days_before``, the working days before it on which the units are
reminded and their drafts compiled (the system's default where the regulation is
silent). Working days are app/workdays' calendar.

``work`` and ``compile_drafts`` run in the job's transaction and never commit: the runner
commits their drafts and notices with the run's "done" (app/jobs/services.py), so a run
that fails leaves nothing behind and the next one does it all. The mail goes through the
outbox (app/notify), in Vietnamese, from app/notify/templates/notify/mail/report_*.txt.
"""
import datetime

from flask_appbuilder.security.sqla.models import Role
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.accounts.models import STATUS_REVOKED, Account
from app.core.dates import format_date
from app.extensions import db
from app.notify import services as notify
from app.notify.models import Notice
from app.policy.profiles import rule
from app.reports import statutory
from app.reports.models import LEVEL_UNIT, StatutoryReport
from app.security import roles
from app.workdays.services import is_working_day

AHEAD, OVERDUE = "ahead", "overdue"
UNIT_LINK = "/reports/statutory/"
PROVINCE_LINK = "/reports/statutory/province?period=%s"
REPORT_LINK = "/reports/statutory/%d"
# who acts on a unit's report: its data officers compile it, its head signs it
UNIT_STAFF = (roles.ROLE_OFFICER, roles.ROLE_HEAD)
# units named one by one in Sở Nội vụ's summary; the rest are counted
LISTED = 30


# --- when ------------------------------------------------------------------------------------

def working_days_before(day, days):
    """The ``days``-th working day before ``day`` (``day`` itself for none)."""
    while days > 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def compilation_day(period):
    """The day the units are first reminded of ``period`` and its drafts compiled:
    ``reports.reminder_days_before`` working days before its due date."""
    return working_days_before(period.due_on, rule("reports.reminder_days_before") or 0)


def _still_wanted(period, today):
    """A late report is wanted while the units' screen still opens on it
    (statutory.next_period: until a month past its date)."""
    current = statutory.next_period(today)
    return current is not None and period.due_on >= current.due_on


def reminder_periods(today):
    """"<period>:ahead" from the compilation day to the due date, "<period>:overdue" from
    the day after it while the report is still wanted: one key per period and stage, so
    one reminder each (a runner down on the first day reminds on the next)."""
    keys = []
    for period in statutory.periods_around(today):
        if compilation_day(period) <= today <= period.due_on:
            keys.append("%s:%s" % (period.key, AHEAD))
        elif today > period.due_on and _still_wanted(period, today):
            keys.append("%s:%s" % (period.key, OVERDUE))
    return keys


def draft_periods(today):
    """The periods whose compilation day has come and whose due date has not passed."""
    return [period.key for period in statutory.periods_around(today)
            if compilation_day(period) <= today <= period.due_on]


# --- who ----------------------------------------------------------------------------------------

def reachable(query, today):
    """``query`` of accounts narrowed to those that can act: open (not revoked, not
    switched off) and not past their access's end."""
    return query.where(Account.active.is_(True), Account.status != STATUS_REVOKED,
                       or_(Account.access_expires_on.is_(None),
                           Account.access_expires_on >= today))


def accounts_with(role_names, today, unit_ids=None):
    """The reachable accounts holding one of ``role_names`` (of ``unit_ids`` when
    given), by unit and id; one statement."""
    query = reachable(select(Account).where(Account.roles.any(Role.name.in_(role_names))),
                      today)
    if unit_ids is not None:
        if not unit_ids:
            return []
        query = query.where(Account.unit_id.in_(list(unit_ids)))
    return list(db.session.scalars(query.order_by(Account.unit_id, Account.id)))


def _staff_by_unit(unit_ids, today):
    found = {}
    for account in accounts_with(UNIT_STAFF, today, unit_ids):
        found.setdefault(account.unit_id, []).append(account)
    return found


def already_notified(account, subject, kind, since=None):
    """Whether ``account`` has a notice of this kind and subject (since ``since``)."""
    query = select(Notice.id).where(Notice.account_id == account.id, Notice.kind == kind,
                                    Notice.subject == subject)
    if since is not None:
        query = query.where(Notice.created_at >= since)
    return db.session.scalar(query.limit(1)) is not None


# ahead of a period's date a unit's staff hear of it once: by the reminder or by their
# draft's notice, whichever job came first on the compilation day
AHEAD_TEMPLATES = ("report_due", "report_draft")


def ahead_subjects(period, unit):
    """The subjects of the reminder and the draft's notice of ``unit``'s report on
    ``period`` (they name the period and the unit only)."""
    return [notify.render_mail(template, link="", today="", on="", **_values(period, unit))[0]
            for template in AHEAD_TEMPLATES]


def told_ahead(account, subjects):
    """Whether ``account`` has either notice (``ahead_subjects``)."""
    return any(already_notified(account, subject, notify.KIND_REPORTS)
               for subject in subjects)


def _send(account, template, link, kind=notify.KIND_REPORTS, **values):
    """One notice (and its mail) from ``template``, unless the account has it already:
    the run's guard makes it once per period, this makes a "run now" harmless too."""
    subject, body = notify.render_mail(template, link=link, **values)
    if already_notified(account, subject, kind):
        return False
    notify.notify(account, subject, body, link=link, kind=kind)
    return True


# --- reminders ------------------------------------------------------------------------------

def _parse(key):
    period_key, _sep, stage = (key or "").rpartition(":")
    period = statutory.period_of(period_key)
    if period is None or stage not in (AHEAD, OVERDUE):
        raise ValueError("not a report reminder's period: %r" % key)
    return period, stage


def _phrase(label):
    """The period's label inside a sentence ("báo cáo năm 2026")."""
    return label[:1].lower() + label[1:]


def _values(period, unit=None):
    values = {"period": period.label, "period_phrase": _phrase(period.label),
              "due": format_date(period.due_on)}
    if unit is not None:
        values["unit"] = unit.name
    return values


def waiting_units(period):
    """The reporting units that have not submitted ``period``'s report, by name."""
    done = {report.unit_id for report in statutory.submissions_of(period)}
    return [unit for unit in statutory.reporting_units() if unit.id not in done]


def work(today, key):
    """Remind the officers and heads of every unit that has not submitted the period's
    report: ahead of its date ("ahead") or once it has passed ("overdue", and then Sở Nội
    vụ's staff get the list of the late units). Returns what it did, in words.

    Ahead of the date a person told already of the period's draft (compile_drafts, the
    same days) is not reminded too: one mail, not two, whichever job runs first."""
    period, stage = _parse(key)
    units = waiting_units(period)
    staff = _staff_by_unit([unit.id for unit in units], today)
    reminded = summaries = 0
    template = "report_due" if stage == AHEAD else "report_overdue"
    with force_locale("vi"):
        for unit in units:
            subjects = ahead_subjects(period, unit) if stage == AHEAD else None
            for account in staff.get(unit.id, ()):
                if subjects and told_ahead(account, subjects):
                    continue
                reminded += _send(account, template, UNIT_LINK, today=format_date(today),
                                  **_values(period, unit))
        if stage == OVERDUE and units:
            names = [unit.name for unit in units]
            for account in accounts_with((roles.ROLE_SO_NOI_VU,), today):
                summaries += _send(
                    account, "report_overdue_summary", PROVINCE_LINK % period.key,
                    today=format_date(today), count=len(units),
                    total=len(statutory.reporting_units()), units=names[:LISTED],
                    more=max(len(names) - LISTED, 0), **_values(period))
    if stage == AHEAD:
        return _l("%(period)s: %(units)d units not submitted, %(people)d people reminded",
                  period=period.key, units=len(units), people=reminded)
    return _l("%(period)s overdue: %(units)d units not submitted, %(people)d people "
              "reminded, %(summaries)d summaries to Sở Nội vụ", period=period.key,
              units=len(units), people=reminded, summaries=summaries)


# --- drafts -----------------------------------------------------------------------------------

def compile_drafts(today, key):
    """On the period's compilation day (or a later one before its date, for a runner
    that was down): a draft of the report of every reporting unit that has none on the
    period yet, counted now (statutory.compile_draft), and a notice to the unit's
    officers and heads that it waits for their review, signature and submission. A unit
    that compiled its own, or submitted, keeps it."""
    period = statutory.period_of(key)
    if period is None:
        raise ValueError("not a report period: %r" % key)
    has_report = set(db.session.scalars(select(StatutoryReport.unit_id).where(
        StatutoryReport.level == LEVEL_UNIT, StatutoryReport.period == period.key)))
    units = [unit for unit in statutory.reporting_units() if unit.id not in has_report]
    staff = _staff_by_unit([unit.id for unit in units], today)
    told = 0
    with force_locale("vi"):
        for unit in units:
            report = statutory.compile_draft(unit, period, on=today)
            subjects = ahead_subjects(period, unit)
            for account in staff.get(unit.id, ()):
                if told_ahead(account, subjects):
                    continue
                told += _send(account, "report_draft", REPORT_LINK % report.id,
                              on=format_date(today), **_values(period, unit))
    return _l("%(period)s: %(drafts)d drafts compiled, %(people)d people told",
              period=period.key, drafts=len(units), people=told)
