"""Phone-first review: at 390 px the head reads each change as a card (item, then
"Trước" and "Sau" on their own lines) and nothing on the page is wider than the
screen, even with a 300-character new address; on a desktop the table stays."""
from sqlalchemy import select

from app.application.demo import DEMO_PASSWORD, seed_demo
from app.extensions import db
from app.org.models import Employee
from app.records import services as records
from tests.browser.conftest import ARTIFACTS, sign_in, visible_english_words

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "vi-VN"}
# 300 characters, with one unbroken 60-character run that only overflow-wrap:anywhere breaks
LONG_RUN = "KhuDoThiMoi" * 5 + "VinhPhuc-B"
BASE = "Số 12 ngõ 34 đường Lê Lợi, tổ dân phố Đồng Tâm, phường Vĩnh Phúc, tỉnh Phú Thọ, " + LONG_RUN + " "
LONG_ADDRESS = (BASE * 4)[:299] + "Z"
assert len(LONG_ADDRESS) == 300

# Anything wider than the viewport: the page's scroll width, and every element's box
# (elements inside a box that clips its overflow, e.g. a scrolling table, do not count).
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if (rect.right > width + 1 || rect.left < -1) {
      wide.push(el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className + ' ' +
                Math.round(rect.left) + '..' + Math.round(rect.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
          wide: wide.slice(0, 10)};
}"""

ON_SCREEN_JS = """(el) => {
  el.scrollIntoView({block: 'center'});
  const r = el.getBoundingClientRect();
  return {left: r.left, right: r.right, width: r.width, height: r.height,
          innerWidth: window.innerWidth, text: el.innerText};
}"""


def _submit_long_address(app):
    with app.app_context():
        actor = app.appbuilder.sm.find_user(username="canhan")
        person = db.session.scalar(select(Employee).where(Employee.account_id == actor.id))
        draft = records.open_draft(actor, person)
        records.save(actor, draft, {"noi_o": LONG_ADDRESS}, {}, draft.lock)
        records.submit(actor, draft, draft.lock)
        ids = person.id, draft.id
        db.session.remove()
    return ids


def _assert_fits(page, name):
    page.screenshot(path="%s/phone_%s.png" % (ARTIFACTS, name), full_page=True)
    measure = page.evaluate(OVERFLOW_JS)
    assert measure["scrollWidth"] <= measure["innerWidth"], (name, measure)
    assert measure["wide"] == [], (name, measure)


def _assert_new_value_on_screen(page, scope):
    after = page.locator(scope + " .hoso-diff-after", has_text=LONG_ADDRESS[:40])
    assert after.count() == 1
    assert after.is_visible()
    box = after.evaluate(ON_SCREEN_JS)
    assert box["width"] > 0 and box["height"] > 0
    assert box["left"] >= 0 and box["right"] <= box["innerWidth"] + 1, box
    # the whole value, labelled "Sau", and the old one labelled "Trước", as a card
    assert LONG_ADDRESS in box["text"]
    label = after.evaluate("el => getComputedStyle(el, '::before').content")
    assert "Sau" in label
    before = page.locator(scope + " .hoso-diff-before").first
    assert "Trước" in before.evaluate("el => getComputedStyle(el, '::before').content")
    assert after.evaluate("el => getComputedStyle(el).display") == "block"
    # "Sau" is below "Trước", not beside it
    assert after.bounding_box()["y"] > before.bounding_box()["y"]


def test_head_reviews_a_long_change_on_a_phone_and_nothing_overflows(app, live_server,
                                                                      browser):
    with app.app_context():
        seed_demo(app.appbuilder)
    person_id, version_id = _submit_long_address(app)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "thutruong", DEMO_PASSWORD)

    page.goto(live_server + "/approval/version/%d" % version_id)
    assert "Nơi ở hiện nay" in page.inner_text("#review")
    _assert_new_value_on_screen(page, "#review")
    _assert_fits(page, "review")
    assert visible_english_words(page) == []

    page.goto(live_server + "/records/version/%d/diff" % version_id)
    _assert_new_value_on_screen(page, "body")
    _assert_fits(page, "diff")

    # the other pages a head opens on a phone: the queue, the list, the person's page
    for name, url in [("queue", "/approval/"), ("list", "/records/"),
                      ("person", "/records/person/%d" % person_id)]:
        page.goto(live_server + url)
        _assert_fits(page, name)
    _assert_new_value_on_screen(page, "#changes")
    context.close()


def test_on_a_desktop_the_changes_stay_a_table(app, live_server, browser):
    with app.app_context():
        seed_demo(app.appbuilder)
    _, version_id = _submit_long_address(app)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "thutruong", DEMO_PASSWORD)
    page.goto(live_server + "/approval/version/%d" % version_id)
    after = page.locator("#review .hoso-diff-after", has_text=LONG_ADDRESS[:40])
    assert after.evaluate("el => getComputedStyle(el).display") == "table-cell"
    assert page.locator("#review .hoso-diff thead").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
