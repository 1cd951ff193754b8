"""Sở Nội vụ's step under vinh_phuc (Điều 8 VP: the head or delegate approves, then Sở
Nội vụ signs before the national sync), on its review page: the changes against the last
version Sở Nội vụ approved (a first approval: the whole record, item by item), approving
with its key and rejecting with a reason from the page, the status words the person and
the unit read while the step waits, and who may use the forms."""
import re
import threading

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.approval import services
from app.approval.models import KIND_PKCS12, STEP_SO_NOI_VU, STEP_UNIT, Approval
from app.audit.models import AuditEntry
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.notify.models import Notice
from app.org.models import Employee
from app.records import services as records
from app.records.models import APPROVED, REJECTED, SUBMITTED, RecordVersion
from tests.approval.conftest import PIN, account, submitted
from tests.approval.test_approval import IN_WINDOW, approve
from tests.conftest import csrf_token, login
from tests.security.world import PASSWORD

AWAITING = "Approved by the unit, waiting for Sở Nội vụ"
REVIEW = "/approval/version/%d"


def words(app, msgid):
    """``msgid`` as the Vietnamese screen shows it (the catalogue's, once it has it)."""
    with app.test_request_context(), force_locale("vi"):
        return _(msgid)


def unit_approved(app, province, people, approvers, username="canhan", **changes):
    """``username``'s next version (``changes``: typed fields; none for a first
    version, which ``submitted`` completes), submitted and approved by the unit's head."""
    if changes:
        with app.app_context():
            person = db.session.get(Employee, people.ids[username])
            actor = account(province, username)
            draft = records.open_draft(actor, person)
            records.save(actor, draft, changes, {}, draft.lock)
            records.submit(actor, draft, draft.lock)
            version_id = draft.id
            db.session.remove()
    else:
        version_id = submitted(app, province, people, username)
    approve(app, province, approvers, "thutruong", version_id)
    return version_id


def signed_by_so_noi_vu(app, province, approvers, version_id):
    with app.app_context():
        services.approve_second_step(account(province, "sonoivu"), version_id,
                                     approvers.signer("sonoivu"), KIND_PKCS12)
        db.session.remove()


def changed_fields(page):
    """The field labels of the change table's rows (the flat diff, not the item blocks)."""
    return re.findall(r'<td class="hoso-diff-field">([^<]*)</td><td class="hoso-diff-what">',
                      page)


def state(app, version_id):
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        result = (version.status, version.reason,
                  sorted(approval.step for approval in version.approvals))
        db.session.remove()
    return result


def last_audit_id(app):
    with app.app_context():
        value = db.session.scalar(select(db.func.max(AuditEntry.id))) or 0
        db.session.remove()
    return value


def test_a_first_approval_reads_the_whole_record_item_by_item(app, province, people,
                                                               approvers, client):
    version_id = unit_approved(app, province, people, approvers)
    login(client, "sonoivu", PASSWORD)
    page = client.get(REVIEW % version_id).get_data(as_text=True)
    assert words(app, "The whole record: Sở Nội vụ has not approved a version of it yet") \
        in page
    # one block per item of the form, in the form's order, each with its values; no
    # "Thêm" row per field
    blocks = re.findall(r'<tbody class="hoso-item" data-item="([^"]*)">', page)
    assert blocks[:4] == ["", "1", "3", "4"] and "33" in blocks and "36" in blocks
    assert len(blocks) == len(set(blocks))
    assert 'class="hoso-diff-what"' not in page
    item_one = page[page.index('data-item="1"'):page.index('data-item="3"')]
    assert "Nguyễn Thị Hằng" in item_one and "Họ và tên khai sinh" in item_one
    # the tables of item 36 (family) sit in item 36's block
    family = page[page.index('data-item="36"'):]
    family = family[:family.index("</tbody>")]
    assert "Trần Thị Lan" in family
    career = page[page.index('data-item="33"'):]
    assert "Trường THPT số 1" in career[:career.index("</tbody>")]
    assert 'id="second-decision"' in page


