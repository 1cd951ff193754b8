"""Notices: written in the caller's transaction, mailed only after it commits,
a mail failure kept on the notice and never thrown at the caller; each account
reads and marks read only its own."""
import logging
import re

from sqlalchemy import func, select

from app.accounts.models import Account
from app.extensions import db
from app.notify import services
from app.notify.models import Notice
from tests.conftest import add_account, login, reset_data
from tests.smtp_server import free_port

PASSWORD = "Matkhau@2026x"
REJECTION = dict(person_name="Nguyễn Thị Hằng", version_number=3,
                 reason="Thiếu bản sao bằng tốt nghiệp đại học",
                 approver_name="Trần Văn Bình", link="/records/person/7")
SUBJECT = "Hồ sơ của bạn chưa được phê duyệt"


def _rejection_notice(account):
    subject, body = services.render_mail("record_rejected", **REJECTION)
    return services.notify(account, subject, body, link=REJECTION["link"])


def _notices(app):
    with app.app_context():
        rows = db.session.scalars(select(Notice).order_by(Notice.id)).all()
        db.session.expunge_all()
        db.session.remove()
    return rows


def test_the_rejection_mail_reads_in_vietnamese(mail_app):
    with mail_app.app_context():
        subject, body = services.render_mail("record_rejected", **REJECTION)
    assert subject == SUBJECT
    assert "Kính gửi Nguyễn Thị Hằng," in body
    assert "Bản 3 của sơ yếu lý lịch" in body
    assert "Lý do: Thiếu bản sao bằng tốt nghiệp đại học" in body
    assert "Người xem xét: Trần Văn Bình" in body
    assert "/records/person/7" in body


def test_the_link_in_a_mail_is_absolute_within_a_request(mail_app):
    with mail_app.test_request_context("/", base_url="https://hoso.example.vn/"):
        _subject, body = services.render_mail("record_rejected", **REJECTION)
    assert "https://hoso.example.vn/records/person/7" in body


def test_a_notice_is_mailed_once_its_transaction_commits(mail_app, smtp_server):
    hang = add_account(mail_app, "hang", password=PASSWORD)
    with mail_app.app_context():
        notice = _rejection_notice(db.session.get(Account, hang))
        assert notice.id is not None
        notice_id = notice.id
        assert smtp_server.messages == []          # nothing leaves before the commit
        db.session.commit()
        db.session.remove()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "hang@example.vn"
    assert smtp_server.envelopes == [("no-reply@sonoivu.example.vn", ["hang@example.vn"])]
    assert message["From"].addresses[0].display_name == "HoSo CBCCVC"
    assert message["Subject"] == SUBJECT
    # the plain text and its HTML alternative, both UTF-8
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain.get_content_charset() == "utf-8" == html.get_content_charset()
    assert "Thiếu bản sao bằng tốt nghiệp đại học" in html.get_content()
    assert 'href="' in html.get_content() and "Mở trong HoSo CBCCVC" in html.get_content()
    assert message["Message-ID"].startswith("<hoso-notice-%d." % notice_id)
    text = plain.get_content()
    assert "Lý do: Thiếu bản sao bằng tốt nghiệp đại học" in text
    assert "Người xem xét: Trần Văn Bình" in text
    [stored] = _notices(mail_app)
    assert stored.account_id == hang and stored.subject == SUBJECT
    assert stored.mailed_at is not None and stored.mail_error is None
    assert stored.read_at is None and stored.link == "/records/person/7"


def test_the_raw_subject_is_encoded_for_mail(mail_app, smtp_server):
    hang = add_account(mail_app, "hang", password=PASSWORD)
    with mail_app.app_context():
        _rejection_notice(db.session.get(Account, hang))
        db.session.commit()
        db.session.remove()
    [message] = smtp_server.wait_for(1)
    raw = message.as_bytes(policy=message.policy.clone(cte_type="7bit"))
    raw_subject = re.search(rb"^Subject: (.*(?:\r?\n[ \t].*)*)", raw, re.M).group(1)
    assert raw_subject.isascii() and b"=?utf-8?" in raw_subject.lower()


