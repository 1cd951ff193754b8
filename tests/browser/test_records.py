"""The person's own record on a phone: open a draft, change a field, attach
the scanned document, submit; then the unit's data officer sees the diff and
the document."""
import io

from reportlab.pdfgen import canvas

from app.application.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import ARTIFACTS, sign_in, visible_english_words

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "vi-VN"}
NEW_ADDRESS = "Số 12 đường Lê Lợi, phường Vĩnh Phúc, tỉnh Phú Thọ"
def _scan_pdf():
    out = io.BytesIO()
    sheet = canvas.Canvas(out)
    sheet.drawString(72, 720, "Xac nhan cu tru")
    sheet.save()
    return out.getvalue()


NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"


def test_canhan_changes_her_address_on_a_phone_and_the_officer_sees_it(app, live_server,
                                                                       browser):
    with app.app_context():
        seed_demo(app.appbuilder)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "canhan", DEMO_PASSWORD)
    page.goto(live_server + "/records/me")
    assert "Đỗ Thị Hằng" in page.inner_text("#record-summary")
    assert "Đã phê duyệt" in page.inner_text("#record-summary")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert visible_english_words(page) == []
    page.click("#start-draft")
    page.wait_for_load_state()
    assert "Bản nháp" in page.inner_text("#record-summary")

    page.click("#sections a:has-text('Nơi ở hiện nay')")
    page.wait_for_load_state()
    page.fill("#noi_o", NEW_ADDRESS)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert visible_english_words(page) == []
    page.click("#save-section")
    page.wait_for_load_state()
    assert "Đã lưu." in page.inner_text("body")
    changes = page.inner_text("#changes")
    assert NEW_ADDRESS in changes and "Nơi ở hiện nay" in changes

    # the decision behind the change, scanned to PDF
    page.select_option("#kind", "giay_to_tuy_than")
    page.set_input_files("#document", files=[{"name": "xac-nhan-cu-tru.pdf",
                                               "mimeType": "application/pdf",
                                               "buffer": _scan_pdf()}])
    page.click("#attach-document")
    page.wait_for_load_state()
    assert "Đã đính kèm tài liệu." in page.inner_text("body")
    assert "xac-nhan-cu-tru.pdf" in page.inner_text("#documents")

    # a table section stacks its rows as cards that fit the screen
    record_url = page.url.split("#")[0]
    page.goto(record_url + "/section/36")
    assert page.locator("#table-gia_dinh_ban_than .hoso-row").count() >= 3   # 2 rows + blank
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.goto(record_url)

    page.click("#submit-record")
    page.wait_for_load_state()
    summary = page.inner_text("#record-summary")
    assert "Đã gửi duyệt." in page.inner_text("body") and "Chờ phê duyệt" in summary
    page.screenshot(path=ARTIFACTS + "/record_submitted_phone.png", full_page=True)
    context.close()

    # the Sở's data officer, on a desktop, sees what changed
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, "quanlydulieu", DEMO_PASSWORD)
    page.goto(live_server + "/records/?q=Đỗ Thị Hằng")
    page.click("#records a:has-text('Đỗ Thị Hằng')")
    page.wait_for_load_state()
    changes = page.inner_text("#changes")
    assert NEW_ADDRESS in changes
    assert "xac-nhan-cu-tru.pdf" in page.inner_text("#documents")
    assert visible_english_words(page) == []
    context.close()
