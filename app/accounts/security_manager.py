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
"""
from flask import (
    current_app, flash, g, has_request_context, jsonify, redirect, request, session, url_for,
)
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from app.accounts.models import Account
from app.security import roles

# the key of the session generation in the browser's session and in API tokens
SESSION_GENERATION_KEY = "_hoso_generation"
TOKEN_GENERATION_CLAIM = "hoso_generation"
LOGIN_KEYS = ("_user_id", "_fresh", "_id", SESSION_GENERATION_KEY)


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

    def _has_view_access(self, user, permission_name, view_name):
        """FAB asks the database once per check, and a page's menu makes dozens of
        checks: within a request, the roles' permissions are read once (one query
        per role) and every check after that is a look-up."""
        if not has_request_context():
            return super()._has_view_access(user, permission_name, view_name)
        roles_of_user = self.get_user_roles(user)
        key = tuple(sorted(role.id for role in roles_of_user))
        cache = g.setdefault("hoso_permissions", {})
        if key not in cache:
            granted = set()
            for role in roles_of_user:
                granted |= self.get_role_permissions(role)
            cache[key] = frozenset(granted)
        return (permission_name, view_name) in cache[key]

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
