"""Signing in and out: each attempt counted and audited, the lockout after too many
failures with its doubling back-off, the end of a session.

FAB's security manager (app/accounts/security_manager.py) calls these; the
limiter in front of the sign-in forms is set up there too.
"""
import datetime

from flask import current_app
from sqlalchemy import func, select

from app.accounts.models import STATUS_ACTIVE, STATUS_LOCKED, Account
from app.accounts.services import end_sessions, lift_lockout
from app.audit import services as audit
from app.core import clock
from app.extensions import db
from app.policy.profiles import rule

ATTEMPTED_NAME_LENGTH = 64


def sign_out(account):
    """The person signed out: this session and every other one of theirs ends."""
    end_sessions(account)
    audit.record("account.sign_out", account, actor=account)
    db.session.commit()


def _utc_now():
    return clock.now().astimezone(datetime.timezone.utc)


def lockout_duration(lockouts):
    """How long the ``lockouts``-th automatic lockout in a row lasts: the configured
    minutes, doubled each time, never more than the configured maximum."""
    config = current_app.config
    base = int(config.get("LOCKOUT_MINUTES", 15))
    longest = int(config.get("LOCKOUT_MAX_MINUTES", 24 * 60))
    return datetime.timedelta(minutes=min(base * 2 ** max(lockouts - 1, 0), longest))


def register_sign_in(account, success):
    """Count a sign-in attempt with the right or a wrong password. The profile's
    accounts.lockout_after_failures failures lock the account for a while
    (lockout_duration: 15 minutes, then 30, … by default); the lockout ends by itself,
    or earlier by an officer's unlock or a password reset."""
    account.login_count = account.login_count or 0
    account.fail_login_count = account.fail_login_count or 0
    account.lockout_count = account.lockout_count or 0
    if account.lockout_expired:
        lift_lockout(account)
        audit.record("account.lockout_ended", account, actor=None)
    if success:
        account.login_count += 1
        account.fail_login_count = 0
        account.lockout_count = 0
        account.last_login = clock.now().replace(tzinfo=None)
        audit.record("account.sign_in", account, actor=account)
    else:
        account.fail_login_count += 1
        audit.record("account.sign_in_failed", account, actor=None,
                     details={"failures": account.fail_login_count})
        if (account.status == STATUS_ACTIVE
                and account.fail_login_count >= rule("accounts.lockout_after_failures")):
            account.lockout_count += 1
            duration = lockout_duration(account.lockout_count)
            account.status = STATUS_LOCKED
            account.locked_at = clock.now().replace(tzinfo=None)
            account.locked_until = _utc_now() + duration
            # the next lockout needs as many failures again, and lasts twice as long
            account.fail_login_count = 0
            end_sessions(account)
            audit.record("account.lock", account, actor=None, details={
                "reason": "lockout", "minutes": int(duration.total_seconds() // 60),
                "lockouts": account.lockout_count})
    db.session.commit()


def register_refused_sign_in(username):
    """A sign-in refused before any password was checked: an unknown user name, or
    an account that may not sign in now (locked, revoked, expired). Audited; the
    attempted name is kept (cut to 64 characters), the password never."""
    name = (username or "").strip()[:ATTEMPTED_NAME_LENGTH]
    found = None
    if name:
        found = db.session.scalar(select(Account).where(
            (func.lower(Account.username) == name.lower())
            | (func.lower(Account.email) == name.lower())).limit(1))
    if found is None:
        audit.record("account.sign_in_unknown", object_type="Account", actor=None,
                     details={"username": name})
    else:
        audit.record("account.sign_in_failed", found, actor=None,
                     details={"status": found.status, "refused": "inactive"})
    db.session.commit()
