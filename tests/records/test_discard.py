"""Discarding a draft (issue 16): the draft is kept as a discarded version with an
audit entry, its documents stay in the store, the approved record is untouched and
a new draft can be opened; a stale or submitted version, or a reader without the
right to write, discards nothing."""
import json
import re

import pytest
from sqlalchemy import select

from app.accounts.models import Account
from app.audit.models import AuditEntry
from app.core.exceptions import DomainError
from app.extensions import db
from app.files.store import file_store
from app.org.models import Employee
from app.records import attachments, services
from app.records.models import APPROVED, DRAFT, SUBMITTED, Attachment, RecordVersion
from tests.conftest import csrf_token, login
from tests.records.conftest import CAREER_ROW, COMPLETE, FAMILY_ROW, OFFICER_OWNED, mark_approved
from tests.security import world as w

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def _actor(province, username):
    return db.session.get(Account, province.accounts[username])


def _employee(people, username="canhan"):
    return db.session.get(Employee, people.ids[username])


def _approved_record(province, people):
    """Hằng's record completed, submitted and approved (version 1)."""
    me, officer = _actor(province, "canhan"), _actor(province, "canbo")
    draft = services.open_draft(me, _employee(people))
    services.save(me, draft, COMPLETE, {"qua_trinh_cong_tac": [CAREER_ROW],
                                        "gia_dinh_ban_than": [FAMILY_ROW]}, draft.lock)
    services.save(officer, draft, OFFICER_OWNED, {}, draft.lock)
    services.submit(me, draft, draft.lock)
    return mark_approved(officer, draft)


def _discard_entries(version_id):
    return [json.loads(entry.details) for entry in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "record.discard", AuditEntry.object_id == str(version_id)))]


def test_the_person_discards_her_draft_and_the_approved_record_stays(app, province, people):
    with app.app_context():
        approved = _approved_record(province, people)
        approved_id, approved_lock = approved.id, approved.lock
        approved_content = services.read_content(approved)
        me = _actor(province, "canhan")
        draft = services.open_draft(me, _employee(people))
        services.save(me, draft, {"noi_sinh": "Hà Nội"}, {}, draft.lock)
        document = attachments.attach(me, draft, "bang.pdf", PDF, "van_bang")
        digest = document.sha256

        services.discard(me, draft, draft.lock)
        db.session.expire_all()

        discarded = db.session.get(RecordVersion, draft.id)
        assert discarded.status == services.DISCARDED and not discarded.is_open
        assert services.read_content(discarded)["fields"]["noi_sinh"] == "Hà Nội"  # history
        assert _discard_entries(discarded.id) == [
            {"employee_id": people.ids["canhan"], "number": 2}]
        approved = db.session.get(RecordVersion, approved_id)
        assert (approved.status, approved.lock) == (APPROVED, approved_lock)
        assert services.read_content(approved) == approved_content
        assert services.open_version(_employee(people)) is None
        # the document stays, named by the discarded version, its bytes in the store
        kept = db.session.scalars(select(Attachment)).all()
        assert [(a.version_id, a.sha256) for a in kept] == [(discarded.id, digest)]
        assert file_store().get(digest) == PDF

        # a new draft starts again from the approved record, with no documents
        again = services.open_draft(me, _employee(people))
        assert (again.number, again.status, again.base_id) == (3, DRAFT, approved_id)
        assert services.read_content(again)["fields"]["noi_sinh"] == COMPLETE["noi_sinh"]
        assert attachments.of_versions([again]) == []


def test_the_officer_discards_a_first_draft(app, province, people):
    with app.app_context():
        draft = services.open_draft(_actor(province, "canbo"), _employee(people, "giaovien"))
        services.discard(_actor(province, "canbo"), draft, draft.lock)
        assert draft.status == services.DISCARDED
        again = services.open_draft(_actor(province, "canbo"), _employee(people, "giaovien"))
        assert again.number == 2 and again.base_id is None


def test_a_stale_discard_is_refused_and_the_draft_kept(app, province, people):
    with app.app_context():
        me = _actor(province, "canhan")
        draft = services.open_draft(me, _employee(people))
        seen = draft.lock
        services.save(_actor(province, "canbo"), draft, {"ngay_tuyen_dung": "01/09/2008"}, {},
                      seen)
        with pytest.raises(DomainError, match="sau khi bạn mở"):
            services.discard(me, draft, seen)
        db.session.expire_all()
        kept = db.session.get(RecordVersion, draft.id)
        assert kept.status == DRAFT
        assert "ngay_tuyen_dung" in services.read_content(kept)["fields"]
        assert _discard_entries(kept.id) == []


