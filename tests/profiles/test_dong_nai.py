"""Đồng Nai end to end (Quy chế CSDL CBCCVC, draft).

Điều 6.2-6.3 ĐN: the unit that employs the person makes the personal account within 05
working days of the recruitment decision; Điều 6.4: within 05 working days of getting the
account the person enters their record with its scans. Điều 7.1: in the last 5 days of each
month the head of the unit, or a person the head delegated in writing, approves with a
digital signature; a deputy approves the head's own record. Điều 8: a move within the
unit at once; to another unit the receiving unit asks Sở Nội vụ within 10 working days;
commune staff moved by the level above (Sở Nội vụ since the 2025 reform).
"""
import datetime as dt

import pytest

from app.accounts.models import Account
from app.approval import authority, delegations
from app.approval import services as approval
from app.approval.models import BASIS_DELEGATE, BASIS_DEPUTY, KIND_PKCS12
from app.core import clock
from app.deadlines import services as deadlines
from app.extensions import db
from app.hiring.models import Hiring
from app.org.models import Employee, Unit
from app.org.services import create_unit
from app.policy.profiles import rule, rule_entry
from app.records import services as records
from app.records.models import APPROVED, RecordVersion
from app.security import roles
from app.transfers import services as transfers
from app.transfers.models import BETWEEN_UNITS, COMMUNE, INSIDE_UNIT, TransferCase
from app.workdays.services import due_date
from tests.conftest import add_account
from tests.approval.conftest import also_personal, submitted
from tests.profiles.conftest import (
    IN_WINDOW, account, act_step, employee, first_entry, hire_teacher, open_transfer,
    person_account, transfer_deadlines,
)
from tests.records.test_attachments import PDF
from tests.security import world as w
from tests.transfers.conftest import at, record_fingerprint

PROFILE = "dong_nai"
# the effective date of the transfers' decision (tests.transfers.conftest.decision)
EFFECTIVE = dt.date(2026, 12, 7)


def test_the_terms_run_from_the_hiring_and_a_written_delegate_approves(
        app, province, people, approvers):
    """Điều 6.3, 6.4, 7.1 ĐN; then Điều 8 khoản 1, 2, 3 điểm b and 4 ĐN (transfers)."""
    with app.app_context():
        assert rule("approval.approver") == "head_or_delegate"
        assert rule("approval.head_record_approver") == "deputy"
    ids = hire_teacher(app, province)
    with app.app_context():
        # Điều 6.3 and 6.4: the two terms, stored with the hiring as the profile set them
        hiring = db.session.get(Hiring, ids["hiring_id"])
        assert (hiring.account_term_days, hiring.account_term_from) == (5, "hiring_decision")
        assert hiring.account_term_cite.startswith("Điều 6 khoản 3")
        assert (hiring.first_entry_term_days, hiring.first_entry_term_from) == (5, "account")
        assert hiring.first_entry_term_cite.startswith("Điều 6 khoản 4")
        # (the due dates, in working days from the decision and from the account, are the
        # deadlines' (app/workdays); their assertions join here when the deadlines land)
        # the unit made the account with the hire (Điều 6.2), so its term is met at once
        assert ids["account_id"] is not None
        me, person = person_account(ids), employee(ids)
        draft = first_entry(me, person)
        records.submit(me, draft, draft.lock)
        version_id = draft.id
        db.session.remove()
    # Điều 7.1: the head delegates in writing for a period; the delegate approves
    first_day = dt.date(2026, 11, 20)
    with app.app_context(), clock.freeze(dt.datetime.combine(first_day, dt.time(8))):
        delegations.delegate(account(province, "thutruong"), province.units["A"],
                             people.ids["photruong"], first_day, dt.date(2026, 11, 30),
                             "12/UQ-SGD", PDF, "uy-quyen.pdf")
        db.session.remove()
    with app.app_context(), clock.freeze(IN_WINDOW):
        signed = approval.approve(account(province, "photruong"), version_id,
                                  approvers.signer("photruong"), KIND_PKCS12)
        assert signed.basis == BASIS_DELEGATE and signed.delegation_id is not None
        db.session.remove()
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        assert version.status == APPROVED and approval.ready_for_sync(version)
        db.session.remove()
    # Điều 7.1: the head's own record is approved by the deputy
    also_personal(app, province, "thutruong")
    own = submitted(app, province, people, "thutruong")
    with app.app_context(), clock.freeze(IN_WINDOW):
        assert approval.queue(account(province, "thutruong")) == []
        signed = approval.approve(account(province, "photruong"), own,
                                  approvers.signer("photruong"), KIND_PKCS12)
        assert signed.basis == BASIS_DEPUTY
        db.session.remove()
    # Điều 8 khoản 1, 2 and 4 ĐN: the approved record moves within the unit at once, a
    # colleague to Sở Y tế by the receiving unit's request, a commune's cán bộ by Sở Nội vụ
    assert_the_transfers_follow_article_8(app, province, people, ids)


