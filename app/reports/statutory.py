"""The statutory reports (Điều 11 HP; Điều 15.6, 16.7 ĐN; Điều 14.4, 16.7 VP; Điều 21.6 HN;
Điều 14 ĐNg): each agency directly under the province reports its own staff and its
subtree's to Sở Nội vụ on the profile's dates, and Sở Nội vụ compiles the province's report
for Bộ Nội vụ from what the agencies submitted.

A report is compiled (the numbers counted now and frozen in the row: the quantity and
quality breakdown of app/reports/statistics.py, the people by category, by job position,
against the staffing quota where the profile asks, and ha_noi's Đúng–Đủ–Sạch–Sống
statement), reviewed as a draft (and compiled again if need be), signed by the person
with authority and then with the agency's seal (a PDF with two signatures, its workbook
beside it), and submitted. A correction after submission is a new revision; submitting it
supersedes the earlier one, which stays as history.

Periods come from the profile's ``reports`` rules: ``unit_report_dates`` (one date: the
yearly report; several: a report per date, da_nang's May and December) and
``unit_report_quarterly_day`` (ha_noi's quarters, on that day of each quarter's last
month)."""
import datetime
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from app.approval import authority, keys
from app.approval.exports import locality
from app.audit import services as audit
from app.core import clock
from app.core.dates import in_province_time
from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.extensions import db
from app.files.store import file_store
from app.hiring.services import CATEGORY_LABELS
from app.org import services as org_services
from app.org.models import LEADER_DEPUTY, LEADER_HEAD, Unit
from app.policy.profiles import rule
from app.records import services as records
from app.reports import documents, statistics
from app.reports.models import (
    LEVEL_PROVINCE, LEVEL_UNIT, QUOTA_CATEGORIES, REPORT_DRAFT, REPORT_SIGNED, REPORT_SUBMITTED,
    REPORT_SUPERSEDED, ReportFact, StaffingQuota, StatutoryReport,
)
from app.security import roles, scope
from app.security.standing import role_names
from app.signing.providers import SigningError

KIND_YEARLY, KIND_DATED, KIND_QUARTER = "yearly", "dated", "quarter"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# the quota a category's people count against: biên chế công chức (cán bộ and công chức
# alike), số lượng người làm việc (viên chức), and contract staff paid from the budget
QUOTA_OF_CATEGORY = {"can_bo": "cong_chuc", "cong_chuc": "cong_chuc",
                     "cbcc_cap_xa": "cong_chuc", "vien_chuc": "vien_chuc",
                     "nguoi_lao_dong": "hop_dong"}
QUOTA_LABELS = {"cong_chuc": _l("Civil service quota"),
                "vien_chuc": _l("Public employees quota"),
                "hop_dong": _l("Contract staff")}
STATUS_LABELS = {REPORT_DRAFT: _l("Draft"), REPORT_SIGNED: _l("Signed, not submitted"),
                 REPORT_SUBMITTED: _l("Submitted"), REPORT_SUPERSEDED: _l("Superseded")}
POSITIONS_SHOWN = 40        # job positions listed one by one; the rest as "others"
REMARKS_LIMIT = 4000


@dataclass(frozen=True)
class Period:
    key: str              # "2026", "2026-05", "2026-Q3"
    kind: str
    year: int             # the year reported on
    due_on: datetime.date

    @property
    def label(self):
        if self.kind == KIND_QUARTER:
            return _("Report of quarter %(quarter)s/%(year)d",
                     quarter=ROMAN[int(self.key[-1])], year=self.year)
        if self.kind == KIND_DATED:
            return _("Report of %(month)d/%(year)d", month=self.due_on.month, year=self.year)
        return _("Yearly report %(year)d", year=self.year)


def _day_month(text, year):
    day, month = (int(part) for part in text.split("/"))
    return datetime.date(year, month, day)


