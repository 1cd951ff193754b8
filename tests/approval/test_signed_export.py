"""The sơ yếu lý lịch exported as the paper original: signed by the head with
their own key and then by the agency's seal, two incremental signatures that
poppler's pdfsig and pyHanko (not the library that signed) find valid, and
invalid after one byte changes; the verification page and API say the same."""
import io
import subprocess

import pytest
from sqlalchemy import select

from app.approval import exports
from app.approval.models import SignedExport
from app.audit.models import AuditEntry
from app.core.exceptions import DomainError
from app.extensions import db
from app.org.models import Employee
from app.signing.pdf import verify_pdf
from tests.approval.conftest import PIN, account, submitted
from tests.approval.test_approval import approve
from tests.conftest import csrf_token, login
from tests.security.world import PASSWORD
from tests.signing.tools import nss_database, pdfsig, pyhanko_statuses


@pytest.fixture(scope="module")
def nss_db(tmp_path_factory, test_ca):
    return nss_database(tmp_path_factory.mktemp("nss"), test_ca[1])


@pytest.fixture
def signed_copy(app, province, people, approvers):
    version_id = submitted(app, province, people, "canhan")
    approve(app, province, approvers, "thutruong", version_id)
    with app.app_context():
        person = db.session.get(Employee, people.ids["canhan"])
        export = exports.sign_record(account(province, "thutruong"), person,
                                     approvers.signer("thutruong"))
        data = exports.content_of(export)
        db.session.remove()
    return data


def changed_byte(data):
    """One letter of the producer's comment near the top changed: inside the first
    signature's range, harmless to the file's structure."""
    at = data.index(b"ReportLab Generated")
    return data[:at] + b"r" + data[at + 1:]


def test_two_signatures_valid_in_pdfsig_and_pyhanko(signed_copy, test_ca, nss_db, tmp_path):
    blocks = pdfsig(signed_copy, nss_db, tmp_path)
    assert len(blocks) == 2
    for block in blocks:
        assert "Signature is Valid." in block and "Certificate is Trusted." in block
    assert "Người ký thutruong" in blocks[0] and "Người ký seal" in blocks[1]
    assert "Total document signed" in blocks[1]
    statuses = pyhanko_statuses(signed_copy, test_ca[1])
    assert [(s.intact, s.valid, s.trusted) for s in statuses] == [(True, True, True)] * 2
    ours = verify_pdf(signed_copy, [test_ca[1]])
    assert [s.valid for s in ours] == [True, True]
    # the signers' names and the time are on the page, in the box under "Thủ trưởng"
    text = subprocess.run(["pdftotext", "-", "-"], input=signed_copy, capture_output=True,
                          check=True).stdout.decode()
    assert "Ký bởi: Người ký thutruong" in text and "Bản điện tử có chữ ký số" in text
    assert "Người có thẩm quyền" in text and "Thời gian:" in text


def test_one_changed_byte_breaks_both(signed_copy, test_ca, nss_db, tmp_path):
    changed = changed_byte(signed_copy)
    blocks = pdfsig(changed, nss_db, tmp_path)
    assert len(blocks) == 2
    assert all("Signature is Valid." not in b and "Digest Mismatch" in b for b in blocks)
    assert [s.intact for s in pyhanko_statuses(changed, test_ca[1])] == [False, False]
    assert [s.valid for s in verify_pdf(changed, [test_ca[1]])] == [False, False]


def test_verification_page_and_api(app, signed_copy, client):
    login(client, "canhan", PASSWORD)
    page = client.get("/signing/verify").get_data(as_text=True)
    body = client.post("/signing/verify", data={
        "csrf_token": csrf_token(page),
        "document": (io.BytesIO(signed_copy), "so-yeu-ly-lich.pdf")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert body.count("Hợp lệ: được ký bằng chứng thư tin cậy") == 2
    assert "Người ký thutruong" in body and "HoSo test CA" in body
    body = client.post("/signing/verify", data={
        "csrf_token": csrf_token(page),
        "document": (io.BytesIO(changed_byte(signed_copy)), "sua.pdf")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "Hợp lệ:" not in body and "Tài liệu đã bị thay đổi sau chữ ký này" in body
    answer = client.post("/api/v1/signing/verify", data=signed_copy,
                         content_type="application/pdf").get_json()
    assert answer["valid"] is True and len(answer["signatures"]) == 2
    assert answer["signatures"][0]["chain"][-1].startswith("CN=HoSo test CA,")
    answer = client.post("/api/v1/signing/verify", data=changed_byte(signed_copy),
                         content_type="application/pdf").get_json()
    assert answer["valid"] is False and not answer["signatures"][0]["intact"]
    response = client.post("/api/v1/signing/verify", data=b"not a pdf",
                           content_type="application/pdf")
    assert response.status_code == 400 and "PDF" in response.get_json()["message"]


def test_the_head_signs_through_the_page_and_the_person_downloads_it(
        app, province, people, approvers, client):
    version_id = submitted(app, province, people, "canhan")
    approve(app, province, approvers, "thutruong", version_id)
    me = people.ids["canhan"]
    login(client, "thutruong", PASSWORD)
    page = client.get("/records/person/%d" % me).get_data(as_text=True)
    assert 'id="sign-record"' in page
    # a wrong PIN signs nothing
    body = client.post("/approval/person/%d/sign" % me, data={
        "csrf_token": csrf_token(page), "pin": "0000"}, follow_redirects=True).get_data(
        as_text=True)
    assert "Mã PIN không đúng" in body
    with app.app_context():
        assert db.session.scalar(select(SignedExport.id)) is None
    response = client.post("/approval/person/%d/sign" % me, data={
        "csrf_token": csrf_token(page), "pin": PIN}, follow_redirects=True)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert len(verify_pdf(response.data, [approvers.ca[1]])) == 2
    client.get("/logout/")
    # the person gets the last signed copy of her own record
    login(client, "canhan", PASSWORD)
    page = client.get("/records/person/%d" % me).get_data(as_text=True)
    assert 'id="signed-copy"' in page and 'id="sign-record"' not in page
    mine = client.get("/records/person/%d/signed.pdf" % me)
    assert mine.data == response.data
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert "record.export_signed" in actions and actions[-1] == "record.export"


def test_no_export_without_an_approved_version(app, province, people, approvers):
    with app.app_context():
        person = db.session.get(Employee, people.ids["giaovien"])
        with pytest.raises(DomainError, match="chưa có bản được phê duyệt"):
            exports.sign_record(account(province, "thutruong"), person,
                                approvers.signer("thutruong"))
