"""Account operations: every rule about accounts lives here.

Views, the REST API, the CLI and tests call these functions; each checks the
actor's permission and scope, writes its audit entry and commits once, or
raises AccountError with a Vietnamese message and changes nothing.
"""
import datetime
import functools
import re
import secrets
import string

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import (
    KIND_AGENCY, KIND_PERSONAL, KIND_STAFF, STATUS_ACTIVE, STATUS_LOCKED,
    STATUS_REVOKED, Account,
)
from app.audit import services as audit
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.org import services as org_services
from app.org.models import Unit
from app.org.services import is_within
from app.policy.profiles import rule
from app.security import roles, scope, standing

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
CREATE_ACTION = {KIND_PERSONAL: "create_personal", KIND_AGENCY: "create_agency",
                 KIND_STAFF: "create_staff"}
ROLE_OF_KIND = {KIND_PERSONAL: roles.ROLE_PERSONAL, KIND_AGENCY: roles.ROLE_HEAD}
ACCESS_MODES = ("grant", "restrict", "extend", "revoke")


class AccountError(DomainError):
    """A refused account operation; the message is for the user."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def _fail(message, field=None):
    raise AccountError(message, field)


def _atomic(operation):
    """On a refusal, roll back whatever the operation had touched."""

    @functools.wraps(operation)
    def run(*args, **kwargs):
        try:
            return operation(*args, **kwargs)
        except AccountError:
            if kwargs.get("commit", True):
                db.session.rollback()
            raise

    return run


# ---------------------------------------------------------------- permission

def may(actor, action):
    """Whether the actor's roles grant ``action`` on accounts at all."""
    return bool(scope.user_scopes(actor, action, roles.ACCOUNT))


def unit_reachable(actor, action, unit):
    """Whether ``unit`` lies within the actor's scope for ``action`` on accounts."""
    scopes = scope.user_scopes(actor, action, roles.ACCOUNT)
    if roles.SCOPE_PROVINCE in scopes or roles.SCOPE_SYSTEM in scopes:
        return True
    if roles.SCOPE_SUBTREE in scopes and is_within(unit, actor.unit):
        return True
    return roles.SCOPE_OWN in scopes and unit is not None and unit.id == actor.unit_id


def _require(actor, action, account=None):
    """The actor's roles grant ``action``; on an account, it lies in their scope and
    stands below them (app/security/standing.py)."""
    if not may(actor, action):
        _fail(_("You are not allowed to do this."))
    if account is not None:
        if not scope.allows(actor, action, account):
            _fail(_("This account is outside your unit's scope."))
        refusal = standing.refusal_to_act_on(actor, account)
        if refusal:
            # an attempt on an account that stands as high: kept in the log, whatever the
            # caller had pending is dropped as the refusal would drop it
            db.session.rollback()
            audit.record("account.refused", account, actor=actor, details={"action": action})
            db.session.commit()
            _fail(refusal)


def _require_grantable(actor, account, role_names):
    refusal = standing.refusal_to_grant(actor, account, role_names)
    if refusal:
        _fail(refusal, "roles")


# Where a temporary password goes when the account has an e-mail on file, registered
# by app.notify (above us): send(account, password) -> whether it was sent, and
# available() -> whether mail goes out at all.
_PASSWORD_COURIER = {}


def use_password_courier(send, available):
    _PASSWORD_COURIER.update(send=send, available=available)


def _password_courier(account):
    """The courier that can take this account's password to its owner, or None."""
    if not (account.email or "").strip() or "send" not in _PASSWORD_COURIER:
        return None
    return _PASSWORD_COURIER["send"] if _PASSWORD_COURIER["available"]() else None


# -------------------------------------------------------------- validation

def password_problems(password, username=None):
    """What is wrong with a new password (empty when it is acceptable)."""
    problems = []
    min_length = rule("accounts.password_min_length")
    password = password or ""
    if len(password) < min_length:
        problems.append(_("The password must have at least %(n)d characters.", n=min_length))
    if not re.search(r"[a-z]", password) or not re.search(r"[A-Z]", password):
        problems.append(_("The password must mix lower-case and upper-case letters."))
    if not re.search(r"\d", password):
        problems.append(_("The password must contain a digit."))
    if not re.search(r"[^A-Za-z0-9]", password):
        problems.append(_("The password must contain a special character."))
    if username and username.lower() in password.lower():
        problems.append(_("The password must not contain the username."))
    return problems


