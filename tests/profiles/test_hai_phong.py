"""Hải Phòng end to end (Quy chế CSDL CBCCVC, draft).

Điều 4.2 HP: the unit that employs the person makes the personal account, and the person
enters their own information. Điều 5: in the last 5 days of each month the head of the unit,
by the hierarchy (the nearest employing unit), approves with a digital signature. Điều 10.3:
what is synced to the national database is what the head signed (no second step).
"""
import pytest

from app.approval import services as approval
from app.approval.models import BASIS_HEAD, KIND_PKCS12
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.policy.profiles import rule
from app.records import services as records
from app.records.models import APPROVED, SUBMITTED, RecordVersion
from tests.conftest import login
from tests.profiles.conftest import (
    IN_WINDOW, account, employee, first_entry, hire_teacher, person_account,
)
from tests.security import world as w

PROFILE = "hai_phong"


def test_the_unit_makes_the_account_and_the_head_signs_in_the_window(app, province, people,
                                                                     approvers):
    """Điều 4.2, 5, 10.3 HP."""
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
    # ---------------------------------------------------------------------------------------
    # Transfers and leavers (issue 17 items 3-4; app/transfers, app/leavers): Điều 9 HP (a
    # move within the unit in 10 working days; to another unit in 5, the receiver making
    # the account in 5) joins this scenario here, on the signed record above.
    # ---------------------------------------------------------------------------------------
    assert_a_second_change_waits_for_the_head_again(app, province, ids, version_id)


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
