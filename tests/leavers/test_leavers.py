"""Leavers (issue 17.4): a departure from the decision is one transaction (status,
scan, access revoked, audit), a refusal changes nothing; the record stays in its last
unit, readable by the scopes that cover it, in the unit's archive; a reinstatement
keeps the one record; ĐNg's terms per kind (QĐ 8060/2012 Điều 11 khoản 3)."""
import datetime
import hashlib
import io
import json

import pytest
from sqlalchemy import func, select

from app.accounts.models import STATUS_ACTIVE, STATUS_REVOKED, Account
from app.audit import services as audit_services
from app.audit.models import AuditEntry
from app.core import clock
from app.extensions import db
from app.leavers import queries, services
from app.leavers.models import StatusChange
from app.org.models import LEAVER_STATUSES, Employee
from app.policy.profiles import rule_entry
from app.records.models import Attachment, RecordVersion
from app.workdays.services import due_date
from tests.conftest import login
from tests.leavers.conftest import PDF, SCAN, TODAY, actor, decision, person, set_birth
from tests.security import world as w


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Employee, RecordVersion, Attachment, StatusChange, AuditEntry))


def _record_hash(employee_id):
    """A hash of everything the record's versions hold."""
    versions = db.session.scalars(select(RecordVersion).where(
        RecordVersion.employee_id == employee_id).order_by(RecordVersion.number))
    return hashlib.sha256(json.dumps([
        [v.id, v.number, v.status, v.content, v.sensitive, v.completeness]
        for v in versions], sort_keys=True, default=str).encode()).hexdigest()


def _actions_after(entry_id):
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.id > entry_id).order_by(AuditEntry.id)))


def _last_entry():
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


@pytest.mark.parametrize("status", LEAVER_STATUSES)
def test_each_kind_changes_status_scan_and_access_in_one_transaction(leavers_app, status):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        officer = actor(world, "canbo")
        teacher = person(world, "giaovien_truong")
        generation = db.session.get(Account, teacher.account_id).session_generation or 0
        before = _last_entry()
        change = services.depart(officer, teacher, decision(status=status), SCAN)
        teacher = person(world, "giaovien_truong")
        assert teacher.status == status
        # the person stays in their last unit, with their record
        assert teacher.unit_id == world.units["A1"]
        assert (change.kind, change.status_from, change.status_to) == (
            "departure", "dang_cong_tac", status)
        assert change.effective_date == datetime.date(2026, 11, 10)
        assert (change.decision_number, change.decided_by) == ("45/QĐ-SGDĐT", "Sở Giáo dục")
        assert change.scan_sha256 == hashlib.sha256(PDF).hexdigest()
        assert (change.scan_content_type, change.scan_filename, change.scan_size) == (
            "application/pdf", "qd-nghi-huu.pdf", len(PDF))
        account = db.session.get(Account, teacher.account_id)
        assert account.status == STATUS_REVOKED
        assert account.session_generation == generation + 1
        assert _actions_after(before) == ["account.access_revoke", "leavers.depart"]
        # Hải Phòng's text sets no term (Điều 9 khoản 5)
        assert change.due_on is None and change.term_days is None


def test_a_refusal_names_each_field_and_changes_nothing(leavers_app):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        officer, teacher = actor(world, "canbo"), person(world, "giaovien")
        before = _counts()
        with pytest.raises(services.LeaverInvalid) as refused:
            services.depart(officer, teacher, decision(
                status="nghi_phep", decision_number="", decision_date="31/02/2026",
                effective_date=""), ("x.pdf", b"<html><script>x</script>"))
        assert set(refused.value.errors) == {"status", "decision_number", "decision_date",
                                             "effective_date", "scan"}
        assert _counts() == before
        teacher = person(world, "giaovien")
        assert teacher.status == "dang_cong_tac"
        assert db.session.get(Account, teacher.account_id).status == STATUS_ACTIVE


