"""Roles, read-only: what each of the five roles may do, in Vietnamese; and the
mixin that gives FAB's row actions the checks FAB leaves out."""
from flask import abort, g, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app.security import roles, scope

SCOPE_LABELS = {
    roles.SCOPE_OWN: _l("Own account and unit"),
    roles.SCOPE_SUBTREE: _l("Own unit and the units below it"),
    roles.SCOPE_PROVINCE: _l("The whole province"),
    roles.SCOPE_SYSTEM: _l("The whole system (technical administration)"),
}
RESOURCE_LABELS = {
    roles.UNIT: _l("Units"), roles.ACCOUNT: _l("Accounts"), roles.AUDIT_LOG: _l("Audit log"),
    roles.MY_ACCOUNT: _l("My account"), roles.ROLE: _l("Roles"),
    roles.OPENAPI: _l("REST API"), roles.SWAGGER: _l("REST API"),
    roles.RECORD: _l("Personal records"),
    roles.PROFILE: _l("Province profile"), roles.CATALOG: _l("Catalogs"),
    roles.NOTICE: _l("Notifications"),
    roles.APPROVAL: _l("Monthly approval"), roles.SIGNING: _l("Digital signatures"),
    roles.HIRING: _l("Hiring"), roles.DEADLINES: _l("Deadlines"), roles.CALENDAR: _l("Working-day calendar"),
    roles.REPORTS: _l("Search and reports"), roles.JOBS: _l("Scheduled jobs"),
    roles.SYNC: _l("National sync"),
    roles.TRANSFERS: _l("Transfers"), roles.LEAVERS: _l("Leavers and the archive"),
}


def describe_roles():
    """Each role with its scope and the Vietnamese description of its grants."""
    described = []
    for entry in roles.ROLE_CONFIGS:
        grants = sorted(roles.granted_permissions(entry["role"], scope.profile_rule))
        described.append({
            "name": entry["role"],
            "scope": SCOPE_LABELS[entry["scope"]],
            "grants": [(RESOURCE_LABELS[resource],
                        roles.ACTIONS.get(resource, {}).get(action, action))
                       for action, resource in grants],
        })
    return described


class RoleView(BaseView):
    route_base = "/roles"
    class_permission_name = roles.ROLE
    method_permission_name = {"list": "read"}
    base_permissions = roles.base_permissions(roles.ROLE)
    default_view = "list"

    @expose("/")
    @has_access
    def list(self):
        return self.render_template("security/roles.html", described=describe_roles())


class ScopedActionsMixin:
    """FAB's row actions, with the checks FAB leaves out.

    FAB's own ``action``/``action_post`` answer a refusal with a redirect and
    fetch rows without the view's base filters. Here: POST only (CSRF), 403
    without the action's permission, 404 for any row outside the user's
    scope for that action.
    """

    def _scoped_rows(self, name, pks):
        if name not in self.actions:
            abort(404)
        permission = self.get_action_permission_name(name)
        if not self.appbuilder.sm.has_access(permission, self.class_permission_name):
            abort(403)
        action_name = permission[len("can_"):]
        rows = [scope.get_or_404(self.datamodel.obj, pk, g.user, action_name) for pk in pks]
        if not rows:
            abort(400)
        return rows

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name, pk):
        rows = self._scoped_rows(name, [pk])
        return self.actions[name].func(rows[0])

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        name = request.form.get("action", "")
        rows = self._scoped_rows(name, request.form.getlist("rowid"))
        return self.actions[name].func(rows)