def periods_of_year(year):
    """The unit reports the profile asks for on ``year``, by due date. A single yearly
    date early in the next year (VP's 15/01) reports on the year before it."""
    dates = rule("reports.unit_report_dates") or []
    found = []
    if len(dates) == 1:
        due = _day_month(dates[0], year)
        reported = year if due.month >= 7 else year - 1
        found.append(Period(str(reported), KIND_YEARLY, reported, due))
    else:
        for text in dates:
            due = _day_month(text, year)
            found.append(Period("%d-%02d" % (year, due.month), KIND_DATED, year, due))
    quarterly_day = rule("reports.unit_report_quarterly_day")
    if quarterly_day:
        for quarter in range(1, 5):
            month = quarter * 3
            last = (datetime.date(year + (month == 12), month % 12 + 1, 1)
                    - datetime.timedelta(days=1))
            due = datetime.date(year, month, min(quarterly_day, last.day))
            found.append(Period("%d-Q%d" % (year, quarter), KIND_QUARTER, year, due))
    return sorted(found, key=lambda period: (period.due_on, period.kind != KIND_QUARTER))


def periods_around(today=None):
    """The periods due from a year before ``today`` to a year after it, by due date."""
    today = today or clock.today()
    found = {}
    for year in (today.year - 1, today.year, today.year + 1):
        for period in periods_of_year(year):
            if abs((period.due_on - today).days) <= 366:
                found[period.key] = period
    return sorted(found.values(), key=lambda period: period.due_on)


def period_of(key, today=None):
    """The period named ``key`` (from a request), or None."""
    key = (key or "").strip()
    if not key or len(key) > 16:
        return None
    try:
        year = int(key[:4])
    except ValueError:
        return None
    for candidate_year in (year, year + 1):
        for period in periods_of_year(candidate_year):
            if period.key == key:
                return period
    return None


def next_period(today=None):
    """The period a unit works on now: the earliest one not yet a month past its due
    date (a late report is still wanted)."""
    today = today or clock.today()
    around = periods_around(today)
    for period in around:
        if period.due_on >= today - datetime.timedelta(days=31):
            return period
    return around[-1] if around else None


def province_due(period):
    """When Sở Nội vụ's report to Bộ Nội vụ on ``period`` is due (yearly reports only;
    None where the profile names no date)."""
    text = rule("reports.so_noi_vu_report_date")
    if not text or period.kind != KIND_YEARLY:
        return None
    due = _day_month(text, period.year)
    return due if due > period.due_on else _day_month(text, period.year + 1)


# --- who reports -----------------------------------------------------------------------------

def province_root():
    return db.session.scalar(select(Unit).where(
        Unit.parent_id.is_(None), Unit.valid_to.is_(None)).order_by(Unit.id).limit(1))


def reporting_units():
    """The agencies that report to Sở Nội vụ: the open units directly under the province
    (Sở, ban, ngành, UBND cấp xã, đơn vị sự nghiệp trực thuộc UBND tỉnh: Điều 11–12 HP),
    each for its own staff and its subtree's."""
    root = province_root()
    if root is None:
        return []
    return list(db.session.scalars(select(Unit).where(
        Unit.parent_id == root.id, Unit.valid_to.is_(None)).order_by(Unit.name)))


def reporting_unit_of(actor):
    """The agency whose report the actor compiles: their own unit when it is one of the
    reporting units and their scope covers it, else None."""
    unit = actor.unit
    if unit is None or unit.valid_to is not None or unit.parent is None \
            or unit.parent.parent_id is not None:
        return None
    if not org_services.unit_in_scope(actor, "read", roles.REPORTS, unit):
        return None
    return unit


def _is_so_noi_vu(actor):
    return roles.ROLE_SO_NOI_VU in role_names(actor)


def _require(actor, permission):
    if not scope.user_scopes(actor, permission, roles.REPORTS):
        raise DomainError(_("You may not do this with the statutory reports."))


# --- counting --------------------------------------------------------------------------------

def _row_units(unit):
    return [child for child in statistics.children_of(unit)] + [unit]