def test_a_failure_late_in_the_transaction_undoes_the_status_and_the_revocation(
        leavers_app, monkeypatch):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        officer, teacher = actor(world, "canbo"), person(world, "giaovien")
        before = _counts()
        real = audit_services.record

        def failing(action, *args, **kwargs):
            if action == "leavers.depart":
                raise RuntimeError("the audit log is unavailable")
            return real(action, *args, **kwargs)

        monkeypatch.setattr(audit_services, "record", failing)
        with pytest.raises(RuntimeError):
            services.depart(officer, teacher, decision(), SCAN)
        monkeypatch.setattr(audit_services, "record", real)
        assert _counts() == before
        teacher = person(world, "giaovien")
        assert teacher.status == "dang_cong_tac"
        assert db.session.get(Account, teacher.account_id).status == STATUS_ACTIVE


def test_a_person_outside_the_scope_or_gone_already_is_refused(leavers_app):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        officer = actor(world, "canbo")
        with pytest.raises(services.LeaverInvalid, match="không được|may not"):
            services.depart(officer, person(world, "bacsi"), decision(), SCAN)
        services.depart(officer, person(world, "giaovien"), decision(), SCAN)
        before = _counts()
        with pytest.raises(services.LeaverInvalid) as refused:
            services.depart(officer, person(world, "giaovien"), decision(status="tu_tran"),
                            SCAN)
        assert "status" in refused.value.errors
        assert _counts() == before
        # the head reads but does not record
        with pytest.raises(services.LeaverInvalid):
            services.depart(actor(world, "thutruong"), person(world, "giaovien_truong"),
                            decision(), SCAN)


def test_record_departure_is_the_service_the_transfers_call(leavers_app):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        sonoivu = actor(world, "sonoivu")
        change = services.record_departure(
            sonoivu, person(world, "bacsi"), "chuyen_cong_tac", datetime.date(2026, 11, 5),
            "12/QĐ-UBND", datetime.date(2026, 11, 3), "UBND tỉnh", SCAN,
            term_rule="transfers.out_status_change_days")
        assert person(world, "bacsi").status == "chuyen_cong_tac"
        assert change.term_rule in (None, "transfers.out_status_change_days")
        assert db.session.get(Account, world.accounts["bacsi"]).status == STATUS_REVOKED


def test_the_archive_is_read_by_the_scopes_that_cover_the_last_unit(leavers_app):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        services.depart(actor(world, "canbo"), person(world, "giaovien_truong"), decision(),
                        SCAN)
        services.depart(actor(world, "sonoivu"), person(world, "bacsi"),
                        decision(status="thoi_viec", decided_by="Sở Y tế"), SCAN)

        def archived(username):
            rows, _more = queries.archive_page(actor(world, username), None)
            return sorted(row.employee.full_name for row in rows)

        assert archived("canbo") == archived("thutruong") == ["giaovien_truong"]
        assert archived("sonoivu") == ["bacsi", "giaovien_truong"]
        assert archived("canhan") == []
        # per unit: Sở Y tế's archive
        unit = queries.chosen_unit(actor(world, "sonoivu"), world.units["B"])
        rows, _more = queries.archive_page(actor(world, "sonoivu"), unit)
        assert [(row.employee.full_name, row.change.status_to) for row in rows] == [
            ("bacsi", "thoi_viec")]
        # never deleted: the record is all there
        assert db.session.get(RecordVersion, world.versions["bacsi"]) is not None
    client = app.test_client()
    login(client, "canbo", w.PASSWORD)
    with clock.freeze(TODAY):
        page = client.get("/leavers/")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert "giaovien_truong" in body and "bacsi" not in body
        # the leaver's record stays readable in scope, and marked in the ordinary list
        assert client.get("/records/person/%d" % world.employees["giaovien_truong"]) \
            .status_code == 200
        listing = client.get("/records/").get_data(as_text=True)
        assert "person-status" in listing
        # outside the scope: as if it did not exist
        assert client.get("/records/person/%d" % world.employees["bacsi"]).status_code == 404
        assert client.get("/leavers/person/%d/reinstate" % world.employees["bacsi"]) \
            .status_code == 404


