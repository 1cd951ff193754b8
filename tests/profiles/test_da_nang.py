"""Đà Nẵng end to end under its 2012 model (QĐ 8060/QĐ-UBND, enacted).

Điều 10: the unit that manages the records enters every record in the software (a new one
within 45 working days of the recruitment decision, Điều 10.1.b) and updates it (org
changes within 10 working days, Điều 10.2.b). Điều 16.1-16.3: the officer assigned to the
software enters and updates the records and answers for their accuracy; Điều 15.4: the
unit checks the updates monthly. The text has no personal entry, no monthly approval and
no signature: the officer's confirmed entry ("ghi nhận") is the act — audited, versioned,
diffable — and the approval queue says there is nothing to approve. Điều 11: a move
within 15 days (forwarded within 30), to a Party body or outside the city 10 days,
retirement, resignation, death 15 days: "ngày", calendar days ending on a working day.
"""
import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.approval import services as approval
from app.accounts.models import Account
from app.approval.models import KIND_PKCS12, Approval
from app.audit.models import AuditEntry
from app.core import clock
from app.core.exceptions import DomainError
from app.deadlines import services as deadlines
from app.extensions import db
from app.hiring.models import Hiring
from app.leavers import queries as leaver_queries
from app.leavers import services as leavers
from app.leavers.models import StatusChange
from app.org.models import Employee, Unit
from app.org.services import create_unit
from app.policy.profiles import rule, rule_entry
from app.records import services as records
from app.records.models import APPROVED, DRAFT, RecordVersion
from app.transfers import services as transfers
from app.transfers.models import BETWEEN_UNITS, INSIDE_UNIT, OUT_OF_PROVINCE, TransferCase
from app.workdays.services import due_date, is_working_day, next_working_day
from tests.conftest import login
from tests.profiles.conftest import (
    IN_WINDOW, account, act_step, employee, first_entry, hire_teacher, person_account, steps_of,
    transfer_deadlines,
)
from tests.security import world as w
from tests.transfers.conftest import SCAN, at, decision, record_fingerprint

PROFILE = "da_nang"
# effective dates whose terms in days end on a day off (BLDS 2015 Điều 147-148)
WEDNESDAY, FRIDAY = dt.date(2026, 12, 2), dt.date(2026, 12, 4)


def test_the_officer_records_what_nobody_approves(app, province, people, approvers):
    """Điều 10.1.b, 10.2.b, 16.1-16.3 ĐNg: the officer enters and updates the record and
    records it as the record's state; no head signs, nothing waits for approval. Điều 11
    khoản 1, 2, 3 điểm a, b ĐNg: moves and leavers, each term in days (BLDS Điều 147-148)."""
    assert_profile_is_the_2012_model(app)
    # Điều 10.1.b: hired, the first entry due within 45 working days of the decision
    ids = hire_teacher(app, province)
    with app.app_context():
        hiring_row = db.session.get(Hiring, ids["hiring_id"])
        assert (hiring_row.first_entry_term_days, hiring_row.first_entry_term_from) == (
            45, "hiring_decision")
        assert hiring_row.first_entry_term_cite.startswith("Điều 10 khoản 1 điểm b")
        officer, head = account(province, "canbo"), account(province, "thutruong")
        person = employee(ids)
        # no personal entry under the 2012 model (Điều 10, 16.1)
        if ids["account_id"] is not None:
            with pytest.raises(DomainError):
                records.open_draft(person_account(ids), person)
        draft = first_entry(officer, person)
        # nothing is submitted for approval: the officer records it
        with pytest.raises(DomainError, match="không gửi phê duyệt|not submitted"):
            records.submit(officer, draft, draft.lock)
        # a stale entry (someone saved after the officer loaded it) is refused
        with pytest.raises(DomainError):
            records.record_entry(officer, draft, draft.lock - 1)
        first = records.record_entry(officer, draft, draft.lock)
        first_id = first.id
        assert (first.status, first.number, first.decided_by) == (APPROVED, 1, officer.id)
        assert records.recorded_by(first) == "Nguyễn Thị Hằng"
        # no signature: nothing for the national sync (ĐNg has none: sync.trigger none)
        assert db.session.scalar(select(Approval.id).where(Approval.version_id == first_id)) \
            is None
        assert approval.verdicts(first) == [] and approval.ready_for_sync(first) is False
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "record.approve", AuditEntry.object_id == str(first_id)))
        assert entry.actor_id == officer.id and '"basis": "officer_entry"' in entry.details
        # Điều 10.2.b: an org change (a salary step) entered and recorded as version 2
        second = records.open_draft(officer, person)
        assert (second.number, second.base_id) == (2, first_id)
        records.save(officer, second, {"bac_luong": "2", "he_so_luong": "2,67"}, {},
                     second.lock)
        # the head cannot approve it: there is no approval to give
        assert approval.queue(head) == [] and approval.authority_for(head, second) is None
        records.record_entry(officer, second, second.lock)
        changes = records.diff_versions(db.session.get(RecordVersion, first_id), second)
        assert {change.label for change in changes} == {"Bậc lương", "Hệ số"}
        assert [v.status for v in records.versions_of(person)] == [APPROVED, APPROVED]
        assert records.approved_version(person).number == 2
        second_id = second.id
        # the head's signature is refused in Vietnamese, even on an open draft
        third = records.open_draft(officer, person)
        assert third.status == DRAFT
        with clock.freeze(IN_WINDOW), pytest.raises(DomainError, match="ghi nhận|records them"):
            approval.approve(head, third.id, approvers.signer("thutruong"), KIND_PKCS12)
        records.discard(officer, third, third.lock)
        db.session.remove()
    # Điều 11 ĐNg: the recorded record moves within the unit, colleagues move and leave,
    # each term in days ("ngày", not working days) ending on a working day
    assert_the_moves_are_counted_in_days(app, province, people, ids)
    assert_the_leavers_are_counted_in_days(app, province, people)
    assert_pages_say_who_recorded_and_that_nothing_is_approved(app, province, ids, second_id)