def _present_by_category(actor, unit, on):
    """{row unit id: {category: people in service}} over the breakdown's rows."""
    counts = {}
    for category in CATEGORY_LABELS:
        report = statistics.breakdown(actor, unit, category=category, on=on)
        for _label, target, row in report.rows:
            counts.setdefault(target.id, {})[category] = row["total"]
    return counts


def _quotas(units, year, own_unit):
    """{row unit id: {quota category: quota}}: a child row's quota is its subtree's sum;
    the unit's own row, the quota given to the unit itself."""
    found = {}
    for target in units:
        query = select(StaffingQuota.category, func.sum(StaffingQuota.quota)).join(
            Unit, Unit.id == StaffingQuota.unit_id).where(StaffingQuota.year == year)
        if target.id == own_unit.id:
            query = query.where(StaffingQuota.unit_id == target.id)
        else:
            query = query.where(Unit.path.startswith(target.path))
        found[target.id] = {category: int(total) for category, total in
                            db.session.execute(query.group_by(StaffingQuota.category))}
    return found


def _positions(actor, unit):
    """[(job position, people)] of the subtree's people in service, most first."""
    f = ReportFact
    name = func.coalesce(f.job_position, "")
    query = statistics.restrict_facts(
        select(name.label("position"), func.count().label("people")), actor).where(
        f.unit_path.startswith(unit.path), f.status.in_(statistics.IN_SERVICE)).group_by(
        name).order_by(func.count().desc(), name)
    rows = [(row.position, row.people) for row in db.session.execute(query)]
    listed = rows[:POSITIONS_SHOWN]
    rest = sum(people for _position, people in rows[POSITIONS_SHOWN:])
    return listed, rest


def _quality_statement(actor, unit, on):
    # the data-quality scores live beside the reports (app/reports/quality.py)
    from app.reports import quality
    return quality.statement(actor, unit, on)


def count_unit(actor, unit, period, on=None):
    """What a unit's report says, counted now, as plain data (labels in Vietnamese, the
    report's language, whatever the compiler's screen speaks)."""
    on = on or clock.today()
    with force_locale("vi"):
        report = statistics.breakdown(actor, unit, on=on)
        columns = [{"key": c.key, "label": str(c.label), "group": str(c.group)}
                   for c in report.columns]
        rows = [{"label": str(label), "unit_id": target.id, "counts": counts}
                for label, target, counts in report.rows]
        by_category = _present_by_category(actor, unit, on)
        numbers = {
            "level": LEVEL_UNIT, "unit": {"id": unit.id, "name": unit.name},
            "period": {"key": period.key, "label": period.label,
                       "due_on": period.due_on.isoformat()},
            "on": on.isoformat(), "columns": columns, "rows": rows, "totals": report.totals,
            "categories": [{"key": key, "label": str(label)}
                           for key, label in CATEGORY_LABELS.items()],
            "by_category": [
                {"label": row["label"], "unit_id": row["unit_id"],
                 "counts": by_category.get(row["unit_id"], {})} for row in rows],
        }
        listed, rest = _positions(actor, unit)
        numbers["positions"] = {"rows": [{"position": position or _("(not entered)"),
                                          "people": people} for position, people in listed],
                                "others": rest}
        if rule("reports.staffing_against_positions"):
            quotas = _quotas(_row_units(unit), period.year, unit)
            staffing_rows = [_staffing_row(row["label"], quotas.get(row["unit_id"], {}),
                                           by_category.get(row["unit_id"], {}))
                             for row in rows]
            numbers["staffing"] = {
                "year": period.year,
                "categories": [{"key": key, "label": str(QUOTA_LABELS[key])}
                               for key in QUOTA_CATEGORIES],
                "rows": staffing_rows,
                "total": _staffing_total(staffing_rows)}
        if rule("reports.quality_statement"):
            numbers["quality"] = _quality_statement(actor, unit, on)
    return numbers


