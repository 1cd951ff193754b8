"""Detached CMS over canonical content: sign, verify, and every way it must fail."""
import hashlib
import json

import pytest

from app.signing import cms, pki
from app.signing.providers import Pkcs12Signer, SigningError
from tests.signing.conftest import PERSON_PIN, YESTERDAY

CONTENT = json.dumps({"schema": 1, "ho_ten": "Nguyễn Văn An", "ngay_sinh": "1985-03-12"},
                     ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def test_sign_then_verify_is_valid(person, ca_cert):
    signed_at = YESTERDAY
    sig = cms.sign_detached(CONTENT, person, signed_at=signed_at)
    result = cms.verify_detached(CONTENT, sig, [ca_cert])
    assert (result.intact, result.signature_ok, result.trusted, result.valid) == \
        (True, True, True, True)
    assert result.signer_name == "Nguyễn Văn An"
    assert result.certificate == person.certificate
    assert result.signed_at == signed_at
    assert result.chain[0].startswith("1.2.840.113549.1.9.1=an@example.vn,CN=Nguyễn Văn An")
    assert "CN=HoSo CBCCVC DEMO CA" in result.chain[-1]
    assert result.problems == []


def test_detached_with_signed_attributes(person):
    from asn1crypto import cms as acms
    info = acms.ContentInfo.load(cms.sign_detached(CONTENT, person))
    sd = info["content"]
    assert sd["encap_content_info"]["content"].native is None
    attrs = {a["type"].native for a in sd["signer_infos"][0]["signed_attrs"]}
    assert {"content_type", "message_digest", "signing_time"} <= attrs
    assert sd["digest_algorithms"][0]["algorithm"].native == "sha256"


def test_one_changed_byte_is_not_intact(person, ca_cert):
    sig = cms.sign_detached(CONTENT, person)
    changed = bytearray(CONTENT)
    changed[10] ^= 0x01
    result = cms.verify_detached(bytes(changed), sig, [ca_cert])
    assert result.intact is False
    assert result.signature_ok is True     # the attributes are still signed correctly
    assert result.valid is False
    assert result.problems == ["The content was changed after it was signed."]


def test_certificate_from_another_ca_is_not_trusted(ca_cert, other_ca):
    key, cert = pki.issue(*other_ca, "Kẻ Giả Mạo", organization="Không rõ")
    signer = Pkcs12Signer.load(pki.to_pkcs12(key, cert, [other_ca[1]], "0000"), "0000")
    sig = cms.sign_detached(CONTENT, signer)
    result = cms.verify_detached(CONTENT, sig, [ca_cert])
    assert result.intact and result.signature_ok
    assert result.trusted is False and result.valid is False
    # the CA certificate the signature carries itself is no trust anchor
    assert cms.verify_detached(CONTENT, sig, [other_ca[1]]).valid


def test_tampered_signature_value(person, ca_cert):
    from asn1crypto import cms as acms
    info = acms.ContentInfo.load(cms.sign_detached(CONTENT, person))
    si = info["content"]["signer_infos"][0]
    value = bytearray(si["signature"].native)
    value[5] ^= 0xFF
    si["signature"] = bytes(value)
    result = cms.verify_detached(CONTENT, info.dump(), [ca_cert])
    assert result.intact and not result.signature_ok and not result.valid


def test_garbage_is_not_a_signature(ca_cert):
    result = cms.verify_detached(CONTENT, b"not a signature", [ca_cert])
    assert not result.valid
    assert result.problems == ["This is not a readable signature."]


def test_wrong_pin(person_p12):
    with pytest.raises(SigningError) as err:
        Pkcs12Signer.load(person_p12, PERSON_PIN + "0")
    assert str(err.value) == "The PIN is wrong or the key file is damaged."


def test_signer_keeps_no_pin(person_p12):
    signer = Pkcs12Signer.load(person_p12, PERSON_PIN)
    assert PERSON_PIN not in repr(vars(signer))


# --- the prepared signer (a batch's) -----------------------------------------------------

def test_openssl_and_pyhanko_verify_the_detached_cms(person, ca_cert, other_ca, tmp_path):
    from tests.signing.tools import openssl_cms_verify, pyhanko_detached_status
    sig = cms.sign_detached(CONTENT, person, signed_at=YESTERDAY)
    status, stderr = openssl_cms_verify(CONTENT, sig, ca_cert, tmp_path)
    assert status == 0 and "Verification successful" in stderr
    assert openssl_cms_verify(CONTENT + b" ", sig, ca_cert, tmp_path)[0] != 0
    assert openssl_cms_verify(CONTENT, sig, other_ca[1], tmp_path)[0] != 0
    verdict = pyhanko_detached_status(CONTENT, sig, ca_cert)
    assert (verdict.intact, verdict.valid, verdict.trusted) == (True, True, True)
    assert pyhanko_detached_status(CONTENT + b" ", sig, ca_cert).intact is False


def test_the_cms_carries_the_signed_attributes_and_the_chain(person, ca_cert):
    from asn1crypto import cms as acms
    sig = cms.sign_detached(CONTENT, person, signed_at=YESTERDAY)
    info = acms.ContentInfo.load(sig)
    assert info.dump(force=True) == sig          # canonical DER, re-encoded the same
    sd = info["content"]
    assert sd["version"].native == "v1"
    [signer_info] = sd["signer_infos"]
    attrs = {a["type"].native: a["values"] for a in signer_info["signed_attrs"]}
    assert set(attrs) == {"content_type", "signing_time", "message_digest",
                          "signing_certificate_v2"}
    assert attrs["content_type"][0].native == "data"
    assert attrs["signing_time"][0].native == YESTERDAY
    [cert_id] = attrs["signing_certificate_v2"][0]["certs"]
    assert cert_id["cert_hash"].native == hashlib.sha256(
        pki.cert_der(person.certificate)).digest()
    carried = {c.chosen.dump() for c in sd["certificates"]}
    assert carried == {pki.cert_der(person.certificate), pki.cert_der(ca_cert)}
    assert signer_info["sid"].chosen["serial_number"].native == \
        person.certificate.serial_number


def test_one_prepared_signer_signs_many(person, ca_cert):
    prepared = cms.DetachedSigner(person)
    assert cms.detached_signer(prepared) is prepared
    signatures = [prepared.sign(CONTENT + b"%d" % n) for n in range(3)]
    for n, sig in enumerate(signatures):
        assert cms.verify_detached(CONTENT + b"%d" % n, sig, [ca_cert]).valid
    assert not cms.verify_detached(CONTENT + b"0", signatures[1], [ca_cert]).intact


def test_a_certificate_is_encoded_once_per_process(person):
    cms._parts.cache_clear()
    for _ in range(3):
        cms.sign_detached(CONTENT, person)
    info = cms._parts.cache_info()
    assert info.misses == 2       # the person's certificate and the CA's, once each
    assert info.hits >= 4


def test_an_elliptic_curve_key_signs_too(ca, ca_cert):
    from asn1crypto import cms as acms
    from cryptography.hazmat.primitives.asymmetric import ec
    key = ec.generate_private_key(ec.SECP256R1())
    cert = pki.certify(*ca, key.public_key(), "Khóa EC", organization="HoSo tests")
    signer = Pkcs12Signer(key, cert, [ca_cert])
    sig = cms.sign_detached(CONTENT, signer)
    assert cms.verify_detached(CONTENT, sig, [ca_cert]).valid
    algorithm = acms.ContentInfo.load(sig)["content"]["signer_infos"][0]["signature_algorithm"]
    assert algorithm["algorithm"].native == "sha256_ecdsa"


def test_a_closed_key_file_signs_nothing(person_p12):
    signer = Pkcs12Signer.load(person_p12, PERSON_PIN)
    with signer:
        assert cms.sign_detached(CONTENT, signer)
    with pytest.raises(RuntimeError, match="closed"):
        cms.sign_detached(CONTENT, signer)
