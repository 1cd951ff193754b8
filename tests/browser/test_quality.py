"""The inspection view in Chromium (issue 18.5): Sở Nội vụ opens it from the menu and
sees the reporting units ranked, the weakest data first, each unit's scores and a link
to its people; on a phone the ranking reads one unit at a time."""
import os
import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.reports import quality
from tests.browser.conftest import ARTIFACTS, sign_in
from tests.reports.test_quality import TODAY, quality_app  # noqa: F401 (the fixture)
from tests.security import world as w
from tests.transfers.conftest import actor, at, transfer_app  # noqa: F401 (the fixture)


@pytest.fixture
def quality_server(quality_app):  # noqa: F811 (the fixture)
    app, world, ids = quality_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with at(TODAY):
        yield app, "http://127.0.0.1:%d" % server.server_port, world
    server.shutdown()
    thread.join(timeout=10)


@pytest.mark.parametrize("transfer_app", ["ha_noi"], indirect=True)
def test_so_noi_vu_opens_the_inspection_and_sees_the_units_ranked(quality_server, page):
    app, base, world = quality_server
    with app.app_context():
        expected = quality.ranking(actor(world, "sonoivu"), on=TODAY)
        order = [row.unit.id for row in expected.rows]
        q_row = next(row for row in expected.rows if row.unit.id == world.units["Q"])
        db.session.remove()
    sign_in(page, base, "sonoivu", w.PASSWORD)
    page.goto(base + "/")
    entry = page.locator('a[href="/reports/inspection/"]')
    assert entry.count() >= 1, "the menu entry"
    page.goto(base + "/reports/inspection/")
    table = page.locator("#inspection-table")
    assert table.is_visible()
    rows = page.locator("#inspection-table tbody tr")
    assert rows.count() == len(order)
    shown = [int(rows.nth(i).get_attribute("data-unit")) for i in range(rows.count())]
    assert shown == order, "worst first"
    q = page.locator('#inspection-table tbody tr[data-unit="%d"]' % world.units["Q"])
    overall = q.locator('[data-column="overall"]').inner_text()
    assert overall.replace("\xa0", " ").strip() == ("%.1f %%" % q_row.overall).replace(".", ",")
    assert q.locator('[data-column="people"]').inner_text().strip() == str(q_row.people)
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, "inspection-desktop.png"), full_page=True)
    # each unit opens its own page of scores
    q.locator("a", has_text="Sở Kiểm tra").click()
    page.wait_for_load_state()
    assert page.locator("#quality-table").is_visible()
    assert "unit=%d" % world.units["Q"] in page.url

    # on a phone the table stacks: one block per unit, each score under its label
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    small = phone.new_page()
    try:
        sign_in(small, base, "sonoivu", w.PASSWORD)
        small.goto(base + "/reports/inspection/")
        assert small.locator("#inspection-table thead").is_hidden()
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, "nothing to scroll sideways"
        assert small.locator('#inspection-table tbody tr[data-unit="%d"]'
                             % world.units["Q"]).is_visible()
        small.screenshot(path=os.path.join(ARTIFACTS, "inspection-phone.png"), full_page=True)
        small.goto(base + "/reports/quality/?unit=%d" % world.units["Q"])
        small.screenshot(path=os.path.join(ARTIFACTS, "quality-phone.png"), full_page=True)
    finally:
        phone.close()
    # a head is not offered the inspection
    page.goto(base + "/logout/")
    sign_in(page, base, "thutruong", w.PASSWORD)
    page.goto(base + "/")
    assert page.locator('a[href="/reports/inspection/"]').count() == 0
