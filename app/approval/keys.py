"""The signing keys the province's people and agencies hold (DESIGN §6, §9).

A person signs with their own key: a PKCS#12 file their PIN unlocks at
signing time (the PIN is never stored), a PKCS#11 token, or an external
signer (a USB token through a desktop plugin, or a remote signing service).
An agency's seal is held by the server: its passphrase is encrypted with the
record keys. Only the CAs in ``SIGNING_TRUST_FILE`` are trusted.
"""
import datetime
import os
from contextlib import contextmanager

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import Account
from app.approval.models import (
    KIND_EXTERNAL, KIND_PKCS11, KIND_PKCS12, SigningCredential,
)
from app.audit import services as audit
from app.audit.models import AuditEntry
from app.core import clock, crypto
from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.extensions import db
from app.signing import pki
from app.signing.cms import check_chain
from app.signing.providers import Pkcs11Signer, Pkcs12Signer, SigningError


def trusted_roots():
    """The trusted CA certificates; an empty list when none is configured."""
    path = current_app.config["SIGNING_TRUST_FILE"]
    if not os.path.exists(path):
        return []
    with open(path, "rb") as handle:
        return pki.load_pem_bundle(handle.read())


def add_trusted_root(cert):
    """Append a CA certificate to the trust file (the demo's CA, or a province's)."""
    path = current_app.config["SIGNING_TRUST_FILE"]
    known = {pki.cert_der(c) for c in trusted_roots()}
    if pki.cert_der(cert) in known:
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "ab") as handle:
        handle.write(pki.cert_pem(cert))


def credentials_of(account):
    return list(db.session.scalars(select(SigningCredential).where(
        SigningCredential.account_id == account.id,
        SigningCredential.revoked_at.is_(None)).order_by(SigningCredential.id)))


def credential_of(account, credential_id):
    """The account's own credential ``credential_id`` (or its only one)."""
    mine = credentials_of(account)
    for credential in mine:
        if credential_id is None or credential.id == credential_id:
            return credential
    raise DomainError(_("You have no signing key registered; ask Sở Nội vụ to register "
                        "your certificate."))


def _store(credential):
    credential.created_at = clock.now()
    db.session.add(credential)
    db.session.flush()
    return credential


def _require_trusted(certificate, chain=()):
    """Refuse a certificate that does not chain to a trusted CA today."""
    trusted, _subjects, problem = check_chain(certificate, list(chain), trusted_roots(),
                                              clock.now())
    if not trusted:
        raise DomainError(problem or _("The certificate is not issued by a trusted "
                                       "certification authority."))


def register_pkcs12(account, p12_bytes, pin, label):
    """Keep a person's key file; the PIN only proves the file opens."""
    try:
        signer = Pkcs12Signer.load(p12_bytes, pin)
    except SigningError as error:
        raise DomainError(str(error)) from None
    _require_trusted(signer.certificate, signer.chain)
    return _store(SigningCredential(
        account_id=account.id, kind=KIND_PKCS12, label=label,
        certificate=pki.cert_der(signer.certificate), pkcs12=crypto.encrypt_bytes(p12_bytes)))


def register_pkcs11(account, certificate, token_label, key_label, label):
    return _store(SigningCredential(
        account_id=account.id, kind=KIND_PKCS11, label=label,
        certificate=pki.cert_der(certificate), token_label=token_label, key_label=key_label))


def register_external(account, certificate, label):
    _require_trusted(certificate)
    return _store(SigningCredential(
        account_id=account.id, kind=KIND_EXTERNAL, label=label,
        certificate=pki.cert_der(certificate)))


def register_seal(unit, p12_bytes, passphrase, label):
    signer = Pkcs12Signer.load(p12_bytes, passphrase)
    _require_trusted(signer.certificate, signer.chain)
    return _store(SigningCredential(
        unit_id=unit.id, kind=KIND_PKCS12, label=label,
        certificate=pki.cert_der(signer.certificate), pkcs12=crypto.encrypt_bytes(p12_bytes),
        seal_passphrase=crypto.encrypt_text(passphrase)))


def register_hsm_seal(unit, token_label, key_label, pin, label):
    """A unit's seal whose key stays in the HSM; the server holds the HSM's PIN,
    encrypted with the record keys, and checks now that it opens the key."""
    try:
        with Pkcs11Signer(current_app.config["PKCS11_LIBRARY"], token_label, pin,
                          key_label) as signer:
            certificate = signer.certificate
    except SigningError as error:
        raise DomainError(str(error)) from None
    _require_trusted(certificate)
    return _store(SigningCredential(
        unit_id=unit.id, kind=KIND_PKCS11, label=label, certificate=pki.cert_der(certificate),
        token_label=token_label, key_label=key_label, seal_passphrase=crypto.encrypt_text(pin)))


@atomic
def add_own_key(account, upload, pin, label):
    """A person registers their own key: a PKCS#12 file (its PIN proves it opens,
    and is not kept) or, for a token or remote signing, the certificate alone."""
    label = (label or "").strip()[:255]
    if not upload:
        raise DomainError(_("Choose your key file (.p12, .pfx) or certificate (.cer, .crt)."))
    if pin:
        credential = register_pkcs12(account, upload, pin, label or _("Key file"))
    else:
        try:
            certificate = pki.load_cert(upload)
        except ValueError:
            raise DomainError(_("This file is neither a key file opened by the PIN given nor "
                                "a certificate.")) from None
        credential = register_external(account, certificate, label or _("Signing token"))
    audit.record("signing.key_add", credential, details={
        "kind": credential.kind, "serial": format(certificate_of(credential).serial_number,
                                                  "x")})
    return credential


