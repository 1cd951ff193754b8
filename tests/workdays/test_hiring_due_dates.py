"""The hiring's terms dated by the working-day calendar (issue 17, item 1): the account's
term from the decision, the first entry's from the decision or from the account's
making, shown dd/mm/yyyy beside the term; overdue ones marked on the home page."""
import datetime as dt

import pytest
from sqlalchemy import select

from app.accounts.models import Account
from app.core import clock
from app.extensions import db
from app.hiring import queries, services
from app.hiring.models import Hiring
from app.org.models import Employee
from tests.hiring.conftest import SCAN, actor, hire_data
from tests.hiring.conftest import hiring_app  # noqa: F401 (the fixture)
from tests.races import stale_message
from tests.workdays.conftest import signed_in


def _hire(app, world, **changes):
    """Hire under the app's profile; the account (if any) made on Thursday 20/08/2026."""
    with app.app_context():
        hired = services.hire(actor(world, "canbo"), hire_data(world, **changes), SCAN)
        employee = db.session.get(Employee, hired.employee.id)
        if employee.account_id:
            db.session.get(Account, employee.account_id).created_on = dt.datetime(
                2026, 8, 20, 9, 0)
            db.session.commit()
        ids = employee.id, hired.hiring.id, employee.account_id
        db.session.remove()
    return ids


def _panel(html, key):
    start = html.index('id="home-%s"' % key)
    return html[start:html.find('class="panel ', start + 1)]


@pytest.mark.parametrize("hiring_app", ["dong_nai"], indirect=True)
def test_dong_nai_terms_are_dated_from_the_decision_and_from_the_account(hiring_app):
    app, world = hiring_app
    employee_id, hiring_id, account_id = _hire(app, world)
    assert account_id, "dong_nai: the officer's hiring makes the personal account"
    with app.app_context():
        hiring = db.session.get(Hiring, hiring_id)
        account = db.session.get(Account, account_id)
        # Điều 6.3 ĐN: the account within 5 working days of the decision (Saturday
        # 15/08/2026: Monday 17 to Friday 21); met when the account was made
        made = queries.account_term(hiring, None, today=dt.date(2026, 8, 24))
        assert made.due == dt.date(2026, 8, 21) and made.overdue
        made = queries.account_term(hiring, account, today=dt.date(2026, 8, 24))
        assert made.met_on == dt.date(2026, 8, 20) and not made.overdue
        # Điều 6.4 ĐN: the first entry within 5 working days of the account (Thursday
        # 20/08/2026; Saturday 22/08/2026 is worked in exchange for Monday 31/08)
        entry = queries.first_entry_term(hiring, account, today=dt.date(2026, 8, 26))
        assert entry.due == dt.date(2026, 8, 26) and not entry.overdue
        assert queries.first_entry_term(hiring, account, today=dt.date(2026, 8, 27)).overdue
        # no account yet: the term has not started
        waiting = queries.first_entry_term(hiring, None)
        assert waiting.due is None and waiting.waiting
        db.session.remove()
    client = signed_in(app, "canbo")
    with clock.freeze(dt.datetime(2026, 8, 25, 10, 0)):
        page = client.get("/hiring/person/%d/account" % employee_id).get_data(as_text=True)
        assert "21/08/2026" not in page          # the account's term is met …
        assert "20/08/2026" in page and "26/08/2026" in page
        panel = _panel(client.get("/").get_data(as_text=True), "deadlines-due")
        assert "Phạm Thị Lan" in panel and "26/08/2026" in panel
        assert "list-group-item-warning" not in panel
    with clock.freeze(dt.datetime(2026, 8, 27, 10, 0)):
        panel = _panel(client.get("/").get_data(as_text=True), "deadlines-due")
        assert "26/08/2026" in panel and "list-group-item-warning" in panel


@pytest.mark.parametrize("hiring_app", ["dong_nai"], indirect=True)
def test_without_an_account_the_first_entry_runs_from_when_it_is_made(hiring_app):
    app, world = hiring_app
    employee_id, _hiring_id, _account_id = _hire(app, world)
    with app.app_context():
        db.session.get(Employee, employee_id).account_id = None
        db.session.commit()
        db.session.remove()
    panel = _panel(signed_in(app, "canbo").get("/").get_data(as_text=True), "deadlines-due")
    assert stale_message(app, "from when the account is made") in panel
    # only the account is overdue (Điều 6.3 ĐN: 5 working days from 15/08/2026); the first
    # entry has no date until the account is made
    assert panel.count("list-group-item-warning") == 1
    warned = panel[panel.index("list-group-item-warning"):]
    assert warned.index(stale_message(app, "Make the personal account")) < warned.index("</a>")


@pytest.mark.parametrize("hiring_app", ["da_nang"], indirect=True)
def test_da_nang_first_entry_is_dated_from_the_decision(hiring_app):
    app, world = hiring_app
    employee_id, hiring_id, _account_id = _hire(app, world)
    with app.app_context():
        hiring = db.session.get(Hiring, hiring_id)
        # Điều 10.1.b ĐNg: 45 working days from Saturday 15/08/2026, over 1–2/9 and the
        # swap of 31/08 with Saturday 22/08
        due = queries.first_entry_term(hiring, None).due
        assert due == dt.date(2026, 10, 20)
        db.session.remove()
    with clock.freeze(dt.datetime(2026, 10, 21, 8, 0)):
        panel = _panel(signed_in(app, "canbo").get("/").get_data(as_text=True),
                       "deadlines-due")
        assert "20/10/2026" in panel and "list-group-item-warning" in panel


@pytest.mark.parametrize("hiring_app", ["dong_nai"], indirect=True)
def test_the_hired_page_shows_the_due_dates(hiring_app):
    import io

    from tests.conftest import csrf_token
    from tests.hiring.conftest import PDF

    app, world = hiring_app
    client = signed_in(app, "canbo")
    page = client.get("/hiring/new")
    body = dict(hire_data(world), csrf_token=csrf_token(page.get_data(as_text=True)))
    body["scan"] = (io.BytesIO(PDF), "qd.pdf")
    html = client.post("/hiring/new", data=body,
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "hoso-term" in html
    with app.app_context():
        account_id = db.session.scalar(select(Employee.account_id).where(
            Employee.full_name == "Phạm Thị Lan"))
        made = queries.account_day(db.session.get(Account, account_id))
        db.session.remove()
    # the first entry's term runs from today's account
    from app.workdays import services as workdays
    assert workdays.due_date(made, 5).strftime("%d/%m/%Y") in html
