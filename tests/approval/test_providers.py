"""The three ways a head's key signs an approval: a key file unlocked by the
PIN (tests/approval/test_approval.py), a PKCS#11 token (SoftHSM2 stands in
for a USB token or an HSM), and a signer outside the server (a desktop
plugin or a remote signing service), here a stand-in that sees only the
digest."""
import contextlib
import datetime as dt

import pytest
from sqlalchemy import select

from app.approval import keys, services
from app.approval.models import KIND_EXTERNAL, KIND_PKCS11, Approval, ExternalSigningRequest
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.records import services as records
from app.records.models import APPROVED, SUBMITTED, RecordVersion
from app.org.models import Unit
from app.signing import pki, softhsm
from tests.approval.conftest import PIN, account, submitted
from tests.approval.test_approval import IN_WINDOW
from tests.conftest import csrf_token, login
from tests.security.world import PASSWORD
from tests.signing.stand_in_signer import sign_digest


@pytest.fixture(scope="module")
def token_certificate(soft_token, test_ca):
    """A key generated inside the token, certified by the tests' CA."""
    return softhsm.provision(soft_token, *test_ca, "Người ký bằng token",
                             organization="HoSo tests", key_label="head-token",
                             key_id=b"\x07")


def test_a_token_signs_the_approval(app, province, people, approvers, soft_token,
                                    token_certificate):
    version_id = submitted(app, province, people, "canhan")
    with app.app_context(), clock.freeze(IN_WINDOW):
        head = account(province, "thutruong")
        credential = keys.register_pkcs11(head, token_certificate, soft_token.label,
                                          "head-token", "USB token")
        db.session.commit()
        with pytest.raises(DomainError, match="PIN"):
            keys.signer_for(credential, "000000")
        with keys.signer_for(credential, soft_token.pin) as signer:
            services.approve(head, version_id, signer, KIND_PKCS11)
        version = db.session.get(RecordVersion, version_id)
        [approval] = version.approvals
        assert (version.status, approval.provider) == (APPROVED, KIND_PKCS11)
        assert approval.signer_name == "Người ký bằng token"
        assert [v.valid for v in services.verdicts(version)] == [True]


@pytest.fixture
def external_key(app, province, approvers, test_ca):
    """The head's certificate registered for signing outside the server; the key
    file stays with the stand-in signer."""
    key, cert = pki.issue(*test_ca, "Người ký SmartCA", organization="HoSo tests",
                          now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30))
    p12 = pki.to_pkcs12(key, cert, [test_ca[1]], PIN)
    with app.app_context():
        credential = keys.register_external(account(province, "thutruong"), cert, "SmartCA")
        db.session.commit()
        credential_id = credential.id
        db.session.remove()
    return credential_id, p12


@contextlib.contextmanager
def external_request(app, province, people, credential_id):
    """canhan's record submitted and the head's external signing prepared, in the
    window: yields (head, version id, the signing request)."""
    version_id = submitted(app, province, people, "canhan")
    with app.app_context(), clock.freeze(IN_WINDOW):
        head = account(province, "thutruong")
        request = services.prepare_external(
            head, version_id, db.session.get(keys.SigningCredential, credential_id))
        yield head, version_id, request


def test_an_external_signer_completes_the_approval(app, province, people, approvers,
                                                   external_key):
    credential_id, p12 = external_key
    with external_request(app, province, people, credential_id) as (head, version_id,
                                                                     request):
        token, digest = request.token, request.canonical_sha256
        # what the plugin receives is the digest only; it returns a detached CMS
        cms = sign_digest({"algorithm": "sha256", "digest": digest}, p12, PIN)
        assert db.session.get(RecordVersion, version_id).status == SUBMITTED
        services.complete_external(head, token, cms)
        version = db.session.get(RecordVersion, version_id)
        [approval] = version.approvals
        assert (version.status, approval.provider) == (APPROVED, KIND_EXTERNAL)
        assert [v.valid for v in services.verdicts(version)] == [True]
        with pytest.raises(DomainError, match="đã được sử dụng"):
            services.complete_external(head, token, cms)


