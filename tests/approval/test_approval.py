"""Approving with a signature, on PostgreSQL: who approves, the signature and
its verification, tampering, rejection by mail, delegation, Sở Nội vụ's
second step, the window, batches and the race of two approvers."""
import datetime as dt
import threading

import pytest
from sqlalchemy import select, text

from app.approval import authority, canonical, keys, services, window
from app.approval.models import (
    BASIS_DELEGATE, BASIS_DEPUTY, BASIS_HEAD, BASIS_UPPER_HEAD, KIND_PKCS12, STEP_SO_NOI_VU,
    Approval, Delegation,
)
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.notify.models import Notice
from app.org.models import LEADER_DEPUTY, UnitLeader
from app.org.models import Employee
from app.records.models import APPROVED, REJECTED, SUBMITTED, RecordVersion
from tests.approval.conftest import account, also_personal, submitted

# inside and outside November 2026's window (26–30/11 under every profile with one)
IN_WINDOW = dt.datetime(2026, 11, 27, 9, 30)
OUTSIDE_WINDOW = dt.datetime(2026, 11, 10, 9, 30)


def approve(app, province, approvers, username, version_id, moment=IN_WINDOW):
    with app.app_context(), clock.freeze(moment):
        approval = services.approve(account(province, username), version_id,
                                    approvers.signer(username), KIND_PKCS12)
        result = approval.id
        db.session.remove()
    return result


def test_submit_approve_verify(app, province, people, approvers):
    version_id = submitted(app, province, people, "canhan")
    approve(app, province, approvers, "thutruong", version_id)
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        assert version.status == APPROVED
        [approval] = version.approvals
        assert (approval.basis, approval.in_window) == (BASIS_HEAD, True)
        assert approval.signer_name == "Người ký thutruong"
        assert approval.canonical_sha256 == canonical.sha256(canonical.canonical_bytes(version))
        [verdict] = services.verdicts(version)
        assert verdict.valid and verdict.intact and not verdict.problems
        # the unit approved, but vinh_phuc wants Sở Nội vụ's signature before the sync
        assert services.ready_for_sync(version) is False


def test_canonical_content_is_sorted_compact_json_with_document_hashes(app, province, people,
                                                                      approvers):
    version_id = submitted(app, province, people, "canhan")
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        data = canonical.canonical_bytes(version)
        assert data.startswith(b'{"attachments":[],"fields":{')
        assert b"\n" not in data and b'": ' not in data
        assert "Nguyễn Thị Hằng".encode() in data           # UTF-8, not \\u escapes
        assert b'"format":1' in data and b'"ngay_sinh":"1985-09-05"' in data


def test_tampering_with_the_stored_data_is_detected(app, province, people, approvers, client):
    version_id = submitted(app, province, people, "canhan")
    approve(app, province, approvers, "thutruong", version_id)
    with app.app_context():
        # someone with database access changes the approved address
        db.session.execute(text(
            "UPDATE record_version SET content = jsonb_set(content::jsonb, '{fields,noi_o}', "
            "'\"Phường Liên Bảo\"')::json WHERE id = :id"), {"id": version_id})
        db.session.commit()
        [verdict] = services.verdicts(db.session.get(RecordVersion, version_id))
        assert not verdict.intact and not verdict.valid
        assert "thay đổi sau khi" in str(verdict.problems[0])
        db.session.remove()
    from tests.conftest import csrf_token, login
    from tests.security.world import PASSWORD
    login(client, "thutruong", PASSWORD)
    page = client.get("/records/person/%d" % people.ids["canhan"]).get_data(as_text=True)
    assert 'id="altered"' in page and "không phải là dữ liệu" in page
    assert 'id="signed-ok"' not in page
    answer = client.get("/api/v1/approval/version/%d/verify" % version_id).get_json()
    assert answer["altered"] is True and answer["approvals"][0]["intact"] is False
    # nor can it be exported as the original
    body = client.post("/approval/person/%d/sign" % people.ids["canhan"], data={
        "csrf_token": csrf_token(page), "pin": "2468"}, follow_redirects=True).get_data(
        as_text=True)
    assert "không thể xuất" in body


