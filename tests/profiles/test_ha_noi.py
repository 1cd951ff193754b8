"""Hà Nội end to end (Dự thảo Quy chế CSDL CBCCVC, 2024, OCR text: a draft).

Điều 6.2 HN: the unit makes the personal account; the person signs in with it, replaces
the default password, then enters their own information. Điều 7: in the last 5 days of
each month the head (or a person delegated) approves the new and updated data. Điều 14.1-
14.2: the month's data goes to the national database through the API, and Sở Nội vụ approves
the data the units sent for the sync (``approval.so_noi_vu_second_step`` says so). Điều 12:
within the city a move goes through the body above both units; from outside the city the
receiving unit gives the account within 10 working days; out of the city, the record's
status changes and access ends.
"""
import datetime as dt

import pytest
from sqlalchemy import select

from app.accounts.models import Account
from app.approval import authority
from app.approval import services as approval
from app.approval.models import KIND_PKCS12, STEP_SO_NOI_VU
from app.core import clock
from app.extensions import db
from app.org.models import Employee
from app.policy.profiles import rule
from app.records import services as records
from app.records.models import APPROVED, RecordVersion
from app.transfers import services as transfers
from app.transfers.models import (
    BETWEEN_UNITS, IN_FROM_OUTSIDE, OUT_OF_PROVINCE, TransferCase, TransferSyncItem,
)
from app.workdays.services import due_for
from tests.conftest import csrf_token, login
from tests.profiles.conftest import (
    IN_WINDOW, account, act_step, employee, first_entry, hire_teacher, person_account, steps_of,
    transfer_deadlines,
)

from tests.transfers.conftest import SCAN, at, decision, record_fingerprint

PROFILE = "ha_noi"
# the effective date of the transfers' decision (tests.transfers.conftest.decision)
EFFECTIVE = dt.date(2026, 12, 7)
NEW_PASSWORD = "Truong#Mot2026"


