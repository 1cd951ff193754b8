"""Hải Phòng end to end (Quy chế CSDL CBCCVC, draft).

Điều 4.2 HP: the unit that employs the person makes the personal account, and the person
enters their own information. Điều 5: in the last 5 days of each month the head of the unit,
by the hierarchy (the nearest employing unit), approves with a digital signature. Điều 10.3:
what is synced to the national database is what the head signed (no second step).
Điều 9.3: moved to another unit, the old unit hands the record over within 05 working
days of the effective date and the new one gives the account within 05 working days of
receiving it; Điều 9.5: moved out of the province, the record's status is changed.
"""
import datetime as dt

import pytest
from sqlalchemy import select

from app.accounts.models import Account
from app.approval import authority
from app.approval import services as approval
from app.approval.models import BASIS_HEAD, KIND_PKCS12
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.leavers import queries as leaver_queries
from app.org.models import LEADER_HEAD, Employee, UnitLeader
from app.policy.profiles import rule, rule_entry
from app.records import services as records
from app.records.models import APPROVED, SUBMITTED, RecordVersion
from app.transfers import services as transfers
from app.transfers.models import (
    BETWEEN_UNITS, OUT_OF_PROVINCE, TransferCase, TransferSyncItem,
)
from app.workdays.services import due_date
from tests.conftest import login
from tests.profiles.conftest import (
    IN_WINDOW, account, act_step, employee, first_entry, hire_teacher, person_account,
    transfer_deadlines,
)
from tests.security import world as w
from tests.transfers.conftest import SCAN, at, decision, record_fingerprint, total_versions

PROFILE = "hai_phong"
# the effective date of the transfers' decision (tests.transfers.conftest.decision)
EFFECTIVE = dt.date(2026, 12, 7)


def test_the_unit_makes_the_account_and_the_head_signs_in_the_window(app, province, people,
                                                                     approvers):
    """Điều 4.2, 5, 10.3 HP; then Điều 9 khoản 3 HP (the signed record moves to another
    unit whole, its approver with it) and Điều 9 khoản 5 HP (out of the province)."""
    with app.app_context():
        assert rule("accounts.personal_account_creator") == "unit_officer"
        assert rule("approval.approver") == "head"
        assert rule("approval.so_noi_vu_second_step") is False
    # Điều 4.2: the unit's data officer enters the hire and makes the account with it
    ids = hire_teacher(app, province)
    assert ids["account_id"] is not None and ids["password"]
    with app.app_context():
        person, me = employee(ids), person_account(ids)
        assert me.unit_id == province.units["A"] and me.must_change_password
        # the person enters their own part of the record and submits it
        draft = first_entry(me, person)
        # nothing is recorded by the officer alone under a profile with an approver
        with pytest.raises(DomainError, match="gửi phê duyệt|submitted for approval"):
            records.record_entry(account(province, "canbo"), draft, draft.lock)
        records.submit(me, draft, draft.lock)
        version_id = draft.id
        # Điều 5: the head of A (the nearest employing unit) has it in the queue
        head = account(province, "thutruong")
        assert [entry.version.id for entry in approval.queue(head)] == [version_id]
        # not the head of another unit's, nor the officer
        with clock.freeze(IN_WINDOW), pytest.raises(DomainError):
            approval.approve(account(province, "canbo"), version_id,
                             approvers.signer("thutruong"), KIND_PKCS12)
        db.session.remove()
    with app.app_context(), clock.freeze(IN_WINDOW):
        signed = approval.approve(account(province, "thutruong"), version_id,
                                  approvers.signer("thutruong"), KIND_PKCS12)
        assert (signed.basis, signed.in_window, signed.step) == (BASIS_HEAD, True, "unit")
        db.session.remove()
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        assert version.status == APPROVED
        [verdict] = approval.verdicts(version)
        assert verdict.valid and verdict.intact
        # Điều 10.3: the head's signature is what the national sync waits for
        assert approval.ready_for_sync(version) is True
        assert records.approved_version(employee(ids)).id == version_id
        assert approval.queue(account(province, "thutruong")) == []
        db.session.remove()
    assert_a_second_change_waits_for_the_head_again(app, province, ids, version_id)
    # Điều 9 khoản 3 HP: the signed record moves to Sở Y tế whole; Điều 9 khoản 5 HP: a
    # colleague leaves for another province
    assert_the_record_moves_to_another_unit_whole(app, province, people, ids)
    assert_a_move_out_of_the_province_ends_access_and_marks_the_sync(app, province, people)


