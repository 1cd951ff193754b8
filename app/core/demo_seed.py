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
from app.records.models import Employee
from app.security.sync import sync_security

PROVINCE = "UBND tỉnh Vĩnh Phúc"
# (name, parent name, type, code, employs staff). The two Sở of 2025's
# mergers are here to be merged in the demo: Khoa học và Công nghệ absorbs
# Thông tin và Truyền thông; Nông nghiệp and Tài nguyên become one new Sở.
# The codes are illustrative, in the QĐ 20/2020 form under H62 (Vĩnh Phúc).
DEMO_UNITS = [
    (PROVINCE, None, "ubnd_tinh", "H62", True),
    ("Sở Nội vụ", PROVINCE, "so", "H62.01", True),
    ("Sở Giáo dục và Đào tạo", PROVINCE, "so", "H62.02", True),
    ("Trường THPT Chuyên Vĩnh Phúc", "Sở Giáo dục và Đào tạo", "dvsncl", "H62.02.01", True),
    ("Phòng Tổ chức cán bộ", "Sở Giáo dục và Đào tạo", "phong", None, False),
    ("Sở Y tế", PROVINCE, "so", "H62.03", True),
    ("Sở Khoa học và Công nghệ", PROVINCE, "so", "H62.04", True),
    ("Sở Thông tin và Truyền thông", PROVINCE, "so", "H62.05", True),
    ("Trung tâm Công nghệ thông tin và Truyền thông", "Sở Thông tin và Truyền thông",
     "dvsncl", "H62.05.01", True),
    ("Sở Nông nghiệp và Phát triển nông thôn", PROVINCE, "so", "H62.06", True),
    ("Sở Tài nguyên và Môi trường", PROVINCE, "so", "H62.07", True),
]
# (full name, category, unit name, demo username or None)
DEMO_STAFF = [
    ("Đỗ Thị Hằng", "vien_chuc", "Trường THPT Chuyên Vĩnh Phúc", "canhan"),
    ("Nguyễn Văn Hải", "cong_chuc", "Sở Giáo dục và Đào tạo", None),
    ("Trần Thị Thu", "cong_chuc", "Phòng Tổ chức cán bộ", "quanlydulieu"),
    ("Vũ Minh Đức", "vien_chuc", "Trường THPT Chuyên Vĩnh Phúc", None),
    ("Hoàng Văn Nam", "cong_chuc", "Sở Khoa học và Công nghệ", None),
    ("Bùi Thị Mai", "cong_chuc", "Sở Khoa học và Công nghệ", None),
    ("Lê Quang Huy", "cong_chuc", "Sở Thông tin và Truyền thông", None),
    ("Phan Thị Ngọc", "cong_chuc", "Sở Thông tin và Truyền thông", None),
    ("Đặng Văn Long", "vien_chuc", "Trung tâm Công nghệ thông tin và Truyền thông", None),
    ("Ngô Thị Yến", "cong_chuc", "Sở Nông nghiệp và Phát triển nông thôn", None),
    ("Trịnh Văn Sơn", "cong_chuc", "Sở Tài nguyên và Môi trường", None),
]


def _ensure_unit(name, parent, unit_type, code, is_employing):
    unit = db.session.scalar(select(Unit).where(Unit.name == name))
    return unit or create_unit(name, parent, is_employing, unit_type, code)


def _ensure_employee(full_name, category, unit, account):
    person = db.session.scalar(select(Employee).where(Employee.full_name == full_name))
    if person is None:
        person = Employee(full_name=full_name, category=category, unit_id=unit.id,
                          account_id=account.id if account is not None else None)
        db.session.add(person)
    return person


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
    for name, parent, unit_type, code, is_employing in DEMO_UNITS:
        units[name] = _ensure_unit(name, units.get(parent), unit_type, code, is_employing)
    sm = appbuilder.sm
    for username, (last_name, first_name, role_name, kind, unit_name) in DEMO_PEOPLE.items():
        _ensure_user(sm, username, last_name, first_name, role_name, kind, units.get(unit_name))
    db.session.flush()
    for full_name, category, unit_name, username in DEMO_STAFF:
        _ensure_employee(full_name, category, units[unit_name],
                         sm.find_user(username=username) if username else None)
    if db.session.get(SystemFlag, DEMO_LOADED_FLAG) is None:
        db.session.add(SystemFlag(name=DEMO_LOADED_FLAG, value="vinh_phuc"))
    db.session.commit()
    return [(username, person[2]) for username, person in DEMO_PEOPLE.items()]
