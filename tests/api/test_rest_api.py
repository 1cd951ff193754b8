"""The REST API: FAB's JWT login, units and accounts in the caller's scope."""
from app.accounts import services
from app.extensions import db
from tests.accounts.conftest import account
from tests.security import world as w


def _token(client, username, password=w.PASSWORD):
    response = client.post("/api/v1/security/login", json={
        "username": username, "password": password, "provider": "db", "refresh": True})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["access_token"]


def _get(client, url, token):
    return client.get(url, headers={"Authorization": "Bearer " + token})


def test_jwt_login_and_scoped_lists(app, province, client):
    token = _token(client, "canbo")
    units = _get(client, "/api/v1/unit/", token)
    assert units.status_code == 200
    assert {u["id"] for u in units.get_json()["result"]} == {province.units["A"],
                                                             province.units["A1"]}
    accounts = _get(client, "/api/v1/account/", token).get_json()["result"]
    assert {a["username"] for a in accounts} == {"canhan", "canbo", "thutruong", "giaovien",
                                                 "giaovien_truong"}
    assert "password" not in accounts[0]
    other = _get(client, "/api/v1/account/%d" % province.accounts["bacsi"], token)
    assert other.status_code == 404


def test_wrong_password_and_unknown_user_get_401(app, province, client):
    for username, password in (("canbo", "sai"), ("khong-co", w.PASSWORD), ("", "")):
        response = client.post("/api/v1/security/login", json={
            "username": username, "password": password, "provider": "db"})
        assert response.status_code in (400, 401)


def test_a_locked_account_s_token_stops_working(app, province, client):
    token = _token(client, "giaovien")
    assert _get(client, "/api/v1/unit/", token).status_code == 200
    with app.app_context():
        services.lock(account("canbo"), account("giaovien"))
        db.session.remove()
    assert _get(client, "/api/v1/unit/", token).status_code == 401


def test_personal_role_cannot_list_accounts_through_the_api(app, province, client):
    token = _token(client, "canhan")
    assert _get(client, "/api/v1/account/", token).status_code == 403
    assert _get(client, "/api/v1/unit/", token).get_json()["count"] == 1


def test_the_openapi_spec_documents_units_and_accounts(app, province, client):
    token = _token(client, "quantri")
    spec = _get(client, "/api/v1/_openapi", token)
    assert spec.status_code == 200
    paths = spec.get_json()["paths"]
    assert {"/api/v1/unit/", "/api/v1/account/", "/api/v1/security/login"} <= set(paths)
    assert "delete" not in paths["/api/v1/unit/{pk}"]
    assert "put" not in paths["/api/v1/account/{pk}"]
    assert _get(client, "/api/v1/_openapi", _token(client, "canhan")).status_code == 403
