"""Row scope: the one place that decides which rows a user may touch.

``restrict(query, user, action)`` narrows any query of a scoped model to the
rows the user's roles reach for that action: own record, own unit subtree, the
province, or (for technical administration) everything. Every list, show,
edit, export, chart and API endpoint goes through it, through the FAB filter
``ScopeFilter`` or by calling it directly; ``allows()`` checks one object.
"""
import functools

from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import false, or_

from app.security import roles

# model class -> {scope: function(user) -> SQL condition or None (= every row)}
_SCOPED = {}


def unit_subtree(model, column_name):
    """The scope rule "rows whose unit lies in the user's unit subtree"."""

    def rule(user):
        from app.org.services import subtree_condition

        if user.unit is None:
            return false()
        return subtree_condition(getattr(model, column_name), user.unit)

    return rule


def scoped(resource, own, subtree, province=None, system=None):
    """Declare how rows of a model are scoped (a class decorator).

    ``subtree`` is a rule, or the name of the model's unit column.
    """

    def register(model):
        nonlocal subtree
        if isinstance(subtree, str):
            subtree = unit_subtree(model, subtree)
        model.__scope_resource__ = resource
        _SCOPED[model] = {
            roles.SCOPE_OWN: own,
            roles.SCOPE_SUBTREE: subtree,
            roles.SCOPE_PROVINCE: province or (lambda user: None),
            roles.SCOPE_SYSTEM: system or province or (lambda user: None),
        }
        return model

    return register


def _profile_rule(key):
    from app.policy.profiles import rule

    return rule(key)


def _profile_name():
    from app.policy.profiles import active_profile

    return active_profile()["name"]


@functools.lru_cache(maxsize=256)
def _role_grants(role_name, profile_name):
    """(scope, granted pairs) of a role under a profile; both are fixed tables."""
    config = roles.role_config(role_name)
    if config is None:
        return None, frozenset()
    return config["scope"], frozenset(roles.granted_permissions(role_name, _profile_rule))


def user_scopes(user, action, resource):
    """The scopes through which the user's roles grant action on resource."""
    scopes = set()
    if user is None or not getattr(user, "is_authenticated", False):
        return scopes
    if getattr(user, "access_restricted", False) and not roles.allowed_when_restricted(
            action, resource):
        return scopes
    profile = _profile_name()
    for role in getattr(user, "roles", []) or []:
        scope, granted = _role_grants(role.name, profile)
        if (action, resource) in granted:
            scopes.add(scope)
    return scopes


def condition(model, user, action):
    """SQL condition for the rows of ``model`` the user may ``action``."""
    rules = _SCOPED[model]
    conditions = []
    for scope in user_scopes(user, action, model.__scope_resource__):
        cond = rules[scope](user)
        if cond is None:
            return None  # one scope reaches every row
        conditions.append(cond)
    if not conditions:
        return false()
    return or_(*conditions)


def restrict(query, user, action, model=None):
    """``query`` narrowed to what ``user`` may ``action`` (legacy Query or select)."""
    if model is None:
        model = query.column_descriptions[0]["entity"]
    cond = condition(model, user, action)
    return query if cond is None else query.filter(cond)


def allows(user, action, obj):
    """Whether ``user`` may ``action`` this one object."""
    from app.extensions import db

    model = type(obj)
    query = db.session.query(model.id).filter(model.id == obj.id)
    return restrict(query, user, action, model=model).first() is not None



class ScopeFilter(BaseFilter):
    """FAB base filter applying restrict() for the current user.

    Set on a view as ``base_filters = [["id", ScopeFilter, "read"]]``: FAB
    applies base filters to list, show, edit, delete, download and the REST
    API's get / put / delete, so an out-of-scope row is simply not there.
    """

    name = "scope"
    arg_name = "scope"

    def apply(self, query, value):
        from flask import g

        return restrict(query, getattr(g, "user", None), value or "read",
                        model=self.datamodel.obj)

