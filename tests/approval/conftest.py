"""A province where approvals can happen: the small province of
tests/security/world.py with records (tests/records/conftest.py), its heads
and deputies, and a signing key for each person who signs."""
import datetime as dt
from dataclasses import dataclass, field

import pytest

from app.accounts.models import Account
from app.approval import keys
from app.core import clock
from app.extensions import db
from app.org.models import LEADER_DEPUTY, LEADER_HEAD, UnitLeader
from app.records import services as records
from app.org.models import Employee
from app.security import roles, scope
from app.signing import pki
from app.signing.providers import Pkcs12Signer
from tests.conftest import SIGNING_TRUST_FILE, add_account
from tests.records.conftest import (  # noqa: F401  (fixtures)
    CAREER_ROW, COMPLETE, FAMILY_ROW, OFFICER_OWNED, people,
)
from tests.security import world as w

PIN = "2468"
PKI_START = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=365)
# more people than the records' tests need: a deputy of A and the province's head
LEADERS = {"photruong": ("Vũ Thị Mai", "A", roles.ROLE_HEAD),
           "chutich": ("Lý Văn Quang", "root", roles.ROLE_HEAD)}
# B's data officer, who enters what B decides (canbo does it for A)
OFFICERS = {"canbo_b": "B"}
SIGNERS = ("thutruong", "photruong", "chutich", "sonoivu")
# each agency's own seal (key file name -> unit): a copy is sealed by the agency its
# signer acts for, never by one above it; B and A1 have none
SEALS = {"seal": "root", "seal_A": "A", "seal_N": "N"}


@pytest.fixture
def app(make_app, smtp_server):
    """The tests' app, mailing to a real SMTP server of its own."""
    from tests.conftest import reset_data

    app = make_app(MAIL_SERVER=smtp_server.host, MAIL_PORT=str(smtp_server.port))
    yield app
    reset_data(app)


@dataclass
class Signing:
    ca: tuple
    p12: dict = field(default_factory=dict)       # username -> PKCS#12 bytes (PIN)
    credential: dict = field(default_factory=dict)  # username -> credential id

    def signer(self, username):
        return Pkcs12Signer.load(self.p12[username], PIN)


@pytest.fixture(scope="session")
def test_ca():
    """The tests' CA, trusted by every app the tests build."""
    ca_key, ca_cert = pki.make_ca("HoSo test CA", now=PKI_START)
    with open(SIGNING_TRUST_FILE, "ab") as handle:
        handle.write(pki.cert_pem(ca_cert))
    return ca_key, ca_cert


@pytest.fixture(scope="session")
def key_files(test_ca):
    """username -> PKCS#12 of a personal key (made once: RSA keys take time)."""
    files = {}
    for username in SIGNERS + tuple(SEALS):
        key, cert = pki.issue(*test_ca, "Người ký %s" % username, organization="HoSo tests",
                              seal=username in SEALS, now=PKI_START)
        files[username] = pki.to_pkcs12(key, cert, [test_ca[1]], PIN)
    return files


@pytest.fixture
def approvers(app, province, people, test_ca, key_files):
    """Heads and deputies in place, each signer's key registered, a seal for
    the province, A and N (SEALS). A is headed by thutruong with deputy photruong;
    the root by chutich; A1 has no head of its own (its people climb to A)."""
    signing = Signing(ca=test_ca, p12=dict(key_files))
    for username, unit_key in OFFICERS.items():
        province.accounts[username] = add_account(
            app, username, role=roles.ROLE_OFFICER, password=w.PASSWORD,
            unit_id=province.units[unit_key])
    for username, (name, unit_key, role) in LEADERS.items():
        province.accounts[username] = add_account(
            app, username, role=role, password=w.PASSWORD, unit_id=province.units[unit_key])
    with app.app_context():
        for username, (name, unit_key, role) in LEADERS.items():
            person = Employee(full_name=name, category="cong_chuc",
                              unit_id=province.units[unit_key],
                              account_id=province.accounts[username])
            db.session.add(person)
            db.session.flush()
            people.ids[username] = person.id
        since = clock.today() - dt.timedelta(days=400)
        for username, unit_key, position in (("thutruong", "A", LEADER_HEAD),
                                             ("photruong", "A", LEADER_DEPUTY),
                                             ("chutich", "root", LEADER_HEAD)):
            db.session.add(UnitLeader(unit_id=province.units[unit_key],
                                      employee_id=people.ids[username], position=position,
                                      valid_from=since))
        for username in SIGNERS:
            credential = keys.register_pkcs12(db.session.get(Account, province.accounts[username]),
                                              key_files[username], PIN, "Khóa " + username)
            signing.credential[username] = credential.id
        from app.org.models import Unit
        for name, unit_key in SEALS.items():
            keys.register_seal(db.session.get(Unit, province.units[unit_key]), key_files[name],
                               PIN, "Chữ ký số của cơ quan %s" % unit_key)
        db.session.commit()
        db.session.remove()
    return signing


def submitted(app, province, people, username, address="Phường Vĩnh Yên"):
    """``username``'s record completed by the person and the officer, and submitted."""
    with app.app_context():
        person = db.session.get(Employee, people.ids[username])
        actor = db.session.get(Account, province.accounts[username])
        officer = next(account(province, name) for name in ("canbo",) + tuple(OFFICERS)
                       if scope.allows(account(province, name), "write", person))
        first = records.approved_version(person) is None
        draft = records.open_draft(actor, person)
        fields = dict(COMPLETE, ho_ten=person.full_name, noi_o=address,
                      so_dinh_danh="0010850%05d" % person.id,
                      so_cccd="0010850%05d" % person.id)
        records.save(actor, draft, fields, {"qua_trinh_cong_tac": [CAREER_ROW],
                                            "gia_dinh_ban_than": [FAMILY_ROW]} if first else {},
                     draft.lock)
        if first:
            records.save(officer, draft, OFFICER_OWNED, {}, draft.lock)
        records.submit(actor, draft, draft.lock)
        version_id = draft.id
        db.session.remove()
    return version_id


def account(province, username):
    return db.session.get(Account, province.accounts[username])


def also_personal(app, province, username):
    """Give a head's account the personal role too, as a real head has: they keep
    their own record like everyone else."""
    with app.app_context():
        user = account(province, username)
        user.roles.append(app.appbuilder.sm.find_role(roles.ROLE_PERSONAL))
        db.session.commit()
        db.session.remove()
