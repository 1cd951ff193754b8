"""Main account flows in headless Chromium."""
from app.accounts import services
from app.accounts.models import KIND_PERSONAL
from tests.accounts.conftest import account
from tests.browser.conftest import sign_in, visible_english_words
from tests.security import world as w


def test_teacher_changes_her_temporary_password_on_a_phone(app, province, live_server, browser):
    with app.app_context():
        _created, temporary = services.create_account(account("sonoivu"), KIND_PERSONAL, {
            "last_name": "Nguyễn Thị", "first_name": "Hằng", "username": "hang.nt",
            "email": "hang.nt@thpt1.edu.vn", "unit_id": province.units["A1"]})
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        sign_in(page, live_server, "hang.nt", temporary)
        page.wait_for_url(live_server + "/my-account/password")
        assert "thay mật khẩu tạm" in page.inner_text("body")
        assert visible_english_words(page) == []
        page.fill("#current_password", temporary)
        page.fill("#new_password", "ngan")
        page.fill("#confirm_password", "ngan")
        page.click("button[type=submit]")
        assert "ít nhất 10 ký tự" in page.inner_text("body")
        page.fill("#current_password", temporary)
        page.fill("#new_password", "Truong#Mot2026")
        page.fill("#confirm_password", "Truong#Mot2026")
        page.click("button[type=submit]")
        page.wait_for_url(live_server + "/")
        assert "Xin chào, Nguyễn Thị Hằng" in page.inner_text("body")
        assert visible_english_words(page) == []
        # the page fits the phone: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        page.screenshot(path="tests/artifacts/teacher_phone.png", full_page=True)
        context.close()


def test_officer_locks_an_account_from_the_list(app, province, live_server, page):
    sign_in(page, live_server, "canbo", w.PASSWORD)
    page.goto(live_server + "/accounts/list/")
    assert "bacsi" not in page.inner_text("body")  # another Sở: out of scope
    row = page.locator("tr", has_text="giaovien_truong")
    row.locator("input.action_check").check()
    page.click(".dropdown-toggle:has-text('Thao tác')")
    page.click("a:has-text('Khóa')")
    page.click("#modal-confirm-ok")
    # the confirmation submits the form: wait for the answer, not the page still shown
    page.wait_for_selector("text=Đã khóa 1 tài khoản")
    assert visible_english_words(page) == []
    with app.app_context():
        assert account("giaovien_truong").status == "locked"
