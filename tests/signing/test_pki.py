"""The demo PKI: what the certificates say and that they say they are demos."""
import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from app.signing import pki


def test_demo_certificates():
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    ca_key, ca_cert = pki.make_ca(now=now)
    key, cert = pki.issue(ca_key, ca_cert, "Nguyễn Văn An", organization="UBND xã Hòa Bình",
                          email="an@example.vn", now=now)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    assert pki.subject_name(ca_cert) == "HoSo CBCCVC DEMO CA"
    assert pki.subject_name(cert) == "Nguyễn Văn An"
    for c in (ca_cert, cert):
        ou = c.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value
        assert ou == "DEMO - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert cert.signature_hash_algorithm.name == "sha256"
    assert cert.not_valid_after_utc.year == 2031
    cert.verify_directly_issued_by(ca_cert)
    info = pki.describe(cert)
    assert info["demo"] and info["common_name"] == "Nguyễn Văn An"
    assert "CN=HoSo CBCCVC DEMO CA" in info["issuer"]
    assert pki.load_cert(pki.cert_pem(cert)) == pki.load_cert(pki.cert_der(cert)) == cert


def test_seal_has_no_email(ca):
    _key, cert = pki.issue(*ca, "Sở Nội vụ", organization="Sở Nội vụ", email="x@y.vn",
                           seal=True)
    assert not cert.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)


def test_pem_bundle(ca, other_ca):
    bundle = pki.cert_pem(ca[1]) + pki.cert_pem(other_ca[1])
    assert pki.load_pem_bundle(bundle) == [ca[1], other_ca[1]]
    assert pki.load_pem_bundle(b"") == []
