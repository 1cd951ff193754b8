"""The org tree's main flow in headless Chromium: Sở Nội vụ merges two units of
the demo province (Trường THPT Ngô Gia Tự absorbs Trường THPT Trần Phú from the
school year 2026-2027) through the form; staff, history and codes come out right.
(The demo's own 2025 mergers are already history: tests/application/test_demo_eras.py.)"""
from sqlalchemy import select

from app.application.demo import DEMO_PASSWORD, seed_demo
from app.extensions import db
from app.org.models import Unit
from app.org.models import Employee
from tests.browser.conftest import sign_in, visible_english_words

ABSORBING = "Trường THPT Ngô Gia Tự"
ABSORBED = "Trường THPT Trần Phú"
ABSORBED_CODE = "H44.02.02"


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
    assert moving  # the demo gives the absorbed school its own staff

    sign_in(page, live_server, "sonoivu", DEMO_PASSWORD)
    page.goto(live_server + "/unit-tree/")
    # collapsed below the Sở until one is opened
    school = page.locator("a:has-text('Trường THPT Chuyên Vĩnh Phúc')")
    assert not school.is_visible()
    page.click("summary:has-text('Sở Giáo dục và Đào tạo')")
    assert school.is_visible()
    page.click("summary:has-text('Sở Giáo dục và Đào tạo')")
    assert not school.is_visible()
    page.click("summary:has-text('Sở Giáo dục và Đào tạo')")
    page.click("a:has-text('%s')" % ABSORBED)
    assert ABSORBED_CODE in page.inner_text("#unit-summary")

    page.goto(live_server + "/restructure/")
    page.click("a:has-text('Sáp nhập đơn vị')")
    page.select_option("#absorbing_id", str(ids[0]))
    page.select_option("#absorbed_ids", [str(ids[1])])
    page.fill("#decision_number", "QĐ 1585/QĐ-UBND")
    page.fill("#decision_date", "15/08/2026")
    page.fill("#effective_on", "01/09/2026")
    assert visible_english_words(page) == []
    page.click("button[type=submit]")
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "Đã lưu việc sắp xếp: Sáp nhập" in body and "QĐ 1585/QĐ-UBND" in body

    # the absorbed school: closed on the day, pointing to its successor, code kept in history
    page.goto(live_server + "/unit-tree/unit/%d" % ids[1])
    summary = page.inner_text("#unit-summary")
    assert "01/09/2026" in summary and ABSORBING in summary
    assert ABSORBED_CODE in page.inner_text("#codes")
    assert "QĐ 1585/QĐ-UBND" in page.inner_text("#events")
    assert visible_english_words(page) == []

    # the absorbing school: its new staff with the decision as their reason
    page.goto(live_server + "/unit-tree/unit/%d" % ids[0])
    moves = page.inner_text("#moves")
    for name in moving:
        assert name in moves
    assert "theo quyết định QĐ 1585/QĐ-UBND ngày 15/08/2026" in moves
    page.screenshot(path="tests/artifacts/unit_after_merge.png", full_page=True)

    # today's tree no longer shows it; the tree of 31/08/2026 does
    page.goto(live_server + "/unit-tree/")
    page.fill("#tree-q", "Trần Phú")
    page.click("button:has-text('Tìm kiếm')")
    page.wait_for_load_state()
    assert page.locator("#tree-empty").is_visible()
    page.fill("#tree-on", "31/08/2026")
    page.click("button:has-text('Tìm kiếm')")
    page.wait_for_load_state()
    assert ABSORBED in page.inner_text("#unit-tree")
    assert visible_english_words(page) == []
    with app.app_context():
        assert {e.unit_id for e in db.session.scalars(
            select(Employee).where(Employee.full_name.in_(moving)))} == {ids[0]}