def _staffing_row(label, quota, present_by_category):
    present = {key: 0 for key in QUOTA_CATEGORIES}
    for category, people in present_by_category.items():
        present[QUOTA_OF_CATEGORY[category]] += people
    return {"label": label, "quota": {key: quota.get(key) for key in QUOTA_CATEGORIES},
            "present": present}


def _staffing_total(rows):
    quota, present = {}, {}
    for key in QUOTA_CATEGORIES:
        given = [row["quota"][key] for row in rows if row["quota"][key] is not None]
        quota[key] = sum(given) if given else None
        present[key] = sum(row["present"][key] for row in rows)
    return {"label": _("Total"), "quota": quota, "present": present}


def count_province(period, submissions, root, on=None):
    """The province's report: each reporting unit's submitted totals as a row (frozen as
    they were submitted), their sum, and the units that have not submitted."""
    on = on or clock.today()
    by_unit = {report.unit_id: report for report in submissions}
    columns, seen = [], set()
    for report in submissions:
        for column in report.numbers["columns"]:
            if column["key"] not in seen:
                seen.add(column["key"])
                columns.append(column)
    rows, missing, by_category = [], [], []
    categories = None
    for unit in reporting_units():
        report = by_unit.get(unit.id)
        if report is None:
            missing.append(unit.name)
            continue
        rows.append({"label": unit.name, "unit_id": unit.id, "counts": report.numbers["totals"],
                     "report_id": report.id, "revision": report.revision})
        categories = categories or report.numbers.get("categories")
        summed = {}
        for row in report.numbers.get("by_category", ()):
            for key, people in row["counts"].items():
                summed[key] = summed.get(key, 0) + people
        by_category.append({"label": unit.name, "unit_id": unit.id, "counts": summed})
    totals = {c["key"]: sum(row["counts"].get(c["key"], 0) for row in rows) for c in columns}
    with force_locale("vi"):
        return {"level": LEVEL_PROVINCE, "unit": {"id": root.id, "name": root.name},
                "period": {"key": period.key, "label": period.label,
                           "due_on": (province_due(period) or period.due_on).isoformat()},
                "on": on.isoformat(), "columns": columns, "rows": rows, "totals": totals,
                "categories": categories or [{"key": key, "label": str(label)}
                                             for key, label in CATEGORY_LABELS.items()],
                "by_category": by_category, "missing": missing,
                "submitted": len(rows), "expected": len(rows) + len(missing)}


# --- the workflow ----------------------------------------------------------------------------

def _latest(unit_id, level, period_key):
    return db.session.scalar(select(StatutoryReport).where(
        StatutoryReport.unit_id == unit_id, StatutoryReport.level == level,
        StatutoryReport.period == period_key).order_by(StatutoryReport.revision.desc())
        .limit(1))


def history(unit_id, level, period_key):
    """Every revision of a unit's report on a period, newest first."""
    return list(db.session.scalars(select(StatutoryReport).where(
        StatutoryReport.unit_id == unit_id, StatutoryReport.level == level,
        StatutoryReport.period == period_key).order_by(StatutoryReport.revision.desc())))


def _stale():
    db.session.rollback()
    return DomainError(_("Someone changed this report after you opened it; nothing was "
                         "done. Reload the page to see their change."))


def _check_lock(report, lock):
    if lock is not None and str(lock) != str(report.version):
        raise _stale()


def _remarks(text):
    text = (text or "").strip()
    if len(text) > REMARKS_LIMIT:
        raise DomainError(_("The difficulties and proposals may hold at most %(limit)d "
                            "characters.", limit=REMARKS_LIMIT))
    return text


def _id(actor):
    """Who compiled: the account, or None for the scheduled job (compile_draft)."""
    return actor.id if actor is not None else None


