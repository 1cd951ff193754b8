"""Databases of the deploy tests' own: these tests migrate, sync and start servers on
a database nobody else's tests use, so the run's shared database is never touched."""
import contextlib
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app import MIGRATIONS_DIR, create_app
from app.extensions import db
from tests import pgserver
from tests.conftest import environ_for

# what changes a database (rows, schema or rights)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|CREATE|ALTER|DROP|GRANT|REVOKE)\b",
                   re.IGNORECASE)
ADVISORY_LOCK = "pg_advisory_xact_lock"


@pytest.fixture
def fresh_database(pg_server_url):
    """fresh_database() -> the URL of a new, empty database, dropped after the test."""
    made = []

    def _make():
        made.append(pgserver.create_database(pg_server_url, prefix="hoso_deploy"))
        return made[-1]

    yield _make
    for url in made:
        pgserver.drop_database(pg_server_url, url)


def migrate_only(database_url):
    """The schema at the newest migration, and nothing else: the roles not synced, no
    catalog (a release's first start before anything synced)."""
    app = create_app(environ=environ_for(database_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        db.session.remove()
    dispose(app)


def dispose(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@contextlib.contextmanager
def statements():
    """Every SQL statement this process sends while the block runs, in order."""
    seen = []

    def record(connection, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def writes(seen):
    return [statement for statement in seen if WRITE.match(statement)]