def test_a_second_change_shows_only_what_changed_since_so_noi_vu_approved(
        app, province, people, approvers, client):
    first = unit_approved(app, province, people, approvers)
    signed_by_so_noi_vu(app, province, approvers, first)
    second = unit_approved(app, province, people, approvers,
                           noi_o="Phường Liên Bảo, tỉnh Phú Thọ")
    login(client, "sonoivu", PASSWORD)
    page = client.get(REVIEW % second).get_data(as_text=True)
    with app.app_context():
        label = records.label_of("noi_o")
        db.session.remove()
    assert changed_fields(page) == [label]
    assert "<del>Phường Vĩnh Yên</del>" in page and "<ins>Phường Liên Bảo, tỉnh Phú Thọ</ins>" \
        in page
    assert 'class="hoso-item"' not in page
    assert words(app, "Changes against version %(n)d (the last one Sở Nội vụ approved)") \
        .replace("%(n)d", "1") in page
    # a third change while the second still waits: compared with what Sở Nội vụ signed
    # (version 1), so both changes are on the page
    third = unit_approved(app, province, people, approvers, ten_khac="Hằng Nga")
    page = client.get(REVIEW % third).get_data(as_text=True)
    with app.app_context():
        labels = {records.label_of("noi_o"), records.label_of("ten_khac")}
        db.session.remove()
    assert set(changed_fields(page)) == labels and len(changed_fields(page)) == 2


def test_approving_from_the_review_signs_the_second_step(app, province, people, approvers,
                                                         client):
    version_id = unit_approved(app, province, people, approvers)
    login(client, "sonoivu", PASSWORD)
    page = client.get(REVIEW % version_id).get_data(as_text=True)
    form = page[page.index('id="second-decision"'):]
    assert 'action="/approval/second"' in form and 'name="pin"' in form
    credential = re.search(r'name="credential" value="(\d+)"', form).group(1)
    with clock.freeze(IN_WINDOW):
        body = client.post("/approval/second", data={
            "csrf_token": csrf_token(page), "version": str(version_id),
            "credential": credential, "pin": PIN}, follow_redirects=True).get_data(as_text=True)
    assert "1 trên 1" in body
    assert state(app, version_id) == (APPROVED, None, [STEP_SO_NOI_VU, STEP_UNIT])
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        verdicts = services.verdicts(version)
        assert len(verdicts) == 2 and all(v.valid and v.intact for v in verdicts)
        [signed] = [v.approval for v in verdicts if v.approval.step == STEP_SO_NOI_VU]
        assert signed.signer_name == "Người ký sonoivu"
        assert services.ready_for_sync(version) is True
        db.session.remove()
    # signed: the page has no form any more
    page = client.get(REVIEW % version_id).get_data(as_text=True)
    assert 'id="second-decision"' not in page