def assert_a_second_change_waits_for_the_head_again(app, province, ids, approved_id):
    with app.app_context():
        me, person = person_account(ids), employee(ids)
        assert records.editable_groups(me, person), "self-service is open to the unit"
        draft = records.open_draft(me, person)
        records.save(me, draft, {"dien_thoai": "0913 000 111"}, {}, draft.lock)
        person_id = person.id
        db.session.remove()
    # the officer's page of the draft offers its submission, never recording it alone
    client = app.test_client()
    login(client, "canbo", w.PASSWORD)
    page = client.get("/records/person/%d" % person_id).get_data(as_text=True)
    assert 'id="submit-record"' in page and 'id="record-entry"' not in page
    with app.app_context():
        me, person = person_account(ids), employee(ids)
        draft = records.open_version(person)
        records.submit(me, draft, draft.lock)
        assert draft.status == SUBMITTED and draft.base_id == approved_id
        assert [e.version.id for e in approval.queue(account(province, "thutruong"))] == [
            draft.id]
        db.session.remove()


def assert_the_record_moves_to_another_unit_whole(app, province, people, ids):
    """Điều 9 khoản 3 HP: the sending unit hands the record over within 05 working days
    of the effective date; the receiving unit gives the account within 05 working days
    after it received the record (counted_from previous_step)."""
    with app.app_context():
        entry = rule_entry("transfers.receiver_account_working_days")
        assert (entry["value"], entry["acted_by"], entry["counted_from"]) == (
            5, "receiving_unit", "previous_step")
        assert rule_entry("transfers.to_other_unit_working_days")["acted_by"] == "sending_unit"
        # Sở Y tế gets a head of its own, whom the person's approval goes to after the move
        db.session.add(UnitLeader(unit_id=province.units["B"], employee_id=people.ids["bacsi"],
                                  position=LEADER_HEAD, valid_from=dt.date(2020, 1, 1)))
        db.session.commit()
        db.session.remove()
    # the decision of 01/12 takes effect on Monday 07/12/2026: hand-over due Monday 14/12
    # (five working days: 08, 09, 10, 11, 14 December)
    assert due_date(EFFECTIVE, 5) == dt.date(2026, 12, 14)
    with app.app_context(), at(dt.date(2026, 12, 2)):
        person = employee(ids)
        fingerprint, versions = record_fingerprint(person.id), total_versions()
        opened = transfers.open_case(account(province, "canbo"), decision(
            kind=BETWEEN_UNITS, employee_id=str(person.id),
            to_unit_id=str(province.units["B"])), SCAN)
        case_id = opened.case.id
        case = db.session.get(TransferCase, case_id)
        assert [(s.code, s.side, s.acting_unit_id, s.due_on) for s in case.steps] == [
            ("handover", "sending_unit", province.units["A"], dt.date(2026, 12, 14)),
            ("receive", "receiving_unit", province.units["B"], None)]
        assert case.steps[0].cite.startswith("Điều 9 khoản 3")
        # the receiving unit cannot do the sending unit's step
        with pytest.raises(transfers.TransferInvalid) as refused:
            act_step(province, "canbo_b", case_id)
        assert str(refused.value) == "Đơn vị chuyển đi (Sở Giáo dục) thực hiện bước này."
        # nor the sending unit before the decision takes effect
        with pytest.raises(transfers.TransferInvalid) as early:
            act_step(province, "canbo", case_id)
        assert "07/12/2026" in str(early.value) and "hiệu lực" in str(early.value)
        # the board: A's officer must hand it over by 14/12; nothing for B's officer yet
        assert transfer_deadlines(account(province, "canbo")) == [
            ("transfers.handover", "Phạm Thị Lan", dt.date(2026, 12, 14), "Sở Giáo dục")]
        assert transfer_deadlines(account(province, "canbo_b")) == []
        # nothing has moved before the effective date
        assert employee(ids).unit_id == province.units["A"]
        db.session.remove()
    with app.app_context(), at(EFFECTIVE):
        assert transfers.apply_effective() == 1
        person = employee(ids)
        assert person.unit_id == province.units["B"]
        assert person_account(ids).unit_id == province.units["B"]
        # the approver follows the tree: the head of Sở Y tế now, no longer thutruong
        assert [a.employee_id for a in authority.approvers_of(person)] == [
            people.ids["bacsi"]]
        # and the change she submitted in Sở Giáo dục leaves its head's queue with her
        assert approval.queue(account(province, "thutruong")) == []
        db.session.remove()
    # handed over on Wednesday 09/12: the account is due five working days later, 16/12
    with app.app_context(), at(dt.date(2026, 12, 9)):
        act_step(province, "canbo", case_id)
        case = db.session.get(TransferCase, case_id)
        assert case.steps[0].done_on == dt.date(2026, 12, 9)
        assert case.steps[1].due_on == due_date(dt.date(2026, 12, 9), 5) == dt.date(2026, 12, 16)
        assert transfer_deadlines(account(province, "canbo_b")) == [
            ("transfers.receive", "Phạm Thị Lan", dt.date(2026, 12, 16), "Sở Y tế")]
        assert transfer_deadlines(account(province, "canbo")) == []
        with pytest.raises(transfers.TransferInvalid) as refused:
            act_step(province, "canbo", case_id, account_mode="reassign")
        assert str(refused.value) == "Đơn vị tiếp nhận (Sở Y tế) thực hiện bước này."
        act_step(province, "canbo_b", case_id, account_mode="reassign")
        case = db.session.get(TransferCase, case_id)
        assert case.state == "done" and case.steps[1].done_on <= case.steps[1].due_on
        # the same account, active, in Sở Y tế; the record whole: no version added,
        # none changed
        me = person_account(ids)
        assert (me.id, me.unit_id, me.status) == (ids["account_id"], province.units["B"],
                                                  "active")
        assert record_fingerprint(employee(ids).id) == fingerprint
        assert total_versions() == versions
        db.session.remove()


