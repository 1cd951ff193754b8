"""Detached CMS signatures (the `adbe.pkcs7.detached` kind, SHA-256, CAdES-style signed
attributes) over bytes such as a version's canonical JSON, and their verification.

Signing is our own, on asn1crypto: a `DetachedSigner` holds a signer with its certificate
chain encoded once, and each signature adds only what changes (signing time, message
digest, signature value). Building the same structures afresh for each signature, as
endesive does, re-encodes the certificate's issuer name inside signingCertificateV2 at
every call and costs tens of milliseconds; the RSA operation itself costs a fraction of one.
The encoded pieces of a certificate are public and cached per process by the
certificate's DER (`certificate_parts`); the key is never cached.

Verification is our own too, with asn1crypto and cryptography: it checks the message digest
against the data, the signature over the signed attributes, and the certificate chain
against the trusted roots given here and nothing else (no certifi web roots, no oscrypto).
"""
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass, field

from asn1crypto import algos, cms as acms, core, tsp
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from flask_babel import gettext as _

from app.signing import pki

HASH_NAME = "sha256"
_CRYPTO_HASHES = {"sha1": hashes.SHA1, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
                  "sha512": hashes.SHA512}
# how many certificates' encoded pieces a process keeps (signers, seals and their CAs)
CERTIFICATE_CACHE_SIZE = 512


@dataclass
class DetachedResult:
    intact: bool = False            # the signed message digest matches the data
    signature_ok: bool = False      # the signature over the signed attributes is correct
    trusted: bool = False           # the certificate chains to one of the given roots
    signer_name: str = ""
    certificate: x509.Certificate | None = None
    signed_at: dt.datetime | None = None    # signingTime (claimed by the signer)
    chain: list = field(default_factory=list)   # subjects, signer → root
    problems: list = field(default_factory=list)  # short user-facing strings

    @property
    def valid(self):
        return self.intact and self.signature_ok and self.trusted


# --- signing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateParts:
    """A certificate's pieces of a CMS, each DER-encoded once: the certificate itself,
    the signer identifier (issuer and serial number) and the signingCertificateV2
    attribute. Bytes only, so that threads share them safely; the methods give fresh
    asn1crypto objects that dump these bytes as they are, without re-encoding."""
    der: bytes
    sid: bytes
    signing_certificate_v2: bytes

    def certificate(self):
        return ax509.Certificate.load(self.der)

    def signer_identifier(self):
        return acms.SignerIdentifier.load(self.sid)

    def signing_certificate_attribute(self):
        return acms.CMSAttribute.load(self.signing_certificate_v2)


@functools.lru_cache(maxsize=CERTIFICATE_CACHE_SIZE)
def _parts(cert_der):
    cert = ax509.Certificate.load(cert_der)
    issuer_serial = {"issuer": cert.issuer, "serial_number": cert.serial_number}
    sid = acms.SignerIdentifier({
        "issuer_and_serial_number": acms.IssuerAndSerialNumber(issuer_serial)})
    v2 = acms.CMSAttribute({"type": "signing_certificate_v2", "values": (
        tsp.SigningCertificateV2({"certs": [tsp.ESSCertIDv2({
            "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "cert_hash": hashlib.sha256(cert_der).digest(),
            "issuer_serial": tsp.IssuerSerial({
                "issuer": [ax509.GeneralName({"directory_name": cert.issuer})],
                "serial_number": cert.serial_number}),
        })]}),)})
    return CertificateParts(cert_der, sid.dump(), v2.dump())


def certificate_parts(cert):
    """The encoded pieces of ``cert`` (cryptography certificate or DER), computed once
    per process for each certificate (keyed by its DER, i.e. its fingerprint)."""
    return _parts(cert if isinstance(cert, bytes) else pki.cert_der(cert))


def _attribute(kind, value):
    return acms.CMSAttribute({"type": kind, "values": (value,)})


def signed_attributes(digest, signing_time, cert_der):
    """CAdES-style signed attributes: contentType, signingTime, messageDigest,
    signingCertificateV2 (the last one encoded once per certificate)."""
    return [
        _attribute("content_type", "data"),
        _attribute("signing_time", acms.Time({"utc_time": core.UTCTime(signing_time)})),
        _attribute("message_digest", digest),
        certificate_parts(cert_der).signing_certificate_attribute(),
    ]


def _signing_time(signed_at):
    when = _utc(signed_at) or dt.datetime.now(dt.timezone.utc)
    return when.replace(microsecond=0)


def _signature_algorithm(certificate, hash_name):
    if isinstance(certificate.public_key(), ec.EllipticCurvePublicKey):
        return {"algorithm": "%s_ecdsa" % hash_name}
    return {"algorithm": "rsassa_pkcs1v15"}


def _der(tag, *parts):
    """One DER element: the one-byte ``tag``, the length, the concatenated ``parts``."""
    body = b"".join(parts)
    if len(body) < 0x80:
        length = bytes([len(body)])
    else:
        size = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(size)]) + size
    return bytes([tag]) + length + body