def test_a_changed_document_is_detected_too(app, province, people, approvers):
    version_id = submitted(app, province, people, "canhan")
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        from app.records.models import Attachment
        db.session.add(Attachment(employee_id=version.employee_id, version_id=version.id,
                                  kind="van_bang", filename="bang.pdf",
                                  content_type="application/pdf", size=10, sha256="a" * 64,
                                  uploaded_at=clock.now()))
        db.session.commit()
        db.session.remove()
    approve(app, province, approvers, "thutruong", version_id)
    with app.app_context():
        db.session.execute(text("UPDATE record_attachment SET sha256 = :h WHERE version_id = :v"),
                           {"h": "b" * 64, "v": version_id})
        db.session.commit()
        [verdict] = services.verdicts(db.session.get(RecordVersion, version_id))
        assert not verdict.intact


def test_reject_mails_the_reason_then_resubmit_and_approve(app, province, people, approvers,
                                                          smtp_server):
    version_id = submitted(app, province, people, "canhan")
    with app.app_context():
        with pytest.raises(DomainError, match="lý do"):
            services.reject(account(province, "thutruong"), version_id, "  ")
        assert db.session.get(RecordVersion, version_id).status == SUBMITTED
        services.reject(account(province, "thutruong"), version_id,
                        "Thiếu quê quán của mẹ trong mục 19")
        version = db.session.get(RecordVersion, version_id)
        assert version.status == REJECTED and version.approvals == []
        [notice] = db.session.scalars(select(Notice).where(
            Notice.account_id == province.accounts["canhan"])).all()
        assert "Thiếu quê quán của mẹ" in notice.body
        assert notice.link == "/records/person/%d" % people.ids["canhan"]
        db.session.remove()
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "canhan@example.vn"
    assert mail["Subject"] == "Hồ sơ của bạn chưa được phê duyệt"
    assert "Thiếu quê quán của mẹ trong mục 19" in mail.get_body(("plain",)).get_content()
    # the person corrects and submits again; the next draft starts from the rejected one
    again = submitted(app, province, people, "canhan", address="Phường Phúc Yên")
    assert again != version_id
    approve(app, province, approvers, "thutruong", again)
    with app.app_context():
        assert db.session.get(RecordVersion, again).status == APPROVED
        assert db.session.get(RecordVersion, version_id).status == REJECTED


def test_who_approves_follows_the_nearest_employing_unit(app, province, people, approvers):
    also_personal(app, province, "thutruong")
    with app.app_context():
        def approvers_of(username):
            person = db.session.get(Employee, people.ids[username])
            return {(a.employee_id, a.basis) for a in authority.approvers_of(person)}

        ids = people.ids
        assert approvers_of("canhan") == {(ids["thutruong"], BASIS_HEAD)}
        # A1 has no head of its own: the head of A, the next employing unit above
        assert approvers_of("giaovien_truong") == {(ids["thutruong"], BASIS_UPPER_HEAD)}
        # the head's own record goes to the deputy, never to the head
        assert approvers_of("thutruong") == {(ids["photruong"], BASIS_DEPUTY)}
        # the deputy's own record: the head
        assert approvers_of("photruong") == {(ids["thutruong"], BASIS_HEAD)}
        # B's people have no head in B: the province's head
        assert approvers_of("bacsi") == {(ids["chutich"], BASIS_UPPER_HEAD)}
        # with the deputy gone, the head's record climbs to the head above
        deputy = db.session.scalar(select(UnitLeader).where(
            UnitLeader.position == LEADER_DEPUTY))
        deputy.valid_to = clock.today()
        db.session.commit()
        assert approvers_of("thutruong") == {(ids["chutich"], BASIS_UPPER_HEAD)}
        db.session.remove()


