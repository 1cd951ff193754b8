"""The national sync's board and reconciliation in Chromium (issue 20): the unit's officer
sees a blocked record with its reason field by field and a dead letter with the receiver's
words, sends the dead letter again, and sees it sent; Sở Nội vụ compares with the national
database and reads zero differences. All of it in Vietnamese."""
import datetime as dt

from sqlalchemy import select

from app.core import clock
from app.extensions import db
from app.sync import services
from app.sync.models import SENT, SyncMessage
from tests.browser.conftest import sign_in, visible_english_words
from tests.security import world as w
from tests.sync.outbox.conftest import (  # noqa: F401 (fixtures)
    IN_WINDOW, app, approve, approvers, complete_submission, key_files, people, prepare,
    receiver, rewrite, standin, test_ca,
)


def _send(app):
    with app.app_context():
        result = services.send_due()
        db.session.remove()
    return result


def test_the_officer_sees_why_and_sends_again_and_so_noi_vu_reconciles(
        app, province, people, approvers, standin, live_server, page):
    prepare(app, province)
    # canhan's record is refused by the receiver once; giaovien's has an unknown ethnicity
    approve(app, province, approvers, complete_submission(app, province, people, "canhan"))
    blocked = complete_submission(app, province, people, "giaovien")
    rewrite(app, blocked, dan_toc="99")
    approve(app, province, approvers, blocked)
    standin.set(err_code_1="Mã đơn vị đang được cập nhật danh mục")
    with clock.freeze(IN_WINDOW + dt.timedelta(minutes=5)):
        assert _send(app).failed == 1
    standin.set(err_code_1=False)

    sign_in(page, live_server, "canbo", w.PASSWORD)
    page.goto(live_server + "/")
    assert page.locator('a[href="/sync/"]').count() >= 1, "the menu entry"
    page.goto(live_server + "/sync/?state=blocked")
    row = page.locator("#sync-messages tbody tr").first
    assert "Dân tộc" in row.inner_text() and "99" in row.inner_text()
    assert visible_english_words(page) == []

    page.click('#sync-states a[data-state="failed"]')
    page.wait_for_load_state()
    failed = page.locator("#sync-messages tbody tr").first
    assert "đang được cập nhật danh mục" in failed.inner_text()
    failed.locator("button", has_text="Gửi lại").click()
    page.wait_for_load_state()
    assert "gửi lại" in page.locator(".alert").first.inner_text()
    assert visible_english_words(page) == []

    assert _send(app).sent == 1
    page.goto(live_server + "/sync/?state=sent")
    assert page.locator("#sync-messages tbody tr[data-message]").count() == 1
    with app.app_context():
        assert db.session.scalar(select(SyncMessage.status).where(
            SyncMessage.employee_id == people.ids["canhan"])) == SENT
        db.session.remove()

    page.goto(live_server + "/logout/")
    sign_in(page, live_server, "sonoivu", w.PASSWORD)
    page.goto(live_server + "/sync/reconciliation")
    page.click("#reconcile-now")
    page.wait_for_load_state()
    # the blocked record is approved here and not yet acknowledged there: one difference
    assert page.locator("#differences").get_attribute("data-count") == "1"
    assert page.locator('#reconciliation-rows tr[data-kind="behind"]').count() == 1
    assert visible_english_words(page) == []