def test_a_submitted_version_cannot_be_discarded(app, province, people):
    with app.app_context():
        me, officer = _actor(province, "canhan"), _actor(province, "canbo")
        draft = services.open_draft(me, _employee(people))
        services.save(me, draft, COMPLETE, {"qua_trinh_cong_tac": [CAREER_ROW],
                                            "gia_dinh_ban_than": [FAMILY_ROW]}, draft.lock)
        services.save(officer, draft, OFFICER_OWNED, {}, draft.lock)
        services.submit(me, draft, draft.lock)
        for actor in (me, officer):
            with pytest.raises(DomainError, match="không còn là bản nháp"):
                services.discard(actor, draft, draft.lock)
        db.session.expire_all()
        assert db.session.get(RecordVersion, draft.id).status == SUBMITTED
        assert _discard_entries(draft.id) == []


def test_outside_the_write_scope_nobody_discards(app, province, people):
    with app.app_context():
        draft = services.open_draft(_actor(province, "canbo"), _employee(people, "giaovien"))
        for username in ("canhan", "thutruong", "sonoivu"):
            with pytest.raises(DomainError):
                services.discard(_actor(province, username), draft, draft.lock)
        db.session.expire_all()
        assert db.session.get(RecordVersion, draft.id).status == DRAFT


def _page(client, pk):
    return client.get("/records/person/%d" % pk).get_data(as_text=True)


def test_the_discard_button_through_http(app, province, people, client):
    me, teacher = people.ids["canhan"], people.ids["giaovien"]
    with app.app_context():
        draft = services.open_draft(_actor(province, "canhan"), _employee(people))
        services.open_draft(_actor(province, "canbo"), _employee(people, "giaovien"))
        draft_id = draft.id
    login(client, "canhan", w.PASSWORD)
    page = _page(client, me)
    assert 'id="discard-draft"' in page and "data-confirm=" in page
    token = TOKEN_RE.search(page).group(1)
    lock = re.search(r'/discard".*?name="lock" value="(\d+)"', page, re.S).group(1)

    # another's record: 404, nothing changes
    response = client.post("/records/person/%d/discard" % teacher,
                           data={"csrf_token": token, "lock": "0"})
    assert response.status_code == 404
    # a stale lock: refused with the message, the draft kept
    body = client.post("/records/person/%d/discard" % me,
                       data={"csrf_token": token, "lock": str(int(lock) + 1)},
                       follow_redirects=True).get_data(as_text=True)
    assert "sau khi bạn mở" in body and 'id="discard-draft"' in body
    # without the CSRF token: refused
    assert client.post("/records/person/%d/discard" % me,
                       data={"lock": lock}).status_code in (302, 400)
    with app.app_context():
        assert db.session.get(RecordVersion, draft_id).status == DRAFT

    body = client.post("/records/person/%d/discard" % me, data={"csrf_token": token,
                       "lock": lock}, follow_redirects=True).get_data(as_text=True)
    assert 'id="discard-draft"' not in body and 'id="start-draft"' in body
    with app.app_context():
        assert db.session.get(RecordVersion, draft_id).status == services.DISCARDED
        assert len(_discard_entries(draft_id)) == 1
    # the unit's list shows the record's state, not the discarded draft
    client.get("/logout/")
    login(client, "canbo", w.PASSWORD)
    listing = client.get("/records/").get_data(as_text=True)
    table = listing[listing.index('id="records"'):]
    row = re.search(r"<tr>(?:(?!</tr>).)*Nguyễn Thị Hằng.*?</tr>", table, re.S).group(0)
    assert "Chưa khai" in row


def test_a_reader_without_write_gets_no_button_and_is_refused(app, province, people, client):
    me = people.ids["canhan"]
    with app.app_context():
        draft = services.open_draft(_actor(province, "canhan"), _employee(people))
        draft_id, lock = draft.id, draft.lock
    login(client, "thutruong", w.PASSWORD)
    page = _page(client, me)
    assert "Nguyễn Thị Hằng" in page and 'id="discard-draft"' not in page
    token = csrf_token(client.get("/my-account/password").get_data(as_text=True))
    response = client.post("/records/person/%d/discard" % me,
                           data={"csrf_token": token, "lock": str(lock)})
    assert response.status_code in (403, 404)
    with app.app_context():
        assert db.session.get(RecordVersion, draft_id).status == DRAFT
        assert _discard_entries(draft_id) == []
