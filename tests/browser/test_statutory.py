"""The yearly report in Chromium, in the demo (issue 18): the director of Sở Giáo dục và
Đào tạo compiles his agency's report, reviews it, signs it with his key's PIN and submits
it; Sở Nội vụ sees the submission among the others and compiles the province's report from
them. Every screen in Vietnamese."""
from app.application.demo import DEMO_PASSWORD, seed_demo
from app.application.demo_reports import NOT_BEGUN
from app.approval.demo import DEMO_PIN
from app.extensions import db
from tests.browser.conftest import sign_in, visible_english_words


def test_a_head_compiles_signs_and_submits_and_so_noi_vu_compiles_the_province(
        app, live_server, page):
    with app.app_context():
        seed_demo(app.appbuilder)
        db.session.remove()
    sign_in(page, live_server, "giamdoc", DEMO_PASSWORD)
    page.goto(live_server + "/reports/statutory/")
    assert "Sở Giáo dục và Đào tạo" in page.inner_text("#statutory")
    assert "Chưa lập báo cáo." in page.inner_text("#report-state")
    assert visible_english_words(page) == []
    page.fill("#remarks", "Đề nghị bổ sung biên chế giáo viên.")
    page.click("#compile")
    page.wait_for_load_state()
    assert "Đã lập báo cáo" in page.inner_text("body")
    assert page.get_attribute("#statutory-report", "data-status") == "draft"
    total = int(page.inner_text("#report-total [data-column=total]"))
    assert total > 30                                  # the Sở and its schools
    assert "Đề nghị bổ sung biên chế giáo viên." in page.inner_text("#report-remarks")
    assert visible_english_words(page) == []
    page.fill("#pin", DEMO_PIN)
    page.click("#sign")
    page.wait_for_load_state()
    assert "Đã ký số báo cáo" in page.inner_text("body")
    assert page.get_attribute("#statutory-report", "data-status") == "signed"
    assert "Nguyễn Văn Hải" in page.inner_text("#statutory-report")
    page.click("#submit")
    page.wait_for_load_state()
    assert "Đã gửi báo cáo." in page.inner_text("body")
    assert page.get_attribute("#statutory-report", "data-status") == "submitted"
    assert visible_english_words(page) == []

    page.goto(live_server + "/logout/")
    sign_in(page, live_server, "sonoivu", DEMO_PASSWORD)
    page.goto(live_server + "/reports/statutory/province")
    standings = page.inner_text("#standings")
    assert "Sở Giáo dục và Đào tạo" in standings and NOT_BEGUN in standings
    assert visible_english_words(page) == []
    page.click("#compile-province")
    page.wait_for_load_state()
    assert "Đã tổng hợp báo cáo của tỉnh" in page.inner_text("body")
    rows = page.inner_text("#report-breakdown")
    assert "Sở Giáo dục và Đào tạo" in rows
    assert NOT_BEGUN in page.inner_text("#report-submissions")      # not submitted
    province_total = int(page.inner_text("#report-total [data-column=total]"))
    assert province_total > total
    page.fill("#pin", DEMO_PIN)
    page.click("#sign")
    page.wait_for_load_state()
    assert page.get_attribute("#statutory-report", "data-status") == "signed"
    assert visible_english_words(page) == []