def _a_section_and_two_communes(app, province):
    """A phòng of Sở Giáo dục (not an employing unit), two communes (UBND xã) with an
    officer of the first and one of its cán bộ with an account."""
    with app.app_context():
        units = province.units
        section = create_unit("Phòng Tổ chức cán bộ", db.session.get(Unit, units["A"]),
                              is_employing=False, unit_type="phong")
        first = create_unit("UBND xã An Bình", db.session.get(Unit, units["root"]),
                            unit_type="ubnd_xa")
        second = create_unit("UBND xã Hòa Lợi", db.session.get(Unit, units["root"]),
                             unit_type="ubnd_xa")
        db.session.commit()
        units.update({"A_section": section.id, "X": first.id, "Y": second.id})
        db.session.remove()
    province.accounts["canbo_x"] = add_account(app, "canbo_x", role=roles.ROLE_OFFICER,
                                               password=w.PASSWORD, unit_id=units["X"],
                                               kind="personal")
    province.accounts["xa_canbo"] = add_account(app, "xa_canbo", role=roles.ROLE_PERSONAL,
                                                password=w.PASSWORD, unit_id=units["X"],
                                                kind="personal")
    with app.app_context():
        person = Employee(full_name="Lê Văn Xã", category="cbcc_cap_xa", unit_id=units["X"],
                          account_id=province.accounts["xa_canbo"])
        db.session.add(person)
        db.session.commit()
        person_id = person.id
        db.session.remove()
    return person_id


