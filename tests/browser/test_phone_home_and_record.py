"""Issue 16.5 and 16.6 on a phone: at 390 px the whole record (with long values and
wide tables) and each role's home page fit the screen; the record's table rows are
cards whose cells are labelled by their column."""
from sqlalchemy import select

from app.application.demo import DEMO_PASSWORD, seed_demo
from app.extensions import db
from app.org.models import Employee
from app.records import form
from app.records import services as records
from tests.browser.conftest import sign_in
from tests.browser.test_phone_review import LONG_ADDRESS, PHONE, _assert_fits

SALARY = next(t for t, _owner, _privacy in form.TABLES.values() if len(t.columns) >= 6)


def _fill_long_record(app):
    """canhan's draft with a 300-character address and two rows in a wide table."""
    with app.app_context():
        actor = app.appbuilder.sm.find_user(username="canhan")
        person = db.session.scalar(select(Employee).where(Employee.account_id == actor.id))
        draft = records.open_draft(actor, person)
        content = records.read_content(draft)
        content["fields"]["noi_o"] = LONG_ADDRESS
        sample = {form.PARTIAL_DATE: "2019-03", form.YEAR: "2001", form.DECIMAL: "2.34",
                  form.INTEGER: "1250000", form.DATE: "2020-05-17"}
        row = {c.key: sample.get(c.kind, LONG_ADDRESS[:120])
               for c in SALARY.columns if c.kind not in (form.CATALOG, form.CHOICE)}
        content["tables"][SALARY.key] = [dict(row, _id="r1"), dict(row, _id="r2")]
        records.store(draft, content)
        db.session.commit()
        pk = person.id
        db.session.remove()
    return pk


def test_the_whole_record_and_the_home_pages_fit_a_phone(app, live_server, browser):
    with app.app_context():
        seed_demo(app.appbuilder)
    pk = _fill_long_record(app)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "canhan", DEMO_PASSWORD)
    page.goto(live_server + "/records/person/%d/record" % pk)
    assert LONG_ADDRESS in page.inner_text("#noi_o")
    cell = page.locator("#table-%s + div table.hoso-cards td" % SALARY.key).first
    assert cell.evaluate("el => getComputedStyle(el).display") == "block"
    label = cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert label.strip('"').rstrip(": ") == SALARY.columns[0].label
    _assert_fits(page, "whole_record")
    page.goto(live_server + "/")
    _assert_fits(page, "home_canhan")
    context.close()
    for username in ("quanlydulieu", "thutruong", "sonoivu", "quantri"):
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, live_server, username, DEMO_PASSWORD)
        page.goto(live_server + "/")
        assert page.locator(".hoso-home-panel").count() >= 1, username
        _assert_fits(page, "home_" + username)
        context.close()
