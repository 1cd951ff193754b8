"""Notices to accounts: written in the caller's transaction, mailed after it commits.

``notify()`` adds the notice to whatever the caller is doing and remembers its
id in the session; once that transaction commits, the session's ``after_commit``
event mails every remembered notice (a separate connection records the
outcome). A rolled-back transaction leaves neither a notice nor a mail. A
failed mail never undoes the caller's work: the reason is kept in
``Notice.mail_error`` and logged with the notice's id only.
"""
import logging
from urllib.parse import urljoin

from dataclasses import dataclass

from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app.accounts.models import Account
from app.audit import services as audit
from app.core import clock
from app.core.exceptions import DomainError
from app.core.transactions import atomic, commit_read
from app.extensions import db
from app.notify import mail
from app.notify.models import Notice
from app.security import roles, scope

log = logging.getLogger(__name__)

# session.info key: ids of the notices this transaction added, to mail after it commits
PENDING = "notify.pending"
MAIL_TEMPLATES = "notify/mail/%s.txt"
# flask.g key: ids of the notices notify() added in this app context (request)
ADDED = "notify_added"

# what happened to a notice's mail (MailOutcome.state)
SENT, FAILED, PENDING_MAIL, MAIL_OFF, NO_ADDRESS = "sent", "failed", "pending", "off", \
    "no_address"


# --- writing ---------------------------------------------------------------------------------

def notify(account, subject, body, link=None):
    """Add a notice for ``account`` in the current transaction (not committed
    here) and mail it once that transaction commits, if the account has an
    address and mail is on. ``subject`` and ``body`` hold no sensitive record
    values; ``link`` is an in-app URL. Returns the Notice."""
    notice = Notice(account_id=account.id, subject=subject, body=body, link=link,
                    created_at=clock.now())
    db.session.add(notice)
    db.session.flush()
    if has_app_context():  # what this request added, for mail_outcomes()
        g.setdefault(ADDED, []).append(notice.id)
    if (account.email or "").strip() and mail.enabled():
        db.session.info.setdefault(PENDING, []).append(notice.id)
    return notice


@atomic
def mark_read(account, notice):
    """Mark one of the account's own notices read (again: no change)."""
    if notice.account_id != account.id:
        raise DomainError(_("This notification is not yours."))
    if notice.read_at is None:
        notice.read_at = clock.now()
    return notice


# --- reading ---------------------------------------------------------------------------------

def unread_count(account):
    return db.session.scalar(select(func.count(Notice.id)).where(
        Notice.account_id == account.id, Notice.read_at.is_(None)))


def notices_for(account, limit=50):
    """The account's own notices, newest first."""
    return list(db.session.scalars(select(Notice).where(Notice.account_id == account.id)
                                   .order_by(Notice.created_at.desc(), Notice.id.desc())
                                   .limit(limit)))


@dataclass
class MailOutcome:
    notice_id: int
    state: str            # SENT, FAILED, PENDING_MAIL, MAIL_OFF or NO_ADDRESS
    reason: str = None    # FAILED: why (Notice.mail_error)


def _outcome(notice, address, mail_on):
    if notice.mailed_at is not None:
        return MailOutcome(notice.id, SENT)
    if notice.mail_error is not None:
        return MailOutcome(notice.id, FAILED, notice.mail_error)
    if not mail_on:
        return MailOutcome(notice.id, MAIL_OFF)
    if not (address or "").strip():
        return MailOutcome(notice.id, NO_ADDRESS)
    return MailOutcome(notice.id, PENDING_MAIL)


def mail_outcomes():
    """What happened to the mail of each notice this request added and committed
    (a rolled-back notice is not there), read from the database: mail is sent by
    the commit's after_commit hook, so after the caller's service returned the
    outcome is known, or still pending when someone else holds the notice."""
    ids = g.get(ADDED) or [] if has_app_context() else []
    if not ids:
        return []
    rows = db.session.execute(
        select(Notice, Account.email).join(Account, Account.id == Notice.account_id)
        .where(Notice.id.in_(ids)).order_by(Notice.id)
        .execution_options(populate_existing=True)).all()
    mail_on = mail.enabled()
    return [_outcome(notice, address, mail_on) for notice, address in rows]


def mail_sentence(outcome):
    """A sentence for the person who caused the notice: what happened to its mail."""
    if outcome.state == SENT:
        return _("The notice was also e-mailed.")
    if outcome.state == FAILED:
        return _("The e-mail could not be sent (%(reason)s); the notice is in the app.",
                 reason=outcome.reason)
    if outcome.state == MAIL_OFF:
        return _("No e-mail was sent: mail is not set up; the notice is in the app.")
    if outcome.state == NO_ADDRESS:
        return _("No e-mail was sent: the account has no e-mail address; the notice is in "
                 "the app.")
    return _("The notice will be sent by e-mail.")


