"""deploy/wsgi.py, what gunicorn serves: behind TRUSTED_PROXIES reverse proxies the
app sees the visitor's address (the audit log's, the sign-in limit's), never one a
client wrote into X-Forwarded-For itself; with none, the header is ignored."""
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from deploy.wsgi import create_wsgi_app
from tests.conftest import csrf_token, environ_for
from tests.deploy.conftest import dispose, migrate_only


def _failed_sign_in_from(app, forwarded_for):
    client = app.test_client()
    headers = {"X-Forwarded-For": forwarded_for}
    page = client.get("/login/", headers=headers)
    client.post("/login/", headers=headers,
                data={"username": "khongcoai", "password": "Sai@2026",
                      "csrf_token": csrf_token(page.get_data(as_text=True))})
    with app.app_context():
        address = db.session.scalar(select(AuditEntry.ip_address).where(
            AuditEntry.action == "account.sign_in_unknown").order_by(AuditEntry.id.desc()))
        db.session.remove()
    return address


def test_behind_nginx_the_address_is_the_one_nginx_saw(fresh_database):
    url = fresh_database()
    migrate_only(url)
    app = create_wsgi_app(environ_for(url, TRUSTED_PROXIES="1"))
    try:
        # the client claims 6.6.6.6; nginx appends the address it saw
        assert _failed_sign_in_from(app, "6.6.6.6, 203.0.113.7") == "203.0.113.7"
    finally:
        dispose(app)


def test_without_proxies_the_header_is_ignored(fresh_database):
    url = fresh_database()
    migrate_only(url)
    app = create_wsgi_app(environ_for(url))
    try:
        assert _failed_sign_in_from(app, "203.0.113.7") == "127.0.0.1"
    finally:
        dispose(app)
