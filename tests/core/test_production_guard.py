"""Production refuses development shortcuts: default key, demo data, demo accounts."""
import os
import subprocess
import sys
import tempfile

import pytest

import config
from app.application.demo import DEMO_LOADED_FLAG
from app.application.guard import ProductionGuardError
from app.core.models import SystemFlag
from app.extensions import db
from tests.conftest import TEST_SECRET_KEY, environ_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# production trusts the province's CAs only (the tests' shared trust file holds the
# demo CA once a test has loaded the demo)
PRODUCTION_TRUST = os.path.join(tempfile.mkdtemp(prefix="hoso-trust-"), "trusted-ca.pem")


def _refusal(make_app, **environ):
    environ.setdefault("SIGNING_TRUST_FILE", PRODUCTION_TRUST)
    with pytest.raises(ProductionGuardError) as raised:
        make_app(HOSO_ENV="production", **environ)
    return raised.value


def test_production_with_a_strong_key_and_no_demo_starts(make_app):
    app = make_app(HOSO_ENV="production", SIGNING_TRUST_FILE=PRODUCTION_TRUST)
    assert app.config["HOSO_ENV"] == "production"


def test_production_refuses_to_trust_the_demo_ca(make_app, tmp_path):
    from app.signing import pki
    trust = tmp_path / "trusted-ca.pem"
    trust.write_bytes(pki.cert_pem(pki.make_ca()[1]))
    refusal = _refusal(make_app, SIGNING_TRUST_FILE=str(trust))
    assert len(refusal.reasons) == 1 and "HoSo CBCCVC DEMO CA" in refusal.reasons[0]


def test_production_refuses_the_default_secret_key(make_app):
    refusal = _refusal(make_app, SECRET_KEY=config.DEFAULT_SECRET_KEY)
    assert len(refusal.reasons) == 1
    assert "SECRET_KEY" in refusal.reasons[0]
    assert "mặc định" in refusal.reasons[0]


def test_production_refuses_a_short_secret_key(make_app):
    refusal = _refusal(make_app, SECRET_KEY="ngan-qua")
    assert "32" in refusal.reasons[0]


def test_production_refuses_the_development_record_keys(make_app):
    refusal = _refusal(make_app, RECORD_ENCRYPTION_KEYS=config.DEFAULT_RECORD_KEY,
                       IDENTITY_HASH_KEY=config.DEFAULT_IDENTITY_HASH_KEY)
    assert len(refusal.reasons) == 2
    assert "RECORD_ENCRYPTION_KEYS" in refusal.reasons[0]
    assert "IDENTITY_HASH_KEY" in refusal.reasons[1]
    # a new key first, the development one kept to read old values: still refused
    refusal = _refusal(make_app, RECORD_ENCRYPTION_KEYS="%s,%s" % (
        "L55OC7VU5M-SMGd8Hn41pSqfAg9QQcbRqA508Vbfv_0=", config.DEFAULT_RECORD_KEY))
    assert "RECORD_ENCRYPTION_KEYS" in refusal.reasons[0]


def test_production_refuses_loaded_demo_data(app, make_app):
    with app.app_context():
        db.session.add(SystemFlag(name=DEMO_LOADED_FLAG, value="vinh_phuc"))
        db.session.commit()
    refusal = _refusal(make_app)
    assert any("dữ liệu của tỉnh dùng thử" in reason for reason in refusal.reasons)


def test_production_refuses_demo_accounts(app, make_app, make_user):
    make_user("canhan", role=config.ROLE_PUBLIC)
    refusal = _refusal(make_app)
    assert any("canhan" in reason for reason in refusal.reasons)


def test_every_problem_is_named_at_once(app, make_app, make_user):
    make_user("quantri")
    with app.app_context():
        db.session.add(SystemFlag(name=DEMO_LOADED_FLAG, value="vinh_phuc"))
        db.session.commit()
    refusal = _refusal(make_app, SECRET_KEY=config.DEFAULT_SECRET_KEY)
    assert len(refusal.reasons) == 3
    assert "SECRET_KEY" in str(refusal) and "quantri" in str(refusal)


