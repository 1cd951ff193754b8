"""A key that lives in a PKCS#11 token (SoftHSM2): detached CMS and a signed PDF."""
import PyKCS11
import pytest

from app.signing import cms, pdf, softhsm
from app.signing.providers import Pkcs11Signer, SigningError


def signer(token, pin=None):
    return Pkcs11Signer(token.library_path, token.label, pin or token.pin, "agency-seal")


def test_private_key_stays_in_the_token(soft_token):
    session = softhsm._session(soft_token)
    try:
        key = session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_PRIVATE_KEY),
                                   (PyKCS11.CKA_LABEL, "agency-seal")])[0]
        sensitive, extractable = session.getAttributeValue(
            key, [PyKCS11.CKA_SENSITIVE, PyKCS11.CKA_EXTRACTABLE])
        assert (sensitive, extractable) == (True, False)
    finally:
        session.logout()
        session.closeSession()


def test_token_signs_detached_cms(soft_token, ca_cert):
    with signer(soft_token) as s:
        assert s.signer_name == "Sở Nội vụ (HSM)"
        sig = cms.sign_detached(b"canonical json", s)
    result = cms.verify_detached(b"canonical json", sig, [ca_cert])
    assert result.valid, result.problems
    assert result.signer_name == "Sở Nội vụ (HSM)"


def test_token_signs_a_pdf(soft_token, ca_cert, unsigned_pdf):
    with signer(soft_token) as s:
        signed = pdf.sign_pdf(unsigned_pdf, s, field_name="CoQuan", reason="Đóng dấu",
                              location="Phú Thọ", box=(300, 40, 540, 90))
    [result] = pdf.verify_pdf(signed, [ca_cert])
    assert result.valid, result.problems
    assert result.signer_name == "Sở Nội vụ (HSM)"


def test_wrong_token_pin(soft_token):
    with pytest.raises(SigningError, match="The token PIN is wrong."):
        signer(soft_token, pin="999999")


def test_unknown_key_label(soft_token):
    with pytest.raises(SigningError, match="The signing key is not on the token."):
        Pkcs11Signer(soft_token.library_path, soft_token.label, soft_token.pin, "nope")