def test_an_external_signature_of_something_else_is_refused(app, province, people, approvers,
                                                            external_key):
    credential_id, p12 = external_key
    with external_request(app, province, people, credential_id) as (head, version_id,
                                                                     request):
        # the plugin signed another digest
        wrong = sign_digest({"algorithm": "sha256", "digest": "ab" * 32}, p12, PIN)
        with pytest.raises(DomainError, match="không hợp lệ"):
            services.complete_external(head, request.token, wrong)
        # the right digest, but signed by someone else's key (the deputy's file)
        other = sign_digest({"algorithm": "sha256", "digest": request.canonical_sha256},
                            approvers.p12["photruong"], PIN)
        with pytest.raises(DomainError, match="chứng thư khác"):
            services.complete_external(head, request.token, other)
        assert db.session.get(RecordVersion, version_id).status == SUBMITTED
        assert db.session.scalar(select(Approval.id)) is None
        db.session.remove()


def test_the_record_changed_after_the_digest_left(app, province, people, approvers,
                                                  external_key):
    credential_id, p12 = external_key
    with external_request(app, province, people, credential_id) as (head, version_id,
                                                                     request):
        token, digest = request.token, request.canonical_sha256
        # the data officer attaches a document while the head's plugin is signing
        from app.records.models import Attachment
        db.session.add(Attachment(employee_id=people.ids["canhan"], version_id=version_id,
                                  kind="khac", filename="x.pdf",
                                  content_type="application/pdf", size=1, sha256="c" * 64,
                                  uploaded_at=clock.now()))
        db.session.commit()
        cms = sign_digest({"algorithm": "sha256", "digest": digest}, p12, PIN)
        with pytest.raises(DomainError, match="thay đổi sau khi chuẩn bị ký"):
            services.complete_external(head, token, cms)
        assert db.session.get(RecordVersion, version_id).status == SUBMITTED


