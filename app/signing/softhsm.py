"""A SoftHSM2 token in a directory of its own, standing in for a USB token or an HSM
in tests and the demo (Debian package softhsm2).

The key pair is generated inside the token (private key sensitive and not extractable),
the demo CA certifies its public key, and the certificate is stored on the token under
the key's label and CKA_ID, where `Pkcs11Signer` finds it.
"""
import os
import subprocess
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa

from app.signing import pki

LIBRARY_PATH = "/usr/lib/softhsm/libsofthsm2.so"


@dataclass
class SoftToken:
    directory: str
    conf_path: str
    label: str
    pin: str
    so_pin: str
    library_path: str = LIBRARY_PATH


def init_token(directory, *, label="HOSO-TEST", pin="123456", so_pin="12345678",
               library_path=LIBRARY_PATH):
    """Create a token in ``directory`` and point SOFTHSM2_CONF at its configuration
    (SoftHSM reads it when the library is first initialised in the process)."""
    token_dir = os.path.join(directory, "tokens")
    os.makedirs(token_dir, exist_ok=True)
    conf = os.path.join(directory, "softhsm2.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write("directories.tokendir = %s\nobjectstore.backend = file\n"
                "log.level = ERROR\nslots.removable = false\n" % token_dir)
    os.environ["SOFTHSM2_CONF"] = conf
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label,
                    "--pin", pin, "--so-pin", so_pin],
                   check=True, capture_output=True, env=dict(os.environ, SOFTHSM2_CONF=conf))
    return SoftToken(directory, conf, label, pin, so_pin, library_path)


def _session(token):
    import PyKCS11
    lib = PyKCS11.PyKCS11Lib()
    lib.load(token.library_path)
    for slot in lib.getSlotList(tokenPresent=True):
        if lib.getTokenInfo(slot).label.split("\0")[0].strip() == token.label:
            session = lib.openSession(slot, PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
            session.login(token.pin)
            return session
    raise LookupError("no token labelled %s" % token.label)


def generate_key(token, key_label, key_id=b"\x01", bits=2048):
    """An RSA key pair generated inside the token; returns the public key."""
    import PyKCS11 as P
    session = _session(token)
    try:
        public_template = [
            (P.CKA_CLASS, P.CKO_PUBLIC_KEY), (P.CKA_KEY_TYPE, P.CKK_RSA),
            (P.CKA_TOKEN, P.CK_TRUE), (P.CKA_PRIVATE, P.CK_FALSE),
            (P.CKA_VERIFY, P.CK_TRUE), (P.CKA_ENCRYPT, P.CK_FALSE),
            (P.CKA_MODULUS_BITS, bits), (P.CKA_PUBLIC_EXPONENT, (0x01, 0x00, 0x01)),
            (P.CKA_LABEL, key_label), (P.CKA_ID, tuple(key_id)),
        ]
        private_template = [
            (P.CKA_CLASS, P.CKO_PRIVATE_KEY), (P.CKA_KEY_TYPE, P.CKK_RSA),
            (P.CKA_TOKEN, P.CK_TRUE), (P.CKA_PRIVATE, P.CK_TRUE),
            (P.CKA_SENSITIVE, P.CK_TRUE), (P.CKA_EXTRACTABLE, P.CK_FALSE),
            (P.CKA_SIGN, P.CK_TRUE), (P.CKA_DECRYPT, P.CK_FALSE),
            (P.CKA_LABEL, key_label), (P.CKA_ID, tuple(key_id)),
        ]
        public, _private = session.generateKeyPair(
            public_template, private_template,
            mecha=P.Mechanism(P.CKM_RSA_PKCS_KEY_PAIR_GEN, None))
        modulus, exponent = session.getAttributeValue(
            public, [P.CKA_MODULUS, P.CKA_PUBLIC_EXPONENT], allAsBinary=True)
        return rsa.RSAPublicNumbers(int.from_bytes(bytes(exponent), "big"),
                                    int.from_bytes(bytes(modulus), "big")).public_key()
    finally:
        session.logout()
        session.closeSession()


def import_certificate(token, cert, label, key_id=b"\x01"):
    """Store ``cert`` on the token as an X.509 certificate object."""
    import PyKCS11 as P
    session = _session(token)
    try:
        session.createObject([
            (P.CKA_CLASS, P.CKO_CERTIFICATE), (P.CKA_CERTIFICATE_TYPE, P.CKC_X_509),
            (P.CKA_TOKEN, P.CK_TRUE), (P.CKA_PRIVATE, P.CK_FALSE),
            (P.CKA_LABEL, label), (P.CKA_ID, tuple(key_id)),
            (P.CKA_SUBJECT, tuple(cert.subject.public_bytes())),
            (P.CKA_ISSUER, tuple(cert.issuer.public_bytes())),
            (P.CKA_SERIAL_NUMBER, tuple(_der_integer(cert.serial_number))),
            (P.CKA_VALUE, tuple(pki.cert_der(cert))),
        ])
    finally:
        session.logout()
        session.closeSession()


def _der_integer(value):
    body = value.to_bytes((value.bit_length() + 8) // 8, "big")
    return bytes([0x02, len(body)]) + body


def provision(token, ca_key, ca_cert, common_name, *, organization, key_label,
              key_id=b"\x01", email=None, seal=False):
    """Key in the token, certificate from the demo CA, certificate on the token."""
    public_key = generate_key(token, key_label, key_id)
    cert = pki.certify(ca_key, ca_cert, public_key, common_name, organization=organization,
                       email=email, seal=seal)
    import_certificate(token, cert, key_label, key_id)
    return cert


def is_available(library_path=LIBRARY_PATH):
    return os.path.exists(library_path)