@atomic
def revoke_own_key(account, credential_id):
    credential = next((c for c in credentials_of(account) if c.id == credential_id), None)
    if credential is None:
        raise DomainError(_("This key is not yours."))
    credential.revoked_at = clock.now()
    audit.record("signing.key_revoke", credential, details={"kind": credential.kind})
    return credential


PIN_FAILED = "signing.pin_failed"
PIN_REFUSED = "signing.pin_refused"


def _pin_failures_since(account_id, since):
    """The account's wrong PINs since ``since``: (how many, the oldest one's time)."""
    return db.session.execute(select(func.count(AuditEntry.id), func.min(AuditEntry.at)).where(
        AuditEntry.action == PIN_FAILED, AuditEntry.actor_id == account_id,
        AuditEntry.at >= since)).one()


def _refuse_pin_guessing(credential):
    """PIN_MAX_FAILURES wrong PINs within PIN_FAILURE_WINDOW_MINUTES and the account's
    keys unlock nothing until the oldest of them leaves the window; the refusal is
    audited too."""
    config = current_app.config
    window = datetime.timedelta(minutes=config["PIN_FAILURE_WINDOW_MINUTES"])
    now = clock.now().astimezone(datetime.timezone.utc)
    failures, oldest = _pin_failures_since(credential.account_id, now - window)
    if failures < config["PIN_MAX_FAILURES"]:
        return failures
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=datetime.timezone.utc)
    minutes = max(1, -(-int((oldest + window - now).total_seconds()) // 60))
    audit.record(PIN_REFUSED, credential, actor=db.session.get(Account, credential.account_id),
                 details={"kind": credential.kind, "failures": failures})
    db.session.commit()
    raise DomainError(_("Too many wrong PINs: your keys are blocked for %(minutes)d more "
                        "minutes.", minutes=minutes))


def signer_for(credential, pin):
    """Unlock the credential with the signer's PIN for this one request. Every wrong
    PIN is audited (and committed: the caller's refusal does not undo it), and too
    many in a row block the account's keys for a while (_refuse_pin_guessing)."""
    if credential.kind not in (KIND_PKCS12, KIND_PKCS11):
        raise DomainError(_("This key signs outside the server: use your signing plugin."))
    personal = credential.account_id is not None
    failures = _refuse_pin_guessing(credential) if personal else 0
    try:
        if credential.kind == KIND_PKCS12:
            return Pkcs12Signer.load(crypto.decrypt_bytes(credential.pkcs12), pin or "")
        return Pkcs11Signer(current_app.config["PKCS11_LIBRARY"], credential.token_label,
                            pin or "", credential.key_label)
    except SigningError as error:
        if personal:
            audit.record(PIN_FAILED, credential,
                         actor=db.session.get(Account, credential.account_id),
                         details={"kind": credential.kind, "failures": failures + 1})
            db.session.commit()
        raise DomainError(str(error)) from None


def signer_from_form(account, form):
    """(signer, kind) of the key a signing form names (``credential``, else the account's
    only one), unlocked with the form's ``pin`` for this request."""
    credential = credential_of(account, form.get("credential", type=int))
    if credential.kind == KIND_EXTERNAL:
        raise DomainError(_("This key signs outside the server: open a version and use "
                            "\"Sign with my token\"."))
    return signer_for(credential, form.get("pin", "")), credential.kind


@contextmanager
def unlocked(credential, pin):
    """The credential's key unlocked with the PIN (`signer_for`) for one block: a
    request, or a batch (`services.approve_many` enters it once for all its versions).
    The key file is opened, or the token session started, once, when the block
    starts, and let go of when it ends."""
    signer = signer_for(credential, pin)
    try:
        yield signer
    finally:
        signer.close()


def seal_credential(unit):
    """The seal registered for the agency ``unit`` itself (its newest in force), or None.
    A unit above never lends its own: a school's copy sealed by its Sở would be signed
    in another agency's name (Điều 6.4 HP, 9.5 ĐN, 9.4 VP)."""
    return db.session.scalar(select(SigningCredential).where(
        SigningCredential.unit_id == unit.id, SigningCredential.revoked_at.is_(None))
        .order_by(SigningCredential.id.desc()).limit(1))


def seal_signer(unit):
    """The seal of the agency ``unit``, opened; refused when it has none."""
    credential = seal_credential(unit)
    if credential is None:
        raise DomainError(_("%(agency)s has no agency seal (digital signature of the agency) "
                            "registered, so nothing was signed: a copy is never sealed with "
                            "another agency's seal. Ask Sở Nội vụ to register the seal of "
                            "%(agency)s.", agency=unit.name))
    secret = crypto.decrypt_text(credential.seal_passphrase)
    if credential.kind == KIND_PKCS11:
        try:
            return Pkcs11Signer(current_app.config["PKCS11_LIBRARY"], credential.token_label,
                                secret, credential.key_label)
        except SigningError as error:
            raise DomainError(str(error)) from None
    return Pkcs12Signer.load(crypto.decrypt_bytes(credential.pkcs12), secret)


def certificate_of(credential):
    return pki.load_cert(credential.certificate)
