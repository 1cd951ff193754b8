"""A stand-in for an external signer (a USB token behind a desktop plugin, or a
remote-signing service): it sees only the digest the server sends, never the data, and
returns a detached CMS with signed attributes contentType, signingTime, messageDigest.

Written with asn1crypto and cryptography only, independently of app.signing.
"""
import datetime as dt

from asn1crypto import algos, cms, core
from asn1crypto import x509 as ax509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs12


def sign_digest(request, p12_bytes, pin, *, signing_time=None):
    """``request`` is what the server sent: {"algorithm": "sha256", "digest": hex}."""
    assert request["algorithm"] == "sha256"
    digest = bytes.fromhex(request["digest"])
    key, cert, extra = pkcs12.load_key_and_certificates(p12_bytes, pin.encode())
    asn_cert = ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    others = [ax509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
              for c in extra or []]
    when = (signing_time or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    signed_attrs = cms.CMSAttributes([
        cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        cms.CMSAttribute({"type": "signing_time",
                          "values": [cms.Time({"utc_time": core.UTCTime(when)})]}),
        cms.CMSAttribute({"type": "message_digest", "values": [digest]}),
    ])
    signature = key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber({
            "issuer": asn_cert.issuer, "serial_number": asn_cert.serial_number})}),
        "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "signed_attrs": signed_attrs,
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}),
        "signature": signature,
    })
    signed_data = cms.SignedData({
        "version": "v1",
        "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": {"content_type": "data"},
        "certificates": [asn_cert] + others,
        "signer_infos": [signer_info],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
