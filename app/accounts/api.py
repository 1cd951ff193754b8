"""Accounts over REST: read-only, in the same scope and with the same audit as
the account screens."""
from flask_appbuilder import ModelRestApi
from flask_appbuilder.models.sqla.interface import SQLAInterface

from app.accounts.models import Account
from app.audit.views import AuditedApiReadsMixin
from app.core.views import FilterErrorsApiMixin
from app.security import roles, scope


class AccountApi(FilterErrorsApiMixin, AuditedApiReadsMixin, ModelRestApi):
    """Accounts over REST, read-only, in the same scope as the screens."""

    resource_name = "account"
    datamodel = SQLAInterface(Account)
    class_permission_name = roles.ACCOUNT
    method_permission_name = {"get": "read", "get_list": "read", "info": "read"}
    include_route_methods = {"get", "get_list", "info"}
    base_permissions = roles.base_permissions(roles.ACCOUNT)
    allow_browser_login = True
    base_filters = [["id", scope.ScopeFilter, "read"]]
    audit_object_type = "Account"
    list_columns = ["id", "username", "last_name", "first_name", "unit_id", "kind", "status",
                    "access_restricted", "access_expires_on"]
    show_columns = list_columns + ["email", "must_change_password", "last_login"]
    search_columns = ["username", "last_name", "first_name", "unit_id", "kind", "status"]