def _store_draft(actor, unit, level, period, numbers, lock):
    """The period's draft with these numbers: the open draft (or a signed report not yet
    submitted, which goes back to draft) compiled again, else a new revision."""
    latest = _latest(unit.id, level, period.key)
    now = clock.now()
    if latest is not None and latest.status in (REPORT_DRAFT, REPORT_SIGNED):
        _check_lock(latest, lock)
        latest.numbers, latest.compiled_at, latest.compiled_by = numbers, now, _id(actor)
        latest.status, latest.due_on = REPORT_DRAFT, period.due_on
        latest.signed_at = latest.signed_by = latest.signer_name = latest.seal_name = None
        latest.pdf_sha256 = latest.xlsx_sha256 = None
        report, action = latest, "reports.statutory_recompile"
    else:
        report = StatutoryReport(
            unit_id=unit.id, level=level, period=period.key, due_on=period.due_on,
            revision=(latest.revision + 1) if latest is not None else 1, status=REPORT_DRAFT,
            numbers=numbers, compiled_at=now, compiled_by=_id(actor),
            supersedes_id=latest.id if latest is not None else None)
        db.session.add(report)
        action = "reports.statutory_compile"
    try:
        db.session.flush()
    except StaleDataError:
        raise _stale() from None
    audit.record(action, report, unit_id=unit.id,
                 details={"period": period.key, "level": level, "revision": report.revision})
    return report


@atomic
def compile_unit_report(actor, unit, period, remarks="", lock=None):
    """Count ``unit``'s report on ``period`` now and keep it as the draft; returns it."""
    _require(actor, "compile")
    if unit is None or reporting_unit_of(actor) is None or reporting_unit_of(actor).id != unit.id:
        raise DomainError(_("Only the agencies directly under the province report to Sở Nội "
                            "vụ, each compiling its own report: yours is compiled from your "
                            "agency's account."))
    numbers = count_unit(actor, unit, period)
    numbers["remarks"] = _remarks(remarks)
    return _store_draft(actor, unit, LEVEL_UNIT, period, numbers, lock)


def submissions_of(period):
    """The submitted report of each reporting unit on ``period`` (its newest)."""
    return list(db.session.scalars(select(StatutoryReport).where(
        StatutoryReport.level == LEVEL_UNIT, StatutoryReport.period == period.key,
        StatutoryReport.status == REPORT_SUBMITTED).order_by(StatutoryReport.unit_id)))


@atomic
def compile_province_report(actor, period, remarks="", lock=None):
    """Sở Nội vụ's report to Bộ Nội vụ on ``period``, summed from the units' submitted
    (signed) reports, never recounted from the records."""
    _require(actor, "inspect")
    root = province_root()
    submitted = submissions_of(period)
    if not submitted:
        raise DomainError(_("No unit has submitted its report on this period yet: the "
                            "province's report is compiled from the units' signed "
                            "submissions."))
    numbers = count_province(period, submitted, root)
    numbers["remarks"] = _remarks(remarks)
    return _store_draft(actor, root, LEVEL_PROVINCE, period, numbers, lock)


def may_read(actor, report):
    """A unit's report is read by its own agency's staff and by Sở Nội vụ; the province's
    by Sở Nội vụ."""
    if scope.user_scopes(actor, "inspect", roles.REPORTS):
        return True
    if report.level != LEVEL_UNIT:
        return False
    unit = db.session.get(Unit, report.unit_id)
    return unit is not None and org_services.unit_in_scope(actor, "read", roles.REPORTS, unit)


def get_report(actor, report_id):
    """The report ``report_id`` if the actor may read it, else None (as if it did not
    exist)."""
    report = db.session.get(StatutoryReport, report_id) if report_id else None
    if report is None or not may_read(actor, report):
        return None
    return report


def authority_agency(actor, report):
    """The agency the actor signs ``report`` for as the person with authority: for a
    unit's report, the unit when the actor heads it, is its deputy or holds its head's
    delegation; for the province's, Sở Nội vụ when the actor is of it. None otherwise."""
    unit = db.session.get(Unit, report.unit_id)
    if report.level == LEVEL_PROVINCE:
        if _is_so_noi_vu(actor) and scope.user_scopes(actor, "sign", roles.REPORTS):
            return authority.employing_unit(actor.unit)
        return None
    me = records.own_employee(actor)
    if me is None or not scope.user_scopes(actor, "sign", roles.REPORTS):
        return None
    leadership = authority.Leadership()
    leaders = leadership.leaders(unit, LEADER_HEAD) + leadership.leaders(unit, LEADER_DEPUTY)
    if me.id in leaders or any(d.delegate_id == me.id for d in leadership.delegations(unit)):
        return unit
    return None


