"""Guessing passwords is slowed and noticed (issue 14, item 5): failed sign-ins are
rate-limited per account and per address, a lockout ends by itself and lasts longer
each time, and every failure is audited, unknown user names included."""
import datetime
import json

import pytest

from app.accounts import services
from app.audit.models import AuditEntry
from app.core import clock
from app.extensions import db
from app.policy import profiles
from app.policy.profiles import rule
from tests.accounts.conftest import account, forget_sign_in_failures, fresh
from tests.conftest import login
from tests.security import world as w

WRONG = "Sai#MatKhau2026"


def _entries(action, **filters):
    return db.session.query(AuditEntry).filter_by(action=action, **filters) \
        .order_by(AuditEntry.id).all()


def _signs_in(client, username, password=w.PASSWORD):
    """Whether the sign-in opened a session (and closes it again)."""
    login(client, username, password)
    opened = client.get("/units/list/").status_code == 200
    client.get("/logout/")
    return opened


def test_the_sixth_bad_password_within_a_minute_is_refused_by_the_limiter(
        app, province, client, monkeypatch):
    # the lockout out of the way (it would lock at the fifth): the limiter alone
    monkeypatch.setitem(profiles.rule_entry("accounts.lockout_after_failures", app),
                        "value", 50)
    for _attempt in range(5):
        assert login(client, "giaovien", WRONG).status_code == 200
    page = client.get("/login/")
    refused = client.post("/login/", data={"username": "giaovien", "password": w.PASSWORD,
                                          "csrf_token": _token(page)})
    assert refused.status_code == 429
    # the one error page (app/application/errors.py), saying when to come back
    assert _page_says(app, refused, "Too many failed sign-ins; wait a minute and try again.")
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client.get("/units/list/").status_code == 302
    # the API's sign-in is the same door
    api = client.post("/api/v1/security/login", json={
        "username": "giaovien", "password": w.PASSWORD, "provider": "db"})
    assert api.status_code == 429 and api.get_json()["code"] == 429
    assert api.get_json()["message"] and 0 < int(api.headers["Retry-After"]) <= 60
    with app.app_context():
        assert account("giaovien").status == "active"
        assert len(_entries("account.sign_in_failed",
                            object_id=str(province.accounts["giaovien"]))) == 5
    # other accounts still sign in from here, and a minute later (the limiter forgotten)
    # so does this one
    assert _signs_in(client, "canbo")
    forget_sign_in_failures(app)
    assert _signs_in(client, "giaovien")


def _page_says(app, response, msgid):
    from flask_babel import gettext

    with app.test_request_context():
        return gettext(msgid) in response.get_data(as_text=True)


def _token(page):
    from tests.conftest import csrf_token

    return csrf_token(page.get_data(as_text=True))


def test_successful_sign_ins_do_not_count(app, province, client):
    for _attempt in range(8):
        assert _signs_in(client, "canbo")


@pytest.fixture
def strict_app(make_app):
    yield from fresh(make_app({"SIGN_IN_LIMIT_PER_ADDRESS": "3 per minute"}))


def test_failures_are_limited_per_address_too(strict_app):
    w.build(strict_app)
    client = strict_app.test_client()
    for name in ("giaovien", "bacsi", "khong.co.ai"):
        login(client, name, WRONG)
    page = client.get("/login/")
    refused = client.post("/login/", data={"username": "canbo", "password": w.PASSWORD,
                                          "csrf_token": _token(page)})
    assert refused.status_code == 429


def test_a_lockout_ends_by_itself_and_the_next_one_lasts_longer(app, province, client):
    with app.app_context():
        limit = rule("accounts.lockout_after_failures")
    start = clock.now()

    def at(minutes):
        return clock.freeze(start + datetime.timedelta(minutes=minutes))

    with at(0):
        for _attempt in range(limit):
            login(client, "giaovien", WRONG)
    forget_sign_in_failures(app)
    with app.app_context():
        locked = account("giaovien")
        assert locked.status == "locked" and locked.lockout_count == 1
        [lock] = _entries("account.lock", object_id=str(locked.id))
        assert json.loads(lock.details)["minutes"] == 15
    with at(14):
        assert not _signs_in(client, "giaovien")
    forget_sign_in_failures(app)
    # the lockout is over: the next failures count from zero, and lock for twice as long
    with at(16):
        for _attempt in range(limit):
            login(client, "giaovien", WRONG)
    forget_sign_in_failures(app)
    with app.app_context():
        assert account("giaovien").lockout_count == 2
        assert json.loads(_entries("account.lock", object_id=str(
            province.accounts["giaovien"]))[-1].details)["minutes"] == 30
    with at(16 + 29):
        assert not _signs_in(client, "giaovien")
    with at(16 + 31):
        assert _signs_in(client, "giaovien")
    with app.app_context():
        opened = account("giaovien")
        assert opened.status == "active" and opened.lockout_count == 0
        assert opened.locked_until is None
        assert _entries("account.lockout_ended", object_id=str(opened.id))


def test_an_officers_lock_does_not_end_by_itself(app, province, client):
    with app.app_context():
        services.lock(account("canbo"), account("giaovien"))
    with clock.freeze(clock.now() + datetime.timedelta(days=30)):
        assert not _signs_in(client, "giaovien")


def test_an_unknown_names_failure_is_audited_without_the_password(app, province, client):
    login(client, "khong.co.ai", WRONG)
    login(client, "x" * 200, WRONG)
    with app.app_context():
        unknown = _entries("account.sign_in_unknown")[-2:]
        names = [json.loads(entry.details)["username"] for entry in unknown]
        assert names == ["khong.co.ai", "x" * 64]
        assert all(WRONG not in entry.details for entry in unknown)
        assert all(entry.ip_address == "127.0.0.1" for entry in unknown)


def test_a_locked_accounts_refused_sign_in_is_audited(app, province, client):
    with app.app_context():
        services.lock(account("canbo"), account("giaovien"))
    login(client, "giaovien", w.PASSWORD)
    with app.app_context():
        [refused] = _entries("account.sign_in_failed",
                             object_id=str(province.accounts["giaovien"]))
        assert json.loads(refused.details) == {"refused": "inactive", "status": "locked"}