def test_a_rolled_back_transaction_leaves_no_notice_and_sends_no_mail(mail_app, smtp_server):
    hang = add_account(mail_app, "hang", password=PASSWORD)
    with mail_app.app_context():
        _rejection_notice(db.session.get(Account, hang))
        db.session.rollback()
        # a later commit in the same session must not send the forgotten notice
        db.session.get(Account, hang).first_name = "Hằng"
        db.session.commit()
        db.session.remove()
    assert smtp_server.wait_for(1, timeout=0.3) == []
    assert _notices(mail_app) == []


def test_a_notice_in_a_rolled_back_savepoint_is_not_mailed(mail_app, smtp_server):
    hang = add_account(mail_app, "hang", password=PASSWORD)
    with mail_app.app_context():
        account = db.session.get(Account, hang)
        services.notify(account, "Giữ lại", "Thông báo được giữ")
        savepoint = db.session.begin_nested()
        services.notify(account, "Bỏ đi", "Thông báo bị bỏ")
        savepoint.rollback()
        db.session.commit()
        db.session.remove()
    messages = smtp_server.wait_for(1)
    assert [m["Subject"] for m in messages] == ["Giữ lại"]
    assert [n.subject for n in _notices(mail_app)] == ["Giữ lại"]


def test_a_refused_mail_is_kept_on_the_notice_and_the_caller_goes_on(make_app, caplog):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(free_port()), MAIL_TIMEOUT="2")
    try:
        hang = add_account(app, "hang", password=PASSWORD)
        with app.app_context(), caplog.at_level(logging.WARNING):
            account = db.session.get(Account, hang)
            _rejection_notice(account)
            _rejection_notice(account)
            account.first_name = "Hằng (đã sửa)"   # the caller's own work in the transaction
            db.session.commit()                    # no exception
            db.session.remove()
        first, stored = _notices(app)
        assert first.mail_error == stored.mail_error     # the second did not wait again
        assert stored.mailed_at is None
        assert stored.mail_error and "hang@example.vn" not in stored.mail_error
        with app.app_context():
            assert db.session.get(Account, hang).first_name == "Hằng (đã sửa)"
            db.session.remove()
        assert "notice %d: mail not sent" % stored.id in caplog.text
        assert "hang@example.vn" not in caplog.text and "Lý do" not in caplog.text
    finally:
        reset_data(app)


def test_an_account_without_an_address_gets_the_notice_only(mail_app, smtp_server):
    hang = add_account(mail_app, "hang", password=PASSWORD)
    with mail_app.app_context():
        account = db.session.get(Account, hang)
        account.email = ""
        _rejection_notice(account)
        db.session.commit()
        db.session.remove()
    assert smtp_server.wait_for(1, timeout=0.3) == []
    [stored] = _notices(mail_app)
    assert stored.mailed_at is None and stored.mail_error is None


def test_with_mail_off_the_notice_is_kept_and_nothing_is_sent(make_app, smtp_server):
    app = make_app(MAIL_SERVER="", MAIL_PORT=str(smtp_server.port))
    try:
        hang = add_account(app, "hang", password=PASSWORD)
        with app.app_context():
            _rejection_notice(db.session.get(Account, hang))
            db.session.commit()
            db.session.remove()
        assert smtp_server.wait_for(1, timeout=0.3) == []
        [stored] = _notices(app)
        assert stored.mailed_at is None and stored.mail_error is None
    finally:
        reset_data(app)


def test_one_commit_mails_each_of_its_notices(mail_app, smtp_server):
    ids = [add_account(mail_app, name, password=PASSWORD) for name in ("hang", "binh", "lan")]
    with mail_app.app_context():
        for pk in ids:
            services.notify(db.session.get(Account, pk), "Nhắc cập nhật hồ sơ",
                            "Hạn cập nhật hồ sơ sắp hết.")
        db.session.commit()
        db.session.remove()
    messages = smtp_server.wait_for(3)
    assert sorted(m["To"] for m in messages) == ["binh@example.vn", "hang@example.vn",
                                                 "lan@example.vn"]
    assert all(n.mailed_at is not None for n in _notices(mail_app))


