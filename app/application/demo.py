"""Loading the demo province (idempotent; refused in production by the CLI).

A realistic small province under the vinh_phuc profile: UBND tỉnh, Sở with
chi cục and đơn vị sự nghiệp, UBND xã/phường of the two-tier government with
their schools, about 300 people with Vietnamese names (the same every time:
a fixed random seed), heads and deputies, and one account per role.
The account names are fixed so that the production guard recognises a demo
installation (app/application/guard.py).
"""
import random
from datetime import date

from sqlalchemy import select

from app.core.models import SystemFlag
from app.extensions import db
from app.org.models import LEADER_DEPUTY, LEADER_HEAD, Unit, UnitLeader
from app.org.services import create_unit
from app.org.models import Employee
from app.application.roles_sync import sync_security
from app.security import roles

DEMO_LOADED_FLAG = "demo_loaded"
DEMO_PASSWORD = "HoSo@2026"

# username -> (họ và tên đệm, tên, role, account kind, unit name)
DEMO_PEOPLE = {
    "quantri": ("Lê Văn", "Thành", roles.ROLE_ADMIN, "staff", None),
    "sonoivu": ("Phạm Thị", "Lan", roles.ROLE_SO_NOI_VU, "staff", "Sở Nội vụ"),
    # the principal of canhan's school: the head who approves her record (Điều 5 HP)
    "thutruong": ("Vũ Minh", "Đức", roles.ROLE_HEAD, "agency", "Trường THPT Chuyên Vĩnh Phúc"),
    "quanlydulieu": ("Trần Thị", "Thu", roles.ROLE_OFFICER, "personal",
                     "Sở Giáo dục và Đào tạo"),
    "canhan": ("Đỗ Thị", "Hằng", roles.ROLE_PERSONAL, "personal", "Sở Giáo dục và Đào tạo"),
}
DEMO_ACCOUNTS = tuple(DEMO_PEOPLE)

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
# Units of the demo beyond DEMO_UNITS above: (name, parent, type, code, employs staff)
MORE_UNITS = [
    ("Văn phòng UBND tỉnh", PROVINCE, "so", "H62.08", True),
    ("Sở Tài chính", PROVINCE, "so", "H62.09", True),
    ("Sở Xây dựng", PROVINCE, "so", "H62.10", True),
    ("Chi cục Văn thư – Lưu trữ", "Sở Nội vụ", "chi_cuc", "H62.01.01", True),
    ("Phòng Công chức, viên chức", "Sở Nội vụ", "phong", None, False),
    ("Trường THPT Trần Phú", "Sở Giáo dục và Đào tạo", "dvsncl", "H62.02.02", True),
    ("Trường THPT Ngô Gia Tự", "Sở Giáo dục và Đào tạo", "dvsncl", "H62.02.03", True),
    ("Bệnh viện Đa khoa tỉnh", "Sở Y tế", "dvsncl", "H62.03.01", True),
    ("Trung tâm Kiểm soát bệnh tật", "Sở Y tế", "dvsncl", "H62.03.02", True),
    ("Chi cục Kiểm lâm", "Sở Nông nghiệp và Phát triển nông thôn", "chi_cuc", "H62.06.01",
     True),
    ("Chi cục Thủy lợi", "Sở Nông nghiệp và Phát triển nông thôn", "chi_cuc", "H62.06.02",
     True),
    ("UBND phường Vĩnh Yên", PROVINCE, "ubnd_xa", "H62.11", True),
    ("UBND phường Phúc Yên", PROVINCE, "ubnd_xa", "H62.12", True),
    ("UBND xã Tam Đảo", PROVINCE, "ubnd_xa", "H62.13", True),
    ("UBND xã Lập Thạch", PROVINCE, "ubnd_xa", "H62.14", True),
    ("Trường Tiểu học Tam Đảo", "UBND xã Tam Đảo", "dvsncl", "H62.13.01", True),
    ("Trường THCS Lập Thạch", "UBND xã Lập Thạch", "dvsncl", "H62.14.01", True),
    ("Trường Mầm non Vĩnh Yên", "UBND phường Vĩnh Yên", "dvsncl", "H62.11.01", True),
]

# (full name, category, unit name, demo username or None): the people the
# demo accounts and the merge demo rely on
DEMO_STAFF = [
    ("Đỗ Thị Hằng", "vien_chuc", "Trường THPT Chuyên Vĩnh Phúc", "canhan"),
    ("Nguyễn Văn Hải", "cong_chuc", "Sở Giáo dục và Đào tạo", None),
    ("Trần Thị Thu", "cong_chuc", "Phòng Tổ chức cán bộ", "quanlydulieu"),
    ("Vũ Minh Đức", "vien_chuc", "Trường THPT Chuyên Vĩnh Phúc", "thutruong"),
    ("Hoàng Văn Nam", "cong_chuc", "Sở Khoa học và Công nghệ", None),
    ("Bùi Thị Mai", "cong_chuc", "Sở Khoa học và Công nghệ", None),
    ("Lê Quang Huy", "cong_chuc", "Sở Thông tin và Truyền thông", None),
    ("Phan Thị Ngọc", "cong_chuc", "Sở Thông tin và Truyền thông", None),
    ("Đặng Văn Long", "vien_chuc", "Trung tâm Công nghệ thông tin và Truyền thông", None),
    ("Ngô Thị Yến", "cong_chuc", "Sở Nông nghiệp và Phát triển nông thôn", None),
    ("Trịnh Văn Sơn", "cong_chuc", "Sở Tài nguyên và Môi trường", None),
]
# (unit name, head, deputies) among DEMO_STAFF; more come from the generated staff
LEADERS = [("Sở Giáo dục và Đào tạo", "Nguyễn Văn Hải", []),
           ("Trường THPT Chuyên Vĩnh Phúc", "Vũ Minh Đức", []),
           ("Sở Khoa học và Công nghệ", "Hoàng Văn Nam", ["Bùi Thị Mai"]),
           ("Sở Thông tin và Truyền thông", "Lê Quang Huy", ["Phan Thị Ngọc"])]
