"""The approval window's reminders (the scheduled jobs of app/jobs call these; ``flask
approval remind`` runs the first by hand):

- ``remind_approvers``: on the window's first day (or any later day of it, for a run that
  was missed), each person with versions waiting for their approval gets one notice and
  one mail per window;
- ``remind_on_last_day``: on the window's last day, each approver whose queue still holds
  versions, and the officers of the units those people belong to, get one more.

Neither commits: the job's run commits the notices with its own record of the run (the
command commits for itself)."""
from sqlalchemy import func, select

from app.accounts.models import Account
from app.approval import services, window
from app.core import clock
from app.extensions import db
from app.notify import services as notify
from app.notify.models import Notice
from app.org.models import LEADER_DEPUTY, LEADER_HEAD, Employee, Unit, UnitLeader
from app.records.models import SUBMITTED, RecordVersion
from app.security import roles, scope

QUEUE_PATH = "/approval/"
RECORDS_PATH = "/records/"


def _candidates(today):
    """Accounts that may approve someone: heads, deputies, and current delegates."""
    from app.approval.models import Delegation

    leaders = select(Employee.account_id).join(UnitLeader, UnitLeader.employee_id == Employee.id) \
        .where(UnitLeader.position.in_((LEADER_HEAD, LEADER_DEPUTY)),
               UnitLeader.holds_on(today))
    delegates = select(Employee.account_id).join(Delegation,
                                                 Delegation.delegate_id == Employee.id) \
        .where(Delegation.holds_on(today), Delegation.revoked_at.is_(None))
    ids = set(db.session.scalars(leaders)) | set(db.session.scalars(delegates))
    ids.discard(None)
    if not ids:
        return []
    return list(db.session.scalars(select(Account).where(Account.id.in_(sorted(ids)),
                                                         Account.active.is_(True))
                                   .order_by(Account.id)))


def _already(account, subject):
    """One reminder per person and window, however often a job runs."""
    return db.session.scalar(select(Notice.id).where(
        Notice.account_id == account.id, Notice.subject == subject).limit(1)) is not None


def _window_values(current):
    return {"month": current.end.strftime("%m/%Y"), "start": current.start.strftime("%d/%m/%Y"),
            "end": current.end.strftime("%d/%m/%Y")}


def remind_approvers(today=None):
    """Send the window's opening reminders; returns how many people were reminded."""
    today = today or clock.today()
    current = window.window_of(today.year, today.month)
    if current is None or not current.holds(today):
        return 0
    sent = 0
    for account in _candidates(today):
        entries = services.queue(account)
        if not entries:
            continue
        subject, body = notify.render_mail(
            "approval_window", count=len(entries), overdue=sum(e.overdue for e in entries),
            link=QUEUE_PATH, **_window_values(current))
        if _already(account, subject):
            continue
        notify.notify(account, subject, body, link=QUEUE_PATH,
                      kind=notify.KIND_APPROVAL_WINDOW)
        sent += 1
    return sent


def _officers_of(unit_ids):
    """The active officers whose unit is one of ``unit_ids`` or above one of them (their
    scope covers the person), as accounts: the units above are read from the materialized
    paths (``/1/5/23/``), and only their officers are loaded."""
    if not unit_ids:
        return []
    paths = db.session.scalars(select(Unit.path).where(Unit.id.in_(unit_ids)))
    above = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    if not above:
        return []
    return list(db.session.scalars(select(Account).where(
        Account.active.is_(True), Account.roles.any(name=roles.ROLE_OFFICER),
        Account.unit_id.in_(sorted(above))).order_by(Account.id)))


def remind_on_last_day(today=None):
    """On the window's last day: approvers whose queue still holds versions, and the
    officers over those people's units; returns how many were reminded."""
    today = today or clock.today()
    current = window.window_of(today.year, today.month)
    if current is None or today != current.end:
        return 0
    sent, waiting_units = 0, set()
    for account in _candidates(today):
        entries = services.queue(account)
        if not entries:
            continue
        waiting_units.update(entry.version.employee.unit_id for entry in entries)
        subject, body = notify.render_mail(
            "approval_window_last", count=len(entries), link=QUEUE_PATH, approver=True,
            **_window_values(current))
        if not _already(account, subject):
            notify.notify(account, subject, body, link=QUEUE_PATH,
                          kind=notify.KIND_APPROVAL_WINDOW)
            sent += 1
    for officer in _officers_of(sorted(waiting_units)):
        count = db.session.scalar(scope.restrict(
            select(func.count(Employee.id)).join(
                RecordVersion, RecordVersion.employee_id == Employee.id)
            .where(RecordVersion.status == SUBMITTED), officer, "read", model=Employee))
        if not count:
            continue
        subject, body = notify.render_mail(
            "approval_window_last", count=count, link=RECORDS_PATH, approver=False,
            **_window_values(current))
        if not _already(officer, subject):
            notify.notify(officer, subject, body, link=RECORDS_PATH,
                          kind=notify.KIND_APPROVAL_WINDOW)
            sent += 1
    return sent