def temporary_password():
    """A random password that meets the policy, for first sign-in."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _i in range(12))
        candidate = body + secrets.choice("@#$%&*") + secrets.choice(string.digits)
        if not password_problems(candidate):
            return candidate


def _clean(data, key):
    value = data.get(key)
    return value.strip() if isinstance(value, str) else value


def validate_details(data, existing=None):
    """Check names, username and e-mail; returns cleaned values or raises."""
    cleaned = {}
    for key, label in (("last_name", _("Family and middle name")), ("first_name", _("Given name"))):
        value = _clean(data, key) or ""
        if not value:
            _fail(_("%(field)s is required.", field=label), key)
        if len(value) > 64:
            _fail(_("%(field)s is too long (at most 64 characters).", field=label), key)
        cleaned[key] = value
    if existing is None:
        username = (_clean(data, "username") or "").lower()
        if not USERNAME_RE.match(username):
            _fail(_("The username must be 3 to 64 characters: lower-case letters without "
                    "accents, digits, dot, hyphen or underscore."), "username")
        if db.session.scalar(select(func.count()).select_from(Account)
                             .where(func.lower(Account.username) == username)):
            _fail(_("The username %(name)s is already taken.", name=username), "username")
        cleaned["username"] = username
    email = _clean(data, "email") or ""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError:
        _fail(_("The e-mail address is not valid."), "email")
    clash = select(func.count()).select_from(Account).where(func.lower(Account.email) == email.lower())
    if existing is not None:
        clash = clash.where(Account.id != existing.id)
    if db.session.scalar(clash):
        _fail(_("The e-mail address %(email)s is already used by another account.", email=email),
              "email")
    cleaned["email"] = email
    return cleaned


def _unit(unit_or_id):
    if unit_or_id is None or unit_or_id == "":
        return None
    if isinstance(unit_or_id, Unit):
        return unit_or_id
    try:
        return db.session.get(Unit, int(unit_or_id))
    except (TypeError, ValueError):
        return None


# ------------------------------------------------------------------ sessions

def end_sessions(account):
    """Every session and API token of the account stops working (the security
    manager compares the generation they carry with this one on every request)."""
    account.session_generation = (account.session_generation or 0) + 1


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


def _lift_lockout(account):
    account.status = STATUS_ACTIVE
    account.locked_at = None
    account.locked_until = None


# -------------------------------------------------------------- operations

def hash_password(password):
    """The stored hash of a password, by the configured method (FAB's add_user
    reads the same setting)."""
    return generate_password_hash(password,
                                  method=current_app.config["FAB_PASSWORD_HASH_METHOD"])


def first_sign_in_changes_password():
    """Whether a new account's (or a reset's) password must be changed at the first
    sign-in: the profile's accounts.first_login_password_change (Điều 6.2 HN says
    so). Where the text is silent (null) the safe default holds: the temporary
    password was made by the server and seen by the officer, so it is changed."""
    return rule("accounts.first_login_password_change") is not False


def _new_account(actor, kind, data, unit, role_names):
    cleaned = validate_details(data)
    password = data.get("password") or temporary_password()
    problems = password_problems(password, cleaned["username"])
    if problems:
        _fail(" ".join(problems), "password")
    _require_grantable(actor, None, role_names)
    sm_roles = [_role(name) for name in role_names]
    account = Account(
        username=cleaned["username"], first_name=cleaned["first_name"],
        last_name=cleaned["last_name"], email=cleaned["email"], active=True,
        password=hash_password(password), kind=kind, status=STATUS_ACTIVE,
        unit=unit, must_change_password=first_sign_in_changes_password(),
        access_restricted=False,
        access_expires_on=data.get("access_expires_on"), roles=sm_roles,
        created_by_fk=getattr(actor, "id", None), changed_by_fk=getattr(actor, "id", None),
    )
    db.session.add(account)
    db.session.flush()
    return account, password


def _role(name):
    from flask import current_app

    role = current_app.appbuilder.sm.find_role(name)
    if role is None:
        _fail(_("The role %(name)s does not exist; run flask sync-roles.", name=name))
    return role


@_atomic
def create_account(actor, kind, data, commit=True):
    """Create one account of ``kind``; returns (account, temporary password)."""
    if kind not in CREATE_ACTION:
        _fail(_("Unknown account kind."), "kind")
    _require(actor, CREATE_ACTION[kind])
    unit = _unit(data.get("unit_id"))
    if kind in (KIND_PERSONAL, KIND_AGENCY):
        if unit is None:
            _fail(_("Choose the unit of the account."), "unit_id")
        if not unit_reachable(actor, CREATE_ACTION[kind], unit):
            _fail(_("This unit is outside your scope."), "unit_id")
    if kind == KIND_AGENCY and db.session.scalar(
        select(func.count()).select_from(Account).where(
            Account.unit_id == unit.id, Account.kind == KIND_AGENCY,
            Account.status != STATUS_REVOKED)
    ):
        _fail(_("The unit %(unit)s already has an agency account.", unit=unit.name), "unit_id")
    role_names = [ROLE_OF_KIND[kind]] if kind in ROLE_OF_KIND else list(data.get("roles") or [])
    account, password = _new_account(actor, kind, data, unit, role_names)
    audit.record("account.create", account, actor=actor,
                 details={"kind": kind, "roles": role_names, "username": account.username})
    if commit:
        db.session.commit()
    return account, password


@_atomic
def update_account(actor, account, data):
    """Change names, e-mail and unit of an account in the actor's scope."""
    _require(actor, "write", account)
    cleaned = validate_details(data, existing=account)
    changes = {}
    unit = _unit(data.get("unit_id")) if "unit_id" in data else account.unit
    if account.kind != KIND_STAFF:
        if unit is None:
            _fail(_("Choose the unit of the account."), "unit_id")
        if not unit_reachable(actor, "write", unit):
            _fail(_("This unit is outside your scope."), "unit_id")
    for key, value in cleaned.items():
        if getattr(account, key) != value:
            changes[key] = [getattr(account, key), value]
            setattr(account, key, value)
    if unit is not account.unit:
        changes["unit_id"] = [account.unit_id, getattr(unit, "id", None)]
        account.unit = unit
    account.changed_by_fk = actor.id
    audit.record("account.update", account, actor=actor, details={"changed": sorted(changes)})
    db.session.commit()
    return changes


