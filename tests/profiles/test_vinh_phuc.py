"""Vĩnh Phúc end to end (Quy chế CSDL CBCCVC, enacted).

Điều 7.2 VP: Sở Nội vụ (the province's database manager) makes the personal accounts; the
unit enters the hire and the person their record. Điều 8.1: in the last 5 days of each
month the head of the unit (or a delegate) approves with a digital signature. Điều 8.2,
12.4 and 13: Sở Nội vụ then signs what the units approved, and only that goes to the
national database (``ready_for_sync``). Điều 11.1: a move within the unit or to another
unit in 10 working days (the new unit's account 10 more); in from a ministry or another
province, the data asked of Sở Nội vụ, or a new record where nothing can be synced.
"""
import datetime as dt

import pytest
from sqlalchemy import select

from app.accounts.models import Account
from app.approval import services as approval
from app.approval.models import KIND_PKCS12, STEP_SO_NOI_VU, STEP_UNIT
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.hiring import services as hiring
from app.org.models import Unit
from app.org.services import create_unit
from app.policy.profiles import rule
from app.records import services as records
from app.records.models import APPROVED, RecordVersion
from app.transfers import services as transfers
from app.transfers.models import (
    BETWEEN_UNITS, IN_FROM_OUTSIDE, INSIDE_UNIT, TransferCase, TransferSyncItem,
)
from app.workdays.services import due_date
from tests.profiles.conftest import (
    IN_WINDOW, account, act_step, employee, first_entry, hire_teacher, open_transfer, steps_of,
)
from tests.transfers.conftest import SCAN, at, decision, record_fingerprint, total_versions

PROFILE = "vinh_phuc"
# the effective date of the transfers' decision (tests.transfers.conftest.decision), and
# ten working days after it
EFFECTIVE = dt.date(2026, 12, 7)
TEN_DAYS_ON = dt.date(2026, 12, 21)


def test_so_noi_vu_makes_the_account_and_signs_before_the_sync(
        app, province, people, approvers):
    """Điều 7.2, 8.1, 8.2, 12.4, 13 VP; then Điều 11 khoản 1 điểm a-d VP (transfers)."""
    with app.app_context():
        assert rule("accounts.personal_account_creator") == "so_noi_vu"
        assert rule("approval.so_noi_vu_second_step") is True
        assert rule("sync.trigger") == "after_so_noi_vu_signature"
    # Điều 7.2: the unit enters the hire; the account waits for Sở Nội vụ
    ids = hire_teacher(app, province)
    assert ids["account_id"] is None and ids["password"] is None
    with app.app_context():
        person = employee(ids)
        with pytest.raises(DomainError):
            hiring.make_account(account(province, "canbo"), person, {"username": "lan.pt"})
        me, password = hiring.make_account(account(province, "sonoivu"), person,
                                           {"username": "lan.pt",
                                            "email": "lan.pt@thpt1.edu.vn"})
        assert employee(ids).account_id == me.id and password
        me_id = me.id
        db.session.remove()
    with app.app_context():
        from app.accounts.models import Account

        me, person = db.session.get(Account, me_id), employee(ids)
        draft = first_entry(me, person)
        records.submit(me, draft, draft.lock)
        version_id = draft.id
        db.session.remove()
    # Điều 8.1: the head signs first; Sở Nội vụ cannot sign before the unit
    with app.app_context(), clock.freeze(IN_WINDOW):
        with pytest.raises(DomainError, match="sau khi đơn vị"):
            approval.approve_second_step(account(province, "sonoivu"), version_id,
                                         approvers.signer("sonoivu"), KIND_PKCS12)
        approval.approve(account(province, "thutruong"), version_id,
                         approvers.signer("thutruong"), KIND_PKCS12)
        db.session.remove()
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        assert version.status == APPROVED
        # approved by the unit, but not yet for the national database (Điều 12.4)
        assert approval.ready_for_sync(version) is False
        assert [e.version.id for e in approval.queue(account(province, "sonoivu"),
                                                     second_step=True)] == [version_id]
        # only Sở Nội vụ signs the second step
        with pytest.raises(DomainError, match="Chỉ Sở Nội vụ"):
            approval.approve_second_step(account(province, "thutruong"), version_id,
                                         approvers.signer("thutruong"), KIND_PKCS12)
        db.session.remove()
    with app.app_context(), clock.freeze(IN_WINDOW):
        approval.approve_second_step(account(province, "sonoivu"), version_id,
                                     approvers.signer("sonoivu"), KIND_PKCS12)
        db.session.remove()
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        assert {a.step for a in version.approvals} == {STEP_UNIT, STEP_SO_NOI_VU}
        assert all(verdict.valid for verdict in approval.verdicts(version))
        assert approval.ready_for_sync(version) is True
        db.session.remove()
    # Điều 11 khoản 1 VP: the approved record moves within the unit, a colleague to Sở Y
    # tế, and two people come in from outside the province
    assert_the_transfers_follow_article_11(app, province, people, ids)


def _received(province, sync_possible, **person):
    """A person received into Trường THPT số 1 from another province's Sở Giáo dục."""
    data = decision(kind=IN_FROM_OUTSIDE, to_unit_id=str(province.units["A1"]),
                    outside_body="Sở Giáo dục tỉnh Nam Định",
                    sync_possible="1" if sync_possible else "", category="vien_chuc",
                    gioi_tinh="nu", ngay_sinh="02/05/1990", grade_code="V.07.03.29",
                    first_recruited_on="01/09/2012",
                    first_recruited_by="Sở Giáo dục tỉnh Nam Định", **person)
    return transfers.open_case(account(province, "canbo"), data, SCAN)


