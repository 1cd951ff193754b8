"""Đà Nẵng end to end under its 2012 model (QĐ 8060/QĐ-UBND, enacted).

Điều 10: the unit that manages the records enters every record in the software (a new one
within 45 working days of the recruitment decision, Điều 10.1.b) and updates it (org
changes within 10 working days, Điều 10.2.b). Điều 16.1-16.3: the officer assigned to the
software enters and updates the records and answers for their accuracy; Điều 15.4: the
unit checks the updates monthly. The text has no personal entry, no monthly approval and
no signature: the officer's confirmed entry ("ghi nhận") is the act — audited, versioned,
diffable — and the approval queue says there is nothing to approve.
"""
import re

import pytest
from sqlalchemy import select

from app.approval import services as approval
from app.approval.models import KIND_PKCS12, Approval
from app.audit.models import AuditEntry
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.hiring.models import Hiring
from app.org.models import Employee
from app.policy.profiles import rule, rule_entry
from app.records import services as records
from app.records.models import APPROVED, DRAFT, RecordVersion
from tests.conftest import login
from tests.profiles.conftest import (
    IN_WINDOW, account, employee, first_entry, hire_teacher, person_account,
)
from tests.security import world as w

PROFILE = "da_nang"


def test_the_officer_records_what_nobody_approves(app, province, people, approvers):
    """Điều 10.1.b, 10.2.b, 16.1-16.3 ĐNg: the officer enters and updates the record and
    records it as the record's state; no head signs, nothing waits for approval."""
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
    # ---------------------------------------------------------------------------------------
    # Transfers and leavers (issue 17 items 3-4; app/transfers, app/leavers): Điều 11.1-11.2
    # (a move within 15 days, forwarded within 30), 11.3 (Party/outside 10 days; retirement,
    # resignation, death 15 days) join this scenario here, on the recorded record above.
    # ---------------------------------------------------------------------------------------
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
