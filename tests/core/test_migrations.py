"""The schema is what the migrations make, on PostgreSQL and on SQLite alike."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_appbuilder import Model
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

import app.models  # noqa: F401
import config
from app import MIGRATIONS_DIR, create_app
from tests import pgserver
from tests.conftest import environ_for

# SQLite cannot reflect the PostgreSQL-only expression indexes; _made_on leaves them out
pytestmark = pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index")


def _made_on(dialect):
    """Leave out of the comparison what the models create only on another database
    (``Index(...).ddl_if(dialect=...)``)."""

    def include(obj, name, type_, reflected, compare_to):
        condition = getattr(obj, "_ddl_if", None)
        return reflected or condition is None or condition.dialect in (None, dialect)

    return include


def _drift(url):
    engine = create_engine(config.normalize_database_url(url))
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": _made_on(engine.dialect.name)})
        diff = compare_metadata(context, Model.metadata)
    engine.dispose()
    return diff


def _tables(url):
    engine = create_engine(config.normalize_database_url(url))
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


@pytest.fixture(params=["postgresql", "sqlite"])
def empty_database(request, pg_server_url, tmp_path):
    if request.param == "sqlite":
        yield "sqlite:///%s" % (tmp_path / "fresh.db")
        return
    url = pgserver.create_database(pg_server_url, prefix="hoso_migrations")
    yield url
    pgserver.drop_database(pg_server_url, url)


def test_migrations_build_exactly_the_models_schema(empty_database):
    flask_app = create_app(environ=environ_for(empty_database))
    with flask_app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
    tables = _tables(empty_database)
    assert {"ab_user", "ab_role", "system_flag", "alembic_version"} <= tables
    assert _drift(empty_database) == [], "a model changed without a migration"


def test_migrations_go_down_to_nothing_and_up_again(empty_database):
    flask_app = create_app(environ=environ_for(empty_database))
    with flask_app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        downgrade(directory=MIGRATIONS_DIR, revision="base")
        assert _tables(empty_database) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS_DIR)
    assert _drift(empty_database) == []


def test_the_app_starts_on_an_unmigrated_database(empty_database):
    """`flask db upgrade` must be able to build the app before any table exists."""
    flask_app = create_app(environ=environ_for(empty_database))
    assert flask_app.appbuilder is not None
    assert _tables(empty_database) == set()
