"""A notice to one account, shown in the application and mailed to its address.

A notice never holds sensitive record values: callers write the subject and
body without them (the reason of a rejection, a deadline, a link).
"""
from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text

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

    @property
    def unread(self):
        return self.read_at is None
