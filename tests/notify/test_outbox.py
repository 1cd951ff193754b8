"""The mail outbox (issue 19.3): a mail the server refuses is tried again with back-off
until it is accepted, and each is sent exactly once, however many senders run."""
import datetime
import threading

from sqlalchemy import select

from app.accounts.models import Account
from app.core import clock
from app.extensions import db
from app.notify import services
from app.notify.models import OUTBOX_PENDING, OUTBOX_SENT, MailOutbox, Notice
from tests.conftest import add_account

START = datetime.datetime(2027, 1, 27, 8, 0, tzinfo=clock.PROVINCE_TZ)


def _notify(app, username, count=1):
    account_id = add_account(app, username, password="Matkhau@2026x")
    with app.app_context(), clock.freeze(START):
        account = db.session.get(Account, account_id)
        for number in range(count):
            services.notify(account, "Thông báo số %d" % number, "Nội dung %d" % number,
                            link="/deadlines/")
        db.session.commit()        # the first try, right after the commit
        db.session.remove()
    return account_id


def _outbox(app):
    with app.app_context():
        rows = [(row.status, row.attempts, row.next_attempt_at) for row in
                db.session.scalars(select(MailOutbox).order_by(MailOutbox.id))]
        db.session.remove()
    return rows


def test_a_server_that_refuses_twice_gets_the_mail_once(mail_app, smtp_server):
    smtp_server.refuse_next(2)
    _notify(mail_app, "hang")
    assert smtp_server.messages == [] and len(smtp_server.refused) == 1
    [(status, attempts, next_try)] = _outbox(mail_app)
    assert (status, attempts) == (OUTBOX_PENDING, 1)
    assert next_try == START + datetime.timedelta(minutes=1)
    with mail_app.app_context():
        notice = db.session.scalar(select(Notice))
        assert notice.mail_error.startswith("SMTPDataError: 451")
        # not due yet: nothing tried
        assert services.send_due(START + datetime.timedelta(seconds=30)) == (0, 0)
        # the second try is refused too, the third waits two minutes more
        assert services.send_due(START + datetime.timedelta(minutes=1)) == (0, 1)
        assert services.send_due(START + datetime.timedelta(minutes=2)) == (0, 0)
        assert services.send_due(START + datetime.timedelta(minutes=3)) == (1, 0)
        assert services.send_due(START + datetime.timedelta(hours=5)) == (0, 0)
        db.session.remove()
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Thông báo số 0"
    # the three tries carried one Message-ID: a receiver can tell a copy for what it is
    assert set(smtp_server.refused) == {message["Message-ID"]}
    [(status, attempts, _next)] = _outbox(mail_app)
    assert (status, attempts) == (OUTBOX_SENT, 3)
    with mail_app.app_context():
        notice = db.session.scalar(select(Notice))
        assert notice.mailed_at is not None and notice.mail_error is None


def test_two_senders_at_once_send_each_mail_once(mail_app, smtp_server):
    app = mail_app
    smtp_server.refuse_next(12)      # the server is busy when they are written
    _notify(app, "lan", count=12)
    assert len(smtp_server.messages) == 0 and len(smtp_server.refused) == 12
    later = START + datetime.timedelta(minutes=5)
    results = []

    def sender():
        with app.app_context():
            results.append(services.send_due(later))
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(sent for sent, _failed in results) == 12
    messages = smtp_server.wait_for(12)
    assert len(messages) == 12
    assert len({m["Message-ID"] for m in messages}) == 12
    assert {status for status, _a, _n in _outbox(app)} == {OUTBOX_SENT}


def test_an_optional_kind_turned_off_is_not_mailed_but_shown(mail_app, smtp_server):
    account_id = add_account(mail_app, "mai", password="Matkhau@2026x")
    with mail_app.app_context():
        account = db.session.get(Account, account_id)
        services.set_preferences(account, {services.KIND_FORECAST: False})
        assert services.preferences(account) == {services.KIND_FORECAST: False}
        services.notify(account, "Dự báo", "Nội dung", kind=services.KIND_FORECAST)
        # a kind the regulation requires is mailed whatever the account asked
        services.notify(account, "Kỳ phê duyệt", "Nội dung",
                        kind=services.KIND_APPROVAL_WINDOW)
        db.session.commit()
        assert services.unread_count(account) == 2
        db.session.remove()
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Kỳ phê duyệt"
