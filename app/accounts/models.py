"""Accounts: Flask-AppBuilder's user, with what the regulations add.

Kinds (Điều 6 VP, Điều 13 HP): the agency account of a unit (tài khoản cơ
quan, used by its head), personal accounts of staff (tài khoản cá nhân), and
the staff accounts of Sở Nội vụ and the administrators.
"""
import datetime

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, false
from sqlalchemy.orm import relationship

from app.core import clock
from app.security import roles
from app.security.scope import scoped

KIND_PERSONAL = "personal"
KIND_AGENCY = "agency"
KIND_STAFF = "staff"
KINDS = (KIND_PERSONAL, KIND_AGENCY, KIND_STAFF)

STATUS_ACTIVE = "active"
STATUS_LOCKED = "locked"      # lockout or an officer's lock; unlock reopens it
STATUS_REVOKED = "revoked"    # access withdrawn (leaver, transfer out)
STATUSES = (STATUS_ACTIVE, STATUS_LOCKED, STATUS_REVOKED)


def _own_account(user):
    return Account.id == user.id


@scoped(roles.ACCOUNT, own=_own_account, subtree="unit_id")
class Account(User):
    """One login. Never deleted: revoked accounts stay for the audit trail."""

    __tablename__ = "ab_user"

    unit_id = Column(Integer, ForeignKey("org_unit.id", name="fk_ab_user_unit_id"),
                     nullable=True)
    kind = Column(String(16), nullable=False, default=KIND_PERSONAL, server_default=KIND_STAFF)
    status = Column(String(16), nullable=False, default=STATUS_ACTIVE,
                    server_default=STATUS_ACTIVE)
    must_change_password = Column(Boolean, nullable=False, default=True,
                                  server_default=false())
    password_changed_at = Column(DateTime(timezone=True), nullable=True)
    # restricted: may sign in and read, may not change anything (Điều 13.1 HP)
    access_restricted = Column(Boolean, nullable=False, default=False, server_default=false())
    access_expires_on = Column(Date, nullable=True)
    locked_at = Column(DateTime(timezone=True), nullable=True)
    # an automatic lockout ends by itself at this moment (UTC); None: an officer's lock,
    # lifted by an officer only
    locked_until = Column(DateTime(timezone=True), nullable=True)
    # lockouts in a row since the last successful sign-in or unlock: each one lasts
    # twice as long as the one before
    lockout_count = Column(Integer, nullable=False, default=0, server_default="0")
    # sessions and API tokens carry the generation they were opened in; raising it
    # (logout, password change, lock, revocation, new roles) ends all of them
    session_generation = Column(Integer, nullable=False, default=0, server_default="0")

    unit = relationship("Unit", foreign_keys=[unit_id])

    @property
    def is_active(self):
        """Flask-Login and FAB's login both ask this: locked, revoked or
        expired accounts cannot sign in, and their sessions end."""
        if not self.active:
            return False
        if self.status != STATUS_ACTIVE and not self.lockout_expired:
            return False
        return self.access_expires_on is None or clock.today() <= self.access_expires_on

    @property
    def lockout_expired(self):
        """An automatic lockout whose time is over: the account signs in again."""
        if self.status != STATUS_LOCKED or self.locked_until is None:
            return False
        until = self.locked_until
        if until.tzinfo is None:          # SQLite gives back what was stored, in UTC
            until = until.replace(tzinfo=datetime.timezone.utc)
        return clock.now() >= until

    def get_full_name(self):
        # Vietnamese order: họ và tên đệm (last_name) before tên (first_name)
        return " ".join(part for part in (self.last_name, self.first_name) if part)

    def __repr__(self):
        return "%s (%s)" % (self.get_full_name(), self.username)
