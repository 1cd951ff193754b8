"""The security manager: Flask-AppBuilder's, bound to our accounts and roles.

Only the views the regulations need are registered: sign-in, the JWT login
of the REST API, and our own account, unit, role and audit views (menu.py).
FAB's generic user, group and permission editors are left out: roles are
declared in app.security.roles and synced, never edited in the UI.

Sessions end on the server's word: an account's ``session_generation`` is written
into the browser's session at sign-in and into its API tokens, and a session or
token whose generation is not the account's current one no longer signs anyone in
(logout, a password change or reset, a lock, a revocation and new roles raise it).
Sign-ins are rate-limited per account and per address (failures only), and every
refused sign-in is audited, unknown user names included.

Permission checks are answered from memory: the roles are a fixed table in code
(app.security.roles), so the permissions of a set of roles are read once per process
and kept (``_GRANTED``) until the role sync says they changed (see
``permissions_changed``).
"""
import threading
import time

from flask import (
    current_app, flash, g, has_request_context, jsonify, redirect, request, session, url_for,
)
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.accounts.models import Account
from app.accounts.passwords import hashing_slot
from app.security import roles

# the key of the session generation in the browser's session and in API tokens
SESSION_GENERATION_KEY = "_hoso_generation"
TOKEN_GENERATION_CLAIM = "hoso_generation"
LOGIN_KEYS = ("_user_id", "_fresh", "_id", SESSION_GENERATION_KEY)

# How long a process answers permission checks from memory before it asks the database
# (one aggregate over the few hundred rows of ab_permission_view_role) whether another
# process changed the roles since. The role sync of this process forgets at once
# (permissions_changed); another process's sync (a deploy's `flask deploy`, `flask
# sync-roles`) is seen within this time. Roles change only with a release of the code,
# which restarts the workers anyway, so a few seconds' lag costs nothing, while a check
# per request would cost a statement per page. A user's roles are part of the key: an
# officer giving an account new roles takes effect on its next request.
PERMISSIONS_RECHECK_SECONDS = 30


class _GrantedPermissions:
    """{database: {frozenset(role ids): frozenset((permission, view))}}, for the process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._databases = {}    # database URL -> _Snapshot
        self._generation = 0    # raised by forget(): what was being loaded is not kept

    def forget(self):
        with self._lock:
            self._databases = {}
            self._generation += 1

    def granted(self, sm, role_ids):
        if not role_ids:
            return frozenset()
        session = sm.session
        url = session.get_bind().url
        generation = self._generation
        snapshot = self._databases.get(url)
        now = time.monotonic()
        if snapshot is None or now - snapshot.checked_at >= PERMISSIONS_RECHECK_SECONDS:
            stamp = _roles_stamp(sm)
            if snapshot is None or snapshot.stamp != stamp:
                snapshot = _Snapshot(stamp)
            snapshot.checked_at = now
            with self._lock:
                if generation == self._generation:
                    self._databases[url] = snapshot
        found = snapshot.by_roles.get(role_ids)
        if found is None:
            found = _load_granted(sm, role_ids)
            with self._lock:
                if generation == self._generation:
                    snapshot.by_roles[role_ids] = found
        return found


class _Snapshot:
    def __init__(self, stamp):
        self.stamp = stamp
        self.checked_at = 0.0
        self.by_roles = {}


def _roles_stamp(sm):
    """What changes whenever a role's permissions change: the rows of the roles'
    permissions counted and summed (new rows take new ids from a sequence)."""
    granted = assoc_permissionview_role.c
    return tuple(sm.session.execute(select(
        func.count(), func.coalesce(func.max(granted.id), 0),
        func.coalesce(func.sum(granted.permission_view_id), 0),
        func.coalesce(func.sum(granted.role_id * granted.permission_view_id), 0))).one())


def _load_granted(sm, role_ids):
    """The (permission, view) pairs the roles grant, in one statement."""
    granted = assoc_permissionview_role.c
    pv, permission, view = sm.permissionview_model, sm.permission_model, sm.viewmenu_model
    return frozenset(sm.session.execute(
        select(permission.name, view.name).select_from(pv)
        .join(permission, pv.permission_id == permission.id)
        .join(view, pv.view_menu_id == view.id)
        .join(assoc_permissionview_role, granted.permission_view_id == pv.id)
        .where(granted.role_id.in_(sorted(role_ids)))).all())


_GRANTED = _GrantedPermissions()


def permissions_changed():
    """The role sync's hook (app.application.roles_sync calls it after committing):
    every permission this process keeps in memory is read again."""
    _GRANTED.forget()


def keep_session(generation):
    """After the account's own password change: this session goes on, the others end."""
    session[SESSION_GENERATION_KEY] = generation


