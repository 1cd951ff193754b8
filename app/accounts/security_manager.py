"""The security manager: Flask-AppBuilder's, bound to our accounts and roles.

Only the views the regulations need are registered: sign-in, the JWT login
of the REST API, and our own account, unit, role and audit views (menu.py).
FAB's generic user, group and permission editors are left out: roles are
declared in app.security.roles and synced, never edited in the UI.
"""
from flask import g, has_request_context, redirect, request, url_for
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager

from app.accounts.models import Account
from app.security import roles


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
        self.appbuilder.add_api(self.security_api)
        self.auth_view = self.authdbview()
        self.appbuilder.add_view_no_menu(self.auth_view)
        # user_view is set by app/application/menu.py to the "my account" view, whose
        # userinfo page FAB links from the navbar.

    def auth_user_db(self, username, password):
        user = super().auth_user_db(username, password)
        if user is not None and user.must_change_password and g.get("hoso_api_login"):
            return None
        return user

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
        from app.accounts.services import register_sign_in

        register_sign_in(user, success)

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