@atomic
def sign_report(actor, report, signer, lock=None):
    """Sign the draft: its PDF signed by ``signer`` (the person with authority) and then
    with the agency's seal, the workbook beside it; both kept in the file store."""
    if not may_read(actor, report):
        raise DomainError(_("You may not do this with the statutory reports."))
    _check_lock(report, lock)
    if report.status != REPORT_DRAFT:
        raise DomainError(_("Only a draft is signed: this report is already signed or "
                            "submitted."))
    agency = authority_agency(actor, report)
    if agency is None:
        raise DomainError(_("A report is signed by the head of its agency, a deputy, or a "
                            "person the head delegated in writing; the province's by Sở Nội "
                            "vụ."))
    return sign_for(actor, report, signer, agency)


def sign_for(actor, report, signer, agency):
    """``sign_report`` once the authority is settled: ``signer`` signs for ``agency``,
    whose seal follows. (The demo loads the other agencies' submissions through here,
    their heads' keys made for them.)"""
    when = clock.now()
    day = in_province_time(when).date()
    with keys.seal_signer(agency) as seal:
        try:
            pdf = documents.signed_report_pdf(report.numbers, signer, seal,
                                              location=locality(agency), when=when, day=day)
        except SigningError as error:
            raise DomainError(str(error)) from None
        seal_name = seal.signer_name
    workbook = documents.report_xlsx(report.numbers)
    store = file_store()
    report.pdf_sha256, report.xlsx_sha256 = store.put(pdf), store.put(workbook)
    report.status, report.signed_at, report.signed_by = REPORT_SIGNED, when, actor.id
    report.signer_name, report.seal_name = signer.signer_name, seal_name
    try:
        db.session.flush()
    except StaleDataError:
        raise _stale() from None
    audit.record("reports.statutory_sign", report, unit_id=report.unit_id,
                 details={"period": report.period, "level": report.level,
                          "revision": report.revision, "sha256": report.pdf_sha256,
                          "agency_id": agency.id})
    return report


@atomic
def submit_report(actor, report, lock=None):
    """Submit the signed report (a unit's to Sở Nội vụ; the province's is marked sent to
    Bộ Nội vụ); an earlier submitted revision becomes history."""
    _require(actor, "compile")
    if not may_read(actor, report):
        raise DomainError(_("You may not do this with the statutory reports."))
    if report.level == LEVEL_PROVINCE and not scope.user_scopes(actor, "inspect", roles.REPORTS):
        raise DomainError(_("You may not do this with the statutory reports."))
    _check_lock(report, lock)
    if report.status != REPORT_SIGNED:
        raise DomainError(_("Only a signed report is submitted: sign it first."))
    for earlier in db.session.scalars(select(StatutoryReport).where(
            StatutoryReport.unit_id == report.unit_id, StatutoryReport.level == report.level,
            StatutoryReport.period == report.period,
            StatutoryReport.status == REPORT_SUBMITTED, StatutoryReport.id != report.id)):
        earlier.status = REPORT_SUPERSEDED
    report.status, report.submitted_at, report.submitted_by = (
        REPORT_SUBMITTED, clock.now(), actor.id)
    try:
        db.session.flush()
    except StaleDataError:
        raise _stale() from None
    audit.record("reports.statutory_submit", report, unit_id=report.unit_id,
                 details={"period": report.period, "level": report.level,
                          "revision": report.revision, "late": is_late(report)})
    return report


def is_late(report):
    if report.submitted_at is None or report.due_on is None:
        return False
    return in_province_time(report.submitted_at).date() > report.due_on


