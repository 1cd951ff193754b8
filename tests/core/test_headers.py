"""Security headers on every response, secure cookies in production (issue 14, item 4)."""
from tests.conftest import login
from tests.core.test_production_guard import PRODUCTION_TRUST
from tests.security import world as w

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _check(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    # Flask-AppBuilder's pages run inline scripts: the policy leaves scripts alone
    assert "script-src" not in policy and "default-src" not in policy


def test_every_response_carries_the_security_headers(app, province, client):
    for path in ("/login/", "/static/appbuilder/css/ab.css", "/no-such-page"):
        _check(client.get(path))
    login(client, "canbo", w.PASSWORD)
    for path in ("/", "/units/list/", "/my-account/"):
        response = client.get(path)
        assert response.status_code == 200, path
        _check(response)
    _check(client.get("/api/v1/account/"))
    # no HSTS outside production: a developer's browser would refuse plain HTTP after
    assert "Strict-Transport-Security" not in client.get("/login/").headers
    # no Secure cookie either: a development checkout runs on plain HTTP
    assert "Secure" not in client.get("/logout/").headers.get("Set-Cookie", "")


def test_production_adds_hsts_and_secure_cookies(make_app):
    app = make_app(HOSO_ENV="production", SIGNING_TRUST_FILE=PRODUCTION_TRUST)
    response = app.test_client().get("/login/")
    _check(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in cookie
    for setting in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE",
                    "REMEMBER_COOKIE_HTTPONLY"):
        assert app.config[setting] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