def test_only_the_approver_approves(app, province, people, approvers):
    also_personal(app, province, "thutruong")
    canhan = submitted(app, province, people, "canhan")
    head_own = submitted(app, province, people, "thutruong")
    with app.app_context():
        for username, version_id, why in (
                ("photruong", canhan, "không phải là người phê duyệt"),  # a deputy, not the head
                ("chutich", canhan, "không phải là người phê duyệt"),    # not the nearest head
                ("thutruong", head_own, "Không ai tự phê duyệt"),        # own record
                ("canbo", canhan, "không phải là người phê duyệt")):     # the officer
            with pytest.raises(DomainError, match=why):
                services.approve(account(province, username), version_id,
                                 approvers.signer("thutruong"), KIND_PKCS12)
            assert db.session.get(RecordVersion, version_id).status == SUBMITTED
            assert db.session.scalar(select(Approval.id)) is None
        db.session.remove()
    # the deputy approves the head's own record
    approve(app, province, approvers, "photruong", head_own)
    with app.app_context():
        [approval] = db.session.get(RecordVersion, head_own).approvals
        assert approval.basis == BASIS_DEPUTY


def _delegate(app, province, people, first_day, last_day):
    from tests.records.test_attachments import PDF
    with app.app_context(), clock.freeze(dt.datetime.combine(first_day, dt.time(8))):
        from app.approval import delegations
        delegations.delegate(account(province, "thutruong"), province.units["A"],
                             people.ids["photruong"], first_day, last_day, "12/UQ-SGD", PDF,
                             "uy-quyen.pdf")
        db.session.remove()


def test_delegation_inside_and_after_its_period(app, province, people, approvers):
    start = dt.date(2026, 11, 20)
    _delegate(app, province, people, start, dt.date(2026, 11, 30))
    first = submitted(app, province, people, "canhan")
    second = submitted(app, province, people, "giaovien")
    # inside the period the delegate approves, and the approval says on whose behalf
    approve(app, province, approvers, "photruong", first, moment=IN_WINDOW)
    with app.app_context():
        [approval] = db.session.get(RecordVersion, first).approvals
        assert approval.basis == BASIS_DELEGATE and approval.delegation_id is not None
        db.session.remove()
    # the day after its last day the delegation has ended by itself
    with pytest.raises(DomainError, match="không phải là người phê duyệt"):
        approve(app, province, approvers, "photruong", second,
                moment=dt.datetime(2026, 12, 1, 8, 0))
    with app.app_context():
        assert db.session.get(RecordVersion, second).status == SUBMITTED
        delegation = db.session.scalar(select(Delegation))
        assert delegation.last_day == dt.date(2026, 11, 30)


def test_delegation_needs_its_letter_and_a_profile_that_allows_it(app, province, people,
                                                                  approvers, make_app):
    with app.app_context(), clock.freeze(IN_WINDOW):
        from app.approval import delegations
        head = account(province, "thutruong")
        for document, number, why in ((b"", "12/UQ", "Chọn tệp"),
                                      (b"not a pdf", "12/UQ", "Chỉ nhận"),
                                      (b"%PDF-1.4\n%%EOF\n", "", "số văn bản ủy quyền")):
            with pytest.raises(DomainError, match=why):
                delegations.delegate(head, province.units["A"], people.ids["photruong"],
                                     IN_WINDOW.date(), IN_WINDOW.date(), number, document,
                                     "x.pdf")
        # only the head delegates
        with pytest.raises(DomainError, match="Chỉ người đứng đầu"):
            delegations.delegate(account(province, "photruong"), province.units["A"],
                                 people.ids["canbo"], IN_WINDOW.date(), IN_WINDOW.date(),
                                 "1", b"%PDF-1.4\n%%EOF\n", "x.pdf")
        assert db.session.scalar(select(Delegation.id)) is None
        db.session.remove()
    hai_phong = make_app(PROVINCE_PROFILE="hai_phong")
    with hai_phong.app_context(), clock.freeze(IN_WINDOW):
        from app.approval import delegations
        with pytest.raises(DomainError, match="không quy định việc ủy quyền"):
            delegations.delegate(account(province, "thutruong"), province.units["A"],
                                 people.ids["photruong"], IN_WINDOW.date(), IN_WINDOW.date(),
                                 "1", b"%PDF-1.4\n%%EOF\n", "x.pdf")