def document_of(actor, report, kind):
    """(bytes, file name, mimetype) of a signed report's PDF or workbook, audited; None
    when there is none or the actor may not read it."""
    if not may_read(actor, report):
        return None
    digest = report.pdf_sha256 if kind == "pdf" else report.xlsx_sha256
    if digest is None:
        return None
    audit.record("reports.statutory_download", report, unit_id=report.unit_id,
                 details={"period": report.period, "revision": report.revision, "kind": kind})
    name = "bao-cao-%s-%s-lan-%d.%s" % (report.period, report.unit_id, report.revision,
                                       "pdf" if kind == "pdf" else "xlsx")
    mimetype = "application/pdf" if kind == "pdf" else (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return file_store().get(digest), name, mimetype


# --- Sở Nội vụ's tracking ---------------------------------------------------------------------

@dataclass
class UnitStanding:
    unit: Unit
    report: StatutoryReport | None     # the newest revision
    submitted: StatutoryReport | None  # the newest submitted one
    late: bool
    overdue: bool                      # nothing submitted and the due date has passed


def tracking(actor, period, today=None):
    """Each reporting unit on ``period``: its newest report, its submitted one, whether it
    was late or is overdue. Two statements, whatever the number of units."""
    _require(actor, "inspect")
    today = today or clock.today()
    units = reporting_units()
    newest, submitted = {}, {}
    for report in db.session.scalars(select(StatutoryReport).where(
            StatutoryReport.level == LEVEL_UNIT, StatutoryReport.period == period.key)
            .order_by(StatutoryReport.revision)):
        newest[report.unit_id] = report
        if report.status == REPORT_SUBMITTED:
            submitted[report.unit_id] = report
    standings = []
    for unit in units:
        done = submitted.get(unit.id)
        standings.append(UnitStanding(unit, newest.get(unit.id), done,
                                      late=bool(done and is_late(done)),
                                      overdue=done is None and today > period.due_on))
    audit.record("reports.statutory_tracking", object_type="StatutoryReport", actor=actor,
                 details={"period": period.key})
    return standings


# --- staffing quotas -------------------------------------------------------------------------

def quotas_of(year):
    """{unit id: {category: StaffingQuota}} of ``year``."""
    found = {}
    for quota in db.session.scalars(select(StaffingQuota).where(StaffingQuota.year == year)):
        found.setdefault(quota.unit_id, {})[quota.category] = quota
    return found


@atomic
def set_quota(actor, unit, year, category, quota, source, lock=None):
    """Enter (or change) the quota Sở Nội vụ gave ``unit`` for ``year``; a blank quota
    withdraws it. ``lock``: the version the form showed ("" for a new one)."""
    _require(actor, "staffing")
    errors = {}
    if category not in QUOTA_CATEGORIES:
        errors["category"] = _("Choose a category from the list.")
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = _("Enter a year such as %(year)d.", year=clock.today().year)
    text = (str(quota) if quota is not None else "").strip()
    number = None
    if text:
        try:
            number = int(text)
            if number < 0 or number > 1000000:
                raise ValueError
        except ValueError:
            errors["quota"] = _("Enter the quota as a whole number of people.")
    source = (source or "").strip()
    if number is not None and not source:
        errors["source"] = _("Enter the decision that gives this quota.")
    if len(source) > 255:
        errors["source"] = _("The decision may hold at most 255 characters.")
    if unit is None or unit.valid_to is not None:
        errors["unit"] = _("Choose an open unit.")
    if errors:
        from app.core.exceptions import FieldErrors
        raise FieldErrors(errors)
    row = db.session.scalar(select(StaffingQuota).where(
        StaffingQuota.unit_id == unit.id, StaffingQuota.year == year,
        StaffingQuota.category == category).with_for_update())
    if (row is None and lock) or (row is not None and str(lock or "") != str(row.version)):
        raise _stale()
    if row is not None and number is None:
        db.session.delete(row)
        action = "reports.quota_withdraw"
    elif number is None:
        return None
    else:
        if row is None:
            row = StaffingQuota(unit_id=unit.id, year=year, category=category)
            db.session.add(row)
        row.quota, row.source = number, source
        row.entered_by, row.entered_at = actor.id, clock.now()
        action = "reports.quota_set"
    try:
        db.session.flush()
    except StaleDataError:
        raise _stale() from None
    audit.record(action, object_type="StaffingQuota", object_id=row.id, unit_id=unit.id,
                 details={"year": year, "category": category, "quota": number})
    return row


# --- what the screens show --------------------------------------------------------------------

@dataclass
class UnitPage:
    unit: Unit | None
    periods: list
    period: Period | None
    history: list          # the unit's revisions on the period, newest first
    may_sign: bool


def unit_page(actor, period_key=None):
    """The unit's reports screen: its agency, the periods, the chosen period's revisions.
    A period that is not the profile's is answered as the current one."""
    unit = reporting_unit_of(actor)
    period = period_of(period_key) if period_key else None
    period = period or next_period()
    found = history(unit.id, LEVEL_UNIT, period.key) if unit is not None and period else []
    may_sign = bool(found) and authority_agency(actor, found[0]) is not None
    if found:
        audit.record("reports.statutory_read", found[0], unit_id=unit.id,
                     details={"period": period.key, "revision": found[0].revision})
    return UnitPage(unit, periods_around(), period, found, may_sign)


@dataclass
class ProvincePage:
    period: Period | None
    periods: list
    standings: list
    history: list          # the province's revisions on the period
    due_on: datetime.date | None
    may_sign: bool


def province_page(actor, period_key=None):
    period = period_of(period_key) if period_key else None
    period = period or next_period()
    standings = tracking(actor, period)
    root = province_root()
    found = history(root.id, LEVEL_PROVINCE, period.key) if root is not None else []
    may_sign = bool(found) and authority_agency(actor, found[0]) is not None
    return ProvincePage(period, periods_around(), standings, found, province_due(period),
                        may_sign)


def report_page(actor, report_id):
    """(report, its revisions, whether the actor signs it) for the report's own page,
    audited; None when the actor may not read it."""
    report = get_report(actor, report_id)
    if report is None:
        return None
    audit.record("reports.statutory_read", report, unit_id=report.unit_id,
                 details={"period": report.period, "revision": report.revision})
    return (report, history(report.unit_id, report.level, report.period),
            authority_agency(actor, report) is not None)


def quota_page(actor, year):
    """([(unit, is a reporting agency)]: each agency followed by the units directly below
    it, {unit id: {category: quota}}) for Sở Nội vụ's staffing screen."""
    _require(actor, "staffing")
    agencies = reporting_units()
    below = {}
    for unit in db.session.scalars(select(Unit).where(
            Unit.parent_id.in_([agency.id for agency in agencies]), Unit.valid_to.is_(None))
            .order_by(Unit.name)):
        below.setdefault(unit.parent_id, []).append(unit)
    units = []
    for agency in agencies:
        units.append((agency, True))
        units.extend((unit, False) for unit in below.get(agency.id, ()))
    return units, quotas_of(year)


def unit_for_quota(unit_id):
    return db.session.get(Unit, unit_id) if unit_id else None


# --- the scheduled job's drafts (app/reports/reminders.py) ------------------------------------

def compile_draft(unit, period, on=None):
    """The scheduled job's draft of ``unit``'s report on ``period``, on its compilation
    date: counted now over the unit's whole subtree (``statistics.JOB_COUNT``: nobody is
    signed in, and the unit reports all of it), kept as the period's draft with no
    compiler (``compiled_by`` None: "compiled by the scheduled job") for the unit to
    review, compile again if need be, sign and submit. Not committed here: the job's run
    commits it with its notices."""
    numbers = count_unit(statistics.JOB_COUNT, unit, period, on=on)
    numbers["remarks"] = ""
    return _store_draft(None, unit, LEVEL_UNIT, period, numbers, None)
