"""The audit log, read-only for the roles the table grants it to; and the mixins
that make any model view or REST API audit its reads."""
import copy

from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.audit import services as audit
from app.audit.labels import action_label, object_label
from app.audit.models import AuditEntry
from app.core.dates import format_moments_in
from app.core.transactions import commit_read
from app.core.views import VietnameseFormatsMixin
from app.security import roles, scope


class _AuditedReads:
    """``audit_object_type`` names the object in the log (e.g. "Account")."""

    audit_object_type = None

    def _record_read(self, kind, object_id=None):
        """One entry "<type>.<kind>" (list or read), committed on its own, the rows the
        page shows kept loaded (core.transactions.commit_read)."""
        object_type = self.audit_object_type or self.datamodel.obj.__name__
        audit.record("%s.%s" % (object_type.lower(), kind), object_type=object_type,
                     object_id=object_id)
        commit_read()


class AuditedReadsMixin(_AuditedReads):
    """Every list and every show of a model view leaves an audit entry.

    The relations a list shows (a unit's parent, an account's unit and roles) are
    loaded with the page, one statement per relation, not one per row: FAB's list
    query loads only the rows, and the list would then load each row's relations
    alone."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        relations = [column for column in self.list_columns
                     if self.datamodel.is_relation(column)]
        if relations:
            self.datamodel = _loading_relations(self.datamodel, relations)

    def _list(self, **kwargs):
        widgets = super()._list(**kwargs)
        self._record_read("list")
        return widgets

    def _show(self, pk):
        widgets = super()._show(pk)
        self._record_read("read", pk)
        return widgets


def _loading_relations(datamodel, relations):
    """A copy of the view's datamodel (others may share it) whose list query also
    loads ``relations`` of the rows it returns."""
    loading = copy.copy(datamodel)
    rows_only = datamodel.query

    def query(*args, **kwargs):
        count, items = rows_only(*args, **kwargs)
        audit.load_relations(datamodel.obj, items, relations)
        return count, items

    loading.query = query
    return loading


class AuditedApiReadsMixin(_AuditedReads):
    """The REST API's get and list leave the same audit entries as the views."""

    def pre_get(self, data):
        self._record_read("read", data.get("id"))

    def pre_get_list(self, data):
        self._record_read("list")


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
    # moments kept in an entry's details (ISO 8601, mostly UTC) in the province's time
    formatters_columns = {"action": action_label, "object_type": object_label,
                          "details": format_moments_in}
