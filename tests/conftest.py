"""Fixtures: a PostgreSQL database per run, apps built on it, users that log in."""
import os
import re
import tempfile

import pytest
from flask_appbuilder import Model
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

import config
from app import MIGRATIONS_DIR, create_app
from app.extensions import db
from app.application.roles_sync import sync_security
from tests import pgserver

TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
# keys of the tests' own, so that an app built as production passes the guard
TEST_RECORD_KEY = "L55OC7VU5M-SMGd8Hn41pSqfAg9QQcbRqA508Vbfv_0="
TEST_IDENTITY_HASH_KEY = "test-identity-hash-key-0123456789"
TEST_AUDIT_CHAIN_KEY = "test-audit-chain-key-0123456789"
# Tables whose rows are the schema's own furniture, kept between tests.
KEPT_TABLES = {"alembic_version", "ab_permission", "ab_view_menu",
               "ab_permission_view", "ab_role", "ab_permission_view_role",
               # append-only (a trigger refuses TRUNCATE); tests look at entries by id
               "audit_entry"}

_cluster = None


def pytest_report_header(config):
    return "PostgreSQL: %s" % _server_url_for_header()


def _server_url_for_header():
    url = os.environ.get("TEST_DATABASE_URL", pgserver.DEFAULT_SERVER_URL)
    return url if pgserver.server_answers(url) else "throwaway cluster (%s not answering)" % url


@pytest.fixture(scope="session")
def pg_server_url():
    """The URL of a PostgreSQL server's maintenance database."""
    global _cluster
    url = os.environ.get("TEST_DATABASE_URL", pgserver.DEFAULT_SERVER_URL)
    if pgserver.server_answers(url):
        pgserver.ensure_role(url, APP_ROLE)
        yield url
        return
    _cluster = pgserver.ThrowawayCluster().start()
    try:
        # what a deployment does once per server (docs/security.md); the migration
        # grants the role its rights in each database
        pgserver.ensure_role(_cluster.url, APP_ROLE)
        yield _cluster.url
    finally:
        _cluster.stop()


