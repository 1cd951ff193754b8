"""Hà Nội end to end (Dự thảo Quy chế CSDL CBCCVC, 2024, OCR text: a draft).

Điều 6.2 HN: the unit makes the personal account; the person signs in with it, replaces
the default password, then enters their own information. Điều 7: in the last 5 days of
each month the head (or a person delegated) approves the new and updated data. Điều 14.1-
14.2: the month's data goes to the national database through the API, and Sở Nội vụ approves
the data the units sent for the sync (``approval.so_noi_vu_second_step`` says so).
"""
from app.approval import services as approval
from app.approval.models import KIND_PKCS12, STEP_SO_NOI_VU
from app.core import clock
from app.extensions import db
from app.policy.profiles import rule
from app.records import services as records
from app.records.models import APPROVED, RecordVersion
from tests.conftest import csrf_token, login
from tests.profiles.conftest import (
    IN_WINDOW, account, employee, first_entry, hire_teacher, person_account,
)

PROFILE = "ha_noi"
NEW_PASSWORD = "Truong#Mot2026"


def test_the_first_sign_in_changes_the_password_and_so_noi_vu_approves_the_sync(
        app, province, people, approvers):
    """Điều 6.2, 7, 14.1, 14.2 HN."""
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
    # ---------------------------------------------------------------------------------------
    # Transfers and leavers (issue 17 items 3-4; app/transfers, app/leavers): Điều 12 HN
    # (moves reported through the superior) joins this scenario here.
    # ---------------------------------------------------------------------------------------