def test_rejecting_with_a_reason_sends_the_version_back_to_the_person(
        app, province, people, approvers, client, smtp_server):
    first = unit_approved(app, province, people, approvers)
    signed_by_so_noi_vu(app, province, approvers, first)
    # the second change renames the person; the unit approves it, the name follows
    second = unit_approved(app, province, people, approvers, ho_ten="Nguyễn Thị Hằng Nga")
    with app.app_context():
        assert db.session.get(Employee, people.ids["canhan"]).full_name == "Nguyễn Thị Hằng Nga"
        db.session.remove()
    login(client, "sonoivu", PASSWORD)
    page = client.get(REVIEW % second).get_data(as_text=True)
    body = client.post("/approval/version/%d/second/reject" % second, data={
        "csrf_token": csrf_token(page), "reason": "Tên khai sinh không khớp giấy khai sinh"},
        follow_redirects=True).get_data(as_text=True)
    assert "Đã từ chối" in body
    status, reason, steps = state(app, second)
    # rejected with the reason; the unit's signature stays, Sở Nội vụ signed nothing
    assert (status, reason, steps) == (REJECTED, "Tên khai sinh không khớp giấy khai sinh",
                                       [STEP_UNIT])
    with app.app_context():
        person = db.session.get(Employee, people.ids["canhan"])
        # the record's approved state is version 1 again, and so is the name
        assert records.approved_version(person).id == first
        assert person.full_name == "Nguyễn Thị Hằng"
        version = db.session.get(RecordVersion, second)
        assert version.decided_by == account(province, "sonoivu").id
        assert db.session.scalar(select(AuditEntry.action).where(
            AuditEntry.object_type == "RecordVersion", AuditEntry.object_id == str(second))
            .order_by(AuditEntry.id.desc()).limit(1)) == "record.reject"
        db.session.remove()
    [mail] = smtp_server.wait_for(1)
    assert "Tên khai sinh không khớp giấy khai sinh" in mail.get_body(("plain",)).get_content()
    client.get("/logout/")
    login(client, "canhan", PASSWORD)
    assert "Hồ sơ của bạn chưa được phê duyệt" in client.get("/notices/").get_data(
        as_text=True)
    record = client.get("/records/me", follow_redirects=True).get_data(as_text=True)
    assert 'id="rejection"' in record and "Tên khai sinh không khớp giấy khai sinh" in record
    # the person's next draft starts from the rejected version, to be corrected
    with app.app_context():
        person = db.session.get(Employee, people.ids["canhan"])
        draft = records.open_draft(account(province, "canhan"), person)
        assert records.read_content(draft)["fields"]["ho_ten"] == "Nguyễn Thị Hằng Nga"
        db.session.remove()


def test_rejecting_without_a_reason_changes_nothing(app, province, people, approvers, client):
    version_id = unit_approved(app, province, people, approvers)
    login(client, "sonoivu", PASSWORD)
    page = client.get(REVIEW % version_id).get_data(as_text=True)
    before = last_audit_id(app)
    for reason in ("", "   "):
        body = client.post("/approval/version/%d/second/reject" % version_id, data={
            "csrf_token": csrf_token(page), "reason": reason}, follow_redirects=True)
        assert body.status_code == 200
        assert "Hãy ghi lý do từ chối" in body.get_data(as_text=True)
    assert state(app, version_id) == (APPROVED, None, [STEP_UNIT])
    with app.app_context():
        assert db.session.scalar(select(Notice.id)) is None
        assert db.session.scalar(select(AuditEntry.id).where(
            AuditEntry.action == "record.reject", AuditEntry.id > before)) is None
        db.session.remove()


def test_the_status_words_before_and_after_so_noi_vu_signs(app, province, people, approvers,
                                                         client):
    version_id = unit_approved(app, province, people, approvers)
    awaiting, approved = words(app, AWAITING), words(app, "Approved")
    login(client, "canhan", PASSWORD)
    record = client.get("/records/me", follow_redirects=True).get_data(as_text=True)
    status = re.search(r'id="record-status"><strong>([^<]*)</strong>', record).group(1)
    assert status == awaiting
    versions = record[record.index('id="versions"'):]
    assert awaiting in versions
    client.get("/logout/")
    # the unit's list and the head's review say the same
    login(client, "canbo", PASSWORD)
    assert awaiting in client.get("/records/").get_data(as_text=True)
    client.get("/logout/")
    login(client, "thutruong", PASSWORD)
    review = client.get(REVIEW % version_id).get_data(as_text=True)
    assert awaiting in review and 'id="second-decision"' not in review
    client.get("/logout/")

    signed_by_so_noi_vu(app, province, approvers, version_id)
    login(client, "canhan", PASSWORD)
    record = client.get("/records/me", follow_redirects=True).get_data(as_text=True)
    status = re.search(r'id="record-status"><strong>([^<]*)</strong>', record).group(1)
    assert status == approved and awaiting not in record
    client.get("/logout/")
    login(client, "canbo", PASSWORD)
    listed = client.get("/records/").get_data(as_text=True)
    assert awaiting not in listed and approved in listed


