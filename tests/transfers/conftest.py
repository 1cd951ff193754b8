"""Helpers of the transfer tests: the small province of tests/security/world.py (units
A, A1 below it, B, N; the officer, head and Sở Nội vụ accounts), a record for each
person, heads for A and B, an officer for B and one for an unrelated unit C, under the
profile a test asks for."""
import datetime
import hashlib
import json

import pytest
from sqlalchemy import func, select

from app.accounts.models import Account
from app.catalogs.services import load_shipped
from app.core import clock
from app.extensions import db
from app.org.models import LEADER_HEAD, Employee, Unit, UnitLeader
from app.org.services import create_unit
from app.records.models import RecordVersion
from app.security import roles
from tests.conftest import add_account, reset_data
from tests.security import world

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SCAN = ("qd-dieu-dong.pdf", PDF)
# a Monday with no holiday near it: terms counted from it are plain to check
MONDAY = datetime.date(2026, 12, 7)


def at(day, hour=9):
    return clock.freeze(datetime.datetime(day.year, day.month, day.day, hour))


def _province(make_app, profile):
    app = make_app(**({"PROVINCE_PROFILE": profile} if profile else {}))
    built = world.build(app)
    world.build_records(app, built)
    with app.app_context():
        units = built.units
        section = create_unit("Phòng Tổ chức cán bộ", db.session.get(Unit, units["A"]),
                              is_employing=False, unit_type="phong")
        c = create_unit("Sở Tài chính", db.session.get(Unit, units["root"]))
        x = create_unit("UBND xã An Bình", db.session.get(Unit, units["root"]),
                        unit_type="ubnd_xa")
        y = create_unit("UBND xã Hòa Lợi", db.session.get(Unit, units["root"]),
                        unit_type="ubnd_xa")
        db.session.commit()
        units.update({"A_section": section.id, "C": c.id, "X": x.id, "Y": y.id})
        # heads: thutruong heads A, bacsi heads B (approvers come from the tree)
        for unit_key, holder in (("A", "thutruong"), ("B", "bacsi")):
            db.session.add(UnitLeader(unit_id=units[unit_key],
                                      employee_id=built.employees[holder],
                                      position=LEADER_HEAD, valid_from=datetime.date(2020, 1, 1)))
        db.session.commit()
        load_shipped(names=["ngach", "chuc_danh_nghe_nghiep"])
        db.session.remove()
    for username, unit_key in (("canbo_b", "B"), ("canbo_c", "C"), ("canbo_x", "X")):
        built.accounts[username] = add_account(app, username, role=roles.ROLE_OFFICER,
                                               password=world.PASSWORD,
                                               unit_id=built.units[unit_key],
                                               kind="personal")
    with app.app_context():
        # a commune cán bộ with a record and an account in X
        account_id = add_account(app, "xa_canbo", role=roles.ROLE_PERSONAL,
                                 password=world.PASSWORD, unit_id=built.units["X"],
                                 kind="personal")
        built.accounts["xa_canbo"] = account_id
        person = Employee(full_name="Lê Văn Xã", category="cbcc_cap_xa",
                          unit_id=built.units["X"], account_id=account_id)
        db.session.add(person)
        db.session.commit()
        built.employees["xa_canbo"] = person.id
        db.session.remove()
    return app, built


@pytest.fixture
def transfer_app(make_app, request):
    """(app, world) under the profile named by ``indirect`` parametrization (else
    hai_phong)."""
    app, built = _province(make_app, getattr(request, "param", None) or "hai_phong")
    yield app, built
    reset_data(app)


def actor(world_, username):
    return db.session.get(Account, world_.accounts[username])


def person(world_, username):
    return db.session.get(Employee, world_.employees[username])


def decision(**changes):
    data = {"decision_number": "215/QĐ-UBND", "decision_date": "01/12/2026",
            "decided_by": "UBND tỉnh", "effective_on": "07/12/2026"}
    data.update(changes)
    return data


def record_fingerprint(employee_id):
    """(count, sha256 over every version's content) of one person's record."""
    versions = db.session.scalars(select(RecordVersion).where(
        RecordVersion.employee_id == employee_id).order_by(RecordVersion.number)).all()
    digest = hashlib.sha256()
    for version in versions:
        digest.update(json.dumps([version.number, version.status, version.content,
                                  version.sensitive], sort_keys=True).encode())
    return len(versions), digest.hexdigest()


def total_versions():
    return db.session.scalar(select(func.count()).select_from(RecordVersion))
