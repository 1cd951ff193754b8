"""Notices to accounts: written in the caller's transaction, mailed through an outbox.

``notify()`` adds the notice to whatever the caller is doing and, when the account has
an address and mail is set up (and the account has not turned that kind of mail off), a
``MailOutbox`` row beside it, in the same transaction. Once it commits, the session's
``after_commit`` event tries those rows at once (so the person acting learns whether the
mail went); whatever the server did not take is tried again by the jobs' sender
(``send_due``, every minute) with back-off until it is accepted or given up. Each row is
locked while it is sent and marked sent in that lock, so two senders never send it
twice. A rolled-back transaction leaves neither a notice nor a mail. A failed mail never
undoes the caller's work: the reason is kept (``Notice.mail_error``, the row's
``last_error``) and logged with the notice's id only.
"""
import datetime
import logging
from dataclasses import dataclass
from urllib.parse import urljoin

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
from app.notify.models import (
    OUTBOX_GAVE_UP, OUTBOX_PENDING, OUTBOX_SENT, MailOutbox, MailPreference, Notice,
)
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

# kinds of notice the scheduled jobs send; the regulation's own (its deadlines, its
# approval window, its reports) cannot be turned off, the forecasts can
KIND_APPROVAL_WINDOW, KIND_DEADLINES, KIND_REPORTS, KIND_FORECAST = (
    "approval_window", "deadlines", "reports", "forecast")
REQUIRED_KINDS = (KIND_APPROVAL_WINDOW, KIND_DEADLINES, KIND_REPORTS)
OPTIONAL_KINDS = (KIND_FORECAST,)
# the sender's back-off: a minute after the first failure, doubling to six hours; given
# up after two days of failures
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=6)
MAX_ATTEMPTS = 16


def mail_off(account, kind):
    """Whether ``account`` turned the mail of this optional kind off."""
    if kind not in OPTIONAL_KINDS:
        return False
    return db.session.scalar(select(MailPreference.mail_off).where(
        MailPreference.account_id == account.id, MailPreference.kind == kind)) or False


def notify(account, subject, body, link=None, kind=None):
    """Add a notice for ``account`` in the current transaction (not committed
    here) and its mail to the outbox, if the account has an address, mail is on and
    the account has not turned this ``kind`` off. ``subject`` and ``body`` hold no
    sensitive record values; ``link`` is an in-app URL. Returns the Notice."""
    now = clock.now()
    notice = Notice(account_id=account.id, subject=subject, body=body, link=link,
                    created_at=now, kind=kind)
    db.session.add(notice)
    db.session.flush()
    if has_app_context():  # what this request added, for mail_outcomes()
        g.setdefault(ADDED, []).append(notice.id)
    if (account.email or "").strip() and mail.enabled() and not mail_off(account, kind):
        db.session.add(MailOutbox(notice_id=notice.id, status=OUTBOX_PENDING, attempts=0,
                                  next_attempt_at=now, created_at=now))
        db.session.info.setdefault(PENDING, []).append(notice.id)
    return notice


def kind_labels():
    return {KIND_APPROVAL_WINDOW: _("Reminders of the monthly approval window"),
            KIND_DEADLINES: _("The daily digest of the deadlines I must meet"),
            KIND_REPORTS: _("The statutory reports due and overdue"),
            KIND_FORECAST: _("The monthly forecast of retirements and salary steps")}


def preferences(account):
    """{optional kind: whether its mail is on} of the account."""
    off = set(db.session.scalars(select(MailPreference.kind).where(
        MailPreference.account_id == account.id, MailPreference.mail_off.is_(True))))
    return {kind: kind not in off for kind in OPTIONAL_KINDS}