def test_hai_phong_has_no_second_step_and_no_such_words(app, province, people, approvers,
                                                        make_app):
    version_id = unit_approved(app, province, people, approvers)
    hai_phong = make_app(PROVINCE_PROFILE="hai_phong")
    with hai_phong.app_context():
        version = db.session.get(RecordVersion, version_id)
        assert services.awaiting_second_step([version]) == {}
        db.session.remove()
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        assert services.awaiting_second_step([version]) == {version_id: "unit_approved"}
        db.session.remove()


def test_a_head_cannot_use_so_noi_vus_forms(app, province, people, approvers, client):
    version_id = unit_approved(app, province, people, approvers)
    login(client, "thutruong", PASSWORD)
    page = client.get("/approval/").get_data(as_text=True)
    token = csrf_token(page)
    with app.app_context():
        credential = approvers.credential["thutruong"]
    response = client.post("/approval/second", data={
        "csrf_token": token, "version": str(version_id), "credential": str(credential),
        "pin": PIN})
    assert response.status_code == 403
    response = client.post("/approval/version/%d/second/reject" % version_id, data={
        "csrf_token": token, "reason": "Không đồng ý"})
    assert response.status_code == 403
    assert state(app, version_id) == (APPROVED, None, [STEP_UNIT])
    # nor through the services
    with app.app_context():
        for decide in (lambda actor: services.reject_second_step(actor, version_id, "Không"),
                       lambda actor: services.approve_second_step(
                           actor, version_id, approvers.signer("thutruong"), KIND_PKCS12)):
            try:
                decide(account(province, "thutruong"))
            except DomainError as error:
                assert "Chỉ Sở Nội vụ" in str(error)
            else:
                raise AssertionError("the head decided Sở Nội vụ's step")
        db.session.remove()
    assert state(app, version_id) == (APPROVED, None, [STEP_UNIT])


def test_so_noi_vu_signs_only_the_second_step(app, province, people, approvers, client):
    version_id = submitted(app, province, people, "canhan")
    login(client, "sonoivu", PASSWORD)
    page = client.get(REVIEW % version_id).get_data(as_text=True)
    # a submitted version is the unit's to decide: no form for Sở Nội vụ, and its
    # posts are refused with a message
    assert 'id="second-decision"' not in page and 'id="decision"' not in page
    token = csrf_token(client.get("/approval/").get_data(as_text=True))
    with clock.freeze(IN_WINDOW):
        body = client.post("/approval/second", data={
            "csrf_token": token, "version": str(version_id),
            "credential": str(approvers.credential["sonoivu"]), "pin": PIN},
            follow_redirects=True).get_data(as_text=True)
    assert "sau khi đơn vị" in body
    body = client.post("/approval/version/%d/second/reject" % version_id, data={
        "csrf_token": token, "reason": "Không đồng ý"}, follow_redirects=True)
    assert body.status_code == 200 and "sau khi đơn vị" in body.get_data(as_text=True)
    # nor the unit's forms: approving or rejecting a submitted version is not its part
    assert client.post("/approval/approve", data={
        "csrf_token": token, "version": str(version_id), "pin": PIN}).status_code == 403
    assert client.post("/approval/version/%d/reject" % version_id, data={
        "csrf_token": token, "reason": "Không"}).status_code == 403
    assert state(app, version_id) == (SUBMITTED, None, [])


