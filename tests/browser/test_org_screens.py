"""Org screens a clerk uses at province scale: the tree loads deeper levels when
opened, long unit lists are searchable, all in Vietnamese."""
from app.extensions import db
from app.org import services
from app.org.models import Unit
from tests.browser.conftest import sign_in, visible_english_words
from tests.security import world as w


def test_tree_loads_deeper_levels_when_opened(app, province, live_server, page):
    with app.app_context():
        school = db.session.get(Unit, province.units["A1"])
        for name in ("Tổ Toán", "Tổ Văn"):
            services.create_unit(name, school, False, "bo_phan")
        db.session.commit()
    sign_in(page, live_server, "sonoivu", w.PASSWORD)
    page.goto(live_server + "/unit-tree/")
    # two levels below the top are in the page; the school's sections are not yet
    assert page.locator("li[data-unit='%d']" % province.units["A1"]).count() == 1
    assert page.locator("text=Tổ Toán").count() == 0
    page.click("summary:has-text('Sở Giáo dục')")
    page.click("summary:has-text('Trường THPT số 1')")
    page.wait_for_selector("text=Tổ Toán")
    assert page.locator("text=Tổ Văn").is_visible()
    assert visible_english_words(page) == []


def test_unit_forms_search_in_vietnamese(app, province, live_server, page):
    sign_in(page, live_server, "sonoivu", w.PASSWORD)
    page.goto(live_server + "/units/add")
    assert page.inner_text(".select2-selection") .strip().endswith("Gõ để tìm")
    page.click(".select2-selection")  # the parent unit
    page.fill(".select2-search__field", "zzz")
    assert page.inner_text(".select2-results").strip() == "Không tìm thấy"
    page.fill(".select2-search__field", "y te")  # no accents: select2 folds them too
    assert page.inner_text(".select2-results").strip() == "Sở Y tế"
    page.keyboard.press("Enter")
    assert "Sở Y tế" in page.inner_text(".select2-selection")
    assert visible_english_words(page) == []
