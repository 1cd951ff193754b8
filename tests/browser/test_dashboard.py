"""The dashboard in Chromium (issue 18.3): Sở Nội vụ sees the whole province's numbers,
a school's head his school's, each chart with its table, and the numbers are the
people in scope."""
import threading

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from app.org.models import Employee, Unit
from tests.browser.conftest import sign_in
from tests.reports.test_search import TODAY, province  # noqa: F401 (the fixture)
from tests.security import world as w
from tests.transfers.conftest import at, transfer_app  # noqa: F401 (the fixture)

IN_SERVICE = ("dang_cong_tac", "biet_phai")


@pytest.fixture
def province_server(province):  # noqa: F811 (the fixture)
    app, world = province
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with at(TODAY):
        yield app, "http://127.0.0.1:%d" % server.server_port, world
    server.shutdown()
    thread.join(timeout=10)


def _shown_total(page, key):
    return int(page.locator("#panel-%s tfoot [data-total]" % key).get_attribute("data-total"))


@pytest.mark.parametrize("transfer_app", ["vinh_phuc"], indirect=True)
def test_so_noi_vu_and_a_head_see_the_numbers_of_their_scope(province_server, page):
    app, base, world = province_server
    with app.app_context():
        everyone = db.session.query(Employee).filter(Employee.status.in_(IN_SERVICE)).count()
        a = db.session.get(Unit, world.units["A"])
        in_a = db.session.query(Employee).filter(Employee.unit_path.startswith(a.path),
                                                 Employee.status.in_(IN_SERVICE)).count()
        db.session.remove()
    sign_in(page, base, "sonoivu", w.PASSWORD)
    page.goto(base + "/")
    assert page.locator('a[href="/reports/dashboard/"]').count() >= 1, "the menu entry"
    page.goto(base + "/reports/dashboard/")
    assert _shown_total(page, "category") == everyone
    assert _shown_total(page, "unit") == everyone
    assert page.locator("#panel-pyramid svg").is_visible()
    assert page.locator("#panel-category table tbody tr").count() >= 1
    page.goto(base + "/logout/")
    sign_in(page, base, "thutruong", w.PASSWORD)
    page.goto(base + "/reports/dashboard/")
    assert _shown_total(page, "category") == in_a < everyone
    assert "Sở Y tế" not in page.locator("#panel-unit").inner_text()
