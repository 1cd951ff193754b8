"""The schema is what the migrations make, on PostgreSQL and on SQLite alike."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_appbuilder import Model
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

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


def test_the_facts_take_each_approved_versions_completeness(empty_database):
    """c0e2a4b6d8f1 copies the completeness of each fact's version into the fact (and
    leaves it empty for a person with nothing approved), on both databases."""
    flask_app = create_app(environ=environ_for(empty_database))
    engine = create_engine(config.normalize_database_url(empty_database))
    try:
        with flask_app.app_context():
            upgrade(directory=MIGRATIONS_DIR, revision="b9d1f3a5c7e9")
            with engine.begin() as connection:
                for statement in (
                        "INSERT INTO org_unit (id, name, path, is_employing, unit_type, "
                        "search_name, version) VALUES (1, 'Sở', '/1/', TRUE, 'so', 'so', 1)",
                        "INSERT INTO employee (id, full_name, category, unit_id, status) "
                        "VALUES (1, 'An', 'cong_chuc', 1, 'dang_cong_tac'), "
                        "(2, 'Bình', 'cong_chuc', 1, 'dang_cong_tac')",
                        "INSERT INTO record_version (id, employee_id, number, status, content, "
                        "lock, completeness, created_at, updated_at) VALUES (1, 1, 1, "
                        "'approved', '{}', 0, 85, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                        "INSERT INTO report_fact (employee_id, version_id, unit_id, unit_path, "
                        "category, status, party_member, refreshed_at) VALUES "
                        "(1, 1, 1, '/1/', 'cong_chuc', 'dang_cong_tac', FALSE, "
                        "CURRENT_TIMESTAMP), (2, NULL, 1, '/1/', 'cong_chuc', "
                        "'dang_cong_tac', FALSE, CURRENT_TIMESTAMP)"):
                    connection.execute(text(statement))
            upgrade(directory=MIGRATIONS_DIR)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT employee_id, completeness FROM report_fact"))
            assert {row[0]: row[1] for row in rows} == {1: 85, 2: None}
    finally:
        engine.dispose()
