"""The audit log, read-only for the roles the table grants it to."""
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.audit.labels import action_label, object_label
from app.audit.models import AuditEntry
from app.core.views import AuditedReadsMixin, VietnameseFormatsMixin
from app.security import roles, scope


class AuditLogView(AuditedReadsMixin, VietnameseFormatsMixin, ModelView):
    route_base = "/audit"
    datamodel = SQLAInterface(AuditEntry)
    class_permission_name = roles.AUDIT_LOG
    method_permission_name = {"list": "read", "show": "read"}
    base_permissions = roles.base_permissions(roles.AUDIT_LOG)
    include_route_methods = {"list", "show"}
    base_filters = [["id", scope.ScopeFilter, "read"]]
    base_order = ("id", "desc")
    list_title = _l("Audit log")
    show_title = _l("Audit entry")
    list_columns = ["at", "actor_username", "ip_address", "action", "object_type", "object_id"]
    show_columns = list_columns + ["unit_id", "details", "prev_hash", "hash"]
    search_columns = ["actor_username", "action", "object_type", "object_id", "at"]
    label_columns = {
        "at": _l("Time"), "actor_username": _l("By"), "ip_address": _l("From"),
        "action": _l("Action"), "object_type": _l("Object"), "object_id": _l("Object number"),
        "unit_id": _l("Unit number"), "details": _l("Details"), "prev_hash": _l("Previous hash"),
        "hash": _l("Hash"),
    }
    formatters_columns = {"action": action_label, "object_type": object_label}
