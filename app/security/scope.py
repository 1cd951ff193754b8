"""Row scope: the one place that decides which rows a user may touch.

``restrict(query, user, action)`` narrows any query of a scoped model to the
rows the user's roles reach for that action: own record, own unit subtree, the
province, or (for technical administration) everything. Every list, show,
edit, export, chart and API endpoint goes through it, through the FAB filter
``ScopeFilter`` or by calling it directly; ``allows()`` checks one object and
``get_or_404()`` fetches one for a view or an API.

Security is the lowest domain layer (docs/architecture.md): what it needs from
above comes through two hooks registered at start-up, the org tree's subtree
condition (``use_unit_subtree``, by app.org) and the province's rules
(``use_policy``, by app.policy).
"""
import functools

from flask import abort
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import false, or_, select

from app.extensions import db
from app.security import roles

# model class -> {scope: function(user) -> SQL condition or None (= every row)}
_SCOPED = {}
# the hooks' registered functions (see the module's docstring)
_HOOKS = {}
# ids are PostgreSQL integers: a larger one names no row (and must not reach the query)
MAX_ID = 2 ** 31 - 1


def use_unit_subtree(condition):
    """Register ``condition(unit_column, unit)``: the SQL condition "the unit in
    ``unit_column`` is ``unit`` or lies below it" (app.org registers it)."""
    _HOOKS["unit_subtree"] = condition


def use_policy(rule, profile_name):
    """Register the province's rules: ``rule(key)`` and ``profile_name()`` of the
    active profile (app.policy registers them); some grants depend on them."""
    _HOOKS["rule"], _HOOKS["profile_name"] = rule, profile_name


def _hook(name):
    try:
        return _HOOKS[name]
    except KeyError:
        raise RuntimeError("scope: no %s registered; create_app() registers it" % name)


def profile_rule(key):
    """The active profile's rule ``key``, through the registered policy."""
    return _hook("rule")(key)


def unit_subtree(model, column_name):
    """The scope rule "rows whose unit lies in the user's unit subtree"."""

    def rule(user):
        if user.unit is None:
            return false()
        return _hook("unit_subtree")(getattr(model, column_name), user.unit)

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


@functools.lru_cache(maxsize=256)
def _role_grants(role_name, profile_name):
    """(scope, granted pairs) of a role under a profile; both are fixed tables."""
    config = roles.role_config(role_name)
    if config is None:
        return None, frozenset()
    return config["scope"], frozenset(roles.granted_permissions(role_name, profile_rule))


def user_scopes(user, action, resource):
    """The scopes through which the user's roles grant action on resource."""
    scopes = set()
    if user is None or not getattr(user, "is_authenticated", False):
        return scopes
    if getattr(user, "access_restricted", False) and not roles.allowed_when_restricted(
            action, resource):
        return scopes
    profile = _hook("profile_name")()
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
    model = type(obj)
    query = select(model.id).where(model.id == obj.id)
    return db.session.scalar(restrict(query, user, action, model=model)) is not None


def as_id(value):
    """``value`` as a row id, or None when it cannot be one (text, negative, too large)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def get_in_scope(model, pk, user, action="read"):
    """The row of ``model`` with id ``pk`` if ``user`` may ``action`` it, else None."""
    pk = as_id(pk)
    if pk is None:
        return None
    query = restrict(select(model).where(model.id == pk), user, action, model=model)
    return db.session.scalar(query)


def get_or_404(model, pk, user, action="read"):
    """The row of ``model`` with id ``pk`` for a view or an API: 404 when it does not
    exist and when it lies outside the user's scope for ``action``, so that a guessed
    id tells nothing."""
    row = get_in_scope(model, pk, user, action)
    if row is None:
        abort(404)
    return row



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

