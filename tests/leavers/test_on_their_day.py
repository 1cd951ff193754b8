"""A departure recorded ahead of its effective date (a retirement decision issued months
before) waits for that day: the person keeps working, signing in and updating the
record; services.apply_due (the daily `flask leavers apply`) then sets the status and
revokes the access, once. Meanwhile it is the person's open departure: a second one is
refused, it cannot be reinstated, and the retirement is no longer a deadline."""
import datetime
import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import STATUS_ACTIVE, STATUS_REVOKED, Account
from app.audit.models import AuditEntry
from app.core import clock
from app.extensions import db
from app.leavers import deadlines, queries, services
from app.leavers.models import StatusChange
from app.workdays.services import due_date
from tests.conftest import login
from tests.leavers.conftest import SCAN, TODAY, actor, decision, person, set_birth
from tests.security import world as w

# two months after TODAY (10/11/2026): the retirement's effective date
DAY = datetime.date(2027, 1, 10)
AHEAD = decision(effective_date=DAY.strftime("%d/%m/%Y"))


def _at(day, hour=7):
    return clock.freeze(datetime.datetime(day.year, day.month, day.day, hour, 0))


def _last_entry():
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def _entries_after(entry_id):
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.id > entry_id).order_by(AuditEntry.id)))


def _account(username_of_person, world):
    return db.session.get(Account, person(world, username_of_person).account_id)


def _signed_in(client, world, username):
    """Whether ``client``'s session still reads the person's own record."""
    page = client.get("/records/person/%d" % world.employees[username])
    return page.status_code == 200


def test_a_retirement_recorded_two_months_ahead_waits_for_its_day(leavers_app):
    app, world = leavers_app
    client = app.test_client()
    with app.app_context(), clock.freeze(TODAY):
        generation = _account("giaovien", world).session_generation or 0
        before = _last_entry()
        change = services.depart(actor(world, "canbo"), person(world, "giaovien"), AHEAD,
                                 SCAN)
        assert change.is_pending and change.applied_on is None
        assert (change.status_from, change.status_to, change.effective_date) == (
            "dang_cong_tac", "nghi_huu", DAY)
        teacher = person(world, "giaovien")
        assert teacher.status == "dang_cong_tac"
        account = _account("giaovien", world)
        assert account.status == STATUS_ACTIVE and account.active
        assert (account.session_generation or 0) == generation
        entries = _entries_after(before)
        assert [entry.action for entry in entries] == ["leavers.depart"]
        assert '"scheduled": true' in entries[0].details
        # the archive and the person's panel say when it takes effect
        rows, _more = queries.archive_page(actor(world, "canbo"), None)
        assert [(row.employee.full_name, row.pending) for row in rows] == [("giaovien", True)]
        panel = queries.person_panel(actor(world, "canbo"), teacher, None, None)
        assert panel["leavers_panel"]["pending"].id == change.id
    with clock.freeze(TODAY):
        officer = app.test_client()
        login(officer, "canbo", w.PASSWORD)
        page = officer.get("/records/person/%d" % world.employees["giaovien"])
        body = page.get_data(as_text=True)
        assert 'id="pending-departure"' in body and "10/01/2027" in body
        # no reinstatement offered for what has not happened yet
        assert "/leavers/person/%d/reinstate" % world.employees["giaovien"] not in body
        archive = officer.get("/leavers/").get_data(as_text=True)
        assert 'data-pending="1"' in archive and "10/01/2027" in archive
        # the person still signs in and reads their record
        login(client, "giaovien", w.PASSWORD)
        assert _signed_in(client, world, "giaovien")
    with app.app_context(), _at(DAY - datetime.timedelta(days=1)):
        before = _last_entry()
        assert services.apply_due() == 0
        assert person(world, "giaovien").status == "dang_cong_tac"
        assert _account("giaovien", world).status == STATUS_ACTIVE
        assert _entries_after(before) == []
    with _at(DAY - datetime.timedelta(days=1)):
        assert _signed_in(client, world, "giaovien")
    with app.app_context(), _at(DAY):
        before = _last_entry()
        assert services.apply_due() == 1
        assert person(world, "giaovien").status == "nghi_huu"
        account = _account("giaovien", world)
        assert account.status == STATUS_REVOKED
        assert account.session_generation == generation + 1
        change = db.session.get(StatusChange, change.id)
        assert change.applied_on == DAY and not change.is_pending
        entries = _entries_after(before)
        assert [entry.action for entry in entries] == ["account.access_revoke",
                                                       "leavers.apply"]
        assert entries[1].actor_id is None
        # exactly once: a second run applies nothing and writes nothing
        before = _last_entry()
        assert services.apply_due() == 0
        assert _entries_after(before) == []
        assert db.session.get(Account, account.id).session_generation == generation + 1
        rows, _more = queries.archive_page(actor(world, "canbo"), None)
        assert [(row.employee.full_name, row.pending) for row in rows] == [
            ("giaovien", False)]
    with _at(DAY):
        assert not _signed_in(client, world, "giaovien")


