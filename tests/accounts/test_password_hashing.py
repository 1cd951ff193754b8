"""Sign-ins cannot exhaust a server's memory: the password hash's parameters are
pinned (scrypt N=2**15, r=8, p=1: 32 MiB a hash), and each process computes only
PASSWORD_HASH_CONCURRENCY hashes at once; past PASSWORD_HASH_WAIT_SECONDS a sign-in
is told the system is busy (503) and nothing changes."""
import threading
import time

import flask_appbuilder.security.manager as fab_manager
import pytest
from flask_babel import gettext

import config
from app.accounts import passwords
from app.accounts.models import Account
from app.extensions import db
from tests.conftest import login, reset_data
from tests.core.test_production_guard import PRODUCTION_TRUST
from tests.security import world


def _memory_of(method):
    """Bytes scrypt holds for a werkzeug method string "scrypt:n:r:p"."""
    _name, n, r, _p = method.split(":")
    return 128 * int(n) * int(r)


def test_the_hash_parameters_are_pinned(make_app):
    assert config.PASSWORD_HASH_METHOD == "scrypt:32768:8:1"
    assert _memory_of(config.PASSWORD_HASH_METHOD) == 32 * 2 ** 20
    app = make_app(HOSO_ENV="production", SIGNING_TRUST_FILE=PRODUCTION_TRUST)
    with app.test_request_context():
        stored = passwords.hash_password("Matkhau@2026")
        assert stored.startswith("scrypt:32768:8:1$")
        assert passwords.password_matches(stored, "Matkhau@2026")
        assert not passwords.password_matches(stored, "Matkhau@2027")
    # an unknown user name costs the same hash as a known one
    assert app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"].startswith(
        config.PASSWORD_HASH_METHOD + "$")
    assert app.config["PASSWORD_HASH_CONCURRENCY"] == 2


class _Tracker:
    """A stand-in for the hash computation that records how many run at once."""

    def __init__(self, real):
        self.real, self.active, self.most, self.calls = real, 0, 0, 0
        self.lock = threading.Lock()

    def __call__(self, *args, **kwargs):
        with self.lock:
            self.active += 1
            self.calls += 1
            self.most = max(self.most, self.active)
        try:
            time.sleep(0.05)        # long enough for the others to pile up
            return self.real(*args, **kwargs)
        finally:
            with self.lock:
                self.active -= 1


@pytest.fixture
def capped_app(make_app):
    app = make_app(PASSWORD_HASH_CONCURRENCY="2")
    app.config["PASSWORD_HASH_CONCURRENCY"] = 2
    app.config["RATELIMIT_ENABLED"] = False
    yield app
    reset_data(app)


def test_no_more_hashes_at_once_than_the_cap(capped_app, monkeypatch):
    tracker = _Tracker(passwords.check_password_hash)
    monkeypatch.setattr(passwords, "check_password_hash", tracker)
    stored = None
    with capped_app.app_context():
        stored = passwords.hash_password("Matkhau@2026")
    results = []

    def check():
        with capped_app.app_context():
            results.append(passwords.password_matches(stored, "Matkhau@2026"))

    threads = [threading.Thread(target=check) for _i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [True] * 8 and tracker.calls == 8
    assert 1 <= tracker.most <= 2


def test_simultaneous_sign_ins_share_the_slots(capped_app, monkeypatch):
    """Through the sign-in page: FAB's own password check runs in a slot too."""
    world.build(capped_app)
    tracker = _Tracker(fab_manager.check_password_hash)
    monkeypatch.setattr(fab_manager, "check_password_hash", tracker)
    pages = []

    def sign_in(username):
        client = capped_app.test_client()
        pages.append(login(client, username, world.PASSWORD).status_code)

    names = ["canhan", "canbo", "thutruong", "sonoivu", "giaovien", "bacsi"]
    threads = [threading.Thread(target=sign_in, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert pages == [200] * len(names)
    assert tracker.calls == len(names) and 1 <= tracker.most <= 2


def test_a_sign_in_that_waits_too_long_is_told_the_system_is_busy(capped_app):
    world.build(capped_app)
    capped_app.config.update(PASSWORD_HASH_CONCURRENCY=1, PASSWORD_HASH_WAIT_SECONDS=0.2)
    client = capped_app.test_client()
    with capped_app.app_context():
        slots = passwords._slots()
        before = db.session.query(Account).filter_by(username="canhan").one().fail_login_count
        db.session.remove()
    assert slots.acquire(timeout=5)        # another sign-in is hashing
    try:
        page = login(client, "canhan", world.PASSWORD)
    finally:
        slots.release()
    assert page.status_code == 503
    with capped_app.test_request_context():
        assert gettext("The system is busy; nothing was saved. Please try again in a "
                       "moment.") in page.get_data(as_text=True)
    with capped_app.app_context():
        after = db.session.query(Account).filter_by(username="canhan").one()
        assert after.fail_login_count == before and after.last_login is None
        db.session.remove()
    # once the slot is free, the same sign-in goes through
    login(client, "canhan", world.PASSWORD)
    with capped_app.app_context():
        assert db.session.query(Account).filter_by(username="canhan").one().last_login
        db.session.remove()