def failed_mail(user, limit=200):
    """The notices whose mail failed, newest first, as (notice id, account's username,
    when, reason): never the subject or the body (personal data). The list is the
    technical administration's (scope "system"); any other scope reaches none. The
    read is audited and committed with the page."""
    if roles.SCOPE_SYSTEM in scope.user_scopes(user, "read_failed_mail", roles.NOTICE):
        rows = [tuple(row) for row in db.session.execute(
            select(Notice.id, Account.username, Notice.created_at, Notice.mail_error)
            .join(Account, Account.id == Notice.account_id)
            .where(Notice.mail_error.is_not(None))
            .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit))]
    else:
        rows = []
    audit.record("notice.mail_failures", object_type="Notice")
    commit_read()
    return rows


# --- mail text -------------------------------------------------------------------------------

def render_mail(name, **values):
    """(subject, body) of the Vietnamese mail template
    app/notify/templates/notify/mail/<name>.txt: its ``subject`` and ``body``
    blocks rendered with ``values``. A relative ``link`` becomes absolute when
    there is a request to take the host from."""
    link = values.get("link")
    if link and link.startswith("/") and has_request_context():
        values["link"] = urljoin(request.url_root, link.lstrip("/"))
    template = current_app.jinja_env.get_template(MAIL_TEMPLATES % name)
    context = template.new_context(values)
    subject = " ".join("".join(template.blocks["subject"](context)).split())
    body = "".join(template.blocks["body"](context)).strip("\n") + "\n"
    return subject, body


# --- delivery after commit -------------------------------------------------------------------

def deliver(notice_ids):
    """Mail the given notices not mailed (nor failed) yet; each outcome is
    committed on a connection of its own. Never raises for a mail failure."""
    if not notice_ids or not mail.enabled():
        return
    unreachable = None  # once the server cannot be reached, the rest fail without waiting
    with Session(db.engine) as session, mail.Mailer() as mailer:
        for notice_id in dict.fromkeys(notice_ids):
            row = session.execute(
                select(Notice, Account.email).join(Account, Account.id == Notice.account_id)
                .where(Notice.id == notice_id, Notice.mailed_at.is_(None),
                       Notice.mail_error.is_(None))
                .with_for_update(of=Notice, skip_locked=True)).first()
            if row is None:  # rolled back with a savepoint, or mailed by someone else
                session.rollback()
                continue
            notice, address = row
            try:
                if unreachable is not None:
                    raise unreachable
                mailer.send(address.strip(), notice.subject, notice.body)
                notice.mailed_at = clock.now()
            except mail.MailError as exc:
                unreachable = exc if exc.unreachable else None
                notice.mail_error = str(exc)[:500]
                log.warning("notice %s: mail not sent: %s", notice.id, exc)
            session.commit()


def _after_commit(session):
    ids = session.info.pop(PENDING, None)
    if not ids or not has_app_context():
        return
    try:
        deliver(ids)
    except Exception:  # the caller's work is committed; a mail problem must not undo it
        log.exception("notices %s: delivery failed", ids)


def _after_transaction_end(session, transaction):
    # the outermost transaction ended without after_commit taking the ids: rolled back
    if transaction.parent is None:
        session.info.pop(PENDING, None)


if not event.contains(db.session, "after_commit", _after_commit):
    event.listen(db.session, "after_commit", _after_commit)
    event.listen(db.session, "after_transaction_end", _after_transaction_end)


# --- temporary passwords -------------------------------------------------------------------

def send_temporary_password(account, password, created=False):
    """Mail a temporary password to the account's own address, now (the reset has
    committed); never stored as a notice. Whether it was sent; a failure is logged
    with the account's id only."""
    if not mail.enabled() or not (account.email or "").strip():
        return False
    subject, body = render_mail(
        "temporary_password", person_name=" ".join(
            part for part in (account.last_name, account.first_name) if part),
        username=account.username, password=password, link="/login/", new_account=created)
    try:
        with mail.Mailer() as mailer:
            mailer.send(account.email.strip(), subject, body)
    except mail.MailError as exc:
        log.warning("account %s: temporary password not mailed: %s", account.id, exc)
        return False
    return True


def register_hooks():
    """Temporary passwords go to their owner's address (app.accounts' courier)."""
    from app.accounts import services as accounts

    accounts.use_password_courier(send_temporary_password, mail.enabled)

