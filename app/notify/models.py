"""A notice to one account, shown in the application and mailed to its address.

A notice never holds sensitive record values: callers write the subject and
body without them (the reason of a rejection, a deadline, a link).
"""
from flask_appbuilder import Model
from sqlalchemy import (
    Boolean, Column, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text,
    UniqueConstraint,
)

from app.security import roles
from app.security.scope import scoped


def _own_notice(user):
    return Notice.account_id == user.id


# whatever a role's scope, an account reads only its own notices
@scoped(roles.NOTICE, own=_own_notice, subtree=_own_notice, province=_own_notice,
        system=_own_notice)
class Notice(Model):
    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_account", "account_id", "created_at"),)

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    subject = Column(String(255), nullable=False)
    body = Column(Text, nullable=False)
    link = Column(String(500), nullable=True)          # an in-app URL
    created_at = Column(DateTime(timezone=True), nullable=False)
    read_at = Column(DateTime(timezone=True), nullable=True)
    mailed_at = Column(DateTime(timezone=True), nullable=True)
    mail_error = Column(String(500), nullable=True)
    # what the notice is about (app/notify/services.py KINDS): an account may turn the
    # mail of an optional kind off; None for a notice of its own (a rejection, …)
    kind = Column(String(32), nullable=True)

    @property
    def unread(self):
        return self.read_at is None


OUTBOX_PENDING, OUTBOX_SENT, OUTBOX_GAVE_UP = "pending", "sent", "gave_up"


class MailOutbox(Model):
    """The mail of one notice, written in the notice's transaction and sent by the
    sender (right after the commit, then by the jobs' runner with back-off until the
    server accepts it): one row per notice, so it is sent once however many senders
    run. The recipient's address is read from the account when it is sent; nothing of
    the message is stored here but its state."""
    __tablename__ = "mail_outbox"

    id = Column(Integer, primary_key=True)
    notice_id = Column(Integer, ForeignKey("notice.id"), nullable=False)
    status = Column(String(16), nullable=False, default=OUTBOX_PENDING)
    attempts = Column(SmallInteger, nullable=False, default=0)
    next_attempt_at = Column(DateTime(timezone=True), nullable=False)
    last_error = Column(String(500), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False)
    sent_at = Column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        UniqueConstraint("notice_id", name="uq_mail_outbox_notice"),
        Index("ix_mail_outbox_due", "status", "next_attempt_at"),
    )


class MailPreference(Model):
    """An account's choice not to receive the mail of one optional kind of notice (the
    notice itself still appears in the application)."""
    __tablename__ = "mail_preference"

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    kind = Column(String(32), nullable=False)
    mail_off = Column(Boolean, nullable=False, default=True)

    __table_args__ = (UniqueConstraint("account_id", "kind", name="uq_mail_preference"),)
