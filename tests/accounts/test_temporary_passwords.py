"""A temporary password goes to its owner (issue 14), a new account's as a reset's:
mailed to the account's own address once the change is committed, and the officer
never sees it; without mail, or when the mail fails, it is shown to the officer once
and the audit log says so (whoever saw it could sign in as the owner)."""
import html
import io
import json

import pytest
from flask_babel import gettext
from werkzeug.security import check_password_hash

from app.accounts import services
from app.accounts.models import KIND_PERSONAL
from app.audit.models import AuditEntry
from app.extensions import db
from tests.accounts.conftest import account, fresh
from tests.accounts.test_import import GOOD_ROWS, workbook
from tests.conftest import csrf_token, login
from tests.security import world as w
from tests.smtp_server import free_port

NEW_PERSON = {"last_name": "Nguyễn Thị", "first_name": "Hằng", "username": "hang.nt",
              "email": "hang.nt@truong1.edu.vn"}
# nothing listens there: every mail fails (one port for the run, so one app)
CLOSED_PORT = free_port()


def _create(province):
    """Sở Nội vụ creates a personal account (Điều 7.2 VP); returns what it is shown."""
    _created, shown = services.create_account(
        account("sonoivu"), KIND_PERSONAL, dict(NEW_PERSON, unit_id=province.units["A1"]))
    return shown


def _reset(_province):
    """The unit's officer resets a teacher's password; returns what the officer is shown."""
    return services.reset_password(account("canbo"), account("giaovien_truong"))


# what gives a temporary password, whose it is, and the audit entry of the change
GIVING = {"create": (_create, "hang.nt", "account.create"),
          "reset": (_reset, "giaovien_truong", "account.reset_password")}


def _entries(action, owner):
    return db.session.query(AuditEntry).filter_by(
        action=action, object_id=str(account(owner).id)).order_by(AuditEntry.id).all()


def _password_to(owner, action):
    [entry] = _entries(action, owner)
    return json.loads(entry.details)["password_to"]


@pytest.fixture
def failing_mail_app(make_app):
    yield from fresh(make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(CLOSED_PORT),
                               MAIL_TIMEOUT="2"))


@pytest.mark.parametrize("giving", GIVING)
def test_the_password_is_mailed_to_its_owner_and_the_officer_gets_none(
        mailing_app, smtp_server, known_password, giving):
    give, owner, action = GIVING[giving]
    province = w.build(mailing_app)
    with mailing_app.app_context():
        assert give(province) is None
        assert _password_to(owner, action) == "owner_email"
        assert not _entries("account.password_shown", owner)
        assert check_password_hash(account(owner).password, known_password)
        address = account(owner).email
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == address
    assert known_password in mail.get_content()
    # the mail says what happened: a new account, or a password reset
    said = {"create": "vừa được tạo", "reset": "vừa được cấp lại"}
    assert said[giving] in mail.get_content()
    assert said[{"create": "reset", "reset": "create"}[giving]] not in mail.get_content()


@pytest.mark.parametrize("giving", GIVING)
def test_without_mail_the_password_is_shown_to_the_officer_and_audited(app, province, giving):
    give, owner, action = GIVING[giving]
    with app.app_context():
        shown = give(province)
        assert check_password_hash(account(owner).password, shown)
        assert _password_to(owner, action) == "actor"


@pytest.mark.parametrize("giving", GIVING)
def test_when_the_mail_fails_the_password_is_shown_once_and_audited(failing_mail_app, giving):
    give, owner, _action = GIVING[giving]
    province = w.build(failing_mail_app)
    with failing_mail_app.app_context():
        shown = give(province)
        assert check_password_hash(account(owner).password, shown)
        [entry] = _entries("account.password_shown", owner)
        assert json.loads(entry.details) == {"reason": "mail_failed"}


# ------------------------------------------------------------------ the screens

def _message(app, msgid, **values):
    """The message a page shows (in Vietnamese once the catalogue has it)."""
    with app.test_request_context():
        return gettext(msgid, **values)


def _text(response):
    """A page's text, its HTML entities read (a flashed message is escaped)."""
    return html.unescape(response.get_data(as_text=True))


def _create_on_screen(app, province):
    """Sở Nội vụ fills in the create form; returns the page it lands on."""
    client = app.test_client()
    login(client, "sonoivu", w.PASSWORD)
    form = client.get("/account-admin/create/personal").get_data(as_text=True)
    page = _text(client.post("/account-admin/create/personal", data=dict(
        NEW_PERSON, unit_id=str(province.units["A1"]), csrf_token=csrf_token(form)),
        follow_redirects=True))
    return client, page


def test_the_officer_who_creates_an_account_is_told_the_password_was_mailed(
        mailing_app, smtp_server, known_password):
    province = w.build(mailing_app)
    _client, page = _create_on_screen(mailing_app, province)
    assert _message(mailing_app, "Account %(user)s created. The temporary password has been "
                    "sent to the user's mailbox.", user="hang.nt") in page
    assert known_password not in page
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == NEW_PERSON["email"] and known_password in mail.get_content()


def test_without_mail_the_officer_is_shown_the_password_once(app, province, known_password):
    client, page = _create_on_screen(app, province)
    assert known_password in page
    assert known_password not in _text(client.get("/accounts/list/"))
    with app.app_context():
        assert _password_to("hang.nt", "account.create") == "actor"


def _import_on_screen(app):
    client = app.test_client()
    login(client, "sonoivu", w.PASSWORD)
    form = client.get("/account-admin/import").get_data(as_text=True)
    return _text(client.post("/account-admin/import", data={
        "csrf_token": csrf_token(form), "file": (io.BytesIO(workbook(GOOD_ROWS)), "ds.xlsx"),
    }, content_type="multipart/form-data"))


def test_an_imported_list_mails_each_password_to_its_owner(
        mailing_app, smtp_server, known_password):
    w.build(mailing_app)
    page = _import_on_screen(mailing_app)
    assert page.count(_message(mailing_app, "Sent to the user's mailbox")) == len(GOOD_ROWS)
    assert known_password not in page
    mails = smtp_server.wait_for(len(GOOD_ROWS))
    assert sorted(mail["To"] for mail in mails) == sorted(row[3] for row in GOOD_ROWS)
    assert all(known_password in mail.get_content() for mail in mails)
    with mailing_app.app_context():
        assert {_password_to(row[2], "account.create") for row in GOOD_ROWS} == {"owner_email"}


def test_without_mail_an_imported_list_shows_the_passwords_once(app, province, known_password):
    page = _import_on_screen(app)
    assert page.count(known_password) == len(GOOD_ROWS)
    with app.app_context():
        assert {_password_to(row[2], "account.create") for row in GOOD_ROWS} == {"actor"}


def test_the_reset_screen_tells_the_officer_the_password_was_mailed(
        mailing_app, smtp_server, known_password):
    province = w.build(mailing_app)
    client = mailing_app.test_client()
    login(client, "canbo", w.PASSWORD)
    teacher = province.accounts["giaovien_truong"]
    show = client.get("/accounts/show/%d" % teacher).get_data(as_text=True)
    page = _text(client.post("/accounts/action/reset/%d" % teacher,
                             data={"csrf_token": csrf_token(show)}, follow_redirects=True))
    assert _message(mailing_app, "A new temporary password of %(user)s was sent to the "
                    "account's own e-mail address; it must be changed at the next sign-in.",
                    user="giaovien_truong") in page
    assert known_password not in page
    [mail] = smtp_server.wait_for(1)
    assert known_password in mail.get_content()