SEQUENCE, SET, OCTET_STRING, CONTEXT_0 = 0x30, 0x31, 0x04, 0xA0
VERSION_1 = b"\x02\x01\x01"     # INTEGER 1: SignedData and SignerInfo v1 (RFC 5652)
SIGNED_DATA_TYPE = core.ObjectIdentifier("1.2.840.113549.1.7.2").dump()


class DetachedSigner:
    """``signer`` (a `providers.Signer`) ready to make detached CMS signatures.

    Everything but the signed attributes and the signature value is encoded once,
    here: the certificates, the signer identifier, the algorithms. Each signature
    encodes its attributes with asn1crypto and puts the DER around them itself
    (asn1crypto rebuilding a whole SignedData re-encodes nested SETs at every dump).
    A batch makes one of these and signs each version with it. It holds the signer
    (and so its key) only as long as it lives itself.
    """

    def __init__(self, signer, hash_name=HASH_NAME):
        self.signer = signer
        self.hash_name = hash_name
        self.certificate = signer.certificate
        self.chain = list(signer.chain)
        self._parts = certificate_parts(signer.certificate)
        ders = [self._parts.der] + [certificate_parts(c).der for c in self.chain]
        certificates = acms.CertificateSet([
            acms.CertificateChoices(name="certificate", value=ax509.Certificate.load(der))
            for der in dict.fromkeys(ders)])
        digest_algorithm = algos.DigestAlgorithm({"algorithm": hash_name}).dump()
        # SignedData up to its signer infos: version, digestAlgorithms, an empty
        # (detached) encapContentInfo, certificates [0] IMPLICIT
        self._signed_data_head = (
            VERSION_1 + _der(SET, digest_algorithm)
            + acms.EncapsulatedContentInfo({"content_type": "data"}).dump()
            + _der(CONTEXT_0, certificates.contents))
        self._signer_info_head = VERSION_1 + self._parts.sid + digest_algorithm
        self._signature_algorithm = algos.SignedDigestAlgorithm(
            _signature_algorithm(signer.certificate, hash_name)).dump()

    @property
    def signer_name(self):
        return self.signer.signer_name

    def sign(self, data, *, signed_at=None):
        """A detached CMS (DER) over ``data``."""
        return self.sign_digest(hashlib.new(self.hash_name, bytes(data)).digest(),
                                signed_at=signed_at)

    def sign_digest(self, digest, *, signed_at=None):
        """A detached CMS (DER) over the data whose digest is ``digest``."""
        attrs = acms.CMSAttributes(
            signed_attributes(digest, _signing_time(signed_at), self._parts.der)).dump()
        # what is signed is the attributes as a SET (RFC 5652 §5.4); the SignerInfo
        # carries the same content under [0] IMPLICIT
        signature = self.signer.sign_raw(attrs, self.hash_name)
        signer_info = _der(SEQUENCE, self._signer_info_head, bytes([CONTEXT_0]) + attrs[1:],
                           self._signature_algorithm, _der(OCTET_STRING, signature))
        signed_data = _der(SEQUENCE, self._signed_data_head, _der(SET, signer_info))
        return _der(SEQUENCE, SIGNED_DATA_TYPE, _der(CONTEXT_0, signed_data))


def detached_signer(signer):
    """``signer`` as a `DetachedSigner` (itself if it already is one)."""
    return signer if isinstance(signer, DetachedSigner) else DetachedSigner(signer)


def endesive_attrs(signer, signed_at=None):
    """The `attrs` callable endesive calls with the message digest (PDF signatures)."""
    when = _signing_time(signed_at)
    cert_der = certificate_parts(signer.certificate).der

    def attrs(digest):
        return signed_attributes(digest, when, cert_der)
    return attrs


def sign_detached(data, signer, *, signed_at=None):
    """A detached CMS (DER) over ``data``, signed by ``signer`` (a `providers.Signer` or
    a `DetachedSigner` made for a batch)."""
    return detached_signer(signer).sign(data, signed_at=signed_at)