def test_a_decision_after_another_is_refused_in_vietnamese(app, province, people, approvers,
                                                          client):
    signed = unit_approved(app, province, people, approvers)
    refused = unit_approved(app, province, people, approvers, username="giaovien")
    login(client, "sonoivu", PASSWORD)
    pages = {pk: client.get(REVIEW % pk).get_data(as_text=True) for pk in (signed, refused)}
    # another tab signed the first, and rejected the second, after these pages were read
    signed_by_so_noi_vu(app, province, approvers, signed)
    with app.app_context():
        services.reject_second_step(account(province, "sonoivu"), refused, "Thiếu văn bằng")
        db.session.remove()
    body = client.post("/approval/version/%d/second/reject" % signed, data={
        "csrf_token": csrf_token(pages[signed]), "reason": "Sai"}, follow_redirects=True)
    assert body.status_code == 200
    assert "Sở Nội vụ đã phê duyệt phiên bản này." in body.get_data(as_text=True)
    with clock.freeze(IN_WINDOW):
        body = client.post("/approval/second", data={
            "csrf_token": csrf_token(pages[refused]), "version": str(refused),
            "credential": str(approvers.credential["sonoivu"]), "pin": PIN},
            follow_redirects=True)
    assert body.status_code == 200 and "đã từ chối phiên bản này" in body.get_data(
        as_text=True)
    assert state(app, signed) == (APPROVED, None, [STEP_SO_NOI_VU, STEP_UNIT])
    assert state(app, refused) == (REJECTED, "Thiếu văn bằng", [STEP_UNIT])


def test_approve_and_reject_at_once_end_with_one_decision(app, province, people, approvers):
    version_id = unit_approved(app, province, people, approvers)
    barrier = threading.Barrier(2)
    results = {}

    def press(what):
        with app.app_context(), clock.freeze(IN_WINDOW):
            actor = account(province, "sonoivu")
            signer = approvers.signer("sonoivu")
            barrier.wait()
            try:
                if what == "approve":
                    services.approve_second_step(actor, version_id, signer, KIND_PKCS12)
                else:
                    services.reject_second_step(actor, version_id, "Thiếu văn bằng")
                results[what] = "done"
            except DomainError as error:
                results[what] = str(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press, args=(what,)) for what in ("approve", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert list(results.values()).count("done") == 1, results
    [message] = [m for m in results.values() if m != "done"]
    assert "đã phê duyệt phiên bản này" in message or "đã từ chối phiên bản này" in message
    status, _reason, steps = state(app, version_id)
    assert (status, steps) in ((APPROVED, [STEP_SO_NOI_VU, STEP_UNIT]),
                               (REJECTED, [STEP_UNIT]))
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Approval.id)).where(
            Approval.step == STEP_SO_NOI_VU)) == (1 if status == APPROVED else 0)
        db.session.remove()


def _unit_approved_rows(app, province, start, count):
    """``count`` people of A, each with a version approved by the unit (an Approval row
    stands for the signature: the list reads whether there is one, not the CMS)."""
    with app.app_context():
        now = clock.now()
        for i in range(start, start + count):
            person = Employee(full_name="Nguyễn Văn %03d" % i, category="cong_chuc",
                              unit_id=province.units["A"])
            db.session.add(person)
            db.session.flush()
            version = RecordVersion(employee_id=person.id, number=1, status=APPROVED,
                                    content=records.empty_content(), lock=0, completeness=0,
                                    created_at=now, updated_at=now, decided_at=now)
            db.session.add(version)
            db.session.flush()
            db.session.add(Approval(
                version_id=version.id, step=STEP_UNIT, basis="head",
                approver_account_id=province.accounts["thutruong"], provider=KIND_PKCS12,
                canonical_format=1, canonical_sha256="0" * 64, cms=b"0", signer_name="x",
                certificate_serial="1", signed_at=now, in_window=True))
        db.session.commit()
        db.session.remove()


def test_the_list_looks_the_status_up_once_per_page(app, province, people):
    from tests.security.test_page_statements import statements_of

    counts = []
    for start, count in ((0, 3), (3, 12)):
        _unit_approved_rows(app, province, start, count)
        statements, page = statements_of(app, "sonoivu", "/records/")
        assert page.count(words(app, AWAITING)) == start + count
        counts.append(len([s for s in statements if "record_approval" in s]))
        counts.append(len(statements))
    # one look-up of the approvals for the page, however many rows it shows
    assert counts[0] == counts[2] == 1 and counts[1] == counts[3], counts