def assert_profile_is_the_2012_model(app):
    with app.app_context():
        assert rule("records.who_enters") == "unit_officer"
        assert rule("approval.approver") is None
        assert rule("approval.window_last_days_of_month") is None
        assert not records.approval_required()
        # the form stays Thông tư 06/2023's, and the profile says why (with its source)
        note = rule_entry("records.field_owners")["note"]
        assert "Thông tư 06/2023/TT-BNV" in note and "Mẫu 2C-BNV/2008" in note


def assert_pages_say_who_recorded_and_that_nothing_is_approved(app, province, ids, version_id):
    client = app.test_client()
    login(client, "thutruong", w.PASSWORD)
    for url in ("/approval/", "/approval/version/%d" % version_id):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert 'id="no-approval"' in page and 'name="version"' not in page, url
    officer = app.test_client()
    login(officer, "canbo", w.PASSWORD)
    page = officer.get("/records/person/%d" % ids["employee_id"]).get_data(as_text=True)
    assert re.search(r'id="recorded-by">[^<]*Nguyễn Thị Hằng', page), "who recorded it"
    assert 'id="submit-record"' not in page
    # a new draft offers the officer "record the change", never "submit for approval"
    officer.post("/records/person/%d/open" % ids["employee_id"],
                 data={"csrf_token": _csrf(page)})
    page = officer.get("/records/person/%d" % ids["employee_id"]).get_data(as_text=True)
    assert 'id="record-entry"' in page and 'id="submit-record"' not in page


def _csrf(page):
    from tests.conftest import csrf_token

    return csrf_token(page)


def test_only_the_units_officer_records_and_only_a_complete_record(app, province, people):
    """Điều 16.1 ĐNg: the assigned officer updates the records of the unit; Điều 10.1.a:
    fully and accurately (an incomplete record is not recorded)."""
    with app.app_context():
        officer = account(province, "canbo")
        person = db.session.get(Employee, people.ids["giaovien"])
        draft = records.open_draft(officer, person)
        with pytest.raises(DomainError, match="chưa đủ thông tin"):
            records.record_entry(officer, draft, draft.lock)
        # the officer's own record is not theirs to enter, nor to record (nobody records
        # their own): under the 2012 model a person changes no part of their record
        own = db.session.get(Employee, people.ids["canbo"])
        with pytest.raises(DomainError):
            records.open_draft(officer, own)
        assert records.may_record(officer, draft)
        db.session.remove()


# ------------------------------------------------------------------ Điều 11 ĐNg: terms in days


def _open(province, who, kind, effective_on, **data):
    return transfers.open_case(account(province, who), decision(
        kind=kind, effective_on=effective_on.strftime("%d/%m/%Y"), **data), SCAN).case.id


