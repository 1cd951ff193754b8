"""A small province for permission tests: units, one account per role, targets.

    UBND tỉnh (root)
    ├── Sở Giáo dục (A)  — canhan, canbo, thutruong, giaovien (same unit)
    │   └── Trường THPT số 1 (A1) — hocsinh... a teacher of the school (subtree)
    ├── Sở Y tế (B)      — bacsi (another unit)
    └── Sở Nội vụ (N)    — sonoivu
    quantri: no unit (technical administration)
"""
from dataclasses import dataclass, field

from sqlalchemy import select, update

from app.accounts.models import KIND_PERSONAL, Account
from app.audit import services as audit
from app.audit.models import AuditEntry
from app.catalogs.models import Catalog, CatalogEntry
from app.catalogs.services import load_shipped
from app.extensions import db
from app.org.services import create_unit
from app.security import roles
from tests.conftest import add_account

PASSWORD = "Matkhau@2026x"

ACTORS = {
    "canhan": (roles.ROLE_PERSONAL, "A"),
    "canbo": (roles.ROLE_OFFICER, "A"),
    "thutruong": (roles.ROLE_HEAD, "A"),
    "sonoivu": (roles.ROLE_SO_NOI_VU, "N"),
    "quantri": (roles.ROLE_ADMIN, None),
}
# Other people, by where they stand from an actor in unit A.
OTHERS = {"giaovien": "A", "giaovien_truong": "A1", "bacsi": "B"}
TARGET_UNITS = {"own": "A", "same_unit": "A", "subtree": "A1", "other_unit": "B"}


@dataclass
class World:
    units: dict = field(default_factory=dict)      # key -> id
    catalog_entry: int = 0                         # an entry of a catalog (not scoped)
    accounts: dict = field(default_factory=dict)   # username -> id
    baseline: dict = field(default_factory=dict)   # username -> password hash
    employees: dict = field(default_factory=dict)  # username -> employee id (build_records)
    versions: dict = field(default_factory=dict)   # username -> record version id
    attachments: dict = field(default_factory=dict)  # username -> attachment id


def build(app):
    world = World()
    with app.app_context():
        root = create_unit("UBND tỉnh")
        a = create_unit("Sở Giáo dục", root)
        a1 = create_unit("Trường THPT số 1", a)
        b = create_unit("Sở Y tế", root)
        n = create_unit("Sở Nội vụ", root)
        db.session.commit()
        world.units = {"root": root.id, "A": a.id, "A1": a1.id, "B": b.id, "N": n.id}
        load_shipped(names=["dan_toc"])
        world.catalog_entry = db.session.scalar(
            select(CatalogEntry.id).join(Catalog).where(Catalog.name == "dan_toc",
                                                        CatalogEntry.code == "01"))
        db.session.remove()
    for username, (role, unit_key) in ACTORS.items():
        world.accounts[username] = add_account(
            app, username, role=role, password=PASSWORD,
            unit_id=world.units[unit_key] if unit_key else None,
            kind="staff" if role in (roles.ROLE_ADMIN, roles.ROLE_SO_NOI_VU) else KIND_PERSONAL)
    for username, unit_key in OTHERS.items():
        world.accounts[username] = add_account(app, username, role=roles.ROLE_PERSONAL,
                                             password=PASSWORD, unit_id=world.units[unit_key],
                                             kind=KIND_PERSONAL)
    with app.app_context():
        for username, account_id in world.accounts.items():
            account = db.session.get(Account, account_id)
            world.baseline[username] = account.password
            # entries about each person, in their unit: targets for the audit views
            audit.record("account.create", account, actor=None)
        db.session.commit()
        db.session.remove()
    return world


def restore(app, world):
    """Undo whatever an allowed request did to the accounts and units."""
    with app.app_context():
        # one UPDATE per account in one round trip (the matrix restores after every request)
        db.session.execute(update(Account), [
            {"id": account_id, "password": world.baseline[username], "status": "active",
             "active": True, "must_change_password": False, "access_restricted": False,
             "access_expires_on": None, "fail_login_count": 0}
            for username, account_id in world.accounts.items()])
        db.session.commit()
        db.session.remove()


