"""The demo's signing keys: a demo CA (trusted by this installation only),
a PIN-protected key for each demo account that signs, and an agency seal for
the province, each unit directly under it and each unit a demo signer signs for
(the principal's school: a copy he signs carries the school's seal, never its Sở's;
exports.acting_agency). Every certificate says "DEMO - KHÔNG CÓ GIÁ TRỊ PHÁP LÝ":
nothing signed with them is legally valid."""
import secrets

from sqlalchemy import select

from app.approval import authority, keys
from app.approval.models import SigningCredential
from app.core import clock
from app.extensions import db
from app.org.models import LEADER_DEPUTY, LEADER_HEAD, Employee, Unit, UnitLeader
from app.signing import pki

DEMO_PIN = "123456"
# the demo accounts that sign: approvals, exports, Sở Nội vụ's second step
SIGNING_ACCOUNTS = ("thutruong", "giamdoc", "sonoivu")


def _signers(sm):
    return [account for account in (sm.find_user(username=name) for name in SIGNING_ACCOUNTS)
            if account is not None]


def _units_signed_for(account):
    """The agencies ``account`` signs copies for: the open employing units its person
    heads or is a deputy of, and its own (Sở Nội vụ's staff sign for Sở Nội vụ)."""
    me = db.session.scalar(select(Employee).where(Employee.account_id == account.id))
    units = []
    if me is not None:
        units += db.session.scalars(
            select(Unit).join(UnitLeader, UnitLeader.unit_id == Unit.id)
            .where(UnitLeader.employee_id == me.id,
                   UnitLeader.position.in_((LEADER_HEAD, LEADER_DEPUTY)),
                   UnitLeader.holds_on(clock.today()), Unit.is_employing.is_(True))
            .order_by(Unit.id))
    if account.unit is not None:
        units.append(authority.employing_unit(account.unit))
    return units


def seal_units(sm, root):
    """The demo's units with a seal: the province, the units directly under it, and
    every unit a demo signer signs for; open ones, each once."""
    units = [root] + sorted(root.children, key=lambda u: u.id)
    for account in _signers(sm):
        units += _units_signed_for(account)
    return [unit for unit in dict.fromkeys(units) if unit is not None and unit.is_open]


def seed_signing(sm, root):
    """Create the demo keys; a later run adds only what is missing (a signer without
    any key, a unit above without its seal), under a new demo CA it trusts, and leaves
    the others as they are."""
    accounts = [account for account in _signers(sm) if db.session.scalar(
        select(SigningCredential.id).where(SigningCredential.account_id == account.id)
        .limit(1)) is None]
    units = [unit for unit in seal_units(sm, root) if keys.seal_credential(unit) is None]
    if not accounts and not units:
        return
    ca_key, ca_cert = pki.make_ca()
    keys.add_trusted_root(ca_cert)
    for account in accounts:
        name = " ".join(filter(None, [account.last_name, account.first_name]))
        key, cert = pki.issue(ca_key, ca_cert, name, organization=pki.DEMO_ORGANIZATION,
                              email=account.email)
        keys.register_pkcs12(account, pki.to_pkcs12(key, cert, [ca_cert], DEMO_PIN),
                             DEMO_PIN, "Khóa demo của %s" % name)
    for unit in units:
        key, cert = pki.issue(ca_key, ca_cert, unit.name, organization=unit.name, seal=True)
        passphrase = secrets.token_urlsafe(24)
        keys.register_seal(unit, pki.to_pkcs12(key, cert, [ca_cert], passphrase), passphrase,
                           "Chữ ký số cơ quan (demo): %s" % unit.name)