def assert_a_move_out_of_the_province_ends_access_and_marks_the_sync(app, province, people):
    """Điều 9 khoản 5 HP: moved out of the province, the unit that employs the person
    changes the record's status (no term is set); access ends and the national sync is
    told; the record stays, in the unit's archive."""
    with app.app_context(), at(EFFECTIVE):
        colleague = db.session.get(Employee, people.ids["giaovien"])
        fingerprint = record_fingerprint(colleague.id)
        opened = transfers.open_case(account(province, "canbo"), decision(
            kind=OUT_OF_PROVINCE, employee_id=str(colleague.id),
            outside_body="Sở Giáo dục tỉnh Bắc Ninh"), SCAN)
        case_id = opened.case.id
        [step] = db.session.get(TransferCase, case_id).steps
        assert (step.code, step.side, step.acting_unit_id, step.due_on) == (
            "depart", "sending_unit", province.units["A"], None)
        assert ("transfers.depart", "Trần Văn Bình", None, "Sở Giáo dục") in \
            transfer_deadlines(account(province, "canbo"))
        with pytest.raises(transfers.TransferInvalid) as refused:
            act_step(province, "canbo_b", case_id)
        assert str(refused.value) == "Đơn vị chuyển đi (Sở Giáo dục) thực hiện bước này."
        act_step(province, "canbo", case_id)
        colleague = db.session.get(Employee, people.ids["giaovien"])
        assert (colleague.status, colleague.unit_id) == ("chuyen_cong_tac", province.units["A"])
        assert db.session.get(Account, province.accounts["giaovien"]).status == "revoked"
        marks = db.session.scalars(select(TransferSyncItem).where(
            TransferSyncItem.case_id == case_id)).all()
        # marked, and done: the national database never held the person (nothing sent)
        assert [(m.kind, m.employee_id, m.done_at is not None) for m in marks] == [
            ("departure", colleague.id, True)]
        rows, _more = leaver_queries.archive_page(account(province, "canbo"), None)
        assert [(row.employee.id, row.change.status_to, row.change.due_on) for row in rows] \
            == [(colleague.id, "chuyen_cong_tac", None)]
        assert record_fingerprint(colleague.id) == fingerprint
        assert db.session.get(TransferCase, case_id).state == "done"
        db.session.remove()
