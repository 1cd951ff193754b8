"""The demo's signing keys: a demo CA (trusted by this installation only),
a PIN-protected key for each demo account that signs, and an agency seal for
the province and each unit directly under it. Every certificate says
"DEMO - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ": nothing signed with them is legally valid."""
import secrets

from sqlalchemy import select

from app.approval import keys
from app.approval.models import SigningCredential
from app.extensions import db
from app.signing import pki

DEMO_PIN = "123456"
# the demo accounts that sign: approvals, exports, Sở Nội vụ's second step
SIGNING_ACCOUNTS = ("thutruong", "sonoivu")


def seed_signing(sm, root):
    """Create the demo keys once; a later run leaves them as they are."""
    if db.session.scalar(select(SigningCredential.id).limit(1)) is not None:
        return
    ca_key, ca_cert = pki.make_ca()
    keys.add_trusted_root(ca_cert)
    for username in SIGNING_ACCOUNTS:
        account = sm.find_user(username=username)
        if account is None:
            continue
        name = " ".join(filter(None, [account.last_name, account.first_name]))
        key, cert = pki.issue(ca_key, ca_cert, name, organization=pki.DEMO_ORGANIZATION,
                              email=account.email)
        keys.register_pkcs12(account, pki.to_pkcs12(key, cert, [ca_cert], DEMO_PIN),
                             DEMO_PIN, "Khóa demo của %s" % name)
    for unit in [root] + sorted(root.children, key=lambda u: u.id):
        if not unit.is_open:
            continue
        key, cert = pki.issue(ca_key, ca_cert, unit.name, organization=unit.name, seal=True)
        passphrase = secrets.token_urlsafe(24)
        keys.register_seal(unit, pki.to_pkcs12(key, cert, [ca_cert], passphrase), passphrase,
                           "Chữ ký số cơ quan (demo): %s" % unit.name)