# --- the screens ------------------------------------------------------------------------------

def _two_people_with_notices(app):
    hang = add_account(app, "hang", password=PASSWORD, role="Cá nhân")
    binh = add_account(app, "binh", password=PASSWORD, role="Thủ trưởng")
    with app.app_context():
        services.notify(db.session.get(Account, hang), "Thông báo cũ của Hằng", "Đã đọc rồi")
        db.session.commit()
        first = db.session.scalar(select(Notice.id))
        services.mark_read(db.session.get(Account, hang), db.session.get(Notice, first))
        mine = services.notify(db.session.get(Account, hang), SUBJECT, "Lý do: thiếu bằng",
                               link="/records/person/7")
        theirs = services.notify(db.session.get(Account, binh), "Thông báo riêng của Bình",
                                 "Chỉ Bình được đọc")
        db.session.commit()
        ids = {"hang": hang, "binh": binh, "mine": mine.id, "theirs": theirs.id}
        db.session.remove()
    return ids


def test_the_list_shows_only_own_notices_newest_first(mail_app):
    ids = _two_people_with_notices(mail_app)
    client = mail_app.test_client()
    login(client, "hang", PASSWORD)
    response = client.get("/notices/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<strong>%s</strong>" % SUBJECT in page                     # unread: bold
    assert "Thông báo cũ của Hằng" in page and "<strong>Thông báo cũ" not in page
    assert page.index(SUBJECT) < page.index("Thông báo cũ của Hằng")   # newest first
    assert 'href="/records/person/7"' in page
    assert "Thông báo riêng của Bình" not in page
    assert 'id="unread-count">1<' in page
    with mail_app.app_context():
        assert services.unread_count(db.session.get(Account, ids["hang"])) == 1
        assert [n.id for n in services.notices_for(
            db.session.get(Account, ids["hang"]), limit=1)] == [ids["mine"]]
        db.session.remove()


def test_marking_read_works_for_own_notices_only(mail_app):
    ids = _two_people_with_notices(mail_app)
    client = mail_app.test_client()
    login(client, "hang", PASSWORD)
    page = client.get("/notices/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    # without the CSRF token, or with a wrong one: refused, nothing changes
    assert client.post("/notices/%d/read" % ids["mine"]).status_code == 400
    assert client.post("/notices/%d/read" % ids["mine"],
                       data={"csrf_token": "x" + token}).status_code == 400
    with mail_app.app_context():
        assert db.session.get(Notice, ids["mine"]).read_at is None
        db.session.remove()
    response = client.post("/notices/%d/read" % ids["mine"], data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/notices/")
    # another account's notice: not there
    assert client.post("/notices/%d/read" % ids["theirs"],
                       data={"csrf_token": token}).status_code == 404
    assert client.post("/notices/999999/read", data={"csrf_token": token}).status_code == 404
    with mail_app.app_context():
        assert db.session.get(Notice, ids["mine"]).read_at is not None
        assert db.session.get(Notice, ids["theirs"]).read_at is None
        assert db.session.scalar(select(func.count(Notice.id)).where(
            Notice.read_at.is_(None))) == 1
        db.session.remove()
    page = client.get("/notices/").get_data(as_text=True)
    assert "<strong>%s</strong>" % SUBJECT not in page and "unread-count" not in page


def test_the_menu_offers_notifications_to_every_role(mail_app):
    from app.security import roles

    for i, role in enumerate(roles.ROLE_NAMES):
        add_account(mail_app, "nguoi%d" % i, password=PASSWORD, role=role)
        client = mail_app.test_client()
        login(client, "nguoi%d" % i, PASSWORD)
        page = client.get("/notices/").get_data(as_text=True)
        assert 'href="/notices/"' in page, role