def migrate_to_head(database_url):
    # as the owner throughout: the app's role exists once the migrations made it
    app = create_app(environ=environ_for(database_url, DATABASE_URL=database_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        sync_security(app.appbuilder)
        db.session.remove()
        db.engine.dispose()
    return app


@pytest.fixture(scope="session")
def database_url(pg_server_url):
    """A fresh PostgreSQL database, migrated to head, dropped at the end."""
    url = pgserver.create_database(pg_server_url)
    try:
        migrate_to_head(url)
        yield url
    finally:
        pgserver.drop_database(pg_server_url, url)


# the tests' file store: a folder of their own, never the checkout's instance/
FILE_STORE_DIR = tempfile.mkdtemp(prefix="hoso-files-")
# the audit chain's anchors: a file of the run's own, never the checkout's instance/
AUDIT_ANCHOR_FILE = os.path.join(tempfile.mkdtemp(prefix="hoso-audit-"), "anchors.jsonl")
# the CAs the tests' signatures chain to (tests/approval adds its own; the demo its demo CA)
SIGNING_TRUST_FILE = os.path.join(tempfile.mkdtemp(prefix="hoso-signing-"), "trusted-ca.pem")


# The role the app connects as: it owns nothing and cannot rewrite the audit log (the
# migration d6f8b0c2e4a6 creates it); the suite's own URL is the schema owner's.
APP_ROLE = "hoso_app"


def app_role_url(owner_url):
    """The same database, as the app's role."""
    if not owner_url.startswith("postgres"):
        return owner_url
    return make_url(owner_url).set(username=APP_ROLE, password=None).render_as_string(
        hide_password=False)


def environ_for(database_url, **extra):
    """The app's settings on ``database_url`` (the owner's URL): the app connects as
    APP_ROLE and migrates as the owner, as a deployment does."""
    environ = {
        "HOSO_ENV": "test",
        "DATABASE_URL": app_role_url(database_url),
        "DATABASE_OWNER_URL": database_url if database_url.startswith("postgres") else "",
        "SECRET_KEY": TEST_SECRET_KEY,
        "RECORD_ENCRYPTION_KEYS": TEST_RECORD_KEY,
        "IDENTITY_HASH_KEY": TEST_IDENTITY_HASH_KEY,
        "FILE_STORE": "folder:" + FILE_STORE_DIR,
        "SIGNING_TRUST_FILE": SIGNING_TRUST_FILE,
        "AUDIT_CHAIN_KEY": TEST_AUDIT_CHAIN_KEY,
        "AUDIT_ANCHOR_FILE": AUDIT_ANCHOR_FILE,
        # mail off unless a test starts its own SMTP server (tests/smtp_server.py)
        "MAIL_SERVER": "",
    }
    if "DATABASE_URL" in extra and "DATABASE_OWNER_URL" not in extra:
        environ["DATABASE_OWNER_URL"] = ""   # another database: it migrates as itself
    environ.update(extra)
    return environ


@pytest.fixture(scope="session")
def run_smtp_server():
    """The run's real SMTP server (tests/smtp_server.py); tests use ``smtp_server``."""
    from tests.smtp_server import running_smtp_server

    with running_smtp_server() as server:
        yield server


@pytest.fixture
def smtp_server(run_smtp_server):
    """The run's SMTP server, emptied of what earlier tests sent."""
    run_smtp_server.clear()
    return run_smtp_server


@pytest.fixture(scope="session")
def soft_token(tmp_path_factory):
    """The run's one SoftHSM2 token, standing in for a USB token or an HSM
    (SoftHSM reads its configuration once per process: one token for all)."""
    from app.signing import softhsm

    return softhsm.init_token(str(tmp_path_factory.mktemp("softhsm")))


# Test accounts are hashed with one round of PBKDF2 instead of scrypt (~0.1 s a hash);
# only the tests set this, through create_app's overrides (the guard refuses it in
# production: tests/core/test_production_guard.py).
CHEAP_HASH = {"FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
              # what an unknown user name is checked against, as cheap
              "AUTH_DB_FAKE_PASSWORD_HASH_CHECK": "pbkdf2:sha256:1$hoso$5e5a3b3b0d8e"}
# Apps built in this run, by their settings: building one (FAB's views, the role sync)
# takes about a second, so every test asking for the same settings gets the same app.
# A production app is always built anew: building it is what the guard tests test.
_APPS = {}
MAX_CACHED_APPS = 8


def _freeze(mapping):
    return tuple(sorted((key, repr(value)) for key, value in (mapping or {}).items()))


def _dispose(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def build_app(database_url, overrides=None, **environ):
    """An app on the test database with the tests' settings: the run's cached one
    for these settings, or a new one (production, or settings not seen yet)."""
    settings = environ_for(database_url, **environ)
    if settings["HOSO_ENV"] == config.PRODUCTION:
        return create_app(overrides, environ=settings), False
    overrides = dict(CHEAP_HASH, **(overrides or {}))
    key = (_freeze(overrides), _freeze(settings))
    app = _APPS.get(key)
    if app is None:
        if len(_APPS) >= MAX_CACHED_APPS:
            _dispose(_APPS.pop(next(iter(_APPS))))
        app = _APPS[key] = create_app(overrides, environ=settings)
    else:
        _sync_roles_for(app, database_url)
    _ROLES_SYNCED_FOR[database_url] = _policy_of(app)
    return app, True


# database URL -> the policy (profile, overlays off) its role permissions were last
# synced for: some grants depend on the profile, and every app shares the database
_ROLES_SYNCED_FOR = {}


def _policy_of(app):
    return app.config["PROVINCE_PROFILE"], app.config["OVERLAYS_OFF"]


def _sync_roles_for(app, database_url):
    """Start-up syncs the roles to the app's profile; a cached app whose profile is
    not the database's current one syncs them again, as its start-up would."""
    if _ROLES_SYNCED_FOR.get(database_url) != _policy_of(app):
        with app.app_context():
            sync_security(app.appbuilder)
            db.session.remove()


@pytest.fixture
def make_app(database_url):
    """An app on the test database: make_app(HOSO_ENV="production", ...). What a test
    changes in a shared app's config is put back after it."""
    built = []

    def _make(overrides=None, **environ):
        app, shared = build_app(database_url, overrides, **environ)
        built.append((app, shared, dict(app.config)))
        return app

    yield _make
    for app, shared, settings in built:
        if shared:
            app.config.clear()
            app.config.update(settings)
            with app.app_context():
                db.session.remove()
        else:
            _dispose(app)


_OWNER_ENGINES = {}


def owner_engine(app):
    """An engine on the app's database as the schema's owner (the app's own role may
    not TRUNCATE, nor touch the audit log's triggers)."""
    url = app.config["DATABASE_OWNER_URL"] or app.config["SQLALCHEMY_DATABASE_URI"]
    engine = _OWNER_ENGINES.get(url)
    if engine is None:
        engine = _OWNER_ENGINES[url] = create_engine(url, poolclass=NullPool)
    return engine


def reset_data(app):
    """Empty every table but the schema's furniture (roles, permissions)."""
    with app.app_context():
        names = [t for t in Model.metadata.sorted_tables if t.name not in KEPT_TABLES]
        if db.engine.dialect.name == "postgresql":
            db.session.remove()
            with owner_engine(app).begin() as connection:
                connection.execute(text("TRUNCATE %s CASCADE" % ", ".join(
                    '"%s"' % t.name for t in names)))
            return
        for table in reversed(names):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


@pytest.fixture
def app(make_app):
    app = make_app()
    yield app
    reset_data(app)


@pytest.fixture
def client(app):
    return app.test_client()


def add_account(app, username, role=config.ROLE_ADMIN, password="Matkhau@2026",
                first_name="Hằng", last_name="Nguyễn Thị", unit_id=None, kind="staff",
                must_change_password=False):
    """An account made directly (past its first sign-in unless told); returns its id."""
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user(username=username, first_name=first_name, last_name=last_name,
                           email="%s@example.vn" % username, role=sm.find_role(role),
                           password=password)
        assert user, "could not create user %s" % username
        user.unit_id, user.kind = unit_id, kind
        user.must_change_password = must_change_password
        db.session.commit()
        user_id = user.id
        db.session.remove()
    return user_id


@pytest.fixture
def make_user(app):
    """make_user("quantri", role=config.ROLE_ADMIN) -> the new account's id."""

    def _make(username, **kwargs):
        return add_account(app, username, **kwargs)

    return _make


# FAB's forms write type before value; ours write name then value
CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_token(html):
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def login(client, username, password):
    page = client.get("/login/")
    return client.post(
        "/login/",
        data={"username": username, "password": password,
              "csrf_token": csrf_token(page.get_data(as_text=True))},
        follow_redirects=True,
    )


@pytest.fixture
def province(app):
    """The small province of tests/security/world.py, one account per role."""
    from tests.security import world

    return world.build(app)


@pytest.fixture
def hai_phong(make_app):
    """An app under the hai_phong profile, where unit officers create personal accounts."""
    from tests.security import world

    app = make_app(PROVINCE_PROFILE="hai_phong")
    yield app, world.build(app)
    reset_data(app)