def test_a_decision_in_force_already_applies_at_once(leavers_app):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        change = services.depart(actor(world, "canbo"), person(world, "giaovien"),
                                 decision(decision_date="20/10/2026",
                                          effective_date="01/11/2026"), SCAN)
        assert change.applied_on == TODAY.date() and not change.is_pending
        assert person(world, "giaovien").status == "nghi_huu"
        assert _account("giaovien", world).status == STATUS_REVOKED
        assert services.apply_due() == 0


def test_a_second_departure_for_a_pending_person_is_refused(leavers_app):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        officer = actor(world, "canbo")
        services.depart(officer, person(world, "giaovien"), AHEAD, SCAN)
        count = db.session.scalar(select(func.count()).select_from(StatusChange))
        with pytest.raises(services.LeaverInvalid) as refused:
            services.depart(officer, person(world, "giaovien"),
                            decision(status="thoi_viec"), SCAN)
        assert "10/01/2027" in refused.value.errors["status"]
        # the transfers' path is refused alike
        with pytest.raises(services.LeaverInvalid):
            services.record_departure(
                actor(world, "sonoivu"), person(world, "giaovien"), "chuyen_cong_tac",
                datetime.date(2026, 11, 10), "12/QĐ-UBND", datetime.date(2026, 11, 3),
                "UBND tỉnh", SCAN, term_rule="transfers.out_status_change_days")
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == count
        assert person(world, "giaovien").status == "dang_cong_tac"
        # and no transfer case is opened for someone who is leaving
        from app.transfers import services as transfers

        with pytest.raises(transfers.TransferInvalid) as moved:
            transfers.open_case(officer, {
                "kind": "giua_don_vi", "employee_id": str(world.employees["giaovien"]),
                "to_unit_id": str(world.units["B"]), "decision_number": "9/QĐ-UBND",
                "decision_date": "01/11/2026", "decided_by": "UBND tỉnh",
                "effective_on": "10/11/2026"}, SCAN)
        assert "10/01/2027" in moved.value.errors["employee_id"]


def test_a_pending_departure_is_not_reinstated_until_it_applies(leavers_app):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        officer = actor(world, "canbo")
        services.depart(officer, person(world, "giaovien"), AHEAD, SCAN)
        count = db.session.scalar(select(func.count()).select_from(StatusChange))
        with pytest.raises(services.LeaverInvalid) as refused:
            services.reinstate(officer, person(world, "giaovien"),
                               decision(effective_date="01/02/2027"), SCAN)
        assert "10/01/2027" in refused.value.errors["status"]
        assert db.session.scalar(select(func.count()).select_from(StatusChange)) == count
    with app.app_context(), _at(DAY):
        assert services.apply_due() == 1
        services.reinstate(actor(world, "canbo"), person(world, "giaovien"),
                           decision(decision_number="60/QĐ-SGDĐT",
                                    effective_date=DAY.strftime("%d/%m/%Y")), SCAN)
        assert person(world, "giaovien").status == "dang_cong_tac"
        assert _account("giaovien", world).status == STATUS_ACTIVE
        history = services.history(person(world, "giaovien"))
        assert [(c.kind, c.applied_on) for c in history] == [
            ("departure", DAY), ("reinstatement", DAY)]


