"""Account operations: every rule about accounts lives here.

Views, the REST API, the CLI and tests call these functions; each checks the
actor's permission and scope, writes its audit entry and commits once, or
raises AccountError with a Vietnamese message and changes nothing.
"""
import functools
import re

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import (
    KIND_AGENCY, KIND_PERSONAL, KIND_STAFF, STATUS_ACTIVE, STATUS_LOCKED,
    STATUS_REVOKED, Account,
)
from app.accounts.passwords import (
    first_sign_in_changes_password, hash_password, password_matches, password_problems,
    temporary_password,
)
from app.audit import services as audit
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.org import services as org_services
from app.org.models import Unit
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
    return org_services.unit_in_scope(actor, action, roles.ACCOUNT, unit)


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
# by app.notify (above us): send(account, password, created) -> whether it was sent, and
# available() -> whether mail goes out at all.
_PASSWORD_COURIER = {}


def use_password_courier(send, available):
    _PASSWORD_COURIER.update(send=send, available=available)


def _password_courier(account):
    """The courier that can take this account's password to its owner, or None."""
    if not (account.email or "").strip() or "send" not in _PASSWORD_COURIER:
        return None
    return _PASSWORD_COURIER["send"] if _PASSWORD_COURIER["available"]() else None


def _password_to(account):
    """Who will get the account's temporary password, for the audit entry of the change."""
    return "owner_email" if _password_courier(account) else "actor"


def hand_over_password(actor, account, password, created=False):
    """After the commit that gave ``account`` its temporary ``password`` (a new account,
    a reset): mailed to the owner's address, and None returned. Without an address or
    mail, or when the mail fails, it is returned to be shown once to ``actor``, and the
    audit log says so (whoever saw it could sign in as the owner until it is changed).
    ``created``: the account is new (the mail says so), else its password was reset."""
    send = _password_courier(account)
    if send is None:
        return password
    if send(account, password, created):
        return None
    audit.record("account.password_shown", account, actor=actor,
                 details={"reason": "mail_failed"})
    db.session.commit()
    return password


# -------------------------------------------------------------- validation

def _check_password(password, username, field="password"):
    problems = password_problems(password, username)
    if problems:
        _fail(" ".join(problems), field)


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


def lift_lockout(account):
    """The account signs in again (an unlock, a reset, or its lockout's time is over:
    app/accounts/sign_in.py)."""
    account.status = STATUS_ACTIVE
    account.locked_at = None
    account.locked_until = None


# -------------------------------------------------------------- operations

def _new_account(actor, kind, data, unit, role_names, password=None):
    cleaned = validate_details(data)
    password = temporary_password() if password is None else password
    _check_password(password, cleaned["username"])
    if actor is not COMMAND_LINE:
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
    role = current_app.appbuilder.sm.find_role(name)
    if role is None:
        _fail(_("The role %(name)s does not exist; run flask sync-roles.", name=name))
    return role


@_atomic
def create_account(actor, kind, data, commit=True, granted_by=None):
    """Create one account of ``kind``; returns (account, its temporary password to be
    shown once to the actor, or None: it was mailed to the owner; hand_over_password).

    With commit=False (a bulk import) the password is returned as it is: the caller
    commits, then hands it over. ``granted_by`` (action, resource): the grant that lets
    the actor make this one personal account instead of create_personal (a transfer's
    received person, Điều 11.1a VP), checked on the unit like it."""
    if kind not in CREATE_ACTION:
        _fail(_("Unknown account kind."), "kind")
    if granted_by is None or kind != KIND_PERSONAL:
        _require(actor, CREATE_ACTION[kind])
    elif not scope.user_scopes(actor, *granted_by):
        _fail(_("You are not allowed to do this."))
    unit = _unit(data.get("unit_id"))
    if kind in (KIND_PERSONAL, KIND_AGENCY):
        if unit is None:
            _fail(_("Choose the unit of the account."), "unit_id")
        if not unit.is_open:
            _fail(_("The unit %(unit)s is closed; choose the unit that took over its work.",
                    unit=unit.name), "unit_id")
        reachable = unit_reachable(actor, CREATE_ACTION[kind], unit) if granted_by is None \
            else org_services.unit_in_scope(actor, granted_by[0], granted_by[1], unit)
        if not reachable:
            _fail(_("This unit is outside your scope."), "unit_id")
    if kind == KIND_AGENCY and db.session.scalar(
        select(func.count()).select_from(Account).where(
            Account.unit_id == unit.id, Account.kind == KIND_AGENCY,
            Account.status != STATUS_REVOKED)
    ):
        _fail(_("The unit %(unit)s already has an agency account.", unit=unit.name), "unit_id")
    role_names = [ROLE_OF_KIND[kind]] if kind in ROLE_OF_KIND else list(data.get("roles") or [])
    account, password = _new_account(actor, kind, data, unit, role_names,
                                     password=data.get("password") or None)
    audit.record("account.create", account, actor=actor,
                 details={"kind": kind, "roles": role_names, "username": account.username,
                          "password_to": _password_to(account)})
    if not commit:
        return account, password
    db.session.commit()
    return account, hand_over_password(actor, account, password, created=True)


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
    lift_lockout(account)
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
    _replace_password(account, password, first_sign_in_changes_password())
    audit.record("account.reset_password", account, actor=actor,
                 details={"password_to": _password_to(account)})
    db.session.commit()
    return hand_over_password(actor, account, password)


