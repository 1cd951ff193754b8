"""The deadlines board and the home panel (issue 17.5): what a hiring runs, for whoever
must act, until it is done."""
import pytest
from sqlalchemy import select

from app.accounts.models import Account
from app.audit.models import AuditEntry
from app.deadlines import services as deadlines
from app.extensions import db
from app.hiring import services as hiring
from app.org.models import Employee
from app.records import services as records
from app.core import clock
from app.workdays.services import due_date
from tests.conftest import login
from tests.hiring.conftest import SCAN, actor, hire_data
from tests.security import world as w


def _kinds(pairs):
    return sorted((d.kind, d.employee_name) for _state, d in pairs)


@pytest.mark.parametrize("hiring_app", ["dong_nai"], indirect=True)
def test_dong_nai_first_entry_runs_from_the_account_until_the_person_submits(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = actor(world, "canbo")
        hired = hiring.hire(officer, hire_data(world), SCAN)
        person = db.session.get(Account, hired.account.id)
        _today, pairs = deadlines.of(officer)
        assert _kinds(pairs) == [("hiring.first_entry", "Phạm Thị Lan")]
        deadline = pairs[0][1]
        # Điều 6.4 ĐN: 05 working days from the day the account was made: today in the
        # province (FAB writes created_on in the server's time: at 17:15 UTC it is
        # already tomorrow in Vietnam)
        assert person.created_on is not None
        assert deadline.since == clock.today()
        assert deadline.due_on == due_date(clock.today(), 5)
        assert deadline.cite.startswith("Điều 6 khoản 4")
        # the person sees her own; a person of another unit sees nothing
        assert _kinds(deadlines.of(person)[1]) == [("hiring.first_entry", "Phạm Thị Lan")]
        assert deadlines.of(actor(world, "canhan"))[1] == []
        # submitted: no longer a first entry awaited
        employee = db.session.get(Employee, hired.employee.id)
        version = records.open_version(employee)
        version.status = "submitted"
        db.session.commit()
        assert deadlines.of(officer)[1] == []


@pytest.mark.parametrize("hiring_app", ["dong_nai"], indirect=True)
def test_dong_nai_account_term_runs_from_the_decision_for_whoever_makes_accounts(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = actor(world, "canbo")
        hired = hiring.hire(officer, hire_data(world), SCAN)
        hiring.unlink_account(officer, db.session.get(Employee, hired.employee.id),
                              "Cấp nhầm")
        pairs = deadlines.of(officer)[1]
        account = [d for _s, d in pairs if d.kind == "hiring.account"]
        # Điều 6.3 ĐN: 05 working days from the recruitment decision (15/08/2026)
        assert [(d.since.isoformat(), d.due_on) for d in account] == [
            ("2026-08-15", due_date(account[0].since, 5))]
        assert account[0].state(account[0].due_on.replace(year=2027)) == "overdue"
        # the head reads the board and chases the first entry, but makes no accounts
        assert [d.kind for _s, d in deadlines.of(actor(world, "thutruong"))[1]] == [
            "hiring.first_entry"]


@pytest.mark.parametrize("hiring_app", ["dong_nai"], indirect=True)
def test_the_board_lists_them_and_is_audited_and_the_person_has_no_board(hiring_app):
    app, world = hiring_app
    with app.app_context():
        hiring.hire(actor(world, "canbo"), hire_data(world), SCAN)
    client = app.test_client()
    login(client, "canbo", w.PASSWORD)
    page = client.get("/deadlines/").get_data(as_text=True)
    assert "Phạm Thị Lan" in page and 'id="deadlines"' in page
    home = client.get("/").get_data(as_text=True)
    assert 'id="home-deadlines-due"' in home and "Phạm Thị Lan" in home
    with app.app_context():
        # the board's read is audited (the home page's panels are not)
        assert db.session.scalar(select(AuditEntry.action).order_by(
            AuditEntry.id.desc()).limit(1)) == "deadline.list"
    person = app.test_client()
    login(person, "canhan", w.PASSWORD)
    assert person.get("/deadlines/").status_code in (302, 403)


@pytest.mark.parametrize("hiring_app", ["dong_nai", "hai_phong"], indirect=True)
def test_a_change_started_runs_the_profiles_update_term(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = actor(world, "canbo")
        hired = hiring.hire(officer, hire_data(world), SCAN)
        employee = db.session.get(Employee, hired.employee.id)
        version = records.open_version(employee)
        version.status = "approved"           # the first record, approved
        db.session.commit()
        draft = records.open_draft(officer, employee)
        since = draft.created_at.astimezone(clock.PROVINCE_TZ).date()
        changes = [d for _s, d in deadlines.of(officer)[1] if d.kind == "records.update"]
        # the Nghị định 27/2026 overlay (on by default): 03 working days; without it
        # Điều 6.5 ĐN: 05, and Điều 15.2 HP "kịp thời" sets no number of days
        overlay = "nd27_2026" not in app.config["OVERLAYS_OFF"]
        days = 3 if overlay else {"dong_nai": 5, "hai_phong": None}[
            app.config["PROVINCE_PROFILE"]]
        assert [(d.employee_name, d.since, d.due_on) for d in changes] == (
            [("Phạm Thị Lan", since, due_date(since, days))] if days else [])
