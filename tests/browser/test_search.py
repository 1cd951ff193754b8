"""The search screen in Chromium (issue 18.2): a unit's officer finds the women of their
unit, is told beside the field what is wrong with an age, downloads the result as a
workbook, saves the search and runs it again from their list."""
import io
import threading

import pytest
from openpyxl import load_workbook
from werkzeug.serving import make_server

from tests.browser.conftest import sign_in
from tests.reports.test_search import PEOPLE, TODAY, province  # noqa: F401 (the fixture)
from tests.security import world as w
from tests.transfers.conftest import at, transfer_app  # noqa: F401 (the fixture)


@pytest.fixture
def province_server(province):  # noqa: F811 (the fixture)
    app, world = province
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with at(TODAY):
        yield "http://127.0.0.1:%d" % server.server_port, world
    server.shutdown()
    thread.join(timeout=10)


def test_an_officer_searches_exports_and_saves_a_search(province_server, page):
    base, _world = province_server
    sign_in(page, base, "canbo", w.PASSWORD)
    page.goto(base + "/")
    assert page.locator('a[href="/reports/search/"]').count() >= 1, "the menu entry"
    page.goto(base + "/reports/search/")
    page.select_option("#sex", "nu")
    page.click("#search-form button[type=submit]")
    page.wait_for_load_state()
    names = page.locator("#results tbody td:first-child a").all_inner_texts()
    assert sorted(names) == sorted([PEOPLE["canbo"]["name"], PEOPLE["giaovien"]["name"]])
    # the workbook holds the same people
    with page.expect_download() as download:
        page.click("#export")
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert sorted(row[1] for row in list(sheet.iter_rows(values_only=True))[1:]) == \
        sorted(names)
    # save the criteria, then run them from the list
    page.fill("#save-name", "Nữ trong đơn vị")
    page.click("#save-form button[type=submit]")
    page.wait_for_load_state()
    page.goto(base + "/reports/search/")
    page.click("#saved-searches a:has-text('Nữ trong đơn vị')")
    page.wait_for_load_state()
    assert page.locator("#sex").input_value() == "nu"
    assert page.locator("#results tbody tr").count() == 2
    # a bad age is named beside its field and nothing is listed
    page.fill("#age_from", "ba mươi")
    page.click("#search-form button[type=submit]")
    page.wait_for_load_state()
    group = page.locator(".form-group.has-error:has(#age_from)")
    assert group.locator(".help-block").is_visible()
    assert page.locator("#results").count() == 0


def test_so_noi_vu_finds_a_unit_deep_in_the_tree_by_typing_its_name(province_server, page):
    """The unit list holds the province's top units only; a school two levels down is
    found as its name is typed (asked of the server), chosen, and searched."""
    base, world = province_server
    sign_in(page, base, "sonoivu", w.PASSWORD)
    page.goto(base + "/reports/search/")
    school = str(world.units["A1"])
    assert page.locator('#unit option[value="%s"]' % school).count() == 0
    page.fill("#unit-find", "thpt so 1")
    page.wait_for_selector('#unit option[value="%s"]' % school, state="attached")
    assert page.locator("#unit").input_value() == school
    page.click("#search-form button[type=submit]")
    page.wait_for_load_state()
    names = page.locator("#results tbody td:first-child a").all_inner_texts()
    assert names == [PEOPLE["giaovien_truong"]["name"]]
    # the page of results keeps the school chosen
    assert page.locator("#unit").input_value() == school
