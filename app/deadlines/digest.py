"""The daily digest of the deadlines (issue 19; the job "deadline_digest" of
app/jobs/registry.py): each person who must act or chase (an account whose role reads the
deadlines board: the units' officers and heads, Sở Nội vụ) and has something overdue or
due soon gets one notice a day listing it, with its mail; nobody gets one mail per item.

Personal accounts are left out: their own deadlines (a first entry, a change to complete)
are on their home page. The list is ``services.of(account)``, the board's, so the digest
says what the board says. Runs in the job's transaction and never commits (the runner
commits the notices with the run's "done"); a second run on the same day adds nothing.
"""
import datetime

from flask_appbuilder.security.sqla.models import Role
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.accounts.models import STATUS_REVOKED, Account
from app.core import clock
from app.core.dates import format_date
from app.core.deadlines import DUE_SOON, OVERDUE
from app.deadlines import services
from app.extensions import db
from app.notify import services as notify
from app.notify.models import Notice
from app.policy.profiles import rule
from app.security import roles

LINK = "/deadlines/"
# items written out one by one in a digest; the rest are counted ("… và N việc khác")
LISTED = 20


def roles_that_act():
    """The roles whose accounts read the deadlines board under the active profile (the
    role table, app/security/roles.py), the personal role never among them."""
    return [entry["role"] for entry in roles.ROLE_CONFIGS
            if entry["role"] != roles.ROLE_PERSONAL
            and ("read", roles.DEADLINES) in roles.granted_permissions(entry["role"], rule)]


def recipients(today):
    """The open accounts holding one of those roles, by id; one statement."""
    return list(db.session.scalars(select(Account).where(
        Account.roles.any(Role.name.in_(roles_that_act())), Account.active.is_(True),
        Account.status != STATUS_REVOKED,
        or_(Account.access_expires_on.is_(None), Account.access_expires_on >= today))
        .order_by(Account.id)))


def _name(account):
    return " ".join(part for part in (account.last_name, account.first_name) if part) \
        or account.username


def _start_of(today):
    return datetime.datetime.combine(today, datetime.time.min, tzinfo=clock.PROVINCE_TZ)


def digest_of(account, today):
    """(subject, body) of the account's digest for ``today``, or None when nothing of
    theirs is overdue or due soon."""
    _today, pairs = services.of(account, today)
    pressing = [(state, deadline) for state, deadline in pairs
                if state in (OVERDUE, DUE_SOON)]
    if not pressing:
        return None
    items = [{"overdue": state == OVERDUE, "person": deadline.employee_name,
              "unit": deadline.unit_name, "what": deadline.what,
              "due": format_date(deadline.due_on)}
             for state, deadline in pressing[:LISTED]]
    return notify.render_mail(
        "deadline_digest", person_name=_name(account), day=format_date(today),
        overdue=sum(1 for state, _d in pressing if state == OVERDUE),
        due_soon=sum(1 for state, _d in pressing if state == DUE_SOON), items=items,
        more=max(len(pressing) - LISTED, 0), link=LINK)


def work(today, period):
    """Send the day's digests; returns what it did, in words. Once per account and day:
    an account that has the day's digest already (a second run) is skipped."""
    since = _start_of(today)
    sent = 0
    with force_locale("vi"):
        for account in recipients(today):
            found = digest_of(account, today)
            if found is None:
                continue
            subject, body = found
            if db.session.scalar(select(Notice.id).where(
                    Notice.account_id == account.id, Notice.kind == notify.KIND_DEADLINES,
                    Notice.subject == subject, Notice.created_at >= since).limit(1)):
                continue
            notify.notify(account, subject, body, link=LINK, kind=notify.KIND_DEADLINES)
            sent += 1
    return _l("%(n)d people sent the deadlines they must meet", n=sent)