@pytest.mark.parametrize("leavers_app", ["da_nang"], indirect=True)
def test_a_recorded_retirement_is_no_longer_a_deadline(leavers_app):
    app, world = leavers_app
    pension_from = datetime.date(2026, 12, 1)
    with app.app_context(), clock.freeze(TODAY):
        set_birth(world, "giaovien", "1965-05-20", "nam")     # retires end of 30/11/2026
        officer = actor(world, "canbo")
        assert [d.employee_name for d in deadlines.deadlines(officer)] == ["giaovien"]
        services.depart(officer, person(world, "giaovien"),
                        decision(effective_date="01/12/2026"), SCAN)
        assert deadlines.deadlines(officer) == []
        assert queries.retiring(officer, None, DAY) == []
        # the forecast screen lists them with the decision instead of a deadline
        rows = queries.retiring_page(officer, None, 12)
        assert [(row.employee.full_name, row.due_on, row.overdue, row.pending.effective_date)
                for row in rows] == [("giaovien", None, False, pension_from)]
    with clock.freeze(TODAY):
        client = app.test_client()
        login(client, "canbo", w.PASSWORD)
        body = client.get("/leavers/retiring?months=12").get_data(as_text=True)
        assert "01/12/2026" in body and "overdue" not in body.lower().split("<table")[1]
    with app.app_context(), _at(datetime.date(2026, 12, 20)):
        # long past the 15 days of the profile's term, but recorded: no deadline
        officer = actor(world, "canbo")
        assert deadlines.deadlines(officer) == []
        assert services.apply_due() == 1
        assert deadlines.deadlines(officer) == []
        assert queries.retiring_page(officer, None, 12) == []
        change = services.open_departure(person(world, "giaovien"))
        assert change.due_on == due_date(pension_from, 15, "calendar_days")


def test_one_failure_does_not_stop_the_others(leavers_app, monkeypatch):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        officer = actor(world, "canbo")
        for username in ("giaovien", "giaovien_truong"):
            services.depart(officer, person(world, username), AHEAD, SCAN)
        failing_id = world.employees["giaovien"]
        real = services._revoke_access

        def revoke(actor_, employee, change):
            if employee.id == failing_id:
                raise RuntimeError("the accounts store is unavailable")
            return real(actor_, employee, change)

        monkeypatch.setattr(services, "_revoke_access", revoke)
    with app.app_context(), _at(DAY):
        assert services.apply_due() == 1
        assert person(world, "giaovien").status == "dang_cong_tac"
        assert _account("giaovien", world).status == STATUS_ACTIVE
        assert services.open_departure(person(world, "giaovien")).is_pending
        assert person(world, "giaovien_truong").status == "nghi_huu"
        assert _account("giaovien_truong", world).status == STATUS_REVOKED
        monkeypatch.setattr(services, "_revoke_access", real)
        # the next run picks it up
        assert services.apply_due() == 1
        assert person(world, "giaovien").status == "nghi_huu"
        assert _account("giaovien", world).status == STATUS_REVOKED


def test_a_day_after_today_is_refused(leavers_app):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        services.depart(actor(world, "canbo"), person(world, "giaovien"), AHEAD, SCAN)
        with pytest.raises(services.LeaverInvalid):
            services.apply_due(on=DAY)
        assert person(world, "giaovien").status == "dang_cong_tac"


def _count(output):
    found = re.findall(r"\d+", output)
    assert found, output
    return int(found[0])


def test_the_command_line_applies_what_is_due(leavers_app):
    app, world = leavers_app
    assert "leavers" in app.cli.commands, "registered by app/application/cli.py"
    runner = app.test_cli_runner()
    with app.app_context(), clock.freeze(TODAY):
        services.depart(actor(world, "canbo"), person(world, "giaovien"), AHEAD, SCAN)
        db.session.remove()
    with _at(DAY):
        refused = runner.invoke(args=["leavers", "apply", "--on", "11/01/2027"])
        assert refused.exit_code != 0
        assert runner.invoke(args=["leavers", "apply", "--on", "31/13/2026"]).exit_code != 0
        early = runner.invoke(args=["leavers", "apply", "--on", "09/01/2027"])
        assert early.exit_code == 0, early.output
        assert _count(early.output) == 0
        done = runner.invoke(args=["leavers", "apply"])
        assert done.exit_code == 0, done.output
        assert _count(done.output) == 1
        again = runner.invoke(args=["leavers", "apply"])
        assert _count(again.output) == 0
    with app.app_context():
        assert person(world, "giaovien").status == "nghi_huu"
        assert _account("giaovien", world).status == STATUS_REVOKED


