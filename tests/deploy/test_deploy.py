"""`flask deploy`, the release's one step (migrations, roles, catalogs), and a start-up
that never races: on a deployed database it only reads; otherwise it syncs under the
start-up lock, one process at a time."""
import threading
import time
from contextlib import contextmanager

from flask_appbuilder import Model
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

import config
from app import create_app
from app.application.roles_sync import STARTUP_LOCK_KEY, security_in_sync
from app.audit.models import AuditEntry
from app.extensions import db
from tests.conftest import environ_for
from tests.deploy.conftest import ADVISORY_LOCK, dispose, migrate_only, statements, writes


@contextmanager
def _connection(database_url):
    """A connection of its own (no pool), closed with its engine."""
    engine = create_engine(config.normalize_database_url(database_url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _snapshot(database_url):
    """Every table's row count, the schema's revision and the audit log's last id."""
    with _connection(database_url) as connection:
        counts = {table.name: connection.scalar(select(func.count()).select_from(table))
                  for table in Model.metadata.sorted_tables}
        revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
        last_entry = connection.scalar(select(func.max(AuditEntry.id)))
    return counts, revision, last_entry


def _vacuumed(database_url):
    """The reporting tables a VACUUM ANALYZE has run on."""
    with _connection(database_url) as connection:
        return set(connection.scalars(text(
            "SELECT relname FROM pg_stat_user_tables WHERE relname LIKE 'report_fact%' "
            "AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL")))


def _actions(app):
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        db.session.remove()
    return actions


def test_deploy_migrates_syncs_and_loads_then_a_second_run_changes_nothing(fresh_database):
    url = fresh_database()
    # an empty database: the start-up finds no schema and does nothing
    app = create_app(environ=environ_for(url))
    try:
        runner = app.test_cli_runner()
        first = runner.invoke(args=["deploy"])
        assert first.exit_code == 0, first.output
        counts, revision, _last = _snapshot(url)
        assert revision and counts["ab_permission_view_role"] > 0
        assert counts["catalog_entry"] > 1000          # the communes among them
        assert _actions(app).count("role.sync") == 1
        assert _actions(app).count("catalog.load") == 1
        # the migrations rewrote the facts' tables: their statistics refreshed after them
        assert _vacuumed(url) == {"report_fact", "report_fact_quality"}, first.output
        with app.app_context():
            assert security_in_sync(app.appbuilder)
            db.session.remove()
        before = _snapshot(url)
        with statements() as seen:
            second = runner.invoke(args=["deploy"])
        assert second.exit_code == 0, second.output
        assert writes(seen) == []
        assert _snapshot(url) == before
        # "0 entries added", in Vietnamese
        assert "thêm 0 mục" in second.output
    finally:
        dispose(app)


def test_a_start_on_a_deployed_database_only_reads(fresh_database):
    url = fresh_database()
    app = create_app(environ=environ_for(url))
    assert app.test_cli_runner().invoke(args=["deploy"]).exit_code == 0
    dispose(app)
    with statements() as seen:
        started = create_app(environ=environ_for(url))
    try:
        assert writes(seen) == []
        assert not [s for s in seen if ADVISORY_LOCK in s]     # nothing to sync: no lock
        assert len(seen) <= 6
    finally:
        dispose(started)


def test_a_start_that_must_sync_waits_for_the_lock_and_syncs_once(fresh_database):
    """Another process holds the start-up lock (a deploy, or a worker syncing): this
    start waits for it; once it is free, it syncs the roles, and the next start finds
    nothing to do."""
    url = fresh_database()
    migrate_only(url)
    holder = create_engine(config.normalize_database_url(url), poolclass=NullPool)
    started = {}

    def start():
        with statements() as seen:
            started["app"] = create_app(environ=environ_for(url))
        started["statements"] = seen

    try:
        with holder.connect() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": STARTUP_LOCK_KEY})
            thread = threading.Thread(target=start, daemon=True)
            thread.start()
            deadline = time.monotonic() + 30
            while not _someone_waits_for_the_lock(connection):
                assert time.monotonic() < deadline, "the start-up never asked for the lock"
                assert thread.is_alive(), "the start-up did not wait for the lock"
                time.sleep(0.1)
            time.sleep(0.5)
            assert thread.is_alive()        # still waiting while the lock is held
            connection.rollback()           # the lock is free
        thread.join(timeout=60)
        assert not thread.is_alive(), "the start-up did not finish once the lock was free"
        app = started["app"]
        assert any(ADVISORY_LOCK in s for s in started["statements"])
        assert writes(started["statements"])               # it synced
        assert _actions(app).count("role.sync") == 1
        dispose(app)
        with statements() as seen:
            again = create_app(environ=environ_for(url))
        assert writes(seen) == [] and _actions(again).count("role.sync") == 1
        dispose(again)
    finally:
        holder.dispose()


def test_the_start_up_lock_is_not_the_audit_logs():
    """The sync writes an audit entry, which takes the audit log's lock inside the
    start-up's: one key for both would wait for itself."""
    from app.audit.services import AUDIT_LOCK_KEY

    assert STARTUP_LOCK_KEY != AUDIT_LOCK_KEY


def _someone_waits_for_the_lock(connection):
    # the lock's two 32-bit halves are classid (high) and objid (low)
    return connection.scalar(text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND objid = :low AND classid = :high"),
        {"low": STARTUP_LOCK_KEY & 0xFFFFFFFF, "high": STARTUP_LOCK_KEY >> 32}) > 0