def test_so_noi_vu_signs_second_under_vinh_phuc(app, province, people, approvers, make_app):
    version_id = submitted(app, province, people, "canhan")
    with app.app_context():
        with pytest.raises(DomainError, match="sau khi đơn vị"):
            services.approve_second_step(account(province, "sonoivu"), version_id,
                                         approvers.signer("sonoivu"), KIND_PKCS12)
        db.session.remove()
    approve(app, province, approvers, "thutruong", version_id)
    with app.app_context():
        assert [e.version.id for e in services.queue(account(province, "sonoivu"),
                                                     second_step=True)] == [version_id]
        # the head cannot sign in Sở Nội vụ's place
        with pytest.raises(DomainError, match="Chỉ Sở Nội vụ"):
            services.approve_second_step(account(province, "thutruong"), version_id,
                                         approvers.signer("thutruong"), KIND_PKCS12)
        services.approve_second_step(account(province, "sonoivu"), version_id,
                                     approvers.signer("sonoivu"), KIND_PKCS12)
        version = db.session.get(RecordVersion, version_id)
        assert {a.step for a in version.approvals} == {"unit", STEP_SO_NOI_VU}
        assert all(v.valid for v in services.verdicts(version))
        assert services.ready_for_sync(version) is True
        assert services.queue(account(province, "sonoivu"), second_step=True) == []
        db.session.remove()
    # hai_phong syncs after the unit's signed approval: no second step
    hai_phong = make_app(PROVINCE_PROFILE="hai_phong")
    with hai_phong.app_context():
        version = db.session.get(RecordVersion, version_id)
        assert services.second_step_required() is False
        with pytest.raises(DomainError, match="không có bước"):
            services.approve_second_step(account(province, "sonoivu"), version_id,
                                         approvers.signer("sonoivu"), KIND_PKCS12)


def test_approving_outside_the_window_is_allowed_and_recorded(app, province, people,
                                                             approvers):
    version_id = submitted(app, province, people, "canhan")
    approve(app, province, approvers, "thutruong", version_id, moment=OUTSIDE_WINDOW)
    with app.app_context():
        [approval] = db.session.get(RecordVersion, version_id).approvals
        assert approval.in_window is False


def test_the_window_and_the_overdue_flag(app):
    with app.app_context():
        november = window.window_of(2026, 11)
        assert (november.start, november.end) == (dt.date(2026, 11, 26), dt.date(2026, 11, 30))
        february = window.window_of(2028, 2)       # a leap year
        assert (february.start, february.end) == (dt.date(2028, 2, 25), dt.date(2028, 2, 29))
        assert window.in_window(dt.date(2026, 11, 26)) and not window.in_window(
            dt.date(2026, 11, 25))
        # submitted before the month's last day: due at its end; on the last day: next month
        assert window.due_on(dt.date(2026, 11, 3)) == dt.date(2026, 11, 30)
        assert window.due_on(dt.date(2026, 11, 30)) == dt.date(2026, 12, 31)
        version = RecordVersion(submitted_at=dt.datetime(2026, 11, 3, 10))
        assert not window.is_overdue(version, dt.date(2026, 11, 30))
        assert window.is_overdue(version, dt.date(2026, 12, 1))


def test_da_nang_has_no_window(make_app):
    app = make_app(PROVINCE_PROFILE="da_nang")
    with app.app_context():
        assert window.window_of(2026, 11) is None
        assert window.in_window(dt.date(2026, 11, 3))
        assert not window.is_overdue(RecordVersion(submitted_at=dt.datetime(2020, 1, 1)))


