"""The units REST resource: the same scope, checks and audit as the unit screens
(org.views.UnitResource)."""
from flask_appbuilder import ModelRestApi

from app.audit.views import AuditedApiReadsMixin
from app.core.views import DomainErrorsApiMixin
from app.org.views import OpenUnitsFilter, UnitResource
from app.security import scope


class UnitApi(UnitResource, DomainErrorsApiMixin, AuditedApiReadsMixin, ModelRestApi):
    resource_name = "unit"
    allow_browser_login = True
    # units are never deleted: dissolving one is a restructuring with history
    include_route_methods = {"get", "get_list", "post", "put", "info"}
    list_columns = show_columns = ["id", "name", "unit_type", "code", "parent_id",
                                   "is_employing", "valid_from", "valid_to", "successor_id"]
    add_columns = ["name", "parent", "unit_type", "is_employing", "code", "valid_from"]
    # a parent sent here is refused with the reason (a move is a restructuring)
    edit_columns = ["name", "parent", "unit_type", "is_employing", "code"]
    add_query_rel_fields = {"parent": [["id", scope.ScopeFilter, "write"],
                                       ["valid_to", OpenUnitsFilter, None]]}