def _replace_password(account, password, must_change):
    """The account's new password: a lockout is lifted, every session ends."""
    account.password = hash_password(password)
    account.must_change_password = must_change
    account.fail_login_count = 0
    account.lockout_count = 0
    if account.status == STATUS_LOCKED:
        lift_lockout(account)
    end_sessions(account)


@_atomic
def revoke_in_transaction(actor, account, **details):
    """The account stops working in the caller's transaction (a leaver, a transfer out of
    the province): revoked, its sessions ended, audited with ``details`` (why). None when
    there is no account or it was revoked already."""
    if account is None or account.status == STATUS_REVOKED:
        return None
    account.status = STATUS_REVOKED
    end_sessions(account)
    audit.record("account.access_revoke", account, actor=actor, details=details)
    return account


def grant_in_transaction(actor, account, **details):
    """The account works again in the caller's transaction (a reinstatement), without
    a restriction or an expiry; audited with ``details``."""
    if account is None:
        return None
    account.status, account.active, account.access_restricted = STATUS_ACTIVE, True, False
    account.access_expires_on = None
    audit.record("account.access_grant", account, actor=actor, details=details)
    return account


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
    if not password_matches(account.password, current_password):
        _fail(_("The current password is not correct."), "current_password")
    if new_password != confirm_password:
        _fail(_("The two new passwords differ."), "confirm_password")
    if password_matches(account.password, new_password):
        _fail(_("The new password must differ from the current one."), "new_password")
    _check_password(new_password, account.username, "new_password")
    account.password = hash_password(new_password)
    account.must_change_password = False
    account.password_changed_at = clock.now().replace(tzinfo=None)
    # the other sessions end; the caller keeps its own one (security_manager.keep_session)
    end_sessions(account)
    audit.record("account.change_password", account, actor=account)
    db.session.commit()
    return account.session_generation


# ------------------------------------------------------------ the command line

class _CommandLine:
    """The actor of `flask accounts` (app/accounts/cli.py): whoever runs commands on the
    server. It makes administrators and resets an administrator's password, which
    only a second administrator does on screen (app/security/standing.py)."""

    id = None
    username = "command line"
    roles = ()


COMMAND_LINE = _CommandLine()


@_atomic
def command_line_create_admin(data, password):
    """`flask accounts create-admin`: a system administrator's staff account with the
    password typed on the server, under the screens' policy (password_problems); the
    administrator's own, not a temporary one. Returns the account."""
    account, _password = _new_account(COMMAND_LINE, KIND_STAFF, data, None,
                                      [roles.ROLE_ADMIN], password=password or "")
    account.must_change_password = False
    account.password_changed_at = clock.now().replace(tzinfo=None)
    audit.record("account.create", account, actor=COMMAND_LINE, details={
        "kind": KIND_STAFF, "roles": [roles.ROLE_ADMIN], "username": account.username,
        "password_to": "command_line"})
    db.session.commit()
    return account


@_atomic
def command_line_reset_password(account, password):
    """`flask accounts reset-password`: the password typed on the server, under the
    screens' policy; a lockout is lifted and every session of the account ends."""
    _check_password(password or "", account.username)
    _replace_password(account, password, must_change=False)
    account.password_changed_at = clock.now().replace(tzinfo=None)
    audit.record("account.reset_password", account, actor=COMMAND_LINE,
                 details={"password_to": "command_line"})
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