def _utc(when):
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def verify_detached(data, cms_der, trusted_roots, *, at=None):
    """Check a detached CMS over ``data``; the certificate must chain to one of
    ``trusted_roots`` (cryptography certificates). ``at`` is the time the chain must be
    valid at (default: the signing time the signer claims, else now)."""
    result = DetachedResult()
    try:
        info = acms.ContentInfo.load(bytes(cms_der))
        if info["content_type"].native != "signed_data":
            raise ValueError("not signed data")
        sd = info["content"]
        signer_info = sd["signer_infos"][0]
        certs = [x509.load_der_x509_certificate(c.chosen.dump())
                 for c in (sd["certificates"] or []) if c.name == "certificate"]
    except Exception:   # noqa: BLE001 - any parse failure means "not a signature"
        result.problems.append(_("This is not a readable signature."))
        return result
    if info["content"]["encap_content_info"]["content"].native not in (None, b""):
        result.problems.append(_("The signature is not detached."))
        return result

    cert = _signer_certificate(signer_info, certs)
    if cert is None:
        result.problems.append(_("The signer's certificate is missing from the signature."))
        return result
    result.certificate = cert
    result.signer_name = pki.subject_name(cert)

    hash_name = signer_info["digest_algorithm"]["algorithm"].native
    if hash_name not in _CRYPTO_HASHES:
        result.problems.append(_("The signature uses an unsupported digest algorithm."))
        return result
    digest = hashlib.new(hash_name, bytes(data)).digest()

    signed_attrs = signer_info["signed_attrs"]
    if signed_attrs:
        attrs = {a["type"].native: a["values"] for a in signed_attrs}
        md = attrs.get("message_digest")
        result.intact = md is not None and md[0].native == digest
        if "signing_time" in attrs:
            result.signed_at = _utc(attrs["signing_time"][0].native)
        if attrs.get("content_type") is None or attrs["content_type"][0].native != "data":
            result.intact = False
        to_verify = b"\x31" + signed_attrs.dump()[1:]
    else:
        to_verify = bytes(data)
    result.signature_ok = _check_signature(cert, signer_info, hash_name, to_verify)
    if not signed_attrs:
        result.intact = result.signature_ok
    if not result.intact:
        result.problems.append(_("The content was changed after it was signed."))
    if not result.signature_ok:
        result.problems.append(_("The signature value does not match the certificate."))

    when = _utc(at) or result.signed_at or dt.datetime.now(dt.timezone.utc)
    result.trusted, result.chain, problem = check_chain(cert, certs, trusted_roots, when)
    if problem:
        result.problems.append(problem)
    return result


def _signer_certificate(signer_info, certs):
    sid = signer_info["sid"]
    if sid.name == "issuer_and_serial_number":
        serial = sid.chosen["serial_number"].native
        issuer = sid.chosen["issuer"].dump()
        for c in certs:
            if c.serial_number == serial and ax509.Name.load(
                    c.issuer.public_bytes()).dump() == issuer:
                return c
        for c in certs:     # a re-encoded issuer name: match on the serial alone
            if c.serial_number == serial:
                return c
    else:
        ski = sid.chosen.native
        for c in certs:
            try:
                if c.extensions.get_extension_for_class(
                        x509.SubjectKeyIdentifier).value.digest == ski:
                    return c
            except x509.ExtensionNotFound:
                continue
    return None


def _check_signature(cert, signer_info, hash_name, to_verify):
    key = cert.public_key()
    algo = signer_info["signature_algorithm"]
    sig = signer_info["signature"].native
    algorithm = _CRYPTO_HASHES[hash_name]()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            if algo.signature_algo == "rsassa_pss":
                params = algo["parameters"]
                pss_hash = _CRYPTO_HASHES[params["hash_algorithm"]["algorithm"].native]()
                key.verify(sig, to_verify, padding.PSS(
                    mgf=padding.MGF1(pss_hash), salt_length=params["salt_length"].native),
                    pss_hash)
            else:
                key.verify(sig, to_verify, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(sig, to_verify, ec.ECDSA(algorithm))
        else:
            return False
    except (InvalidSignature, ValueError, KeyError):
        return False
    return True


def _valid_at(cert, when):
    return cert.not_valid_before_utc <= when <= cert.not_valid_after_utc


def _is_ca(cert):
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _issued_by(cert, issuer):
    try:
        cert.verify_directly_issued_by(issuer)
        return True
    except (ValueError, TypeError, InvalidSignature):
        return False


def check_chain(cert, candidates, trusted_roots, when):
    """Build the chain signer → one of ``trusted_roots`` from ``candidates`` (the
    certificates the signature carries) and check each link's signature and validity
    at ``when``. Returns ``(trusted, [subject strings], problem or None)``."""
    roots = list(trusted_roots or [])
    chain = [cert]
    current = cert
    for _depth in range(8):
        if not _valid_at(current, when):
            return False, _subjects(chain), _(
                "A certificate in the chain was not valid at the signing time.")
        for root in roots:
            if current == root:     # the signer's certificate is itself a root
                return True, _subjects(chain), None
        for root in roots:
            if root.subject == current.issuer and _issued_by(current, root):
                if not _valid_at(root, when):
                    return False, _subjects(chain + [root]), _(
                        "The root certificate was not valid at the signing time.")
                return True, _subjects(chain + [root]), None
        nxt = next((c for c in candidates if c not in chain and c.subject == current.issuer
                    and _is_ca(c) and _issued_by(current, c)), None)
        if nxt is None:
            break
        chain.append(nxt)
        current = nxt
    return False, _subjects(chain), _(
        "The certificate is not issued by a trusted certification authority.")


def _subjects(chain):
    return [c.subject.rfc4514_string() for c in chain]