def test_a_waiting_departure_is_cancelled_before_its_day_and_the_person_stays(leavers_app):
    """The retirement put off (the working time extended): the officer cancels the
    waiting departure from the person's page with the reason; on the day nothing
    applies, the history keeps it marked cancelled, and a new departure may be recorded."""
    from tests.conftest import csrf_token

    app, world = leavers_app
    client = app.test_client()
    with app.app_context(), clock.freeze(TODAY):
        change = services.depart(actor(world, "canbo"), person(world, "giaovien"), AHEAD,
                                 SCAN)
        change_id = change.id
        teacher_id = world.employees["giaovien"]
        # refused, and nothing changes: no reason; another's departure; not this officer's
        with pytest.raises(services.LeaverInvalid) as refused:
            services.cancel_departure(actor(world, "canbo"), person(world, "giaovien"),
                                      change_id, "  ")
        assert "reason" in refused.value.errors
        with pytest.raises(services.LeaverInvalid):
            services.cancel_departure(actor(world, "canbo"), person(world, "giaovien"),
                                      change_id + 1, "QĐ 12/QĐ-SGDĐT")
        with pytest.raises(services.LeaverInvalid):
            services.cancel_departure(actor(world, "canhan"), person(world, "giaovien"),
                                      change_id, "QĐ 12/QĐ-SGDĐT")
        assert db.session.get(StatusChange, change_id).cancelled_at is None
        db.session.remove()
    with clock.freeze(TODAY):
        login(client, "canbo", w.PASSWORD)
        page = client.get("/records/person/%d" % teacher_id).get_data(as_text=True)
        assert 'id="cancel-departure"' in page
        before = None
        with app.app_context():
            before = _last_entry()
        answer = client.post("/leavers/person/%d/cancel" % teacher_id, data={
            "change": change_id, "reason": "QĐ 12/QĐ-SGDĐT kéo dài thời gian công tác",
            "csrf_token": csrf_token(page)}, follow_redirects=True)
        assert "đã được hủy" in answer.get_data(as_text=True)
    with app.app_context():
        cancelled = db.session.get(StatusChange, change_id)
        assert cancelled.cancelled_at is not None and not cancelled.is_open_departure
        assert cancelled.cancel_reason == "QĐ 12/QĐ-SGDĐT kéo dài thời gian công tác"
        assert [e.action for e in _entries_after(before)
                if e.action.startswith("leavers.")] == ["leavers.cancel"]
        assert services.open_departure(person(world, "giaovien")) is None
    # on the day: nothing applies, the person works and signs in
    with app.app_context(), _at(DAY):
        assert services.apply_due() == 0
        assert person(world, "giaovien").status == "dang_cong_tac"
        assert _account("giaovien", world).status == STATUS_ACTIVE
        rows, _more = queries.archive_page(actor(world, "canbo"), None)
        assert rows == []
        # a later decision is recorded as any other
        services.depart(actor(world, "canbo"), person(world, "giaovien"),
                        decision(effective_date=DAY.strftime("%d/%m/%Y")), SCAN)
        history = services.history(person(world, "giaovien"))
        assert [(c.kind, c.cancelled_at is not None) for c in history] == [
            ("departure", True), ("departure", False)]
        assert person(world, "giaovien").status == "nghi_huu"


def test_a_departure_is_no_longer_cancelled_once_its_day_has_come(leavers_app):
    """On its day the departure is in force, even before the morning's apply_due: the
    person has left, and is reinstated if the decision is withdrawn."""
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        change_id = services.depart(actor(world, "canbo"), person(world, "giaovien"), AHEAD,
                                    SCAN).id
        db.session.remove()
    with app.app_context(), _at(DAY, hour=5):
        employee = person(world, "giaovien")
        panel = queries.person_panel(actor(world, "canbo"), employee, None, None)
        assert panel["leavers_panel"]["pending"] is not None
        assert not panel["leavers_panel"]["cancellable"]
        with pytest.raises(services.LeaverInvalid):
            services.cancel_departure(actor(world, "canbo"), employee, change_id,
                                      "QĐ 12/QĐ-SGDĐT")
        assert db.session.get(StatusChange, change_id).cancelled_at is None


@pytest.mark.parametrize("leavers_app", ["da_nang"], indirect=True)
def test_a_retirement_put_off_is_not_a_deadline_again(leavers_app):
    """The retirement decision cancelled before its day (the working time extended): the
    forecast's date does not call for a decision again, past it either."""
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        set_birth(world, "giaovien", "1965-05-20", "nam")     # retires end of 30/11/2026
        officer = actor(world, "canbo")
        change = services.depart(officer, person(world, "giaovien"),
                                 decision(effective_date="01/12/2026"), SCAN)
        services.cancel_departure(actor(world, "canbo"), person(world, "giaovien"),
                                  change.id, "QĐ 30/QĐ-UBND kéo dài thời gian công tác")
        assert deadlines.deadlines(actor(world, "canbo")) == []
    with app.app_context(), _at(datetime.date(2026, 12, 20)):
        assert deadlines.deadlines(actor(world, "canbo")) == []
        assert person(world, "giaovien").status == "dang_cong_tac"