def test_a_reinstatement_keeps_the_one_record(leavers_app):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        officer = actor(world, "canbo")
        teacher_id = world.employees["giaovien"]
        record_before = _record_hash(teacher_id)
        people, versions, documents = _counts()[:3]
        services.depart(officer, person(world, "giaovien"), decision(status="thoi_viec"), SCAN)
        before = _last_entry()
        with pytest.raises(services.LeaverInvalid) as refused:
            services.reinstate(officer, person(world, "giaovien"),
                               decision(effective_date="01/11/2026"), SCAN)
        assert "effective_date" in refused.value.errors
        # a decision of a later day: applied as recorded, so recorded on that day
        with pytest.raises(services.LeaverInvalid) as refused:
            services.reinstate(officer, person(world, "giaovien"),
                               decision(effective_date="01/03/2027"), SCAN)
        assert refused.value.errors == {"effective_date": "Việc cho làm việc trở lại có hiệu "
                                        "lực từ ngày 01/03/2027: hãy ghi nhận từ ngày đó."}
        assert _actions_after(before) == []
        assert person(world, "giaovien").status == "thoi_viec"
        services.reinstate(officer, person(world, "giaovien"),
                           decision(decision_number="60/QĐ-SGDĐT",
                                    effective_date="10/11/2026"), SCAN)
        teacher = person(world, "giaovien")
        assert teacher.status == "dang_cong_tac" and teacher.id == teacher_id
        assert db.session.get(Account, teacher.account_id).status == STATUS_ACTIVE
        assert _actions_after(before) == ["account.access_grant", "leavers.reinstate"]
        # one person, one record, unchanged
        assert _counts()[:3] == (people, versions, documents)
        assert _record_hash(teacher_id) == record_before
        history = services.history(teacher)
        assert [(c.kind, c.status_to) for c in history] == [
            ("departure", "thoi_viec"), ("reinstatement", "dang_cong_tac")]
        assert history[0].reinstated_by_id == history[1].id
        rows, _more = queries.archive_page(officer, None)
        assert rows == []
        # working again: nothing to reinstate; may leave again
        with pytest.raises(services.LeaverInvalid):
            services.reinstate(officer, teacher, decision(), SCAN)
        services.depart(officer, person(world, "giaovien"), decision(
            effective_date="01/12/2026"), SCAN)
        assert len(services.history(person(world, "giaovien"))) == 3
        panel = queries.person_panel(officer, person(world, "giaovien"), None, None)
        assert panel["leavers_panel"]["departure"].status_to == "nghi_huu"
        assert [c.kind for c in panel["leavers_panel"]["history"]] == [
            "departure", "reinstatement", "departure"]


@pytest.mark.parametrize("leavers_app", ["da_nang"], indirect=True)
def test_da_nang_terms_per_kind(leavers_app):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        for key in ("retirement_days", "resignation_days", "dismissal_days", "death_days"):
            entry = rule_entry("leavers." + key)
            # QĐ 8060/2012 Điều 11 khoản 3 điểm b: 15 ngày kể từ ngày văn bản có hiệu lực
            assert (entry["value"], entry["counted_in"]) == (15, "calendar_days")
            assert entry["cite"].startswith("Điều 11 khoản 3 điểm b")
        # điểm a: a move to a Party body or outside the city, 10 days (the transfers' rule)
        assert rule_entry("transfers.out_status_change_days")["value"] == 10
        change = services.depart(actor(world, "canbo"), person(world, "giaovien"),
                                 decision(status="tu_tran", effective_date="28/10/2026"), SCAN)
        assert change.due_on == due_date(datetime.date(2026, 10, 28), 15, "calendar_days")
        assert (change.term_days, change.term_counted_in) == (15, "calendar_days")
        assert change.term_cite.startswith("Điều 11 khoản 3 điểm b")
        rows, _more = queries.archive_page(actor(world, "canbo"), None)
        # recorded on 10/11, due 12/11: on time
        assert [row.state for row in rows] == ["on_time"]
    with app.app_context(), clock.freeze(datetime.datetime(2026, 12, 20, 9)):
        late = services.depart(actor(world, "canbo"), person(world, "giaovien_truong"),
                               decision(decision_date="10/11/2026",
                                        effective_date="15/11/2026"), SCAN)
        assert late.due_on == due_date(datetime.date(2026, 11, 15), 15, "calendar_days")
        rows, _more = queries.archive_page(actor(world, "canbo"), None)
        assert {row.employee.full_name: row.state for row in rows} == {
            "giaovien": "on_time", "giaovien_truong": "late"}


