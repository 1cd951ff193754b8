"""Roles, read-only: what each of the five roles may do, in Vietnamese."""
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app.policy.profiles import rule
from app.security import roles

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
}


def describe_roles():
    """Each role with its scope and the Vietnamese description of its grants."""
    described = []
    for entry in roles.ROLE_CONFIGS:
        grants = sorted(roles.granted_permissions(entry["role"], rule))
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
        return self.render_template("hoso/roles.html", described=describe_roles())
