"""Who holds the key: one `Signer` interface, three providers.

- `Pkcs12Signer`: a person's key file (PKCS#12), unlocked with the PIN the person types
  at signing time; the server never keeps that PIN.
- `Pkcs11Signer`: a key inside a token or HSM (PyKCS11; SoftHSM2 in tests), e.g. the
  agency seal.
- External signing (a USB token through a desktop plugin, or a remote-signing service):
  only a SHA-256 digest leaves the server (`prepare_external`), a detached CMS comes back
  and is accepted only if it verifies against the same data (`accept_external`).
"""
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.serialization import pkcs12
from flask_babel import gettext as _

from app.core.exceptions import DomainError
from app.signing import pki

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class SigningError(DomainError):
    """Signing or accepting a signature failed; the message is for the user."""


class Signer:
    """A signing key and its certificate.

    Subclasses set `certificate` (a cryptography certificate) and `chain` (the issuing
    certificates, signer's issuer first) and implement `sign_raw`.
    """
    certificate: x509.Certificate
    chain: list

    @property
    def signer_name(self):
        return pki.subject_name(self.certificate)

    def sign_raw(self, data, hash_name="sha256"):
        """The raw signature (RSA PKCS#1 v1.5 or ECDSA) over ``data``."""
        raise NotImplementedError

    def close(self):
        """Let go of the key (a token's session); a key file needs nothing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def endesive_hsm(self):
        """This signer as endesive's `hsm` interface (`certificate()`, `sign()`)."""
        from app.signing._endesive import SignerHSM
        return SignerHSM(self)


class Pkcs12Signer(Signer):
    """A key from a PKCS#12 file, unlocked in memory for one signing request or batch;
    `close` (the end of a ``with`` block) lets go of the key."""

    def __init__(self, key, certificate, chain=()):
        self._key = key
        self.certificate = certificate
        self.chain = list(chain)

    @classmethod
    def load(cls, p12_bytes, pin):
        """Open the key file with the PIN; the PIN itself is not kept."""
        try:
            key, cert, extra = pkcs12.load_key_and_certificates(
                p12_bytes, (pin or "").encode("utf-8"))
        except (ValueError, TypeError):
            raise SigningError(_("The PIN is wrong or the key file is damaged.")) from None
        if key is None or cert is None:
            raise SigningError(_("The key file holds no signing key and certificate."))
        return cls(key, cert, extra or ())

    def sign_raw(self, data, hash_name="sha256"):
        if self._key is None:
            raise RuntimeError("this key file signer is closed")
        algorithm = HASHES[hash_name.lower()]()
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(algorithm))
        return self._key.sign(data, padding.PKCS1v15(), algorithm)

    def close(self):
        """Forget the unlocked key: nothing of it outlives the request or the batch."""
        self._key = None


class Pkcs11Signer(Signer):
    """A private key that stays inside a PKCS#11 token (an HSM, a USB token, SoftHSM2).

    The certificate is read from the token: a certificate object with the same label
    (or the same CKA_ID) as the key. Close the signer (or use it in a ``with``) to log
    out of the token.
    """

    def __init__(self, library_path, token_label, pin, key_label, chain=()):
        import PyKCS11
        self._pk = PyKCS11
        self._session = None
        lib = self._lib = PyKCS11.PyKCS11Lib()   # kept: the session needs the library
        try:
            lib.load(library_path)
        except PyKCS11.PyKCS11Error:
            raise SigningError(_("The signing token's library cannot be loaded.")) from None
        slot = _find_slot(lib, token_label)
        if slot is None:
            raise SigningError(_("The signing token is not connected."))
        self._session = lib.openSession(slot, PyKCS11.CKF_SERIAL_SESSION)
        try:
            self._session.login(pin)
        except PyKCS11.PyKCS11Error as exc:
            self._session.closeSession()
            if exc.value in (PyKCS11.CKR_PIN_INCORRECT, PyKCS11.CKR_PIN_LEN_RANGE,
                             PyKCS11.CKR_PIN_INVALID):
                raise SigningError(_("The token PIN is wrong.")) from None
            if exc.value == PyKCS11.CKR_PIN_LOCKED:
                raise SigningError(_("The token PIN is locked.")) from None
            raise SigningError(_("The signing token refused to log in.")) from None
        self._key = self._find(PyKCS11.CKO_PRIVATE_KEY, key_label)
        if self._key is None:
            self.close()
            raise SigningError(_("The signing key is not on the token."))
        cert_obj = self._find(PyKCS11.CKO_CERTIFICATE, key_label)
        if cert_obj is None:
            key_id = self._attr(self._key, PyKCS11.CKA_ID)
            if key_id:
                found = self._session.findObjects([(PyKCS11.CKA_CLASS, PyKCS11.CKO_CERTIFICATE),
                                                   (PyKCS11.CKA_ID, key_id)])
                cert_obj = found[0] if found else None
        if cert_obj is None:
            self.close()
            raise SigningError(_("The token holds no certificate for the signing key."))
        self.certificate = x509.load_der_x509_certificate(
            bytes(self._attr(cert_obj, PyKCS11.CKA_VALUE)))
        self._is_ec = self._attr(self._key, PyKCS11.CKA_KEY_TYPE) == PyKCS11.CKK_EC
        self.chain = list(chain)

    def _find(self, cls, label):
        found = self._session.findObjects([(self._pk.CKA_CLASS, cls),
                                           (self._pk.CKA_LABEL, label)])
        return found[0] if found else None

    def _attr(self, obj, attr):
        return self._session.getAttributeValue(obj, [attr], allAsBinary=True)[0]

    def sign_raw(self, data, hash_name="sha256"):
        pk = self._pk
        if self._session is None:
            raise SigningError(_("The signing token session is closed."))
        try:
            if self._is_ec:
                raise SigningError(_("Elliptic-curve keys on tokens are not supported yet."))
            mech = {"sha256": pk.CKM_SHA256_RSA_PKCS, "sha384": pk.CKM_SHA384_RSA_PKCS,
                    "sha512": pk.CKM_SHA512_RSA_PKCS}[hash_name.lower()]
            return bytes(self._session.sign(self._key, data, pk.Mechanism(mech, None)))
        except pk.PyKCS11Error:
            raise SigningError(_("The signing token refused to sign.")) from None

    def close(self):
        if getattr(self, "_session", None) is not None:
            try:
                self._session.logout()
            except self._pk.PyKCS11Error:
                pass
            self._session.closeSession()
            self._session = None



def _find_slot(lib, token_label):
    for slot in lib.getSlotList(tokenPresent=True):
        label = lib.getTokenInfo(slot).label.split("\0")[0].strip()
        if label == token_label:
            return slot
    return None


def prepare_external(data):
    """What leaves the server for an external signer: the algorithm and the digest."""
    return {"algorithm": "sha256", "digest": hashlib.sha256(data).hexdigest()}


def accept_external(data, cms_der, trusted_roots):
    """Check a detached CMS that came back from an external signer against ``data``.

    Returns the `DetachedResult`; raises `SigningError` (with the problems) unless the
    signature is intact, correct and from a trusted certificate.
    """
    from app.signing.cms import verify_detached
    result = verify_detached(data, cms_der, trusted_roots)
    if not result.valid:
        raise SigningError(_("The returned signature was refused: %(problems)s",
                             problems="; ".join(str(p) for p in result.problems)))
    return result
