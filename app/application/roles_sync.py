"""Roles and permissions are synced from app.security.roles, once tables exist.

FAB's own start-up create_all is off (FAB_CREATE_DB=False): the schema belongs
to the migrations. `flask deploy` (and `flask sync-roles` on demand) syncs. At
start-up, a database at the newest migration whose roles already match the
table is only read; otherwise the sync runs under a PostgreSQL advisory lock,
so that processes starting together (gunicorn's workers, several servers) take
turns and the later ones find nothing left to do.
"""
import logging
from contextlib import contextmanager

from flask_appbuilder.security.manager import BaseSecurityManager
from sqlalchemy import inspect, select, text

from app.accounts.security_manager import permissions_changed
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


def wanted_pairs(role_name):
    """The (permission, view) names the table grants a role, menu entries included."""
    from app.application.menu import MENU_CATEGORIES, MENU_ENTRIES

    granted = roles.granted_permissions(role_name, rule)
    wanted = {("can_" + action, resource) for action, resource in granted}
    for category, entries in MENU_CATEGORIES.items():
        visible = [name for name in entries
                   if (MENU_ENTRIES[name][1], MENU_ENTRIES[name][0]) in granted]
        for name in visible:
            wanted.add(("menu_access", name))
        if visible:
            wanted.add(("menu_access", category))
    return wanted


def wanted_permissions(appbuilder, role_name):
    """The permission-view rows the table grants a role (made when missing)."""
    sm = appbuilder.sm
    return {sm.add_permission_view_menu(permission, view)
            for permission, view in wanted_pairs(role_name)}


def _fab_pairs(appbuilder):
    """What FAB's add_permissions keeps: each view's permissions, each menu entry's access."""
    views = {view.class_permission_name: set(view.base_permissions or ())
             for view in appbuilder.baseviews}
    menus = set()
    for category in appbuilder.menu.get_list() if appbuilder.menu else ():
        menus.add(category.name)
        menus.update(item.name for item in category.childs if item.name != "-")
    return views, menus


def security_in_sync(appbuilder):
    """Whether sync_security would change nothing; reads only (three statements)."""
    sm = appbuilder.sm
    role, pv = sm.role_model, sm.permissionview_model
    permission, view = sm.permission_model, sm.viewmenu_model
    granted = {}
    for role_name, permission_name, view_name in db.session.execute(
            select(role.name, permission.name, view.name).select_from(role)
            .outerjoin(role.permissions)
            .outerjoin(permission, pv.permission_id == permission.id)
            .outerjoin(view, pv.view_menu_id == view.id)):
        pairs = granted.setdefault(role_name, set())
        if permission_name and view_name:
            pairs.add((permission_name, view_name))
    if sm.auth_role_admin not in granted or roles.ROLE_PUBLIC not in granted:
        return False           # FAB's own two roles are missing
    if granted[roles.ROLE_PUBLIC]:
        return False           # the public role grants nothing
    if any(granted.get(entry["role"]) != wanted_pairs(entry["role"])
           for entry in roles.ROLE_CONFIGS):
        return False
    existing = {}
    for permission_name, view_name in db.session.execute(
            select(permission.name, view.name).select_from(pv)
            .join(permission, pv.permission_id == permission.id)
            .join(view, pv.view_menu_id == view.id)):
        existing.setdefault(view_name, set()).add(permission_name)
    view_names = set(db.session.scalars(select(view.name)))
    views, menus = _fab_pairs(appbuilder)
    if not set(views) | menus <= view_names:
        return False
    # FAB adds a view's missing permissions and deletes the others (but a menu entry's
    # access, added back right after, where a menu entry has the view's name)
    if any(existing.get(name, set()) - ({"menu_access"} if name in menus else set()) != wanted
           for name, wanted in views.items()):
        return False
    return all("menu_access" in existing.get(name, ()) for name in menus)


# The advisory lock of the start-up's and the deploy's writes ("HoSo-up" in ASCII); the
# audit log's appends take AUDIT_LOCK_KEY (app/audit/services.py), inside the sync.
STARTUP_LOCK_KEY = int.from_bytes(b"HoSo-up", "big")


@contextmanager
def startup_lock():
    """One process at a time, on PostgreSQL, until the block ends: the lock is held by
    a transaction on a connection of its own (the sync commits several times on the
    session's), so it ends with the block, or with the process. SQLite: no lock."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    with db.engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                           {"key": STARTUP_LOCK_KEY})
        try:
            yield
        finally:
            connection.rollback()


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
    # what this process keeps of the roles' permissions is read again (other processes
    # see the change within PERMISSIONS_RECHECK_SECONDS)
    permissions_changed()


def sync_security_if_needed(appbuilder, lock=True):
    """Sync unless the roles already match the table; True when it synced. ``lock``:
    take the start-up lock for the sync (False: the caller holds it)."""
    if security_in_sync(appbuilder):
        db.session.rollback()
        return False
    # nothing of this transaction is held while waiting: a deploy holding the lock
    # may be migrating these very tables
    db.session.rollback()
    if not lock:
        sync_security(appbuilder)
        return True
    with startup_lock():
        # another process may have synced while this one waited
        if security_in_sync(appbuilder):
            db.session.rollback()
            return False
        sync_security(appbuilder)
        return True


def sync_security_if_migrated(appbuilder):
    """At start-up; skipped before `flask db upgrade` has brought the schema to head,
    and read-only when the roles already match the table (after `flask deploy`)."""
    try:
        if database_is_current():
            sync_security_if_needed(appbuilder)
    finally:
        db.session.remove()