@atomic
def set_preferences(account, wanted):
    """Turn the mail of each optional kind on or off (``wanted``: {kind: on}); the
    regulation's kinds stay on whatever is asked."""
    for kind in OPTIONAL_KINDS:
        row = db.session.scalar(select(MailPreference).where(
            MailPreference.account_id == account.id, MailPreference.kind == kind))
        off = not wanted.get(kind, True)
        if row is None:
            db.session.add(MailPreference(account_id=account.id, kind=kind, mail_off=off))
        else:
            row.mail_off = off
    audit.record("notice.preferences", object_type="MailPreference", actor=account,
                 details={kind: bool(wanted.get(kind, True)) for kind in OPTIONAL_KINDS})


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
    blocks rendered with ``values``. A relative ``link`` becomes absolute
    (``absolute``)."""
    link = values.get("link")
    if link and link.startswith("/"):
        values["link"] = absolute(link)
    template = current_app.jinja_env.get_template(MAIL_TEMPLATES % name)
    context = template.new_context(values)
    subject = " ".join("".join(template.blocks["subject"](context)).split())
    body = "".join(template.blocks["body"](context)).strip("\n") + "\n"
    return subject, body


# --- delivery after commit -------------------------------------------------------------------

def backoff(attempts):
    """How long the sender waits after the ``attempts``-th failure."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def _send_rows(session, query, mailer, now):
    """Send the outbox rows ``query`` finds, one locked row at a time, each outcome
    committed at once; (sent, failed). Once the server cannot be reached, the rest are
    put off without waiting for it."""
    sent = failed = 0
    unreachable = None
    while True:
        row = session.execute(query.with_for_update(of=MailOutbox, skip_locked=True)
                              .limit(1)).first()
        if row is None:
            session.rollback()
            return sent, failed
        outbox, notice, address = row
        try:
            if unreachable is not None:
                raise unreachable
            if not (address or "").strip():
                raise mail.MailError("the account has no e-mail address")
            mailer.send(address.strip(), notice.subject, notice.body,
                        html=mail_html(notice), message_id=message_id(outbox))
        except mail.MailError as exc:
            unreachable = exc if exc.unreachable else None
            outbox.attempts += 1
            outbox.last_error = notice.mail_error = str(exc)[:500]
            if outbox.attempts >= MAX_ATTEMPTS:
                outbox.status = OUTBOX_GAVE_UP
            outbox.next_attempt_at = now + backoff(outbox.attempts)
            log.warning("notice %s: mail not sent (attempt %d): %s", notice.id,
                        outbox.attempts, exc)
            failed += 1
        else:
            outbox.attempts += 1
            outbox.status, outbox.sent_at = OUTBOX_SENT, now
            notice.mailed_at, notice.mail_error = now, None
            sent += 1
        session.commit()


def _due(now):
    return (select(MailOutbox, Notice, Account.email)
            .join(Notice, Notice.id == MailOutbox.notice_id)
            .join(Account, Account.id == Notice.account_id)
            .where(MailOutbox.status == OUTBOX_PENDING, MailOutbox.next_attempt_at <= now)
            .order_by(MailOutbox.next_attempt_at, MailOutbox.id))


def deliver(notice_ids):
    """Try the mail of the given notices now (right after the commit that wrote them):
    those not sent and due; each outcome committed on a connection of its own. Never
    raises for a mail failure; what failed waits for the sender's next try."""
    if not notice_ids or not mail.enabled():
        return
    now = clock.now()
    with Session(db.engine) as session, mail.Mailer() as mailer:
        _send_rows(session, _due(now).where(MailOutbox.notice_id.in_(
            list(dict.fromkeys(notice_ids)))), mailer, now)


def send_due(now=None):
    """The sender's round: every outbox row due by ``now``; returns (sent, failed)."""
    if not mail.enabled():
        return 0, 0
    now = now or clock.now()
    with Session(db.engine) as session, mail.Mailer() as mailer:
        return _send_rows(session, _due(now), mailer, now)


def message_id(outbox):
    """The message's id, the same on every try: a receiver that got a message whose
    acceptance never reached us can tell the second copy for what it is."""
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN") or "hoso.invalid"
    return "<hoso-notice-%d.%d@%s>" % (outbox.notice_id, outbox.id, domain)


def absolute(link):
    """An in-app path as the address a mail links to: this request's host, or outside a
    request (the scheduled jobs) the configured PUBLIC_URL."""
    base = request.url_root if has_request_context() else current_app.config.get("PUBLIC_URL")
    return urljoin(base, link.lstrip("/")) if base else link


def mail_html(notice):
    """The HTML part of a notice's mail: its text in paragraphs, its link a button, and
    why it was sent (app/notify/templates/notify/mail/layout.html)."""
    link = absolute(notice.link) if notice.link and notice.link.startswith("/") \
        else notice.link
    paragraphs = [part.strip() for part in notice.body.split("\n\n") if part.strip()]
    return current_app.jinja_env.get_template("notify/mail/layout.html").render(
        subject=notice.subject, paragraphs=paragraphs, link=link, kind=notice.kind)


def outbox_counts():
    """{status: rows} of the outbox, and the oldest pending row's creation."""
    counts = dict(db.session.execute(select(MailOutbox.status, func.count())
                                     .group_by(MailOutbox.status)).all())
    oldest = db.session.scalar(select(func.min(MailOutbox.created_at)).where(
        MailOutbox.status == OUTBOX_PENDING))
    return counts, oldest


def outbox_failures(limit=100):
    """Rows still failing or given up: (notice id, username, attempts, next try, error),
    never the notice's text."""
    return [tuple(row) for row in db.session.execute(
        select(MailOutbox.notice_id, Account.username, MailOutbox.attempts,
               MailOutbox.next_attempt_at, MailOutbox.last_error, MailOutbox.status)
        .join(Notice, Notice.id == MailOutbox.notice_id)
        .join(Account, Account.id == Notice.account_id)
        .where(MailOutbox.last_error.is_not(None), MailOutbox.status != OUTBOX_SENT)
        .order_by(MailOutbox.next_attempt_at.desc()).limit(limit))]


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