def _moved_to_a_working_day(effective_on, days, due):
    """BLDS 2015 Điều 147-148: counted from the day after ``effective_on``; the
    ``days``-th day is a day off, so the term ends on the next working day ``due``."""
    last = effective_on + dt.timedelta(days=days)
    assert not is_working_day(last) and last < due
    assert due_date(effective_on, days, "calendar_days") == due == next_working_day(last)


def assert_the_moves_are_counted_in_days(app, province, people, ids):
    """Điều 11 khoản 1 ĐNg: to another bộ phận within 15 days of the effective date;
    khoản 2: to another unit, the body above within 15 days and the new unit forwards
    the record to the unit that employs the person within 30 days of the effective
    date (a FORWARD step); khoản 3 điểm a: to a Party body or outside the city, the
    status within 10 days. "ngày": calendar days (counted_in calendar_days)."""
    units = province.units
    for key in ("inside_unit_working_days", "to_other_unit_working_days",
                "forward_to_employing_unit_days", "out_status_change_days"):
        with app.app_context():
            assert rule_entry("transfers." + key)["counted_in"] == "calendar_days", key
    with app.app_context():
        section = create_unit("Phòng Tổ chức cán bộ", db.session.get(Unit, units["A"]),
                              is_employing=False, unit_type="phong")
        db.session.commit()
        units["A_section"] = section.id
        db.session.remove()
    # khoản 1: Friday 04/12/2026 + 15 days is Saturday 19/12: due Monday 21/12
    _moved_to_a_working_day(FRIDAY, 15, dt.date(2026, 12, 21))
    with app.app_context(), at(FRIDAY):
        person_id = ids["employee_id"]
        fingerprint = record_fingerprint(person_id)
        inside = _open(province, "canbo", INSIDE_UNIT, FRIDAY, employee_id=str(person_id),
                       to_unit_id=str(units["A_section"]))
        assert steps_of(inside) == [("handover", "sending_unit", units["A"],
                                   dt.date(2026, 12, 21))]
        assert db.session.get(Employee, person_id).unit_id == units["A_section"]
        act_step(province, "canbo", inside)
        assert db.session.get(TransferCase, inside).state == "done"
        assert record_fingerprint(person_id) == fingerprint
        db.session.remove()
    # khoản 2: from Wednesday 02/12/2026, the body above by Thursday 17/12 (a working day)
    # and the new unit by 01/01/2027 + the weekend: Tết Dương lịch, then Saturday and
    # Sunday: Monday 04/01/2027
    _moved_to_a_working_day(WEDNESDAY, 30, dt.date(2027, 1, 4))
    with app.app_context(), at(WEDNESDAY):
        between = _open(province, "canbo", BETWEEN_UNITS, WEDNESDAY,
                        employee_id=str(people.ids["giaovien"]), to_unit_id=str(units["B"]))
        assert steps_of(between) == [
            ("handover", "superior", units["root"], dt.date(2026, 12, 17)),
            ("receive", "receiving_unit", units["B"], None),
            ("forward", "receiving_unit", units["B"], dt.date(2027, 1, 4))]
        assert db.session.get(TransferCase, between).steps[2].cite.startswith(
            "Điều 11 khoản 2")
        # the board: the body above's step is Sở Nội vụ's to do, not the old unit's
        assert transfer_deadlines(account(province, "sonoivu")) == [
            ("transfers.handover", "Trần Văn Bình", dt.date(2026, 12, 17), "UBND tỉnh")]
        assert transfer_deadlines(account(province, "canbo")) == []
        with pytest.raises(transfers.TransferInvalid) as refused:
            act_step(province, "canbo", between)
        assert str(refused.value) == ("Cơ quan quản lý cấp trên của cả hai đơn vị "
                                      "(UBND tỉnh) thực hiện bước này.")
        db.session.remove()
    with app.app_context(), at(dt.date(2026, 12, 16)):
        act_step(province, "sonoivu", between)
        # the 2012 model has no personal account to give: the new unit's officer enters
        act_step(province, "canbo_b", between, account_mode="none")
        # the 30 days run from the effective date, not from the steps before
        assert steps_of(between)[2][3] == dt.date(2027, 1, 4)
        assert transfer_deadlines(account(province, "canbo_b")) == [
            ("transfers.forward", "Trần Văn Bình", dt.date(2027, 1, 4), "Sở Y tế")]
        db.session.remove()
    with app.app_context(), at(dt.date(2027, 1, 4)):
        _today, pairs = deadlines.of(account(province, "canbo_b"))
        assert [state for state, d in pairs if d.kind == "transfers.forward"] == ["due_soon"]
        act_step(province, "canbo_b", between)
        assert db.session.get(TransferCase, between).state == "done"
        assert db.session.get(Employee, people.ids["giaovien"]).unit_id == units["B"]
        db.session.remove()
    # khoản 3 điểm a: to the city's Party committee from 02/12: 10 days end on Saturday
    # 12/12, so Monday 14/12
    _moved_to_a_working_day(WEDNESDAY, 10, dt.date(2026, 12, 14))
    with app.app_context(), at(dt.date(2026, 12, 14)):
        leaving_id = people.ids["giaovien_truong"]
        out = _open(province, "canbo", OUT_OF_PROVINCE, WEDNESDAY, employee_id=str(leaving_id),
                    outside_body="Ban Tổ chức Thành ủy Đà Nẵng")
        assert steps_of(out) == [("depart", "sending_unit", units["A1"], dt.date(2026, 12, 14))]
        act_step(province, "canbo", out)
        assert db.session.get(Employee, leaving_id).status == "chuyen_cong_tac"
        change = db.session.scalar(select(StatusChange).where(
            StatusChange.employee_id == leaving_id))
        assert (change.term_days, change.term_counted_in, change.due_on) == (
            10, "calendar_days", dt.date(2026, 12, 14))
        assert change.term_cite.startswith("Điều 11 khoản 3 điểm a")
        db.session.remove()


