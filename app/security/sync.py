"""Roles and permissions are synced explicitly, once the tables exist.

FAB's own start-up create_all is off (FAB_CREATE_DB=False): the schema belongs
to the migrations. Start-up syncs when migrations have run; `flask sync-roles`
does the same on demand (e.g. right after `flask db upgrade`).
"""
import logging

from flask_appbuilder.security.manager import BaseSecurityManager
from sqlalchemy import inspect

from app.extensions import db


def security_tables_exist(appbuilder):
    return inspect(db.engine).has_table(appbuilder.sm.user_model.__tablename__)


def sync_security(appbuilder):
    """Create the built-in roles and every view's permissions; idempotent."""
    # BaseSecurityManager.create_db adds the admin and public roles; the SQLA
    # subclass's override would return early because FAB_CREATE_DB is False.
    # Its "no user yet, use flask fab" warning is wrong advice here: the
    # accounts come from seed-demo or the admin's own tools.
    fab_logger = logging.getLogger("flask_appbuilder.security.manager")
    level = fab_logger.level
    fab_logger.setLevel(logging.ERROR)
    try:
        BaseSecurityManager.create_db(appbuilder.sm)
    finally:
        fab_logger.setLevel(level)
    appbuilder.add_permissions(update_perms=True)
    db.session.commit()


def sync_security_if_migrated(appbuilder):
    if security_tables_exist(appbuilder):
        sync_security(appbuilder)
    db.session.remove()
