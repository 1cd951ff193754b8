"""What a browser asks for by itself is nobody's refused request (issue 14): a signed-in
person's misses of static files and icons leave no audit entry, and /favicon.ico is
served; a page really refused is audited as before (app/application/errors.py)."""
import json

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.security import roles
from tests.conftest import login
from tests.security import world as w

# app/static, Flask-AppBuilder's static (served at /static/appbuilder), and the icons
# browsers look for without being told
MISSES = ["/static/nope.css", "/static/appbuilder/css/nope.css", "/appbuilder/static/nope.js",
          "/robots.txt", "/apple-touch-icon.png", "/apple-touch-icon-precomposed.png",
          "/apple-touch-icon-120x120.png"]
ICO_HEADER = b"\x00\x00\x01\x00"


def _last_entry_id(app):
    with app.app_context():
        last = db.session.scalar(select(func.max(AuditEntry.id))) or 0
        db.session.remove()
    return last


def _denied_since(app, entry_id):
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.id > entry_id, AuditEntry.action == "access.denied")
            .order_by(AuditEntry.id)).all()
        paths = [json.loads(entry.details)["path"] for entry in entries]
        db.session.remove()
    return paths


def _entries_since(app, entry_id):
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.id > entry_id))
        db.session.remove()
    return count


def test_a_signed_in_browsers_own_requests_leave_no_audit_entry(app, province, client):
    login(client, "canbo", w.PASSWORD)
    before = _last_entry_id(app)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == ICO_HEADER
    assert icon.mimetype == "image/vnd.microsoft.icon"
    for path in MISSES:
        assert client.get(path).status_code == 404, path
    assert _entries_since(app, before) == 0


def test_the_icon_is_served_before_sign_in_and_during_the_first_password_change(
        app, province, make_user):
    assert app.test_client().get("/favicon.ico").data[:4] == ICO_HEADER
    make_user("moi.vao", role=roles.ROLE_PERSONAL, password=w.PASSWORD, must_change_password=True)
    client = app.test_client()
    login(client, "moi.vao", w.PASSWORD)
    assert client.get("/units/list/").status_code == 302     # sent to the password change
    assert client.get("/favicon.ico").data[:4] == ICO_HEADER


def test_a_page_really_refused_or_missing_is_still_audited(app, province, client):
    login(client, "canhan", w.PASSWORD)
    before = _last_entry_id(app)
    assert client.get("/audit/list/").status_code == 403
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/favicon.ico/nope").status_code == 404
    assert _denied_since(app, before) == ["/audit/list/", "/no-such-page/", "/favicon.ico/nope"]
