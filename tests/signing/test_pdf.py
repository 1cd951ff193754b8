"""Signed PDF exports: two incremental signatures (the person, then the agency seal),
checked by poppler's pdfsig and by pyHanko, never only by the library that signed —
and by our own verify_pdf, which must agree with them."""
import datetime as dt
import io
import subprocess

import pytest

from app.signing import pdf
from app.signing.providers import SigningError
from tests.signing.conftest import YESTERDAY
from tests.signing.tools import nss_database, pdfsig, pyhanko_statuses

SIGNED_AT = YESTERDAY
SHOWN_AT = (SIGNED_AT + dt.timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")  # Vietnam time


def sign_twice(unsigned, person, seal):
    once = pdf.sign_pdf(unsigned, person, field_name="NguoiCoThamQuyen",
                        reason="Phê duyệt sơ yếu lý lịch", location="Phú Thọ",
                        contact="an@example.vn", box=(40, 40, 270, 95), signed_at=SIGNED_AT)
    return pdf.sign_pdf(once, seal, field_name="DauCoQuan", reason="Đóng dấu cơ quan",
                        location="Phú Thọ", box=(300, 40, 555, 95),
                        box_lines=["Ký bởi: %s" % seal.signer_name, "Đóng dấu cơ quan",
                                   "Thời gian: (giờ Việt Nam)"],
                        signed_at=SIGNED_AT + dt.timedelta(minutes=1))


@pytest.fixture(scope="module")
def signed_pdf(unsigned_pdf, person_p12, seal_p12):
    from app.signing.providers import Pkcs12Signer
    from tests.signing.conftest import PERSON_PIN, SEAL_PIN
    return sign_twice(unsigned_pdf, Pkcs12Signer.load(person_p12, PERSON_PIN),
                      Pkcs12Signer.load(seal_p12, SEAL_PIN))


@pytest.fixture(scope="module")
def nss_db(tmp_path_factory, ca):
    """An NSS database trusting only the demo CA, for pdfsig."""
    return nss_database(tmp_path_factory.mktemp("nss"), ca[1])


def test_pdfsig_says_both_signatures_valid_and_trusted(signed_pdf, nss_db, tmp_path):
    blocks = pdfsig(signed_pdf, nss_db, tmp_path)
    assert len(blocks) == 2
    for block, field in zip(blocks, ["NguoiCoThamQuyen", "DauCoQuan"]):
        assert "Signature Field Name: %s" % field in block
        assert "Signature is Valid." in block
        assert "Certificate is Trusted." in block
        assert "adbe.pkcs7.detached" in block and "SHA-256" in block
    assert "Nguyễn Văn An" in blocks[0]
    assert "Total document signed" in blocks[1]


def test_pdfsig_without_the_ca_does_not_trust(signed_pdf, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    subprocess.run(["certutil", "-N", "--empty-password", "-d", "sql:%s" % empty],
                   check=True, capture_output=True)
    blocks = pdfsig(signed_pdf, "sql:%s" % empty, tmp_path)
    assert all("Signature is Valid." in b for b in blocks)
    assert not any("Certificate is Trusted." in b for b in blocks)


def test_pyhanko_says_both_intact_valid_trusted(signed_pdf, ca_cert):
    statuses = pyhanko_statuses(signed_pdf, ca_cert)
    assert [s.intact for s in statuses] == [True, True]
    assert [s.valid for s in statuses] == [True, True]
    assert [s.trusted for s in statuses] == [True, True]
    assert statuses[1].coverage.name == "ENTIRE_FILE"


def test_pyhanko_trusting_another_ca_does_not_trust(signed_pdf, other_ca):
    statuses = pyhanko_statuses(signed_pdf, other_ca[1])
    assert [s.intact for s in statuses] == [True, True]
    assert [s.trusted for s in statuses] == [False, False]


def test_our_verifier_agrees_on_the_good_file(signed_pdf, ca_cert):
    first, second = pdf.verify_pdf(signed_pdf, [ca_cert])
    assert first.field_name == "NguoiCoThamQuyen" and second.field_name == "DauCoQuan"
    for sig in (first, second):
        assert (sig.intact, sig.signature_ok, sig.trusted, sig.covers_whole_document,
                sig.valid) == (True, True, True, True, True), sig.problems
    assert first.signer_name == "Nguyễn Văn An"
    assert second.signer_name == "Sở Nội vụ tỉnh Phú Thọ"
    assert first.signed_at == SIGNED_AT
    assert first.reason == "Phê duyệt sơ yếu lý lịch" and first.location == "Phú Thọ"
    assert len(first.chain) == 2 and "CN=HoSo CBCCVC DEMO CA" in first.chain[-1]
    assert first.byte_range[2] + first.byte_range[3] < len(signed_pdf)
    assert second.byte_range[2] + second.byte_range[3] == len(signed_pdf)


def test_signing_is_incremental(unsigned_pdf, signed_pdf):
    assert signed_pdf.startswith(unsigned_pdf)
    assert signed_pdf.count(b"%%EOF") == unsigned_pdf.count(b"%%EOF") + 2


def test_box_text_is_on_the_page(signed_pdf, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(signed_pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "SƠ YẾU LÝ LỊCH — Nguyễn Thị Hằng, Sở Nội vụ" in text
    assert "Ký bởi: Nguyễn Văn An" in text
    assert "Thời gian: %s" % SHOWN_AT in text
    assert "Ký bởi: Sở Nội vụ tỉnh Phú Thọ" in text


def changed_page_byte(data):
    """The date of birth in the page's text changed by one digit (1985 → 1986), inside
    the first signed range."""
    at = data.index(b"12/03/1985") + len(b"12/03/198")
    return data[:at] + b"6" + data[at + 1:], at


def test_one_changed_byte_is_caught_by_all_three(signed_pdf, ca_cert, nss_db, tmp_path):
    changed, offset = changed_page_byte(signed_pdf)
    ours = pdf.verify_pdf(changed, [ca_cert])
    assert offset < ours[0].byte_range[1]    # inside the first signed range
    blocks = pdfsig(changed, nss_db, tmp_path)
    assert len(blocks) == 2
    for block in blocks:
        assert "Signature is Valid." not in block
        assert "Digest Mismatch" in block
    assert [s.intact for s in pyhanko_statuses(changed, ca_cert)] == [False, False]
    assert [s.intact for s in ours] == [False, False]
    assert [s.valid for s in ours] == [False, False]


def test_content_changed_between_the_signatures(unsigned_pdf, person, seal, ca_cert):
    """The person signs, someone appends a revision that changes the page, the seal
    signs: the person's signature no longer covers what the document shows."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    once = pdf.sign_pdf(unsigned_pdf, person, field_name="NguoiCoThamQuyen",
                        reason="Phê duyệt", location="Phú Thọ", box=(40, 40, 270, 95))
    writer = IncrementalPdfFileWriter(io.BytesIO(once))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(
        stream_data=b"BT /F2+0 14 Tf 72 760 Td (Changed) Tj ET"))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    tampered = out.getvalue()
    assert tampered.startswith(once)
    sealed = pdf.sign_pdf(tampered, seal, field_name="DauCoQuan", reason="Đóng dấu",
                          location="Phú Thọ", box=(300, 40, 555, 95))
    first, second = pdf.verify_pdf(sealed, [ca_cert])
    assert first.intact and first.signature_ok and first.trusted
    assert first.covers_whole_document is False and first.valid is False
    assert second.valid
    statuses = pyhanko_statuses(sealed, ca_cert)
    assert statuses[0].intact
    assert statuses[0].modification_level.name not in ("NONE", "LTA_UPDATES", "FORM_FILLING")


def test_field_names_are_unique(signed_pdf, person):
    with pytest.raises(SigningError, match="already has a signature field"):
        pdf.sign_pdf(signed_pdf, person, field_name="DauCoQuan", reason="x", location="y")


def test_not_a_pdf(person, ca_cert):
    with pytest.raises(SigningError, match="not a readable PDF"):
        pdf.sign_pdf(b"hello", person, field_name="A", reason="x", location="y")
    with pytest.raises(SigningError, match="not a readable PDF"):
        pdf.verify_pdf(b"hello", [ca_cert])
