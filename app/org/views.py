"""Unit screens and the units REST resource (scoped like everything else)."""
from flask import g
from flask_appbuilder import ModelRestApi, ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.audit import services as audit
from app.core.exceptions import DomainError
from app.core.views import (
    AuditedApiReadsMixin, AuditedReadsMixin, DomainErrorsApiMixin, VietnameseFormatsMixin,
)
from app.extensions import db
from app.org import services
from app.org.models import Unit
from app.security import roles, scope

UNIT_LABELS = {"name": _l("Name"), "parent": _l("Parent unit"),
               "is_employing": _l("Employs staff and has a head")}
PERMISSIONS = {"list": "read", "show": "read", "add": "write", "edit": "write",
               "get": "read", "get_list": "read", "post": "write", "put": "write",
               "info": "read"}


class UnitWritesMixin:
    """The screen and the API save units through the same checks and audit."""

    def pre_add(self, item):
        _check_and_place(item, "write")
        audit.record("unit.create", item, unit_id=item.id, details={"name": item.name})

    def pre_update(self, item):
        if not scope.allows(g.user, "write", item):
            raise DomainError(str(_l("This unit is outside your scope.")))
        _check_and_place(item, "write")
        audit.record("unit.update", item, unit_id=item.id, details={"name": item.name})


def _check_and_place(unit, action_name):
    """Before FAB saves a unit: the parent must be in scope; the path follows it."""
    parent = unit.parent
    if parent is not None and not scope.allows(g.user, action_name, parent):
        raise DomainError(str(_l("The parent unit is outside your scope.")))
    if not (unit.name or "").strip():
        raise DomainError(str(_l("The unit's name is required.")))
    db.session.add(unit)
    db.session.flush()
    services.place(unit)


class UnitResource(UnitWritesMixin):
    """What the screen and the API of units declare alike."""

    datamodel = SQLAInterface(Unit)
    class_permission_name = roles.UNIT
    method_permission_name = PERMISSIONS
    base_permissions = roles.base_permissions(roles.UNIT)
    base_filters = [["id", scope.ScopeFilter, "read"]]
    label_columns = UNIT_LABELS


class UnitView(UnitResource, AuditedReadsMixin, VietnameseFormatsMixin, ModelView):
    route_base = "/units"
    include_route_methods = {"list", "show", "add", "edit"}
    list_title = _l("Units")
    show_title = _l("Unit")
    add_title = _l("Add unit")
    edit_title = _l("Edit unit")
    list_columns = ["name", "parent", "is_employing"]
    show_columns = ["name", "parent", "is_employing"]
    add_columns = edit_columns = ["name", "parent", "is_employing"]
    search_columns = ["name"]
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "parent": [["id", scope.ScopeFilter, "write"]]}


class UnitApi(UnitResource, DomainErrorsApiMixin, AuditedApiReadsMixin, ModelRestApi):
    resource_name = "unit"
    allow_browser_login = True
    # units are never deleted: dissolving one is a restructuring with history
    include_route_methods = {"get", "get_list", "post", "put", "info"}
    list_columns = ["id", "name", "parent_id", "is_employing"]
    show_columns = ["id", "name", "parent_id", "is_employing"]
    add_columns = edit_columns = ["name", "parent", "is_employing"]
    add_query_rel_fields = edit_query_rel_fields = {
        "parent": [["id", scope.ScopeFilter, "write"]]}
