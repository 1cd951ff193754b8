"""A demo PKI made with `cryptography`: a CA, person and agency-seal certificates.

Every subject is marked as a demo (OU ``DEMO - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ``) so that no
document signed with these keys can pass for a legally valid one.
"""
import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_CA_NAME = "HoSo CBCCVC DEMO CA"
DEMO_OU = "DEMO - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
DEMO_ORGANIZATION = "HoSo CBCCVC DEMO"
CA_YEARS = 10
CERT_YEARS = 5


def _now(now):
    if now is None:
        now = dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    return now


def _years(start, years):
    return start + dt.timedelta(days=365 * years + years // 4)


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name, organization, email=None):
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
             x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
             x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_OU),
             x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attrs)


def make_ca(common_name=DEMO_CA_NAME, *, now=None, years=CA_YEARS):
    """A self-signed demo CA: ``(private key, certificate)``."""
    now = _now(now)
    key = _new_key()
    name = _name(common_name, DEMO_ORGANIZATION)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(_years(now, years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(ski, critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return key, cert


def certify(ca_key, ca_cert, public_key, common_name, *, organization, email=None,
            seal=False, now=None, years=CERT_YEARS):
    """A signing certificate from the demo CA for an existing public key (e.g. one
    generated inside a token). ``seal`` marks an agency's organisation certificate."""
    now = _now(now)
    not_after = min(_years(now, years), ca_cert.not_valid_after_utc)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(common_name, organization, None if seal else email))
               .issuer_name(ca_cert.subject)
               .public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(minutes=5))
               .not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=True, content_commitment=True, key_encipherment=False,
                   data_encipherment=False, key_agreement=False, key_cert_sign=False,
                   crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                              critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   ca_cert.public_key()), critical=False))
    if email and not seal:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def issue(ca_key, ca_cert, common_name, *, organization, email=None, seal=False,
          now=None, years=CERT_YEARS):
    """A new RSA 2048 key and its demo certificate: ``(private key, certificate)``."""
    key = _new_key()
    cert = certify(ca_key, ca_cert, key.public_key(), common_name,
                   organization=organization, email=email, seal=seal, now=now, years=years)
    return key, cert


def to_pkcs12(key, cert, chain, pin):
    """PKCS#12 bytes protected by ``pin`` (the key file a signer keeps)."""
    return pkcs12.serialize_key_and_certificates(
        name=subject_name(cert).encode("utf-8"), key=key, cert=cert,
        cas=list(chain or []),
        encryption_algorithm=serialization.BestAvailableEncryption(pin.encode("utf-8")))


def cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def cert_der(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def load_cert(data):
    """A certificate from PEM or DER bytes."""
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def load_pem_bundle(data):
    """Every certificate in PEM bytes (a trust file); an empty list for none."""
    if b"-----BEGIN CERTIFICATE-----" not in data:
        return []
    return x509.load_pem_x509_certificates(data)


def subject_name(cert):
    """The certificate's common name (or the whole subject when it has none)."""
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return cns[0].value if cns else cert.subject.rfc4514_string()


def is_demo(cert):
    """Whether the certificate is one of the demo PKI's (its OU says so)."""
    return any(a.value == DEMO_OU for a in cert.subject.get_attributes_for_oid(
        NameOID.ORGANIZATIONAL_UNIT_NAME))


def describe(cert):
    """What a person is shown about a certificate."""
    return {
        "subject": cert.subject.rfc4514_string(),
        "common_name": subject_name(cert),
        "issuer": cert.issuer.rfc4514_string(),
        "serial": format(cert.serial_number, "X"),
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
        "demo": any(a.value == DEMO_OU for a in cert.subject.get_attributes_for_oid(
            NameOID.ORGANIZATIONAL_UNIT_NAME)),
    }
