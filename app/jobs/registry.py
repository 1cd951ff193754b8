"""The scheduled jobs, each with when it is due, from the active province profile and the
working-day calendar: which periods a day is due for (``periods``) and what it does for one
(``work``, in the run's transaction). The runner (app/jobs/runner.py) ticks each job on
its cron and runs it for every period due; "run now" in the jobs' screen does the same with
the same once-per-period guard."""
import datetime
from dataclasses import dataclass, field
from typing import Callable

from flask_babel import lazy_gettext as _l

from app.approval import reminders, window
from app.policy.profiles import rule
from app.workdays.services import is_working_day


@dataclass(frozen=True)
class Job:
    name: str
    label: object
    cron: dict                        # APScheduler CronTrigger fields, province time
    periods: Callable                 # today -> [period keys due]
    work: Callable                    # (today, period) -> what it did, as text
    schedule: object = ""             # when, in words, for the jobs' screen
    stale_after: datetime.timedelta = field(default=datetime.timedelta(hours=1))


def _month(today):
    return today.strftime("%Y-%m")


# --- the approval window ----------------------------------------------------------------------

def _window_open_periods(today):
    """The month's key on any day of its window (a runner down on the first day still
    reminds on the next); the key makes it once per window."""
    current = window.current(today)
    return [_month(today)] if current is not None and current.holds(today) else []


def _window_last_periods(today):
    current = window.current(today)
    return [_month(today)] if current is not None and today == current.end else []


def _window_open(today, period):
    return _l("%(n)d approvers reminded", n=reminders.remind_approvers(today))


def _window_last(today, period):
    return _l("%(n)d people reminded on the window's last day",
              n=reminders.remind_on_last_day(today))


# --- backups ----------------------------------------------------------------------------------

def _backup_periods(today):
    """Monthly (HN: "định kỳ hằng tháng") or, where the text says only "định kỳ", weekly:
    a key per month or ISO week."""
    if rule("backups.frequency") == "monthly":
        return [_month(today)]
    year, week, _day = today.isocalendar()
    return ["%d-W%02d" % (year, week)]


def _backup(today, period):
    from app.backup import services as backups

    path, _manifest = backups.create_backup()
    checked = ""
    # a trial restore of the new archive: the first backup of each month, and every one
    # where the profile asks for restore tests (ĐNg)
    if rule("backups.frequency") == "monthly" or today.day <= 7 \
            or rule("backups.restore_tested"):
        report = backups.verify_backup(path)
        if report["problems"] or report["audit"]["problems"]:
            raise RuntimeError("the trial restore of %s found %d problems" % (
                path.rsplit("/", 1)[-1], len(report["problems"])
                + len(report["audit"]["problems"])))
        checked = _l(", checked by a trial restore")
    kept, deleted = backups.prune_backups()
    return _l("%(name)s written%(checked)s; %(kept)d kept, %(deleted)d removed",
              name=path.rsplit("/", 1)[-1], checked=checked, kept=len(kept),
              deleted=len(deleted))


# --- the audit log's anchor ------------------------------------------------------------------

def _anchor(today, period):
    """The chain's head written outside the database each day (app/audit), so a log
    rewritten in the database no longer matches what was anchored."""
    from app.audit import services as audit

    anchor = audit.anchor_head()
    if anchor is None:
        return _l("The audit log is empty: nothing to anchor.")
    return _l("Anchored entry %(id)d (%(n)d entries).", id=anchor["last_id"], n=anchor["count"])


# --- the registry -----------------------------------------------------------------------------

DAILY = {"hour": 6, "minute": 30}


def _working_day(periods):
    """Only on working days (the calendar of app/workdays): nobody acts on a Sunday."""
    def due(today):
        return periods(today) if is_working_day(today) else []
    return due


def _offered(module, name):
    """A function another domain offers, looked up when the job runs (imported here,
    never there)."""
    def call(*args):
        import importlib

        return getattr(importlib.import_module(module), name)(*args)
    return call


def _domain_jobs():
    reminders_of = "app.reports.reminders"
    return [
        Job("deadline_digest", _l("Daily digest of the deadlines"), DAILY,
            _working_day(lambda today: [today.isoformat()]),
            _offered("app.deadlines.digest", "work"),
            schedule=_l("Every working day at 06:30")),
        Job("report_reminders", _l("Statutory reports due and overdue"), DAILY,
            _working_day(_offered(reminders_of, "reminder_periods")),
            _offered(reminders_of, "work"),
            schedule=_l("Working days at 06:30, ahead of each report's date and after it")),
        Job("report_drafts", _l("Drafts of the statutory reports"), DAILY,
            _offered(reminders_of, "draft_periods"), _offered(reminders_of, "compile_drafts"),
            schedule=_l("On each report's compilation date"),
            stale_after=datetime.timedelta(hours=3)),
        Job("monthly_forecast", _l("Retirements and salary steps to come"), DAILY,
            lambda today: [_month(today)], _offered("app.reports.forecast", "work"),
            schedule=_l("Once a month, on its first day")),
    ]


def jobs():
    """The jobs of the active profile, in the screen's order."""
    found = []
    if window.last_days():
        found += [
            Job("approval_window_open", _l("Approval window opens"), DAILY,
                _window_open_periods, _window_open,
                schedule=_l("On the first of the last %(n)d days of each month",
                            n=window.last_days())),
            Job("approval_window_last", _l("Approval window's last day"), DAILY,
                _window_last_periods, _window_last,
                schedule=_l("On the last day of each month")),
        ]
    found += _domain_jobs()
    if rule("sync.trigger") not in (None, "none"):
        found.append(Job("sync_reconcile", _l("National sync: reconciliation"),
                         {"hour": 5, "minute": 0}, lambda today: [today.isoformat()],
                         _offered("app.sync.reconcile", "work"),
                         schedule=_l("Every day at 05:00")))
    found.append(Job("audit_anchor", _l("Audit log anchor"), {"hour": 23, "minute": 50},
                     lambda today: [today.isoformat()], _anchor,
                     schedule=_l("Every day at 23:50")))
    found.append(Job("backup", _l("Backup"), {"hour": 2, "minute": 0}, _backup_periods,
                     _backup, schedule=_l("Monthly") if rule("backups.frequency") == "monthly"
                     else _l("Weekly"), stale_after=datetime.timedelta(hours=6)))
    return found


def job_named(name):
    return next((job for job in jobs() if job.name == name), None)


