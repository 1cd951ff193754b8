"""The units REST resource: the same scope, checks and audit as the unit screens
(org.views.UnitResource)."""
from flask import g, request
from flask_appbuilder import ModelRestApi
from flask_babel import gettext as _

from app.audit.views import AuditedApiReadsMixin
from app.core.exceptions import DomainError
from app.core.views import DomainErrorsApiMixin, FilterErrorsApiMixin, api_error
from app.extensions import db
from app.org import services
from app.org.views import OpenUnitsFilter, UnitResource
from app.security import scope


class _Refused(Exception):
    """A PUT refused before its checks run, answered with ``status``: it passes
    DomainErrorsApiMixin (which answers every DomainError with a 422)."""

    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


class UnitApi(UnitResource, FilterErrorsApiMixin, DomainErrorsApiMixin, AuditedApiReadsMixin,
              ModelRestApi):
    resource_name = "unit"
    allow_browser_login = True
    # units are never deleted: dissolving one is a restructuring with history
    include_route_methods = {"get", "get_list", "post", "put", "info"}
    # ``version``: what a PUT sends back, so that it cannot overwrite a change made since
    list_columns = show_columns = ["id", "name", "unit_type", "code", "parent_id",
                                   "is_employing", "valid_from", "valid_to", "successor_id",
                                   "version"]
    add_columns = ["name", "parent", "unit_type", "is_employing", "code", "valid_from"]
    # a parent sent here is refused with the reason (a move is a restructuring)
    edit_columns = ["name", "parent", "unit_type", "is_employing", "code", "version"]
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
        refusal = self._bad_keys()
        if refusal is not None:
            return refusal
        # Flask-AppBuilder fills what the body leaves out from the stored row, the version
        # included, and in the body's own dict: what the client sent is kept before that
        body = request.get_json(silent=True)
        g.unit_version_sent = isinstance(body, dict) and "version" in body
        try:
            return super().put_headless(pk)
        except _Refused as refused:
            db.session.rollback()
            return api_error(str(refused), refused.status)

    def pre_update(self, item):
        """A PUT names the version of the unit it read (``version``, from a GET):
        without it 400; when the unit changed since, 409 and nothing is saved
        (org.services.require_unchanged locks the row and compares)."""
        # a version that is not a whole number the schema has refused already (422)
        if not g.get("unit_version_sent"):
            raise _Refused(_("Send the version of the unit you read (\"version\", as a GET "
                             "shows it); nothing was saved."), 400)
        try:
            services.require_unchanged(item)
        except DomainError:
            raise _Refused(_("Someone changed this unit after you read it; nothing was saved. "
                             "Read it again, then send your change with the version it "
                             "shows now."), 409) from None
        super().pre_update(item)
