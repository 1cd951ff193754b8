"""Loading the demo province (idempotent; refused in production by the CLI).

For now: a few units and one account per role. The catalogs/profiles piece
grows this into the realistic demo province (tree, schools, ~300 staff).
"""
from flask_babel import force_locale
from sqlalchemy import select

from app.core.demo import DEMO_ACCOUNTS, DEMO_LOADED_FLAG, DEMO_PASSWORD
from app.core.models import SystemFlag
from app.extensions import db
from app.org.models import Unit
from app.org.services import create_unit
from app.security import roles
from app.security.sync import sync_security

# (name, parent name)
DEMO_UNITS = [
    ("UBND tỉnh Vĩnh Phúc", None),
    ("Sở Nội vụ", "UBND tỉnh Vĩnh Phúc"),
    ("Sở Giáo dục và Đào tạo", "UBND tỉnh Vĩnh Phúc"),
    ("Trường THPT Chuyên Vĩnh Phúc", "Sở Giáo dục và Đào tạo"),
    ("Sở Y tế", "UBND tỉnh Vĩnh Phúc"),
]
# username -> (họ và tên đệm, tên, role, account kind, unit name)
DEMO_PEOPLE = {
    "quantri": ("Lê Văn", "Thành", roles.ROLE_ADMIN, "staff", None),
    "sonoivu": ("Phạm Thị", "Lan", roles.ROLE_SO_NOI_VU, "staff", "Sở Nội vụ"),
    "thutruong": ("Nguyễn Văn", "Hải", roles.ROLE_HEAD, "agency", "Sở Giáo dục và Đào tạo"),
    "quanlydulieu": ("Trần Thị", "Thu", roles.ROLE_OFFICER, "personal",
                     "Sở Giáo dục và Đào tạo"),
    "canhan": ("Đỗ Thị", "Hằng", roles.ROLE_PERSONAL, "personal", "Sở Giáo dục và Đào tạo"),
}


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
    """Create the demo units and accounts; returns (username, label) pairs."""
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
    with force_locale("vi"):
        return [(username, str(DEMO_ACCOUNTS[username])) for username in DEMO_ACCOUNTS
                if sm.find_user(username=username) is not None]