def test_the_external_flow_through_the_pages(app, province, people, approvers, external_key,
                                             client):
    credential_id, p12 = external_key
    version_id = submitted(app, province, people, "canhan")
    login(client, "thutruong", PASSWORD)
    page = client.get("/approval/version/%d" % version_id).get_data(as_text=True)
    assert 'id="sign-external"' in page
    page = client.post("/approval/version/%d/external" % version_id, data={
        "csrf_token": csrf_token(page), "credential": str(credential_id)}).get_data(
        as_text=True)
    with app.app_context():
        request = db.session.scalar(select(ExternalSigningRequest))
        token, digest = request.token, request.canonical_sha256
        db.session.remove()
    assert digest in page and token in page
    cms = sign_digest({"algorithm": "sha256", "digest": digest}, p12, PIN)
    import io
    body = client.post("/approval/external/%s" % token, data={
        "csrf_token": csrf_token(page), "signature": (io.BytesIO(cms), "chu-ky.p7s")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Đã phê duyệt và ký số." in body
    with app.app_context():
        assert db.session.get(RecordVersion, version_id).status == APPROVED
        assert records.approved_version(db.session.get(RecordVersion, version_id).employee) \
            .id == version_id


def test_a_head_registers_and_withdraws_own_keys(app, province, people, approvers, client,
                                                 test_ca):
    from app.approval.models import SigningCredential
    login(client, "photruong", PASSWORD)
    page = client.get("/signing/keys").get_data(as_text=True)

    def upload(data, pin="", label=""):
        import io
        return client.post("/signing/keys", data={
            "csrf_token": csrf_token(page), "pin": pin, "label": label,
            "key": (io.BytesIO(data), "khoa.p12")}, content_type="multipart/form-data",
            follow_redirects=True).get_data(as_text=True)

    before = len(approvers.p12)
    key, cert = pki.issue(*test_ca, "Vũ Thị Mai", organization="HoSo tests",
                          now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1))
    p12 = pki.to_pkcs12(key, cert, [test_ca[1]], "9753")
    assert "Mã PIN không đúng" in upload(p12, pin="0000")
    # a key from a CA the province does not trust
    other_ca = pki.make_ca("Some Other CA")
    other_key, other_cert = pki.issue(*other_ca, "Vũ Thị Mai", organization="x")
    assert "tin cậy" in upload(pki.to_pkcs12(other_key, other_cert, [other_ca[1]], "1"), pin="1")
    body = upload(p12, pin="9753", label="Khóa mới")
    assert "Đã đăng ký khóa." in body and "Khóa mới" in body
    body = upload(pki.cert_pem(cert), label="SmartCA")
    assert "SmartCA" in body
    with app.app_context():
        mine = list(db.session.scalars(select(SigningCredential).where(
            SigningCredential.account_id == province.accounts["photruong"],
            SigningCredential.revoked_at.is_(None)).order_by(SigningCredential.id)))
        assert [c.kind for c in mine] == ["pkcs12", "pkcs12", "external"]
        # the stored file opens with the PIN, which is nowhere in the row
        assert keys.signer_for(mine[1], "9753").signer_name == "Vũ Thị Mai"
        assert mine[1].seal_passphrase is None
        withdrawn = mine[1].id
        other_person = approvers.credential["thutruong"]
        db.session.remove()
    body = client.post("/signing/keys/revoke", data={
        "csrf_token": csrf_token(page), "credential": str(withdrawn)},
        follow_redirects=True).get_data(as_text=True)
    assert "Khóa mới" not in body
    body = client.post("/signing/keys/revoke", data={
        "csrf_token": csrf_token(page), "credential": str(other_person)},
        follow_redirects=True).get_data(as_text=True)
    assert "không phải của bạn" in body
    assert len(approvers.p12) == before


def test_the_administrator_trusts_a_ca_and_registers_a_seal(app, province, tmp_path):
    from app.approval.models import SigningCredential
    ca_key, ca_cert = pki.make_ca("CA của tỉnh", now=dt.datetime.now(dt.timezone.utc)
                                  - dt.timedelta(days=1))
    key, cert = pki.issue(ca_key, ca_cert, "Sở Giáo dục", organization="Sở Giáo dục",
                          seal=True, now=dt.datetime.now(dt.timezone.utc)
                          - dt.timedelta(days=1))
    (tmp_path / "ca.pem").write_bytes(pki.cert_pem(ca_cert))
    (tmp_path / "seal.p12").write_bytes(pki.to_pkcs12(key, cert, [ca_cert], "mat-khau"))
    with app.app_context():
        db.session.get(Unit, province.units["A"]).code = "H99.02"
        db.session.commit()
        db.session.remove()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["signing", "add-seal", "H99.02", str(tmp_path / "seal.p12"),
                                  "--passphrase", "mat-khau"])
    assert refused.exit_code != 0 and "tin cậy" in refused.output    # its CA is not trusted
    trusted = runner.invoke(args=["signing", "trust", str(tmp_path / "ca.pem")])
    assert trusted.exit_code == 0 and "CA của tỉnh" in trusted.output
    result = runner.invoke(args=["signing", "add-seal", "H99.02", str(tmp_path / "seal.p12"),
                                 "--passphrase", "mat-khau"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        seal = db.session.scalar(select(SigningCredential).where(
            SigningCredential.unit_id == province.units["A"]))
        assert seal is not None and b"mat-khau" not in seal.pkcs12
        assert "mat-khau" not in seal.seal_passphrase      # encrypted with the record keys
        assert keys.seal_signer(db.session.get(Unit, province.units["A"])).signer_name \
            == "Sở Giáo dục"
        # the school below has its own seal or none: it never borrows the Sở's
        with pytest.raises(DomainError, match="Trường THPT số 1"):
            keys.seal_signer(db.session.get(Unit, province.units["A1"]))


def test_the_agency_seal_signs_from_the_hsm(app, province, people, approvers, soft_token,
                                            test_ca):
    """The seal's key never leaves the token: the exported record's second signature
    is made inside it."""
    from app.approval import exports
    from app.org.models import Employee
    from app.signing.pdf import verify_pdf
    from tests.approval.test_approval import approve
    from tests.signing.tools import pyhanko_statuses
    softhsm.provision(soft_token, *test_ca, "Sở Giáo dục (HSM)", organization="Sở Giáo dục",
                      key_label="seal-hsm", key_id=b"\x08", seal=True)
    with app.app_context():
        db.session.get(Unit, province.units["A"]).code = "H99.02"
        db.session.commit()
        db.session.remove()
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["signing", "add-hsm-seal", "H99.02", soft_token.label,
                                  "seal-hsm", "--pin", "000000"])
    assert refused.exit_code != 0 and "PIN" in refused.output
    result = runner.invoke(args=["signing", "add-hsm-seal", "H99.02", soft_token.label,
                                 "seal-hsm", "--pin", soft_token.pin])
    assert result.exit_code == 0, result.output
    version_id = submitted(app, province, people, "canhan")
    approve(app, province, approvers, "thutruong", version_id)
    with app.app_context():
        export = exports.sign_record(account(province, "thutruong"),
                                     db.session.get(Employee, people.ids["canhan"]),
                                     approvers.signer("thutruong"))
        assert export.seal_name == "Sở Giáo dục (HSM)"
        data = exports.content_of(export)
    assert [s.signer_name for s in verify_pdf(data, [test_ca[1]])] == [
        "Người ký thutruong", "Sở Giáo dục (HSM)"]
    assert [(s.intact, s.valid, s.trusted) for s in pyhanko_statuses(data, test_ca[1])] == [
        (True, True, True)] * 2