LEADERS_SINCE = date(2024, 1, 1)

TOTAL_STAFF = 300
HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ",
      "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lưu", "Tạ", "Khổng", "Kim", "Triệu", "Lò"]
DEM_NAM = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Xuân", "Bảo", "Thành", "Tiến", "Công"]
DEM_NU = ["Thị", "Thu", "Ngọc", "Thanh", "Thùy", "Hoài", "Phương", "Kim", "Hồng", "Diệu"]
TEN_NAM = ["An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam",
           "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Đạt", "Đông", "Tùng"]
TEN_NU = ["Anh", "Chi", "Giang", "Hà", "Hằng", "Hoa", "Huyền", "Lan", "Linh", "Mai", "Nga",
          "Ngọc", "Phương", "Quỳnh", "Thảo", "Trang", "Vân", "Yến", "Nhung", "Hương"]
# by unit type: how many people a unit of that type employs in the demo, and as what
STAFFING = {"ubnd_tinh": (8, "cong_chuc"), "so": (9, "cong_chuc"), "chi_cuc": (7, "cong_chuc"),
            "phong": (4, "cong_chuc"), "dvsncl": (16, "vien_chuc"), "ubnd_xa": (9, "cbcc_cap_xa")}


def demo_people(units, taken):
    """(full name, category, unit name) of the generated staff: the same list every
    time (a fixed seed), names unique among themselves and ``taken``."""
    rng = random.Random(2026)
    people, names = [], set(taken)
    order = [(name, unit_type) for name, _, unit_type, _, _ in DEMO_UNITS + MORE_UNITS]
    while len(people) + len(taken) < TOTAL_STAFF:
        for unit_name, unit_type in order:
            count, category = STAFFING.get(unit_type, (3, "cong_chuc"))
            for _ in range(count):
                if len(people) + len(taken) >= TOTAL_STAFF:
                    break
                while True:
                    female = rng.random() < 0.55
                    name = "%s %s %s" % (rng.choice(HO), rng.choice(DEM_NU if female else DEM_NAM),
                                         rng.choice(TEN_NU if female else TEN_NAM))
                    if name not in names:
                        break
                names.add(name)
                # some contract staff (người lao động) in the public service units
                kind = "nguoi_lao_dong" if unit_type == "dvsncl" and rng.random() < 0.15 \
                    else category
                people.append((name, kind, unit_name))
    return people


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


def _ensure_leaders(units, people):
    """Heads and deputies: the named ones, then the first people of each other
    employing unit (by name) as its head and, in larger units, a deputy."""
    named = {unit: (head, deputies) for unit, head, deputies in LEADERS}
    for name, unit in units.items():
        if not unit.is_employing or db.session.scalar(
                select(UnitLeader.id).where(UnitLeader.unit_id == unit.id).limit(1)):
            continue
        staff = sorted((p for p in people.values() if p.unit_id == unit.id),
                       key=lambda p: p.full_name)
        if name in named:
            head, deputies = people[named[name][0]], [people[d] for d in named[name][1]]
        elif staff:
            head, deputies = staff[0], staff[1:2] if len(staff) >= 6 else []
        else:
            continue
        db.session.add(UnitLeader(unit_id=unit.id, employee_id=head.id, position=LEADER_HEAD,
                                  valid_from=LEADERS_SINCE))
        for deputy in deputies:
            db.session.add(UnitLeader(unit_id=unit.id, employee_id=deputy.id,
                                      position=LEADER_DEPUTY, valid_from=LEADERS_SINCE))


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
    from app.catalogs.services import load_shipped

    load_shipped()
    units = {}
    for name, parent, unit_type, code, is_employing in DEMO_UNITS + MORE_UNITS:
        units[name] = _ensure_unit(name, units.get(parent), unit_type, code, is_employing)
    sm = appbuilder.sm
    for username, (last_name, first_name, role_name, kind, unit_name) in DEMO_PEOPLE.items():
        _ensure_user(sm, username, last_name, first_name, role_name, kind, units.get(unit_name))
    db.session.flush()
    people = {}
    for full_name, category, unit_name, username in DEMO_STAFF:
        people[full_name] = _ensure_employee(
            full_name, category, units[unit_name],
            sm.find_user(username=username) if username else None)
    for full_name, category, unit_name in demo_people(units, {p[0] for p in DEMO_STAFF}):
        people[full_name] = _ensure_employee(full_name, category, units[unit_name], None)
    db.session.flush()
    _ensure_leaders(units, people)
    from app.records.demo import seed_records, seed_self_service

    seed_records(people.values())
    seed_self_service(units[DEMO_UNITS[0][0]])
    from app.approval.demo import seed_signing

    seed_signing(sm, units[DEMO_UNITS[0][0]])
    if db.session.get(SystemFlag, DEMO_LOADED_FLAG) is None:
        db.session.add(SystemFlag(name=DEMO_LOADED_FLAG, value="vinh_phuc"))
    db.session.commit()
    return [(username, person[2]) for username, person in DEMO_PEOPLE.items()]