def _sync_items(case_id):
    return [(m.kind, m.done_at) for m in db.session.scalars(select(TransferSyncItem).where(
        TransferSyncItem.case_id == case_id))]


def assert_the_transfers_follow_article_11(app, province, people, ids):
    """Điều 11 khoản 1 điểm b VP: within the unit, 10 working days from the effective
    date; điểm c: to another unit, the old unit within 10 working days and the new one
    gives the account within 10 working days of receiving it; điểm a and d: received
    from outside, the national data asked of Sở Nội vụ where it can be synced, else a new
    record only."""
    units = province.units
    with app.app_context():
        section = create_unit("Phòng Tổ chức cán bộ", db.session.get(Unit, units["A"]),
                              is_employing=False, unit_type="phong")
        db.session.commit()
        units["A_section"] = section.id
        db.session.remove()
    with app.app_context(), at(dt.date(2026, 12, 2)):
        fingerprint = record_fingerprint(employee(ids).id)
        inside = open_transfer(province, "canbo", INSIDE_UNIT, employee_id=str(ids["employee_id"]),
                       to_unit_id=str(units["A_section"]))
        between = open_transfer(province, "canbo", BETWEEN_UNITS,
                        employee_id=str(people.ids["giaovien"]), to_unit_id=str(units["B"]))
        # ten working days from Monday 07/12/2026: 08-11, 14-18, 21 December
        assert steps_of(inside) == [("handover", "sending_unit", units["A"], TEN_DAYS_ON)]
        assert steps_of(between) == [
            ("handover", "sending_unit", units["A"], TEN_DAYS_ON),
            ("receive", "receiving_unit", units["B"], None)]
        db.session.remove()
    with app.app_context(), at(dt.date(2026, 12, 9)):
        # the morning job moves both people on the effective date (here two days late)
        assert transfers.apply_effective() == 2
        act_step(province, "canbo", inside)
        assert db.session.get(TransferCase, inside).state == "done"
        assert employee(ids).unit_id == units["A_section"]
        assert record_fingerprint(ids["employee_id"]) == fingerprint
        # handed over on Wednesday 09/12: ten working days more, to Wednesday 23/12
        act_step(province, "canbo", between)
        assert steps_of(between)[1] == ("receive", "receiving_unit", units["B"],
                                      dt.date(2026, 12, 23))
        assert due_date(dt.date(2026, 12, 9), 10) == dt.date(2026, 12, 23)
        # Điều 7.2: Sở Nội vụ makes personal accounts; Sở Y tế re-assigns the person's
        with pytest.raises(transfers.TransferInvalid) as refused:
            act_step(province, "canbo_b", between, account_mode="new")
        assert "account_mode" in refused.value.errors
        act_step(province, "canbo_b", between, account_mode="reassign")
        assert db.session.get(TransferCase, between).state == "done"
        db.session.remove()
    with app.app_context(), at(EFFECTIVE):
        versions = total_versions()
        # điểm a: where the national database can give the person's data
        synced = _received(province, True, ho_ten="Trần Thị Hoa", so_dinh_danh="036190000456")
        case_id = synced.case.id
        case = db.session.get(TransferCase, case_id)
        assert (case.employee.full_name, case.from_unit_id, case.to_unit_id) == (
            "Trần Thị Hoa", None, units["A1"])
        # the account is not made with the reception: it is the receiving unit's step,
        # within ten working days of receiving the record (Điều 11.1b TT 06/2023); the
        # request to Sở Nội vụ has no term
        assert synced.account is None
        assert steps_of(case_id) == [("account", "receiving_unit", units["A1"], TEN_DAYS_ON),
                                   ("data_request", "receiving_unit", units["A1"], None)]
        assert total_versions() == versions + 1, "the hiring's first version, nothing copied"
        # another unit's officer may not; Điều 11.1a: the receiving unit's officer makes
        # it, although Sở Nội vụ makes every other personal account (Điều 7.2)
        with pytest.raises(transfers.TransferInvalid) as refused:
            act_step(province, "canbo_b", case_id, username="hoa.tt")
        assert "__all__" in refused.value.errors
        acted = act_step(province, "canbo", case_id, username="hoa.tt",
                     email="hoa.tt@thpt1.edu.vn")
        assert acted.account.unit_id == units["A1"] and acted.password
        assert db.session.get(Account, acted.account.id).kind == "personal"
        assert _sync_items(case_id) == []
        act_step(province, "canbo", case_id)
        assert db.session.get(TransferCase, case_id).state == "done"
        assert _sync_items(case_id) == [("data_request", None)]
        # điểm d: from a Party body, nothing to sync: a new record only
        fresh = _received(province, False, ho_ten="Ngô Thị Thu", so_dinh_danh="036190000789")
        fresh_id = fresh.case.id
        assert steps_of(fresh_id) == [("account", "receiving_unit", units["A1"], TEN_DAYS_ON)]
        assert total_versions() == versions + 2
        act_step(province, "sonoivu", fresh_id, username="thu.nt", email="thu.nt@thpt1.edu.vn")
        assert db.session.get(TransferCase, fresh_id).state == "done"
        assert _sync_items(fresh_id) == []
        assert [m.kind for m in db.session.scalars(select(TransferSyncItem))] == [
            "data_request"]
        db.session.remove()