def _leaves(province, who, employee_id, status, effective_on):
    return leavers.depart(account(province, who), db.session.get(Employee, employee_id), {
        "status": status, "decision_number": "45/QĐ-SGDĐT",
        "decision_date": "01/12/2026", "decided_by": "Sở Giáo dục",
        "effective_date": effective_on.strftime("%d/%m/%Y"), "note": ""}, SCAN)


def assert_the_leavers_are_counted_in_days(app, province, people):
    """Điều 11 khoản 3 điểm b ĐNg: retirement, resignation, death: the unit changes the
    record's status within 15 days of the effective date (leavers.*_days, calendar
    days); a term whose 15th day is a day off ends on the next working day."""
    with app.app_context():
        for key in ("retirement_days", "resignation_days", "death_days"):
            entry = rule_entry("leavers." + key)
            assert (entry["value"], entry["counted_in"]) == (15, "calendar_days"), key
        db.session.remove()
    # resignation from Friday 04/12: the 15th day is Saturday 19/12, due Monday 21/12
    # death on Thursday 17/12: the 15th day is 01/01/2027 (Tết Dương lịch), due 04/01/2027
    _moved_to_a_working_day(FRIDAY, 15, dt.date(2026, 12, 21))
    _moved_to_a_working_day(dt.date(2026, 12, 17), 15, dt.date(2027, 1, 4))
    with app.app_context(), at(dt.date(2026, 12, 22)):
        # retirement from Tuesday 01/12: the 15th day, Wednesday 16/12, is a working day
        retired = _leaves(province, "canbo", people.ids["photruong"], "nghi_huu",
                          dt.date(2026, 12, 1))
        resigned = _leaves(province, "canbo", people.ids["canhan"], "thoi_viec", FRIDAY)
        assert (retired.due_on, resigned.due_on) == (dt.date(2026, 12, 16),
                                                     dt.date(2026, 12, 21))
        assert {(c.term_days, c.term_counted_in) for c in (retired, resigned)} == {
            (15, "calendar_days")}
        assert db.session.get(Account, province.accounts["canhan"]).status == "revoked"
        db.session.remove()
    with app.app_context(), at(dt.date(2027, 1, 4)):
        # recorded on the 18th day after the death, on time only because the term moved
        died = db.session.get(Employee, people.ids["giaovien"])
        assert died.unit_id == province.units["B"]
        deceased = _leaves(province, "canbo_b", died.id, "tu_tran", dt.date(2026, 12, 17))
        assert deceased.due_on == dt.date(2027, 1, 4)
        rows, _more = leaver_queries.archive_page(account(province, "sonoivu"), None)
        states = {row.employee.full_name: row.state for row in rows}
        # recorded on 22/12: the retirement and the resignation are late, the death not
        assert states == {"Vũ Thị Mai": "late", "Nguyễn Thị Hằng": "late",
                          "Trần Văn Bình": "on_time", "Lê Minh Tuấn": "on_time"}
        db.session.remove()
