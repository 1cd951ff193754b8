"""Loading the demo province (idempotent; refused in production by the CLI).

For now: a few units and one account per role. The catalogs/profiles piece
grows this into the realistic demo province (tree, schools, ~300 staff).
"""
from sqlalchemy import select

from app.core.demo import DEMO_LOADED_FLAG, DEMO_PASSWORD, DEMO_PEOPLE
from app.core.models import SystemFlag
from app.extensions import db
from app.org.models import Unit
from app.org.services import create_unit
from app.security.sync import sync_security

# (name, parent name)
DEMO_UNITS = [
    ("UBND tỉnh Vĩnh Phúc", None),
    ("Sở Nội vụ", "UBND tỉnh Vĩnh Phúc"),
    ("Sở Giáo dục và Đào tạo", "UBND tỉnh Vĩnh Phúc"),
    ("Trường THPT Chuyên Vĩnh Phúc", "Sở Giáo dục và Đào tạo"),
    ("Sở Y tế", "UBND tỉnh Vĩnh Phúc"),
]


def _ensure_unit(name, parent):
    unit = db.session.scalar(select(Unit).where(Unit.name == name))
    return unit or create_unit(name, parent)


def _ensure_user(sm, username, last_name, first_name, role_name, kind, unit):
    """A demo account, already past the first-login password change."""
    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(username=username, first_name=first_name, last_name=last_name,
                           email="%s@demo.hoso.invalid" % username,
                           role=sm.find_role(role_name), password=DEMO_PASSWORD)
        user.kind, user.unit, user.must_change_password = kind, unit, False
    return user


def seed_demo(appbuilder):
    """Create the demo units and accounts; returns (username, role name) pairs."""
    sync_security(appbuilder)
    units = {}
    for name, parent in DEMO_UNITS:
        units[name] = _ensure_unit(name, units.get(parent))
    sm = appbuilder.sm
    for username, (last_name, first_name, role_name, kind, unit_name) in DEMO_PEOPLE.items():
        _ensure_user(sm, username, last_name, first_name, role_name, kind, units.get(unit_name))
    if db.session.get(SystemFlag, DEMO_LOADED_FLAG) is None:
        db.session.add(SystemFlag(name=DEMO_LOADED_FLAG, value="vinh_phuc"))
    db.session.commit()
    return [(username, person[2]) for username, person in DEMO_PEOPLE.items()]
