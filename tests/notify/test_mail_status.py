"""Mail status: the head is told what really happened to the rejection's mail, the
person's notices page shows each notice's mail status, and the administration
lists failed mail (account, time, reason; never the text)."""
import pytest
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.notify.models import Notice
from tests.approval.conftest import (  # noqa: F401  (fixtures)
    approvers, key_files, submitted, test_ca,
)
from tests.conftest import csrf_token, login, reset_data
from tests.records.conftest import people  # noqa: F401  (fixture)
from tests.security.world import PASSWORD
from tests.smtp_server import free_port

CLOSED_PORT = free_port()
REASON = "Ảnh bằng đại học bị mờ"


@pytest.fixture
def app(make_app, smtp_server, request):
    """Mail to the tests' SMTP server ("open"), or to a port nobody listens on."""
    if getattr(request, "param", "open") == "off":
        app = make_app(MAIL_SERVER="")
    elif getattr(request, "param", "open") == "closed":
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(CLOSED_PORT), MAIL_TIMEOUT="2")
    else:
        app = make_app(MAIL_SERVER=smtp_server.host, MAIL_PORT=str(smtp_server.port))
    yield app
    reset_data(app)


def _reject(app, province, people, client):
    version_id = submitted(app, province, people, "canhan")
    login(client, "thutruong", PASSWORD)
    page = client.get("/approval/version/%d" % version_id).get_data(as_text=True)
    body = client.post("/approval/version/%d/reject" % version_id, data={
        "csrf_token": csrf_token(page), "reason": REASON}, follow_redirects=True).get_data(
        as_text=True)
    client.get("/logout/")
    return body


def _texts(app, *msgids, **values):
    with app.test_request_context("/"):
        return [_(msgid, **values) for msgid in msgids]


def _notice(app):
    with app.app_context():
        [notice] = db.session.scalars(select(Notice)).all()
        db.session.expunge(notice)
        db.session.remove()
    return notice


def _mail_cell(page, notice_id):
    row = page.split('id="notice-%d"' % notice_id)[1].split("</tr>")[0]
    return row.split('class="notice-mail')[1].split("</div>")[0]


def test_a_sent_mail_is_said_sent_and_shown_sent(app, province, people, approvers, client,
                                                 smtp_server):
    body = _reject(app, province, people, client)
    [sent] = _texts(app, "Rejected; the person sees the reason in the app and by e-mail.")
    assert sent in body
    [mail] = smtp_server.wait_for(1)
    assert REASON in mail.get_body(("plain",)).get_content()
    notice = _notice(app)
    assert notice.mailed_at is not None and notice.mail_error is None
    login(client, "canhan", PASSWORD)
    cell = _mail_cell(client.get("/notices/").get_data(as_text=True), notice.id)
    [label] = _texts(app, "Mail sent")
    assert 'data-mail="sent"' in cell and label in cell
    with app.test_request_context("/"):
        assert app.jinja_env.filters["datetime_vn"](notice.mailed_at) in cell  # Vietnam time


@pytest.mark.parametrize("app", ["closed"], indirect=True)
def test_a_failed_mail_is_not_claimed_and_is_shown_and_listed(app, province, people,
                                                              approvers, client):
    body = _reject(app, province, people, client)
    notice = _notice(app)
    assert notice.mailed_at is None and notice.mail_error
    assert "ConnectionRefused" in notice.mail_error
    sent, failed = _texts(app, "Rejected; the person sees the reason in the app and by e-mail.",
                          "The e-mail could not be sent (%(reason)s); the notice is in the app.",
                          reason=notice.mail_error)
    assert sent not in body and "e-mailed" not in body and "qua thư điện tử." not in body
    assert failed.split("(")[0] in body and "ConnectionRefused" in body
    login(client, "canhan", PASSWORD)
    cell = _mail_cell(client.get("/notices/").get_data(as_text=True), notice.id)
    assert 'data-mail="failed"' in cell and "ConnectionRefused" in cell
    client.get("/logout/")

    login(client, "quantri", PASSWORD)
    page = client.get("/mail-failures/").get_data(as_text=True)
    row = page.split('id="failed-%d"' % notice.id)[1].split("</tr>")[0]
    assert "canhan" in row and "ConnectionRefused" in row
    assert REASON not in page and "chưa được phê duyệt" not in page   # never the text
    from app.audit.models import AuditEntry
    with app.app_context():
        assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())
                                 .limit(1)) == "notice.mail_failures"
        db.session.remove()
    client.get("/logout/")
    login(client, "thutruong", PASSWORD)
    assert client.get("/mail-failures/").status_code == 403


@pytest.mark.parametrize("app", ["off"], indirect=True)
def test_mail_off_is_said_so(app, province, people, approvers, client, smtp_server):
    body = _reject(app, province, people, client)
    [off] = _texts(app, "No e-mail was sent: mail is not set up; the notice is in the app.")
    assert off in body
    assert smtp_server.messages == []
    login(client, "canhan", PASSWORD)
    cell = _mail_cell(client.get("/notices/").get_data(as_text=True), _notice(app).id)
    assert 'data-mail="not_sent"' in cell
