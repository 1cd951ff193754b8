"""A person signs in on the Vietnamese login page and sees no English."""
import config
from tests.browser.conftest import english_ui_words, sign_in, visible_english_words


def test_the_detector_knows_the_english_ui_words():
    words = english_ui_words()
    assert {"sign", "username", "password", "logout", "search"} <= words
    assert "đăng" not in words and "nhập" not in words


def test_login_in_vietnamese_with_no_english_word_visible(live_server, page, make_user):
    make_user("quantri01", role=config.ROLE_ADMIN, password="Quantri@2026",
              first_name="Bình", last_name="Trần Văn")
    page.goto(live_server + "/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_text("Tên đăng nhập").first.is_visible()
    assert visible_english_words(page) == []

    sign_in(page, live_server, "quantri01", "Quantri@2026")
    page.wait_for_url(live_server + "/")
    assert page.get_by_text("Xin chào").first.is_visible()
    assert "Trần Văn Bình" in page.inner_text("body")
    assert visible_english_words(page) == []


def test_wrong_password_says_so_in_vietnamese(live_server, page, make_user):
    make_user("canbo03", role=config.ROLE_ADMIN, password="Dung@2026")
    sign_in(page, live_server, "canbo03", "sai-mat-khau")
    assert "Đăng nhập không thành công" in page.inner_text("body")
    assert visible_english_words(page) == []


def test_language_switch_shows_english_then_vietnamese(live_server, page):
    page.goto(live_server + "/login/")
    page.click("a.dropdown-toggle:has(i.flag)")
    page.click("a[href='/lang/en']")
    page.wait_for_load_state()
    page.goto(live_server + "/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert {"sign", "username", "password"} <= set(visible_english_words(page))

    page.click("a.dropdown-toggle:has(i.flag)")
    page.click("a[href='/lang/vi']")
    page.wait_for_load_state()
    page.goto(live_server + "/login/")
    assert visible_english_words(page) == []


def test_admin_screens_of_flask_appbuilder_are_vietnamese(live_server, page, make_user):
    make_user("quantri02", role=config.ROLE_ADMIN, password="Quantri@2026")
    sign_in(page, live_server, "quantri02", "Quantri@2026")
    page.wait_for_url(live_server + "/")
    page.click("a.dropdown-toggle:has-text('Tài khoản và quyền truy cập')")
    assert visible_english_words(page) == []
    for path in ("/accounts/list/", "/account-admin/create/staff", "/roles/", "/my-account/",
                 "/audit/list/", "/units/list/", "/my-account/password"):
        page.goto(live_server + path)
        assert page.locator("html").get_attribute("lang") == "vi"
        assert visible_english_words(page) == [], path