def test_development_on_loopback_allows_all_of_it(app, make_app, make_user):
    """A developer's own machine: the development keys, the demo accounts."""
    make_user("quantri")
    for host in (None, "127.0.0.1", "localhost", "::1"):
        environ = {"HOST": host} if host else {}
        make_app(HOSO_ENV="development", SECRET_KEY=config.DEFAULT_SECRET_KEY,
                 RECORD_ENCRYPTION_KEYS=config.DEFAULT_RECORD_KEY, **environ)


@pytest.mark.parametrize("environment", ["development", "test"])
def test_a_reachable_address_gets_the_production_checks(make_app, environment):
    """The public development SECRET_KEY on 0.0.0.0 would let anyone forge a session."""
    with pytest.raises(ProductionGuardError) as raised:
        make_app(HOSO_ENV=environment, HOST="0.0.0.0", SECRET_KEY=config.DEFAULT_SECRET_KEY,
                 SIGNING_TRUST_FILE=PRODUCTION_TRUST)
    assert any("SECRET_KEY" in reason for reason in raised.value.reasons)
    assert "0.0.0.0" in str(raised.value)
    # the same settings on a loopback address start (development only: see below)
    if environment == "development":
        make_app(HOSO_ENV=environment, HOST="127.0.0.1",
                 SECRET_KEY=config.DEFAULT_SECRET_KEY, SIGNING_TRUST_FILE=PRODUCTION_TRUST)


def test_a_reachable_development_app_is_refused_even_with_its_keys_set(make_app):
    """Every check, not the keys alone: the tests' cheap hashing is refused there."""
    with pytest.raises(ProductionGuardError) as raised:
        make_app(HOSO_ENV="development", HOST="10.0.0.5",
                 SIGNING_TRUST_FILE=PRODUCTION_TRUST)
    assert [reason for reason in raised.value.reasons if "FAB_PASSWORD_HASH_METHOD" in reason]


def test_test_checks_the_keys_and_allows_the_suites_shortcuts(app, make_app, make_user):
    """HOSO_ENV=test is no way round the guard: the development keys are refused. The
    demo accounts, a demo CA and cheap hashing (what the suite builds on purpose)
    are allowed on loopback."""
    make_user("quantri")
    for setting, value in (("SECRET_KEY", config.DEFAULT_SECRET_KEY),
                           ("RECORD_ENCRYPTION_KEYS", config.DEFAULT_RECORD_KEY),
                           ("IDENTITY_HASH_KEY", config.DEFAULT_IDENTITY_HASH_KEY)):
        with pytest.raises(ProductionGuardError) as raised:
            make_app(HOSO_ENV="test", **{setting: value})
        assert len(raised.value.reasons) == 1 and setting in raised.value.reasons[0]
    cheap = make_app(HOSO_ENV="test").config["FAB_PASSWORD_HASH_METHOD"]
    assert cheap != config.PASSWORD_HASH_METHOD


