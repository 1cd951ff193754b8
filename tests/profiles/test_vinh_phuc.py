"""Vĩnh Phúc end to end (Quy chế CSDL CBCCVC, enacted).

Điều 7.2 VP: Sở Nội vụ (the province's database manager) makes the personal accounts; the
unit enters the hire and the person their record. Điều 8.1: in the last 5 days of each
month the head of the unit (or a delegate) approves with a digital signature. Điều 8.2,
12.4 and 13: Sở Nội vụ then signs what the units approved, and only that goes to the
national database (``ready_for_sync``).
"""
import pytest

from app.approval import services as approval
from app.approval.models import KIND_PKCS12, STEP_SO_NOI_VU, STEP_UNIT
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.hiring import services as hiring
from app.policy.profiles import rule
from app.records import services as records
from app.records.models import APPROVED, RecordVersion
from tests.profiles.conftest import IN_WINDOW, account, employee, first_entry, hire_teacher

PROFILE = "vinh_phuc"


def test_so_noi_vu_makes_the_account_and_signs_before_the_sync(app, province, people,
                                                              approvers):
    """Điều 7.2, 8.1, 8.2, 12.4, 13 VP."""
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
    # ---------------------------------------------------------------------------------------
    # Transfers and leavers (issue 17 items 3-4; app/transfers, app/leavers): Điều 11 VP (a
    # move within the unit or to another unit in 10 working days; in from a ministry or
    # another province, the receiving unit making the account) joins this scenario here.
    # ---------------------------------------------------------------------------------------