@_atomic
def lock(actor, account, reason="officer"):
    _require(actor, "manage", account)
    if account.status == STATUS_REVOKED:
        _fail(_("A revoked account cannot be locked or unlocked; grant access first."))
    account.status = STATUS_LOCKED
    account.locked_at = clock.now().replace(tzinfo=None)
    account.locked_until = None          # an officer's lock lasts until an officer unlocks
    end_sessions(account)
    audit.record("account.lock", account, actor=actor, details={"reason": reason})
    db.session.commit()


@_atomic
def unlock(actor, account):
    _require(actor, "manage", account)
    if account.status == STATUS_REVOKED:
        _fail(_("A revoked account cannot be locked or unlocked; grant access first."))
    _lift_lockout(account)
    account.fail_login_count = 0
    account.lockout_count = 0
    audit.record("account.unlock", account, actor=actor)
    db.session.commit()


@_atomic
def reset_password(actor, account):
    """A new temporary password, changed at next sign-in where the profile says
    so; a lockout is lifted.

    The password goes to its owner: mailed to the e-mail on file once the reset is
    committed, and then None is returned. Without an address or mail, or when the
    mail fails, it is returned to be shown once to the actor, and the audit log says
    so (whoever saw it could sign in as the owner until it is changed).
    """
    _require(actor, "manage", account)
    password = temporary_password()
    account.password = hash_password(password)
    account.must_change_password = first_sign_in_changes_password()
    account.fail_login_count = 0
    account.lockout_count = 0
    if account.status == STATUS_LOCKED:
        _lift_lockout(account)
    end_sessions(account)
    send = _password_courier(account)
    audit.record("account.reset_password", account, actor=actor,
                 details={"password_to": "owner_email" if send else "actor"})
    db.session.commit()
    if send is None:
        return password
    if send(account, password):
        return None
    audit.record("account.password_shown", account, actor=actor,
                 details={"reason": "mail_failed"})
    db.session.commit()
    return password


