"""The approval window's reminder: on the window's first day (or any later day
of it, for a run that was missed), each person with versions waiting for
their approval gets one notice and one mail per window. The scheduled jobs
call ``remind_approvers``; ``flask approval remind`` runs it by hand."""
from sqlalchemy import select

from app.accounts.models import Account
from app.approval import services, window
from app.core import clock
from app.extensions import db
from app.notify import services as notify
from app.notify.models import Notice
from app.org.models import LEADER_DEPUTY, LEADER_HEAD, UnitLeader
from app.org.models import Employee

QUEUE_PATH = "/approval/"


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
    return [db.session.get(Account, account_id) for account_id in sorted(ids)]


def remind_approvers(today=None):
    """Send the window's reminders; returns how many people were reminded."""
    today = today or clock.today()
    current = window.window_of(today.year, today.month)
    if current is None or not current.holds(today):
        return 0
    sent = 0
    for account in _candidates(today):
        if account is None or not account.active:
            continue
        entries = services.queue(account)
        if not entries:
            continue
        subject, body = notify.render_mail(
            "approval_window", count=len(entries), month=current.end.strftime("%m/%Y"),
            start=current.start.strftime("%d/%m/%Y"), end=current.end.strftime("%d/%m/%Y"),
            overdue=sum(e.overdue for e in entries), link=QUEUE_PATH)
        # one reminder per person and window, however often the job runs
        if db.session.scalar(select(Notice.id).where(
                Notice.account_id == account.id, Notice.subject == subject).limit(1)):
            continue
        notify.notify(account, subject, body, link=QUEUE_PATH)
        sent += 1
    db.session.commit()
    return sent
