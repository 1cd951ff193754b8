"""Roles and permissions are synced from app.security.roles, once tables exist.

FAB's own start-up create_all is off (FAB_CREATE_DB=False): the schema belongs
to the migrations. Start-up syncs when migrations have run; `flask sync-roles`
does the same on demand (e.g. right after `flask db upgrade`).
"""
import logging

from flask_appbuilder.security.manager import BaseSecurityManager
from sqlalchemy import inspect

from app.extensions import db
from app.policy.profiles import rule
from app.security import roles


def security_tables_exist(appbuilder):
    return inspect(db.engine).has_table(appbuilder.sm.user_model.__tablename__)


def database_is_current():
    """Whether the database is migrated to the newest revision."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask import current_app

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) == set(script.get_heads())


def wanted_permissions(appbuilder, role_name):
    """The permission-view rows the table grants a role, menu entries included."""
    from app.application.menu import MENU_CATEGORIES, MENU_ENTRIES

    sm = appbuilder.sm
    granted = roles.granted_permissions(role_name, rule)
    wanted = {sm.add_permission_view_menu("can_" + action, resource)
              for action, resource in granted}
    for category, entries in MENU_CATEGORIES.items():
        visible = [name for name in entries
                   if (MENU_ENTRIES[name][1], MENU_ENTRIES[name][0]) in granted]
        for name in visible:
            wanted.add(sm.add_permission_view_menu("menu_access", name))
        if visible:
            wanted.add(sm.add_permission_view_menu("menu_access", category))
    return wanted


def sync_security(appbuilder):
    """Make the roles in the database exactly the table's; idempotent."""
    # BaseSecurityManager.create_db adds the admin and public roles; the SQLA
    # subclass's override would return early because FAB_CREATE_DB is False.
    # Its "no user yet, use flask fab" warning is wrong advice here: the
    # accounts come from seed-demo or the admin's own tools.
    sm = appbuilder.sm
    # as the table left them last time (FAB's add_permissions below hands every
    # permission to the admin role, which the loop then takes back)
    before = {role.name: {pv.id for pv in role.permissions} for role in sm.get_all_roles()}
    fab_logger = logging.getLogger("flask_appbuilder.security.manager")
    level = fab_logger.level
    fab_logger.setLevel(logging.ERROR)
    try:
        BaseSecurityManager.create_db(appbuilder.sm)
        appbuilder.add_permissions(update_perms=True)
    finally:
        fab_logger.setLevel(level)
    changed = {}
    for entry in roles.ROLE_CONFIGS:
        role = sm.find_role(entry["role"]) or sm.add_role(entry["role"])
        wanted = sorted(wanted_permissions(appbuilder, entry["role"]), key=lambda pv: pv.id)
        previous = before.get(role.name, set())
        if previous != {pv.id for pv in wanted}:
            changed[role.name] = {"before": len(previous), "after": len(wanted)}
        role.permissions = wanted
    # FAB's public role: the login page only, whatever was granted before
    public = sm.find_role(roles.ROLE_PUBLIC)
    if before.get(public.name):
        changed[public.name] = {"before": len(before[public.name]), "after": 0}
    public.permissions = []
    if changed:
        from app.audit import services as audit

        audit.record("role.sync", object_type="Role", details=changed)
    db.session.commit()


def sync_security_if_migrated(appbuilder):
    """At start-up; skipped before `flask db upgrade` has brought the schema to head."""
    if database_is_current():
        sync_security(appbuilder)
    db.session.remove()
