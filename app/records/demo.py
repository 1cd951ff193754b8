"""Approved records for the demo province: complete, realistic, the same on
every run (a random generator seeded per person), so that a newcomer sees a
real sơ yếu lý lịch and can change and submit it straight away."""
import random
import secrets
from datetime import date, timedelta

from sqlalchemy import select, true

from app.catalogs.services import entries
from app.core import clock, crypto
from app.extensions import db
from app.records import services
from app.org.models import Employee, EmployeePlacement, Unit
from app.records.models import SUBMITTED, RecordVersion, SelfServiceWindow

PROVINCE_CODE = "25"          # Phú Thọ, into which Vĩnh Phúc merged on 01/07/2025
MANAGING_BODY = "Ủy ban nhân dân tỉnh Phú Thọ"
VINH_PHUC_FIRST_CODE = "08707"
ID_PROVINCE_PREFIX = "026"    # the số định danh's birth-place digits of the old Vĩnh Phúc
FEMALE_MIDDLE = {"Thị", "Thu", "Ngọc", "Thanh", "Thùy", "Hoài", "Phương", "Kim", "Hồng",
                 "Diệu"}
DEGREES = [("DH", "Đại học", 0.7), ("THS", "Thạc sĩ", 0.2), ("CD", "Cao đẳng", 0.1)]
MAJORS = ["Quản lý nhà nước", "Kế toán", "Sư phạm Toán", "Sư phạm Ngữ văn", "Luật",
          "Y đa khoa", "Công nghệ thông tin", "Kinh tế nông nghiệp"]
SCHOOLS = ["Trường Đại học Sư phạm Hà Nội 2", "Học viện Hành chính Quốc gia",
           "Trường Đại học Kinh tế Quốc dân", "Trường Đại học Y Hà Nội",
           "Trường Đại học Luật Hà Nội"]


def _day(rng, start, end):
    if end <= start:
        return start
    return start + timedelta(days=rng.randrange((end - start).days))