def account_targets(world, actor):
    """target name -> account id, seen from ``actor``."""
    return {"own": world.accounts[actor], "same_unit": world.accounts["giaovien"],
            "subtree": world.accounts["giaovien_truong"], "other_unit": world.accounts["bacsi"]}


def unit_targets(world, actor):
    return {"own": world.units["A"], "subtree": world.units["A1"],
            "other_unit": world.units["B"]}


def audit_targets(app, world, actor):
    """An entry written by the actor, and entries about people in A1 and B."""
    with app.app_context():
        def entry_about(username):
            return db.session.query(AuditEntry.id).filter(
                AuditEntry.object_type == "Account",
                AuditEntry.object_id == str(world.accounts[username])).order_by(
                AuditEntry.id.desc()).first()[0]

        own = db.session.query(AuditEntry.id).filter(
            AuditEntry.actor_id == world.accounts[actor]).order_by(AuditEntry.id.desc()).first()
        targets = {"subtree": entry_about("giaovien_truong"), "other_unit": entry_about("bacsi")}
        if own is not None:
            targets["own"] = own[0]
        db.session.remove()
    return targets


def expected_in_scope(scope, actor, target):
    """The oracle, written from the regulation's words, not from the code:
    own record / own unit subtree / province / system."""
    if scope in (roles.SCOPE_PROVINCE, roles.SCOPE_SYSTEM):
        return True
    if ACTORS[actor][1] != "A":
        # actors outside A (none with own/subtree scope today) see only themselves
        return target == "own"
    if scope == roles.SCOPE_SUBTREE:
        return target in ("own", "same_unit", "subtree")
    return target == "own"


# --- personal records (RecordView) -----------------------------------------------------------

RECORD_HOLDERS = {"canhan": "A", "canbo": "A", "thutruong": "A", "sonoivu": "N",
                  "giaovien": "A", "giaovien_truong": "A1", "bacsi": "B"}


def build_records(app, world):
    """A record for each person with an account, each with a submitted
    version: the requests of the matrix then change nothing (a submitted
    version can be neither edited, re-opened nor submitted again)."""
    from app.core import clock
    from app.files.store import file_store
    from app.org.models import Employee
    from app.records.models import SUBMITTED, Attachment, RecordVersion
    from app.records.services import empty_content

    world.employees, world.versions, world.attachments = {}, {}, {}
    with app.app_context():
        for username, unit_key in RECORD_HOLDERS.items():
            person = Employee(full_name=username, category="cong_chuc",
                              unit_id=world.units[unit_key], account_id=world.accounts[username])
            db.session.add(person)
            db.session.flush()
            now = clock.now()
            version = RecordVersion(employee_id=person.id, number=1, status=SUBMITTED,
                                    content=empty_content(), lock=0, completeness=0,
                                    created_at=now, updated_at=now, submitted_at=now)
            db.session.add(version)
            db.session.flush()
            document = b"%PDF-1.4\n% " + username.encode() + b"\n%%EOF\n"
            attachment = Attachment(employee_id=person.id, version_id=version.id, kind="khac",
                                    filename="%s.pdf" % username, content_type="application/pdf",
                                    size=len(document), sha256=file_store().put(document),
                                    uploaded_at=now)
            db.session.add(attachment)
            db.session.flush()
            world.employees[username], world.versions[username] = person.id, version.id
            world.attachments[username] = attachment.id
        db.session.commit()
        db.session.remove()


def _record_targets(ids, actor):
    targets = {"same_unit": ids["giaovien"], "subtree": ids["giaovien_truong"],
               "other_unit": ids["bacsi"]}
    if actor in ids:
        targets["own"] = ids[actor]
    return targets


def employee_targets(world, actor):
    return _record_targets(world.employees, actor)


def version_targets(world, actor):
    return _record_targets(world.versions, actor)


def attachment_targets(world, actor):
    return _record_targets(world.attachments, actor)
