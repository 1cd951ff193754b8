"""The org tree's main flow in headless Chromium: Sở Nội vụ merges two units of
the demo province (Sở Khoa học và Công nghệ absorbs Sở Thông tin và Truyền
thông, as in 2025) through the form; staff, history and codes come out right."""
from sqlalchemy import select

from app.application.demo import DEMO_PASSWORD, seed_demo
from app.extensions import db
from app.org.models import Unit
from app.org.models import Employee
from tests.browser.conftest import sign_in, visible_english_words

ABSORBING = "Sở Khoa học và Công nghệ"
ABSORBED = "Sở Thông tin và Truyền thông"


def _unit(name):
    return db.session.scalar(select(Unit).where(Unit.name == name))


def test_so_noi_vu_merges_two_demo_units(app, live_server, page):
    with app.app_context():
        seed_demo(app.appbuilder)
        absorbing, absorbed = _unit(ABSORBING), _unit(ABSORBED)
        ids = absorbing.id, absorbed.id
        moving = {e.full_name for e in db.session.scalars(
            select(Employee).where(Employee.unit_id == absorbed.id))}
        db.session.remove()
    assert moving  # the demo gives the absorbed Sở its own staff

    sign_in(page, live_server, "sonoivu", DEMO_PASSWORD)
    page.goto(live_server + "/unit-tree/")
    # collapsed below the Sở until one is opened
    school = page.locator("a:has-text('Trường THPT Chuyên Vĩnh Phúc')")
    assert not school.is_visible()
    page.click("summary:has-text('Sở Giáo dục và Đào tạo')")
    assert school.is_visible()
    page.click("summary:has-text('Sở Giáo dục và Đào tạo')")
    assert not school.is_visible()
    page.click("a:has-text('%s')" % ABSORBED)
    assert "H62.05" in page.inner_text("#unit-summary")

    page.goto(live_server + "/restructure/")
    page.click("a:has-text('Sáp nhập đơn vị')")
    page.select_option("#absorbing_id", str(ids[0]))
    page.select_option("#absorbed_ids", [str(ids[1])])
    page.fill("#decision_number", "QĐ 1585/QĐ-UBND")
    page.fill("#decision_date", "25/06/2025")
    page.fill("#effective_on", "01/07/2025")
    assert visible_english_words(page) == []
    page.click("button[type=submit]")
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "Đã lưu việc sắp xếp: Sáp nhập" in body and "QĐ 1585/QĐ-UBND" in body

    # the absorbed Sở: closed on the day, pointing to its successor, code kept in history
    page.goto(live_server + "/unit-tree/unit/%d" % ids[1])
    summary = page.inner_text("#unit-summary")
    assert "01/07/2025" in summary and ABSORBING in summary
    assert "H62.05" in page.inner_text("#codes")
    assert "QĐ 1585/QĐ-UBND" in page.inner_text("#events")
    assert visible_english_words(page) == []

    # the absorbing Sở: its new staff with the decision as their reason
    page.goto(live_server + "/unit-tree/unit/%d" % ids[0])
    moves = page.inner_text("#moves")
    for name in moving:
        assert name in moves
    assert "theo quyết định QĐ 1585/QĐ-UBND ngày 25/06/2025" in moves
    page.screenshot(path="tests/artifacts/unit_after_merge.png", full_page=True)

    # today's tree no longer shows it; the tree of 30/06/2025 does
    page.goto(live_server + "/unit-tree/")
    assert ABSORBED not in page.inner_text("#unit-tree")
    page.fill("#tree-on", "30/06/2025")
    page.click("button:has-text('Tìm kiếm')")
    page.wait_for_load_state()
    assert ABSORBED in page.inner_text("#unit-tree")
    assert visible_english_words(page) == []
    with app.app_context():
        assert {e.unit_id for e in db.session.scalars(
            select(Employee).where(Employee.full_name.in_(moving)))} == {ids[0]}