def test_a_batch_approves_each_version_on_its_own(app, province, people, approvers):
    ids = [submitted(app, province, people, name) for name in ("canhan", "giaovien", "bacsi")]
    with app.app_context(), clock.freeze(IN_WINDOW):
        outcomes = services.approve_many(account(province, "thutruong"), ids,
                                         approvers.signer("thutruong"), KIND_PKCS12)
        assert [o.approved for o in outcomes] == [True, True, False]
        # bacsi is in another unit: refused with the reason, and left as it was
        assert "không phải là người phê duyệt" in outcomes[2].message
        statuses = [db.session.get(RecordVersion, i).status for i in ids]
        assert statuses == [APPROVED, APPROVED, SUBMITTED]
        # a batch run again approves nothing twice
        again = services.approve_many(account(province, "thutruong"), ids[:1],
                                      approvers.signer("thutruong"), KIND_PKCS12)
        assert not again[0].approved and "đã phê duyệt" in again[0].message
        assert db.session.scalar(select(db.func.count(Approval.id))) == 2


def test_a_wrong_pin_unlocks_nothing(app, province, people, approvers):
    with app.app_context():
        credential = db.session.get(keys.SigningCredential,
                                    approvers.credential["thutruong"])
        with pytest.raises(DomainError, match="PIN"):
            keys.signer_for(credential, "0000")
        # the stored key file opens only with the PIN; the server keeps no PIN
        assert credential.seal_passphrase is None
        assert b"2468" not in credential.pkcs12


def test_two_approvers_at_once_end_with_one_approval(app, province, people, approvers):
    """Two tabs of the same head (or head and delegate) press "approve" together:
    one approval, and a clear message to the other."""
    _delegate(app, province, people, dt.date(2026, 11, 20), dt.date(2026, 11, 30))
    version_id = submitted(app, province, people, "canhan")
    barrier = threading.Barrier(2)
    results = {}

    def press(username):
        with app.app_context(), clock.freeze(IN_WINDOW):
            signer = approvers.signer(username)
            barrier.wait()
            try:
                services.approve(account(province, username), version_id, signer, KIND_PKCS12)
                results[username] = "approved"
            except DomainError as error:
                results[username] = str(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press, args=(name,))
               for name in ("thutruong", "photruong")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()).count("approved") == 1, results
    [refused] = [message for message in results.values() if message != "approved"]
    assert "đã phê duyệt" in refused
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Approval.id))) == 1
        assert db.session.get(RecordVersion, version_id).status == APPROVED


def test_queue_holds_what_the_person_may_approve(app, province, people, approvers):
    also_personal(app, province, "thutruong")
    ids = {name: submitted(app, province, people, name)
           for name in ("canhan", "giaovien_truong", "bacsi", "thutruong")}
    with app.app_context(), clock.freeze(IN_WINDOW):
        def queued(username):
            return {e.version.id for e in services.queue(account(province, username))}

        assert queued("thutruong") == {ids["canhan"], ids["giaovien_truong"]}
        assert queued("photruong") == {ids["thutruong"]}
        assert queued("chutich") == {ids["bacsi"]}
        assert queued("canhan") == set()


def test_nobody_approves_their_own_version_even_as_head(app, province, people, approvers):
    """The head of the root unit has no head above: their own record waits for a
    deputy, never for themselves."""
    with app.app_context():
        person = db.session.get(Employee, people.ids["chutich"])
        assert authority.approvers_of(person) == []


def test_the_delegate_must_be_able_to_approve(app, province, people, approvers):
    with app.app_context(), clock.freeze(IN_WINDOW):
        from app.approval import delegations
        from app.org.models import Unit
        head = account(province, "thutruong")
        unit = db.session.get(Unit, province.units["A"])
        offered = {p.id for p in delegations.candidates(head, unit)}
        assert people.ids["photruong"] in offered and people.ids["canhan"] not in offered
        with pytest.raises(DomainError, match="vai trò"):
            delegations.delegate(head, unit.id, people.ids["canhan"], IN_WINDOW.date(),
                                 IN_WINDOW.date(), "1", b"%PDF-1.4\n%%EOF\n", "x.pdf")