def _session_ended_message():
    return _("Your session has ended; sign in again.")


def _attempted_account():
    """The limiter's key of the account a sign-in names (form or JSON)."""
    name = request.form.get("username")
    if name is None:
        payload = request.get_json(silent=True)
        name = payload.get("username") if isinstance(payload, dict) else None
    return "account:" + str(name or "").strip().lower()[:64]


def _sign_in_failed(_response):
    """Only failed sign-ins count against the limits."""
    return bool(g.get("hoso_sign_in_failed"))


class HoSoSecurityApi(SecurityApi):
    """JWT login; an account that must still change its password gets no token."""

    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        g.hoso_api_login = True
        return super().login()


class HoSoSecurityManager(SecurityManager):
    user_model = Account
    security_api = HoSoSecurityApi

    def register_views(self):
        api = self.appbuilder.add_api(self.security_api)
        self.auth_view = self.authdbview()
        self.appbuilder.add_view_no_menu(self.auth_view)
        self._limit_sign_ins(self.auth_view.blueprint, api.blueprint)
        # user_view is set by app/application/menu.py to the "my account" view, whose
        # userinfo page FAB links from the navbar.

    def _limit_sign_ins(self, *blueprints):
        """Failed sign-ins per account and per address, the limits from the
        configuration (SIGN_IN_LIMIT_PER_ACCOUNT, SIGN_IN_LIMIT_PER_ADDRESS). A breach
        is Flask-Limiter's RateLimitExceeded, a 429 page of app/application/errors.py."""
        config = current_app.config
        for setting, key_func in (("SIGN_IN_LIMIT_PER_ACCOUNT", _attempted_account),
                                  ("SIGN_IN_LIMIT_PER_ADDRESS", get_remote_address)):
            # shared: the browser's sign-in and the API's count together
            limit = self.limiter.shared_limit(
                lambda setting=setting: config[setting], setting.lower(), key_func=key_func,
                methods=["POST"], deduct_when=_sign_in_failed)
            for blueprint in blueprints:
                limit(blueprint)

    def auth_user_db(self, username, password):
        g.hoso_sign_in_counted = False
        # FAB hashes once per attempt (the fake hash for an unknown name too): in a slot
        with hashing_slot():
            user = super().auth_user_db(username, password)
        if user is None:
            g.hoso_sign_in_failed = True
            if not g.hoso_sign_in_counted:
                # FAB checked no password: unknown name, or an account that may not
                # sign in now; audited all the same
                from app.accounts.sign_in import register_refused_sign_in

                register_refused_sign_in(username)
            return None
        if user.must_change_password and g.get("hoso_api_login"):
            return None
        return user

    # ---------------------------------------------------------------- sessions

    def load_user(self, pk):
        """Flask-Login's user of a browser session: only while the session carries the
        account's current generation."""
        user = super().load_user(pk)
        if user is None or not has_request_context():
            return user
        if session.get(SESSION_GENERATION_KEY) != user.session_generation:
            for key in LOGIN_KEYS:
                session.pop(key, None)
            flash(_session_ended_message(), "warning")
            return None
        return user

    def load_user_jwt(self, _jwt_header, jwt_data):
        user = super().load_user(jwt_data["sub"])
        if user is not None:
            g.user = user
        return user

    def create_jwt_manager(self, app):
        jwt_manager = super().create_jwt_manager(app)
        jwt_manager.additional_claims_loader(self._token_claims)
        jwt_manager.token_in_blocklist_loader(self._token_revoked)
        jwt_manager.revoked_token_loader(
            lambda _header, _payload: (jsonify(message=_session_ended_message()), 401))
        return jwt_manager

    def _token_claims(self, identity):
        user = self.get_user_by_id(int(identity))
        return {TOKEN_GENERATION_CLAIM: user.session_generation if user else None}

    def _token_revoked(self, _jwt_header, jwt_payload):
        try:
            user = self.get_user_by_id(int(jwt_payload["sub"]))
        except (KeyError, TypeError, ValueError):
            return True
        return user is None or jwt_payload.get(TOKEN_GENERATION_CLAIM) != user.session_generation

    def on_user_logout(self, user):
        from app.accounts.sign_in import sign_out

        sign_out(user)

    def has_access(self, permission_name, view_name):
        """FAB's check, plus: a restricted account keeps only its reading rights."""
        user = getattr(g, "user", None) if has_request_context() else None
        if getattr(user, "access_restricted", False) and permission_name != "menu_access":
            action = permission_name[len("can_"):] if permission_name.startswith("can_") \
                else permission_name
            if not roles.allowed_when_restricted(action, view_name):
                return False
        return super().has_access(permission_name, view_name)

    def get_user_by_id(self, pk):
        """The account with its roles, groups and unit in one statement: every request
        asks for the roles (the permission checks) and the unit (row scope)."""
        return self.session.execute(
            select(Account).where(Account.id == pk).options(
                joinedload(Account.roles), joinedload(Account.groups),
                joinedload(Account.unit))).unique().scalar_one_or_none()

    def _has_view_access(self, user, permission_name, view_name):
        """FAB asks the database once per check, and a page's menu makes dozens of
        checks: the permissions of a set of roles are read once per process and
        answered from memory after that (``_GRANTED``)."""
        roles_of_user = self.get_user_roles(user)
        if any(role.name in self.builtin_roles for role in roles_of_user):
            return super()._has_view_access(user, permission_name, view_name)
        return (permission_name, view_name) in self._granted(roles_of_user)

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name):
        """The menu entries (FAB's menu API) from the same memory."""
        roles_of_user = [self.get_public_role()] if user is None else self.get_user_roles(user)
        if any(role.name in self.builtin_roles for role in roles_of_user):
            return super()._get_user_permission_view_menus(user, permission_name,
                                                           view_menus_name)
        granted = self._granted(roles_of_user)
        return {name for name in view_menus_name if (permission_name, name) in granted}

    def _granted(self, roles_of_user):
        return _GRANTED.granted(self, frozenset(role.id for role in roles_of_user))

    def update_user_auth_stat(self, user, success=True):
        from app.accounts.sign_in import register_sign_in

        g.hoso_sign_in_counted = True
        register_sign_in(user, success)
        if success and not g.get("hoso_api_login"):
            session[SESSION_GENERATION_KEY] = user.session_generation

    def before_request(self):
        super().before_request()
        return force_password_change()


# Endpoints a person who must change their password can still reach.
OPEN_DURING_PASSWORD_CHANGE = {"static", "appbuilder.static", "LocaleView.index"}


def force_password_change():
    """First sign-in (and after a reset): nothing but the password change."""
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not getattr(user, "must_change_password", False):
        return None
    endpoint = request.endpoint or ""
    if endpoint in OPEN_DURING_PASSWORD_CHANGE or endpoint.startswith("MyAccountView.") \
            or endpoint.endswith(".logout"):
        return None
    return redirect(url_for("MyAccountView.password"))