def test_run_py_refuses_the_development_key_on_a_reachable_address(database_url):
    environ = dict(os.environ, **environ_for(database_url, HOSO_ENV="development",
                                              HOST="0.0.0.0",
                                              SECRET_KEY=config.DEFAULT_SECRET_KEY))
    result = subprocess.run([sys.executable, "run.py"], cwd=ROOT, env=environ,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr and "0.0.0.0" in result.stderr


def test_run_py_says_why_and_exits_non_zero(database_url):
    environ = dict(os.environ, **environ_for(database_url, HOSO_ENV="production",
                                              SECRET_KEY=config.DEFAULT_SECRET_KEY))
    result = subprocess.run([sys.executable, "run.py"], cwd=ROOT, env=environ,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr
    assert "không khởi động" in result.stderr


def test_flask_seed_demo_is_refused_in_production(app, make_app):
    production = make_app(HOSO_ENV="production", SECRET_KEY=TEST_SECRET_KEY,
                          SIGNING_TRUST_FILE=PRODUCTION_TRUST)
    result = production.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "HOSO_ENV=production" in result.output
    with production.app_context():
        assert db.session.get(SystemFlag, DEMO_LOADED_FLAG) is None
        assert production.appbuilder.sm.find_user(username="quantri") is None


def test_seed_demo_twice_creates_no_duplicates(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "quantri" in second.output and "HoSo@2026" in second.output
    for username in ("quantri", "sonoivu", "thutruong", "quanlydulieu", "canhan"):
        assert username in second.output
    with app.app_context():
        from app.org.models import Unit

        user_model = app.appbuilder.sm.user_model
        assert db.session.query(user_model).filter(
            user_model.username.in_(["quantri", "sonoivu", "thutruong", "quanlydulieu",
                                     "canhan"])).count() == 5
        assert db.session.query(Unit).filter_by(name="Sở Giáo dục và Đào tạo").count() == 1
        assert db.session.query(SystemFlag).filter_by(name=DEMO_LOADED_FLAG).count() == 1
        canhan = app.appbuilder.sm.find_user(username="canhan")
        assert not canhan.must_change_password and canhan.unit.name == "Sở Giáo dục và Đào tạo"
        db.session.remove()


def test_production_hashes_passwords_with_scrypt(make_app):
    """The tests hash their accounts cheaply (tests/conftest.py CHEAP_HASH); a
    production app keeps werkzeug's scrypt, for FAB's accounts and ours."""
    from app.accounts.services import hash_password

    app = make_app(HOSO_ENV="production", SIGNING_TRUST_FILE=PRODUCTION_TRUST)
    assert app.config["FAB_PASSWORD_HASH_METHOD"] == "scrypt:32768:8:1"
    with app.test_request_context():
        assert hash_password("Matkhau@2026").startswith("scrypt:")


def test_the_test_apps_hash_cheaply_and_production_refuses_that(make_app):
    from app.accounts.services import hash_password
    from tests.conftest import CHEAP_HASH

    with make_app().test_request_context():
        assert hash_password("Matkhau@2026").startswith("pbkdf2:sha256:1$")
    with pytest.raises(ProductionGuardError) as raised:
        make_app(CHEAP_HASH, HOSO_ENV="production", SIGNING_TRUST_FILE=PRODUCTION_TRUST)
    assert [reason for reason in raised.value.reasons if "FAB_PASSWORD_HASH_METHOD" in reason]


def test_production_refuses_to_connect_as_a_superuser(make_app, database_url):
    refusal = _refusal(make_app, DATABASE_URL=database_url)   # the suite's own: postgres
    assert len(refusal.reasons) == 1
    assert "postgres" in refusal.reasons[0] and "hoso_app" in refusal.reasons[0]


def test_production_refuses_a_role_that_may_change_the_audit_log(make_app, database_url):
    """Not a superuser, but granted UPDATE on the log: it could rewrite entries."""
    import uuid

    from sqlalchemy import create_engine, text

    from tests.conftest import app_role_url

    role = "hoso_writer_%s" % uuid.uuid4().hex[:8]
    owner = create_engine(config.normalize_database_url(database_url))
    with owner.begin() as connection:
        connection.execute(text("CREATE ROLE %s LOGIN" % role))
        connection.execute(text("GRANT hoso_app TO %s" % role))
        connection.execute(text("GRANT UPDATE ON audit_entry TO %s" % role))
    try:
        url = app_role_url(database_url).replace("hoso_app@", role + "@")
        refusal = _refusal(make_app, DATABASE_URL=url)
        assert len(refusal.reasons) == 1 and role in refusal.reasons[0]
    finally:
        with owner.begin() as connection:
            connection.execute(text("REVOKE ALL ON audit_entry FROM %s" % role))
            connection.execute(text("DROP ROLE %s" % role))
        owner.dispose()