def assert_the_transfers_follow_article_8(app, province, people, ids):
    """Điều 8 khoản 1 ĐN: within the unit the record moves "ngay" (due on the effective
    date); Điều 8 khoản 4 ĐN: to another unit the RECEIVING unit asks Sở Nội vụ within
    10 working days, then gives the account (Điều 8 khoản 3 điểm b, 05 working days);
    Điều 8 khoản 2 ĐN: commune staff, moved by the district before the 2025 reform, are
    moved by Sở Nội vụ (transfers.commune_moved_by)."""
    commune_person = _a_section_and_two_communes(app, province)
    units = province.units
    with app.app_context():
        assert rule_entry("transfers.inside_unit_working_days")["immediately"] is True
        assert rule_entry("transfers.to_other_unit_working_days")["acted_by"] == \
            "receiving_unit"
        assert rule("transfers.commune_moved_by") == "so_noi_vu"
        db.session.remove()
    # Wednesday 02/12/2026: two decisions taking effect on Monday 07/12/2026
    with app.app_context(), at(dt.date(2026, 12, 2)):
        person = employee(ids)
        fingerprint = record_fingerprint(person.id)
        inside = open_transfer(province, "canbo", INSIDE_UNIT, employee_id=str(person.id),
                       to_unit_id=str(units["A_section"]))
        [step] = db.session.get(TransferCase, inside).steps
        # "ngay": due on the effective date itself, not on the day it was entered
        assert (step.code, step.side, step.due_on) == ("handover", "sending_unit", EFFECTIVE)
        between = open_transfer(province, "canbo", BETWEEN_UNITS,
                        employee_id=str(people.ids["giaovien"]), to_unit_id=str(units["B"]))
        case = db.session.get(TransferCase, between)
        # ten working days from 07/12: 08-11, 14-18, 21 December
        assert due_date(EFFECTIVE, 10) == dt.date(2026, 12, 21)
        assert [(s.code, s.side, s.acting_unit_id, s.due_on) for s in case.steps] == [
            ("handover", "receiving_unit", units["B"], dt.date(2026, 12, 21)),
            ("receive", "receiving_unit", units["B"], None)]
        assert case.steps[0].cite.startswith("Điều 8 khoản 4")
        # the board: A's officer has the move within the unit; Sở Y tế's the request
        assert transfer_deadlines(account(province, "canbo")) == [
            ("transfers.handover", "Phạm Thị Lan", EFFECTIVE, "Sở Giáo dục")]
        assert transfer_deadlines(account(province, "canbo_b")) == [
            ("transfers.handover", "Trần Văn Bình", dt.date(2026, 12, 21), "Sở Y tế")]
        db.session.remove()
    with app.app_context(), at(EFFECTIVE):
        assert transfers.apply_effective() == 2
        person = employee(ids)
        assert person.unit_id == units["A_section"]
        # the phòng approves nobody: the head of A still approves her record
        assert [a.employee_id for a in authority.approvers_of(person)] == [
            people.ids["thutruong"]]
        # due today: "due soon" on the board, not yet overdue
        assert [state for state, d in deadlines.of(account(province, "canbo"))[1]
                if d.kind.startswith("transfers.")] == ["due_soon"]
        act_step(province, "canbo", inside)
        assert db.session.get(TransferCase, inside).state == "done"
        assert record_fingerprint(person.id) == fingerprint
        # to Sở Y tế: the sending unit may not make the receiving unit's request
        with pytest.raises(transfers.TransferInvalid) as refused:
            act_step(province, "canbo", between)
        assert str(refused.value) == "Đơn vị tiếp nhận (Sở Y tế) thực hiện bước này."
        act_step(province, "canbo_b", between)
        case = db.session.get(TransferCase, between)
        # the account within 05 working days of the request (Điều 8.3b, Điều 6.3)
        assert case.steps[1].due_on == dt.date(2026, 12, 14)
        act_step(province, "canbo_b", between, account_mode="reassign")
        assert db.session.get(TransferCase, between).state == "done"
        moved = db.session.get(Employee, people.ids["giaovien"])
        assert moved.unit_id == units["B"]
        assert db.session.get(Account, moved.account_id).unit_id == units["B"]
        db.session.remove()
    # Điều 8 khoản 2: the commune's officer enters the decision, Sở Nội vụ moves the record
    with app.app_context(), at(EFFECTIVE):
        commune = open_transfer(province, "canbo_x", COMMUNE, employee_id=str(commune_person),
                        to_unit_id=str(units["Y"]))
        case = db.session.get(TransferCase, commune)
        assert [(s.code, s.side, s.acting_unit_id, s.due_on) for s in case.steps] == [
            ("handover", "so_noi_vu", None, None), ("receive", "so_noi_vu", None, None)]
        assert transfer_deadlines(account(province, "canbo_x")) == []
        # on Sở Nội vụ's list as its own step (not the destination commune's)
        assert ("transfers.handover", "Lê Văn Xã", None, "Sở Nội vụ") in \
            transfer_deadlines(account(province, "sonoivu"))
        with pytest.raises(transfers.TransferInvalid) as refused:
            act_step(province, "canbo_x", commune)
        assert str(refused.value) == "Sở Nội vụ thực hiện bước này."
        act_step(province, "sonoivu", commune)
        with pytest.raises(transfers.TransferInvalid):
            act_step(province, "canbo_x", commune, account_mode="reassign")
        act_step(province, "sonoivu", commune, account_mode="reassign")
        assert db.session.get(TransferCase, commune).state == "done"
        moved = db.session.get(Employee, commune_person)
        assert moved.unit_id == units["Y"]
        assert db.session.get(Account, moved.account_id).unit_id == units["Y"]
        db.session.remove()
