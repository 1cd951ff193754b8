"""Detached CMS over canonical content: sign, verify, and every way it must fail."""
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