@pytest.mark.parametrize("leavers_app", ["da_nang"], indirect=True)
def test_the_unit_lists_who_retires_within_n_months(leavers_app):
    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        # a man born 05/1965: 61y6m (Phụ lục I, 2026 row 10/1964-06/1965) -> 30/11/2026
        set_birth(world, "giaovien", "1965-05-20", "nam")
        # a woman born 03/1970: 57y4m (2027 row 01/1970-08/1970) -> 31/07/2027
        set_birth(world, "giaovien_truong", "1970-03-02", "nu")
        # a man born 1990: far off
        set_birth(world, "canbo", "1990-01-01", "nam")
        # outside the officer's scope
        set_birth(world, "bacsi", "1965-05-20", "nam")
        officer = actor(world, "canbo")
        rows = queries.retiring_page(officer, None, 12)
        assert [(row.employee.full_name, row.forecast.last_day) for row in rows] == [
            ("giaovien", datetime.date(2026, 11, 30)),
            ("giaovien_truong", datetime.date(2027, 7, 31))]
        # the status change is due 15 days after the retirement takes effect (01/12/2026)
        assert rows[0].due_on == due_date(datetime.date(2026, 12, 1), 15, "calendar_days")
        assert not rows[0].overdue
        assert [row.employee.full_name for row in queries.retiring_page(officer, None, 3)] \
            == ["giaovien"]
        panel = queries.person_panel(officer, person(world, "giaovien"), None,
                                     db.session.get(RecordVersion, world.versions["giaovien"]))
        assert panel["leavers_panel"]["forecast"].last_day == datetime.date(2026, 11, 30)
    with app.app_context(), clock.freeze(datetime.datetime(2027, 1, 5, 9)):
        rows = queries.retiring_page(actor(world, "canbo"), None, 1)
        assert [(row.employee.full_name, row.overdue) for row in rows] == [("giaovien", True)]


def test_the_screens_keep_what_was_typed_and_record_the_departure(leavers_app):
    app, world = leavers_app
    client = app.test_client()
    login(client, "canbo", w.PASSWORD)
    pk = world.employees["giaovien"]
    with clock.freeze(TODAY):
        form = client.get("/leavers/person/%d/depart" % pk)
        assert form.status_code == 200 and "novalidate" in form.get_data(as_text=True)
        token = form.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
        refused = client.post("/leavers/person/%d/depart" % pk, data=dict(
            decision(decision_number="", effective_date="31/13/2026"), csrf_token=token))
        assert refused.status_code == 400
        body = refused.get_data(as_text=True)
        assert 'value="02/11/2026"' in body and 'value="31/13/2026"' in body
        done = client.post("/leavers/person/%d/depart" % pk, data=dict(
            decision(), csrf_token=token, scan=(io.BytesIO(PDF), "qd.pdf")),
            content_type="multipart/form-data")
        assert done.status_code == 302
        page = client.get("/records/person/%d" % pk).get_data(as_text=True)
        assert 'id="leavers-panel"' in page and 'id="status-history"' in page
        assert client.get("/leavers/retiring?months=6").status_code == 200
    with app.app_context():
        assert db.session.get(Employee, pk).status == "nghi_huu"


@pytest.mark.parametrize("leavers_app", ["da_nang", "hai_phong"], indirect=True)
def test_a_coming_retirement_is_a_deadline_where_the_profile_sets_a_term(leavers_app):
    from app.leavers import deadlines

    app, world = leavers_app
    with app.app_context(), clock.freeze(TODAY):
        set_birth(world, "giaovien", "1965-05-20", "nam")     # retires end of 30/11/2026
        found = deadlines.deadlines(actor(world, "canbo"))
        if app.config["PROVINCE_PROFILE"] == "hai_phong":
            assert found == []          # Điều 9 khoản 5 HP sets no term
            return
        assert [(d.employee_name, d.since, d.due_on) for d in found] == [
            ("giaovien", datetime.date(2026, 12, 1),
             due_date(datetime.date(2026, 12, 1), 15, "calendar_days"))]
        assert found[0].cite.startswith("Điều 11 khoản 3 điểm b")
        # the head does not record it
        assert deadlines.deadlines(actor(world, "thutruong")) == []
