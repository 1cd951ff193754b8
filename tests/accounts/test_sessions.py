"""Sessions end on the server's word (issue 14, item 4): a stolen or left-behind cookie
or API token stops working at logout, at a password change or reset, a lock, a
revocation and a change of roles."""
import pytest

from app.accounts import services
from app.audit.models import AuditEntry
from app.extensions import db
from app.security import roles
from tests.accounts.conftest import account
from tests.conftest import csrf_token, login
from tests.security import world as w

PAGE = "/units/list/"
NEW_PASSWORD = "Doi#MatKhau2026"


def _signed_in(app, username):
    client = app.test_client()
    login(client, username, w.PASSWORD)
    assert client.get(PAGE).status_code == 200
    return client


def _cookie(client):
    return client.get_cookie("session").value


def _with_cookie(app, value):
    """Another browser holding a copy of a session cookie (stolen, or left behind)."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def _refused(client):
    response = client.get(PAGE)
    return response.status_code == 302 and "/login/" in response.headers["Location"]


def test_the_old_cookie_is_refused_after_logout(app, province):
    client = _signed_in(app, "canbo")
    copied = _cookie(client)
    assert _with_cookie(app, copied).get(PAGE).status_code == 200
    client.get("/logout/")
    assert _refused(client)
    assert _refused(_with_cookie(app, copied))
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(
            action="account.sign_out", object_id=str(province.accounts["canbo"])).count() == 1
    # signing in again opens a new session
    assert _signed_in(app, "canbo")


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, province):
    here, elsewhere = _signed_in(app, "canbo"), _signed_in(app, "canbo")
    before = _cookie(here)
    form = here.get("/my-account/password").get_data(as_text=True)
    done = here.post("/my-account/password", data={
        "csrf_token": csrf_token(form), "current_password": w.PASSWORD,
        "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.status_code == 302
    assert here.get(PAGE).status_code == 200
    assert _refused(elsewhere)
    assert _refused(_with_cookie(app, before))


@pytest.mark.parametrize("action", ["reset", "lock", "revoke", "roles"])
def test_an_officers_action_ends_the_accounts_sessions(app, province, action):
    teacher = _signed_in(app, "giaovien")
    with app.app_context():
        officer, target = account("canbo"), account("giaovien")
        if action == "reset":
            services.reset_password(officer, target)
        elif action == "lock":
            services.lock(officer, target)
        elif action == "revoke":
            services.set_access(officer, target, "revoke")
        else:
            services.assign_roles(account("quantri"), target,
                                  [roles.ROLE_PERSONAL, roles.ROLE_OFFICER])
    assert _refused(teacher)


def test_unlocking_and_an_unchanged_role_keep_others_signed_in(app, province):
    teacher = _signed_in(app, "giaovien")
    with app.app_context():
        services.assign_roles(account("quantri"), account("giaovien"), [roles.ROLE_PERSONAL])
    assert teacher.get(PAGE).status_code == 200


def _token(client, username, password=w.PASSWORD, refresh=False):
    answer = client.post("/api/v1/security/login", json={
        "username": username, "password": password, "provider": "db", "refresh": refresh})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def _api(client, token):
    return client.get("/api/v1/account/", headers={"Authorization": "Bearer " + token})


def test_an_api_token_is_refused_after_a_password_change(app, province):
    client = app.test_client()
    tokens = _token(client, "canbo", refresh=True)
    assert _api(client, tokens["access_token"]).status_code == 200
    with app.app_context():
        services.change_own_password(account("canbo"), w.PASSWORD, NEW_PASSWORD,
                                     NEW_PASSWORD)
    refused = _api(client, tokens["access_token"])
    assert refused.status_code == 401 and refused.get_json()["message"]
    # nor does the refresh token mint a new one
    again = client.post("/api/v1/security/refresh",
                        headers={"Authorization": "Bearer " + tokens["refresh_token"]})
    assert again.status_code == 401
    # a token given after the change works
    fresh = _token(client, "canbo", NEW_PASSWORD)["access_token"]
    assert _api(client, fresh).status_code == 200


def test_an_api_token_is_refused_after_a_lock(app, province):
    client = app.test_client()
    token = _token(client, "giaovien")["access_token"]
    with app.app_context():
        services.lock(account("canbo"), account("giaovien"))
        services.unlock(account("canbo"), account("giaovien"))
    assert _api(client, token).status_code == 401