def years_after(day, years):
    """The same day ``years`` later; 29 February becomes 28 February in a common year
    (as the age rules count it: a person born on 29/02 comes of age on 28/02)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:                      # 29 February, and the year is not a leap year
        return day.replace(year=day.year + years, day=28)


def career_dates(rng, birth):
    """The dates the demo derives from a birth date: recruited at 22 to 27 (no later
    than 01/06/2024), joined the current unit then or later (before 01/06/2025)."""
    recruited = _day(rng, years_after(birth, 22), years_after(birth, 27))
    recruited = min(recruited, date(2024, 6, 1))
    joined = recruited if rng.random() < 0.6 else _day(rng, recruited, date(2025, 6, 1))
    return {"recruited": recruited, "joined": joined, "study_start": birth.year + 18}


def _iso(day):
    return day.isoformat()


def _row(**values):
    return dict(values, _id=secrets.token_hex(6))


def _unit_on(steps, day):
    """The name of the unit the person worked in on ``day``."""
    for name, start, until in steps:
        if (start is None or start <= day) and (until is None or day < until):
            return name
    return steps[-1][0]


def _contract(rng, steps, recruited):
    """A labour contract (Phụ lục II TT 05/2023): fixed-term ones for 12 or 36 months,
    signed by the unit the person worked in when it began."""
    start = max(recruited, date(2024, 1, 1))
    fixed = rng.random() < 0.6
    fields = {
        "hd_so": "%02d/%d/HĐLĐ" % (rng.randint(1, 60), start.year),
        "hd_loai": "xac_dinh_thoi_han" if fixed else "khong_xac_dinh_thoi_han",
        "hd_ngay_ky": _iso(start - timedelta(days=3)), "hd_tu_ngay": _iso(start),
        "hd_dia_diem": _unit_on(steps, start),
        "hd_chuc_danh": rng.choice(["Nhân viên bảo vệ", "Nhân viên phục vụ", "Lái xe",
                                    "Nhân viên kỹ thuật"]),
        "hd_thoi_gio": "8 giờ/ngày, 40 giờ/tuần", "hd_hinh_thuc_luong": "he_so",
        "hd_he_so": rng.choice(["1.5", "1.65", "1.83"]), "hd_ky_tra_luong": "Hằng tháng",
        "hd_bao_hiem": "Tham gia BHXH, BHYT, BHTN theo quy định",
        "hd_dai_dien": "Thủ trưởng đơn vị", "hd_chuc_vu_dai_dien": "Thủ trưởng",
    }
    if fixed:
        months = rng.choice([12, 36])
        end = date(start.year + (start.month - 1 + months) // 12,
                   (start.month - 1 + months) % 12 + 1, 1) - timedelta(days=1)
        fields["hd_den_ngay"] = _iso(end)
    return fields


def _month(day):
    return "%04d-%02d" % (day.year, day.month)


def work_history(steps, recruited, title):
    """Rows of "Tóm tắt quá trình công tác" from the person's placements ``steps``
    ([(unit name, from, until)], oldest first): each unit under the name it had then,
    from recruitment on."""
    rows = []
    for name, start, until in steps:
        start = max(start or recruited, recruited)
        if until is not None and until <= start:
            continue
        row = {"tu": _month(start), "don_vi": name, "chuc_danh": title}
        if until is not None:
            row["den"] = _month(until - timedelta(days=1))
        rows.append(_row(**row))
    return rows


def demo_content(person, communes, steps=None):
    """A complete, plausible record for ``person`` (an Employee) who worked in
    ``steps`` ([(unit name, from, until)], oldest first; by default their unit alone)."""
    rng = random.Random("hoso-demo-%s" % person.full_name)
    female = person.full_name.split()[1] in FEMALE_MIDDLE
    birth = _day(rng, date(1968, 1, 1), date(1998, 12, 31))
    career = career_dates(rng, birth)
    recruited, joined = career["recruited"], career["joined"]
    steps = steps or [(person.unit.name, None, None)]
    if len(steps) > 1:
        # a restructuring brought them to today's unit: they joined it that day
        joined = max(steps[-1][1], recruited)
    # the 4th digit: century and sex (2 for a man, 3 for a woman born 2000-2099; 0/1 before)
    number = "%s%d%02d%06d" % (ID_PROVINCE_PREFIX, 1 if female else 0, birth.year % 100,
                               rng.randrange(10 ** 6))
    home = rng.choice(communes)
    degree = rng.choices(DEGREES, weights=[w for _c, _n, w in DEGREES])[0]
    major, school = rng.choice(MAJORS), rng.choice(SCHOOLS)
    family_name = person.full_name.split()[0]
    father_year, mother_year = birth.year - rng.randint(24, 32), birth.year - rng.randint(22, 30)
    fields = {
        "co_quan_quan_ly": MANAGING_BODY,
        "co_quan_su_dung": person.unit.name, "so_dinh_danh": number,
        "ho_ten": person.full_name, "gioi_tinh": "nu" if female else "nam",
        "ngay_sinh": _iso(birth), "noi_sinh": "%s, tỉnh Phú Thọ" % home,
        "que_quan_xa": home, "que_quan_tinh": PROVINCE_CODE,
        "dan_toc": "01" if rng.random() < 0.93 else rng.choice(["02", "04", "05"]),
        "ton_giao": "00" if rng.random() < 0.9 else rng.choice(["01", "02"]),
        "so_cccd": number, "ngay_cap_cccd": _iso(_day(rng, date(2021, 3, 1), date(2024, 12, 1))),
        "dien_thoai": "09%08d" % rng.randrange(10 ** 8),
        "noi_o": "%s, tỉnh Phú Thọ" % rng.choice(communes),
        "ngay_tuyen_dung": _iso(recruited), "co_quan_tuyen_dung": _unit_on(steps, recruited),
        "ngay_vao_co_quan": _iso(joined), "giao_duc_pho_thong": "THPT",
        "trinh_do_chuyen_mon": degree[0], "chuyen_nganh": major, "suc_khoe": "Tốt",
        "chieu_cao": str(rng.randint(150, 162) if female else rng.randint(160, 178)),
        "can_nang": str(rng.randint(45, 60) if female else rng.randint(55, 75)),
        "nhom_mau": rng.choice(["O", "A", "B", "AB"]),
    }
    if rng.random() < 0.45:
        fields["ngay_vao_dang"] = _iso(_day(rng, recruited, date(2024, 1, 1)))
        fields["ngay_chinh_thuc"] = _iso(date.fromisoformat(fields["ngay_vao_dang"])
                                         + timedelta(days=365))
    if person.category == "nguoi_lao_dong":
        fields.update(_contract(rng, steps, recruited))
    study_start = career["study_start"]
    tables = {
        "dao_tao_chuyen_mon": [_row(tu="%04d-09" % study_start, den="%04d-06" % (study_start + 4),
                                    co_so=school, chuyen_nganh=major, hinh_thuc="Chính quy",
                                    van_bang=degree[1])],
        "qua_trinh_cong_tac": work_history(
            steps, recruited, "Chuyên viên" if person.category != "vien_chuc" else "Viên chức"),
        "gia_dinh_ban_than": [
            _row(quan_he="Bố", ho_ten="%s Văn %s" % (family_name, rng.choice(
                ["Hùng", "Sơn", "Thành", "Lâm"])), nam_sinh=str(father_year),
                thong_tin="Làm ruộng, ở %s" % home),
            _row(quan_he="Mẹ", ho_ten="%s Thị %s" % (rng.choice(["Trần", "Lê", "Nguyễn"]),
                                                     rng.choice(["Lan", "Hoa", "Mai", "Hạnh"])),
                 nam_sinh=str(mother_year), thong_tin="Nội trợ, ở %s" % home),
        ],
    }
    # items 32.2-32.6, as a career brings them (the yearly report's columns); drawn after
    # everything else, so the rest of the record is the same as before they were added
    first = recruited.year + 2
    if first <= 2024 and person.category != "nguoi_lao_dong":
        for key, column, texts, share in DEMO_TRAININGS:
            if rng.random() < share:
                start = rng.randint(first, 2024)
                tables[key] = [_row(tu="%04d-03" % start, den="%04d-06" % start,
                                    co_so=rng.choice(TRAINING_SCHOOLS),
                                    **{column: rng.choice(texts)})]
        if rng.random() < 0.6:
            start = rng.randint(first, 2024)
            tables["ngoai_ngu"] = [_row(tu="%04d-01" % start, den="%04d-05" % start,
                                        co_so="Trung tâm Ngoại ngữ – Tin học tỉnh",
                                        ngon_ngu=rng.choice(["Tiếng Anh", "Tiếng Anh",
                                                             "Tiếng Trung", "Tiếng Pháp"]),
                                        chung_chi=rng.choice(["Chứng chỉ B", "B1 (bậc 3)",
                                                              "Cử nhân ngôn ngữ Anh"]))]
    # item 23, the ngạch or chức danh nghề nghiệp (drawn last too)
    grades = _grades_for(person)
    if grades:
        code, name = rng.choices([g[:2] for g in grades], weights=[g[2] for g in grades])[0]
        fields["ngach"], fields["ma_ngach"] = name, code
    return {"schema": services.SCHEMA_VERSION, "fields": fields, "tables": tables}


# (code, name, weight) of the shipped catalogs (app/catalogs/data): civil servants by
# ngạch; teachers of an upper-secondary school and doctors of a hospital by chức danh
CIVIL_SERVANT_GRADES = [("01.003", "Chuyên viên", 6), ("01.002", "Chuyên viên chính", 3),
                        ("01.001", "Chuyên viên cao cấp", 0.5), ("01.004", "Cán sự", 1)]
TEACHER_GRADES = [("V.07.05.15", "Giáo viên THPT hạng III", 5),
                  ("V.07.05.14", "Giáo viên THPT hạng II", 3),
                  ("V.07.05.13", "Giáo viên THPT hạng I", 1)]
DOCTOR_GRADES = [("V.08.01.03", "Bác sĩ hạng III", 3), ("V.08.01.02", "Bác sĩ hạng II (chính)", 1)]


def _grades_for(person):
    """The grades a demo person may hold, by category and unit (none where the demo does
    not know the unit's titles: primary schools, kindergartens, centres)."""
    if person.category in ("cong_chuc", "cbcc_cap_xa", "can_bo"):
        return CIVIL_SERVANT_GRADES
    if person.category == "vien_chuc":
        if person.unit.name.startswith("Trường THPT"):
            return TEACHER_GRADES
        if person.unit.name.startswith("Bệnh viện"):
            return DOCTOR_GRADES
    return []


# (table, column, what the rows say, share of people who have one)
DEMO_TRAININGS = [
    ("ly_luan_chinh_tri", "van_bang", ["Trung cấp lý luận chính trị",
                                       "Cao cấp lý luận chính trị", "Sơ cấp lý luận chính trị"],
     0.55),
    ("boi_duong_qlnn", "chung_chi", ["Chứng chỉ bồi dưỡng ngạch chuyên viên",
                                     "Chứng chỉ bồi dưỡng ngạch chuyên viên chính"], 0.5),
    ("tin_hoc", "chung_chi", ["Chuẩn kỹ năng sử dụng CNTT cơ bản", "Chứng chỉ tin học B"],
     0.6),
]
TRAINING_SCHOOLS = ["Trường Chính trị tỉnh Phú Thọ", "Học viện Chính trị khu vực I",
                    "Học viện Hành chính Quốc gia"]


def seed_self_service(root):
    """Self-service open to the whole demo province for the coming weeks."""
    if db.session.scalar(select(SelfServiceWindow.id).limit(1)) is None:
        db.session.add(SelfServiceWindow(
            unit_id=root.id, opens_on=clock.today() - timedelta(days=1),
            closes_on=clock.today() + timedelta(days=60), groups=[], employee_ids=[],
            note="Cập nhật hồ sơ trên phần mềm (dữ liệu mẫu)", opened_at=clock.now()))


def seed_records(people):
    """An approved first version for each demo person who has none yet."""
    # the communes of the old Vĩnh Phúc, where the demo's people were born (the số định
    # danh's prefix) and live: Phú Thọ's codes from 08707 on (the GSO's numbering)
    communes = [entry.name for entry in entries("xa_phuong")
                if entry.attrs.get("province_code") == PROVINCE_CODE
                and entry.code >= VINH_PHUC_FIRST_CODE][:60]
    have = set(db.session.scalars(select(RecordVersion.employee_id)))
    careers = {}
    for employee_id, name, start, until in db.session.execute(
            select(EmployeePlacement.employee_id, Unit.name, EmployeePlacement.valid_from,
                   EmployeePlacement.valid_to).join(Unit, Unit.id == EmployeePlacement.unit_id)
            .where(EmployeePlacement.employee_id.not_in(have) if have else true())):
        careers.setdefault(employee_id, []).append((name, start, until))
    for steps in careers.values():
        steps.sort(key=lambda step: step[1] or date.min)
    taken = set(db.session.scalars(select(Employee.national_id_hash).where(
        Employee.national_id_hash.is_not(None))))
    now = clock.now()
    for person in people:
        if person.id in have:
            continue
        content = demo_content(person, communes, careers.get(person.id))
        while crypto.identity_hash(content["fields"]["so_dinh_danh"]) in taken:
            # two demo people drew the same number: the next one is free
            bumped = "%012d" % (int(content["fields"]["so_dinh_danh"]) + 1)
            content["fields"]["so_dinh_danh"] = content["fields"]["so_cccd"] = bumped
        taken.add(crypto.identity_hash(content["fields"]["so_dinh_danh"]))
        version = RecordVersion(employee=person, number=1, status=SUBMITTED, lock=0,
                                created_at=now, updated_at=now, submitted_at=now)
        services.store(version, content)
        db.session.add(version)
        # approved as an approval does (the employee's name and số định danh, the
        # audit entry), by nobody: the demo's records come approved, unsigned
        services.mark_approved(None, version, seeded="demo")
