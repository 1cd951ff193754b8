"""The head's pages: the queue with the window's banner, a version's review
with its diff and documents, approving a selection with the PIN, rejecting
with a reason the person reads, and delegating with the signed letter."""
import datetime as dt
import io

from sqlalchemy import select

from app.approval.models import Approval, Delegation
from app.core import clock
from app.extensions import db
from app.records import attachments
from app.records.models import APPROVED, REJECTED, SUBMITTED, RecordVersion
from tests.approval.conftest import PIN, account, submitted
from tests.approval.test_approval import IN_WINDOW, OUTSIDE_WINDOW
from tests.conftest import csrf_token, login
from tests.records.test_attachments import PDF
from tests.security.world import PASSWORD


def _with_document(app, province, people, username):
    """A submitted version carrying a scanned PDF."""
    with app.app_context():
        from app.records import services as records
        from app.org.models import Employee
        person = db.session.get(Employee, people.ids[username])
        actor = account(province, username)
        draft = records.open_draft(actor, person)
        attachments.attach(actor, draft, "bang-dai-hoc.pdf", PDF, "van_bang")
        db.session.remove()
    return submitted(app, province, people, username)


def test_queue_review_and_approve_a_selection(app, province, people, approvers, client):
    first = _with_document(app, province, people, "canhan")
    second = submitted(app, province, people, "giaovien_truong")
    login(client, "thutruong", PASSWORD)
    with clock.freeze(IN_WINDOW):
        page = client.get("/approval/").get_data(as_text=True)
    assert "Đang trong kỳ phê duyệt: 26/11/2026 – 30/11/2026" in page
    assert 'value="%d"' % first in page and 'value="%d"' % second in page
    assert "Người đứng đầu đơn vị cấp trên" in page        # A1 climbs to A's head
    review = client.get("/approval/version/%d" % first).get_data(as_text=True)
    assert "Phường Vĩnh Yên" in review and "bang-dai-hoc.pdf" in review
    assert "?inline=1" in review and "<iframe" in review
    document = client.get(review.split('src="')[1].split('"')[0])
    assert document.headers["Content-Disposition"].startswith("inline;")
    # a wrong PIN approves nothing
    body = client.post("/approval/approve", data={
        "csrf_token": csrf_token(page), "version": [str(first), str(second)], "pin": "1"},
        follow_redirects=True).get_data(as_text=True)
    assert "Mã PIN không đúng" in body
    with app.app_context():
        assert db.session.scalar(select(Approval.id)) is None
    with clock.freeze(OUTSIDE_WINDOW):
        body = client.post("/approval/approve", data={
            "csrf_token": csrf_token(page), "version": [str(first), str(second)],
            "pin": PIN}, follow_redirects=True).get_data(as_text=True)
    assert "Đã phê duyệt và ký số: 2 trên 2." in body
    assert "Không có hồ sơ nào chờ bạn phê duyệt." in body
    with app.app_context():
        approvals = list(db.session.scalars(select(Approval)))
        assert len(approvals) == 2 and not any(a.in_window for a in approvals)
        assert db.session.get(RecordVersion, first).status == APPROVED
    page = client.get("/approval/version/%d/signatures" % first).get_data(as_text=True)
    assert "Hợp lệ: dữ liệu lưu trữ đúng là dữ liệu đã ký." in page
    assert "Ngoài kỳ phê duyệt" in page


def test_reject_through_the_page_and_the_person_reads_why(app, province, people, approvers,
                                                          client, smtp_server):
    version_id = submitted(app, province, people, "canhan")
    login(client, "thutruong", PASSWORD)
    page = client.get("/approval/version/%d" % version_id).get_data(as_text=True)
    body = client.post("/approval/version/%d/reject" % version_id, data={
        "csrf_token": csrf_token(page), "reason": ""}, follow_redirects=True).get_data(
        as_text=True)
    assert "Hãy ghi lý do từ chối" in body
    body = client.post("/approval/version/%d/reject" % version_id, data={
        "csrf_token": csrf_token(page), "reason": "Ảnh bằng đại học bị mờ"},
        follow_redirects=True).get_data(as_text=True)
    assert "Đã từ chối" in body
    with app.app_context():
        assert db.session.get(RecordVersion, version_id).status == REJECTED
    client.get("/logout/")
    login(client, "canhan", PASSWORD)
    notices = client.get("/notices/").get_data(as_text=True)
    assert "Hồ sơ của bạn chưa được phê duyệt" in notices
    record = client.get("/records/me", follow_redirects=True).get_data(as_text=True)
    assert "Ảnh bằng đại học bị mờ" in record
    [mail] = smtp_server.wait_for(1)
    assert "Ảnh bằng đại học bị mờ" in mail.get_body(("plain",)).get_content()