@_atomic
def set_access(actor, account, mode, expires_on=None):
    """Grant, restrict, extend or revoke access (Điều 13.1 HP), with an optional expiry."""
    _require(actor, "manage", account)
    if mode not in ACCESS_MODES:
        _fail(_("Unknown access change."), "mode")
    if expires_on is not None and expires_on < clock.today():
        _fail(_("The expiry date cannot be in the past."), "expires_on")
    if mode == "extend" and expires_on is None:
        _fail(_("Give the new expiry date."), "expires_on")
    if mode == "grant":
        account.status, account.active, account.access_restricted = STATUS_ACTIVE, True, False
        account.access_expires_on = expires_on
    elif mode == "restrict":
        account.access_restricted = True
        if expires_on is not None:
            account.access_expires_on = expires_on
    elif mode == "extend":
        account.access_expires_on = expires_on
    else:
        account.status = STATUS_REVOKED
        end_sessions(account)
    audit.record("account.access_" + mode, account, actor=actor,
                 details={"expires_on": expires_on.isoformat() if expires_on else None})
    db.session.commit()


@_atomic
def assign_roles(actor, account, role_names):
    _require(actor, "assign_roles", account)
    role_names = list(role_names or [])
    unknown = [name for name in role_names if name not in roles.ROLE_NAMES]
    if unknown or not role_names:
        _fail(_("Choose one or more of the five roles."), "roles")
    _require_grantable(actor, account, role_names)
    before = sorted(role.name for role in account.roles)
    account.roles = [_role(name) for name in role_names]
    if sorted(role_names) != before:
        end_sessions(account)
    audit.record("account.assign_roles", account, actor=actor,
                 details={"before": before, "after": sorted(role_names)})
    db.session.commit()


@_atomic
def change_own_password(account, current_password, new_password, confirm_password):
    if not check_password_hash(account.password or "", current_password or ""):
        _fail(_("The current password is not correct."), "current_password")
    if new_password != confirm_password:
        _fail(_("The two new passwords differ."), "confirm_password")
    if check_password_hash(account.password or "", new_password or ""):
        _fail(_("The new password must differ from the current one."), "new_password")
    problems = password_problems(new_password, account.username)
    if problems:
        _fail(" ".join(problems), "new_password")
    account.password = hash_password(new_password)
    account.must_change_password = False
    account.password_changed_at = clock.now().replace(tzinfo=None)
    # the other sessions end; the caller keeps its own one (security_manager.keep_session)
    end_sessions(account)
    audit.record("account.change_password", account, actor=account)
    db.session.commit()
    return account.session_generation


def register_sign_in(account, success):
    """Count a sign-in attempt with the right or a wrong password. The profile's
    accounts.lockout_after_failures failures lock the account for a while
    (lockout_duration: 15 minutes, then 30, … by default); the lockout ends by itself,
    or earlier by an officer's unlock or a password reset."""
    account.login_count = account.login_count or 0
    account.fail_login_count = account.fail_login_count or 0
    account.lockout_count = account.lockout_count or 0
    if account.lockout_expired:
        _lift_lockout(account)
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


ATTEMPTED_NAME_LENGTH = 64


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


# ------------------------------------------------ following the org tree's changes

def _account_follows_its_owner(employee, to_unit):
    """A person's account works where they work (a restructuring moved them)."""
    if employee.account_id is not None:
        db.session.get(Account, employee.account_id).unit_id = to_unit.id


def _settle_accounts_of_closed_unit(unit, successor, restructuring, actor):
    """The closed unit's own (agency) account is revoked; people's accounts not
    tied to a record (officers, Sở staff) go with the unit's work to its successor.
    Accounts tied to a record have already followed their owner."""
    for account in list(db.session.scalars(select(Account).where(Account.unit_id == unit.id))):
        details = {"reason": "unit_closed", "restructuring": restructuring.id}
        if account.kind == KIND_AGENCY:
            if account.status != STATUS_REVOKED:
                account.status = STATUS_REVOKED
                end_sessions(account)
                audit.record("account.access_revoke", account, unit_id=unit.id,
                             details=details, actor=actor)
        elif successor is not None:
            account.unit_id = successor.id
            audit.record("account.update", account, unit_id=successor.id,
                         details=dict(details, unit_from=unit.id), actor=actor)


def register_hooks():
    """Accounts follow the org tree's restructurings (app.org's signals)."""
    org_services.staff_moved.connect(_account_follows_its_owner, weak=False)
    org_services.unit_closed.connect(_settle_accounts_of_closed_unit, weak=False)
