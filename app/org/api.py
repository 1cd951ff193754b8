"""The units REST resource: the same scope, checks and audit as the unit screens
(org.views.UnitResource)."""
from flask import request
from flask_appbuilder import ModelRestApi
from flask_babel import gettext as _

from app.audit.views import AuditedApiReadsMixin
from app.core.views import DomainErrorsApiMixin, FilterErrorsApiMixin, api_error
from app.org.views import OpenUnitsFilter, UnitResource
from app.security import scope


class UnitApi(UnitResource, FilterErrorsApiMixin, DomainErrorsApiMixin, AuditedApiReadsMixin,
              ModelRestApi):
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

    # the related rows the body names by id (marshmallow-sqlalchemy would build a Unit
    # from an object sent there, or query with a boolean or an id beyond the column)
    related_keys = ("parent",)

    def _bad_keys(self):
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return None            # Flask-AppBuilder answers that one itself (400)
        errors = {}
        for name in self.related_keys:
            value = body.get(name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or scope.as_id(value) is None:
                errors[name] = [_("Give the id of a unit (a whole number).")]
        if errors:
            return api_error("%s (%s)" % (_("The data sent is not valid; nothing was saved."),
                                          ", ".join(sorted(errors))), 422, errors=errors)
        return None

    def post_headless(self):
        return self._bad_keys() or super().post_headless()

    def put_headless(self, pk):
        return self._bad_keys() or super().put_headless(pk)