def test_a_form_without_its_token_changes_nothing(app, province, people, approvers, client):
    version_id = submitted(app, province, people, "canhan")
    login(client, "thutruong", PASSWORD)
    response = client.post("/approval/version/%d/reject" % version_id,
                           data={"reason": "giả mạo"})
    assert response.status_code == 400 and "hết hạn" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(RecordVersion, version_id).status == SUBMITTED


def test_delegating_through_the_page(app, province, people, approvers, client):
    login(client, "thutruong", PASSWORD)
    with clock.freeze(IN_WINDOW):
        page = client.get("/approval/delegations").get_data(as_text=True)
        assert "Vũ Thị Mai" in page                  # the deputy is among the choices
        body = client.post("/approval/delegations", data={
            "csrf_token": csrf_token(page), "unit": str(province.units["A"]),
            "delegate": str(people.ids["photruong"]), "valid_from": "27/11/2026",
            "last_day": "31/12/2026", "document_number": "15/UQ-SGD",
            "document": (io.BytesIO(PDF), "uy-quyen.pdf")},
            content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Đã ghi nhận ủy quyền" in body and "15/UQ-SGD" in body and "31/12/2026" in body
    with app.app_context():
        delegation = db.session.scalar(select(Delegation))
        assert delegation.valid_to == dt.date(2027, 1, 1)      # the day after the last
    # the delegate now sees the unit's queue
    version_id = submitted(app, province, people, "canhan")
    client.get("/logout/")
    login(client, "photruong", PASSWORD)
    with clock.freeze(IN_WINDOW):
        page = client.get("/approval/").get_data(as_text=True)
    assert 'value="%d"' % version_id in page and "Được ủy quyền bằng văn bản" in page


def test_the_window_reminds_each_approver_once(app, province, people, approvers, smtp_server):
    from app.approval.reminders import remind_approvers
    from app.notify.models import Notice
    submitted(app, province, people, "canhan")
    submitted(app, province, people, "bacsi")
    with app.app_context():
        assert remind_approvers(dt.date(2026, 11, 20)) == 0          # before the window
        assert remind_approvers(dt.date(2026, 11, 26)) == 2          # thutruong, chutich
        db.session.commit()           # the job's run commits them (app/jobs/services.py)
        assert remind_approvers(dt.date(2026, 11, 27)) == 0          # once per window
        notices = list(db.session.scalars(select(Notice).order_by(Notice.account_id)))
        assert {n.account_id for n in notices} == {province.accounts["thutruong"],
                                                   province.accounts["chutich"]}
        assert notices[0].subject == "Hồ sơ chờ phê duyệt trong kỳ tháng 11/2026"
        db.session.remove()
    mails = smtp_server.wait_for(2)
    assert {m["To"] for m in mails} == {"thutruong@example.vn", "chutich@example.vn"}
    assert "26/11/2026 đến 30/11/2026" in mails[0].get_body(("plain",)).get_content()


def test_so_noi_vu_signs_the_second_approval_through_the_queue(app, province, people,
                                                              approvers, client):
    from tests.approval.test_approval import approve
    version_id = submitted(app, province, people, "canhan")
    approve(app, province, approvers, "thutruong", version_id)
    login(client, "sonoivu", PASSWORD)
    page = client.get("/approval/").get_data(as_text=True)
    assert "Đơn vị đã phê duyệt, chờ Sở Nội vụ phê duyệt" in page
    assert 'value="%d"' % version_id in page and "/approval/second" in page
    body = client.post("/approval/second", data={
        "csrf_token": csrf_token(page), "version": str(version_id), "pin": PIN},
        follow_redirects=True).get_data(as_text=True)
    assert "Đã phê duyệt và ký số: 1 trên 1." in body
    with app.app_context():
        from app.approval import services
        assert services.ready_for_sync(db.session.get(RecordVersion, version_id))