def test_the_first_sign_in_changes_the_password_and_so_noi_vu_approves_the_sync(
        app, province, people, approvers):
    """Điều 6.2, 7, 14.1, 14.2 HN; then Điều 12 khoản 1 điểm a and khoản 2 mục 2.1, 2.2
    HN (transfers)."""
    with app.app_context():
        assert rule("accounts.first_login_password_change") is True
        assert rule("approval.approver") == "head_or_delegate"
        assert rule("approval.so_noi_vu_second_step") is True
        assert rule("sync.trigger") == "monthly_window"
    ids = hire_teacher(app, province)
    assert ids["password"], "no mail here: the temporary password is shown to the officer"
    with app.app_context():
        username = person_account(ids).username
        assert person_account(ids).must_change_password
        db.session.remove()
    # Điều 6.2: signed in with the default password, every page sends her to change it
    client = app.test_client()
    page = login(client, username, ids["password"])
    response = client.get("/records/me")
    assert response.status_code == 302 and "/my-account/password" in response.headers["Location"]
    form = client.get("/my-account/password").get_data(as_text=True)
    client.post("/my-account/password", data={
        "csrf_token": csrf_token(form), "current_password": ids["password"],
        "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert client.get("/records/me").status_code == 302  # to her own record, now
    assert "/my-account/password" not in client.get("/records/me").headers["Location"]
    with app.app_context():
        assert not person_account(ids).must_change_password
        # then she enters her own information and submits it
        me, person = person_account(ids), employee(ids)
        draft = first_entry(me, person)
        records.submit(me, draft, draft.lock)
        version_id = draft.id
        db.session.remove()
    assert page.status_code == 200
    # Điều 7: the head approves in the window
    with app.app_context(), clock.freeze(IN_WINDOW):
        signed = approval.approve(account(province, "thutruong"), version_id,
                                  approvers.signer("thutruong"), KIND_PKCS12)
        assert signed.in_window
        db.session.remove()
    # Điều 14.2: what is synced waits for Sở Nội vụ's approval
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        assert version.status == APPROVED and approval.ready_for_sync(version) is False
        db.session.remove()
    with app.app_context(), clock.freeze(IN_WINDOW):
        approval.approve_second_step(account(province, "sonoivu"), version_id,
                                     approvers.signer("sonoivu"), KIND_PKCS12)
        db.session.remove()
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        assert STEP_SO_NOI_VU in {a.step for a in version.approvals}
        assert approval.ready_for_sync(version) is True
        db.session.remove()
    # Điều 12 HN: the approved record moves to Sở Y tế through the body above both
    # units; a teacher comes in from outside the city; a colleague leaves it
    assert_the_transfers_follow_article_12(app, province, people, ids)


def assert_the_transfers_follow_article_12(app, province, people, ids):
    """Điều 12 khoản 1 điểm a HN: within the city the unit reports to the body above,
    which moves the record and the account (no term); khoản 2 mục 2.2 điểm a: received
    from outside the city without a record in the national database, the receiving unit
    gives the account within 10 working days; mục 2.1 điểm a: moved out of the city, the
    record's status changes and access ends."""
    units = province.units
    with app.app_context(), at(EFFECTIVE):
        person = employee(ids)
        fingerprint = record_fingerprint(person.id)
        case_id = transfers.open_case(account(province, "canbo"), decision(
            kind=BETWEEN_UNITS, employee_id=str(person.id), to_unit_id=str(units["B"])),
            SCAN).case.id
        # the superior (UBND tỉnh, above both units) moves record and account: no term
        assert steps_of(case_id)[0] == ("handover", "superior", units["root"], None)
        assert steps_of(case_id)[1][:3] == ("receive", "receiving_unit", units["B"])
        assert db.session.get(TransferCase, case_id).steps[0].cite.startswith(
            "Điều 12 khoản 1 điểm a")
        # taking effect today, the person is in Sở Y tế already, approved from above it
        # (Sở Y tế has no head here: the head of UBND tỉnh)
        assert employee(ids).unit_id == units["B"]
        assert [a.employee_id for a in authority.approvers_of(employee(ids))] == [
            people.ids["chutich"]]
        # the board: the step is Sở Nội vụ's (for the superior), not the sending unit's
        assert transfer_deadlines(account(province, "canbo")) == []
        assert transfer_deadlines(account(province, "sonoivu")) == [
            ("transfers.handover", "Phạm Thị Lan", None, "UBND tỉnh")]
        for officer in ("canbo", "canbo_b"):
            with pytest.raises(transfers.TransferInvalid) as refused:
                act_step(province, officer, case_id)
            assert str(refused.value) == ("Cơ quan quản lý cấp trên của cả hai đơn vị "
                                          "(UBND tỉnh) thực hiện bước này.")
        act_step(province, "sonoivu", case_id)
        act_step(province, "canbo_b", case_id, account_mode="reassign")
        assert db.session.get(TransferCase, case_id).state == "done"
        me = person_account(ids)
        assert (me.id, me.unit_id, me.status) == (ids["account_id"], units["B"], "active")
        assert record_fingerprint(employee(ids).id) == fingerprint
        db.session.remove()
    # mục 2.2 điểm a: from Bắc Ninh, no record in the national database (nothing to sync)
    with app.app_context(), at(EFFECTIVE):
        [plan] = transfers.plan_of(IN_FROM_OUTSIDE, has_account=False, sync_possible=False)
        assert (plan.code, plan.side, plan.rule_key) == (
            "account", "receiving_unit", "transfers.receiver_account_working_days")
        # ten working days from Monday 07/12/2026: 08-11, 14-18, 21 December
        assert due_for(EFFECTIVE, plan.entry) == dt.date(2026, 12, 21)
        data = decision(kind=IN_FROM_OUTSIDE, to_unit_id=str(units["A1"]),
                        outside_body="Sở Giáo dục tỉnh Bắc Ninh", sync_possible="",
                        category="vien_chuc", ho_ten="Trần Thị Hoa", gioi_tinh="nu",
                        ngay_sinh="02/05/1990", so_dinh_danh="027190000456",
                        grade_code="V.07.03.29", first_recruited_on="01/09/2012",
                        first_recruited_by="Sở Giáo dục tỉnh Bắc Ninh",
                        email="hoa.tt@thpt1.edu.vn")
        opened = transfers.open_case(account(province, "canbo"), data, SCAN)
        # Điều 6.2 HN: the receiving unit's officer makes the account with the reception,
        # so the ten days are met on the day: no step left, nothing for the sync
        assert opened.account is not None and opened.account.unit_id == units["A1"]
        case = db.session.get(TransferCase, opened.case.id)
        assert (case.state, case.steps, case.from_unit_id) == ("done", [], None)
        assert case.employee.account_id == opened.account.id
        assert db.session.scalars(select(TransferSyncItem).where(
            TransferSyncItem.case_id == case.id)).all() == []
        db.session.remove()
    # mục 2.1 điểm a, b: to another province, status and access; the sync told (Sở Nội vụ)
    with app.app_context(), at(EFFECTIVE):
        colleague_id = people.ids["giaovien"]
        out_id = transfers.open_case(account(province, "canbo"), decision(
            kind=OUT_OF_PROVINCE, employee_id=str(colleague_id),
            outside_body="Sở Giáo dục tỉnh Bắc Ninh"), SCAN).case.id
        assert steps_of(out_id) == [("depart", "sending_unit", units["A"], None)]
        act_step(province, "canbo", out_id)
        colleague = db.session.get(Employee, colleague_id)
        assert (colleague.status, colleague.unit_id) == ("chuyen_cong_tac", units["A"])
        assert db.session.get(Account, province.accounts["giaovien"]).status == "revoked"
        assert [(m.kind, m.employee_id) for m in db.session.scalars(select(
            TransferSyncItem).where(TransferSyncItem.case_id == out_id))] == [
            ("departure", colleague_id)]
        # gone: no second case for the person
        with pytest.raises(transfers.TransferInvalid) as refused:
            transfers.open_case(account(province, "canbo"), decision(
                kind=BETWEEN_UNITS, employee_id=str(colleague_id),
                to_unit_id=str(units["B"])), SCAN)
        assert refused.value.errors["employee_id"] == \
            "Người này hiện không còn công tác tại đơn vị."
        db.session.remove()
