"""A province-scale data set: an org tree and its employees.

    python -m bench.generate DATABASE_URL [--units 5000] [--employees 200000] [--seed 1]
                                          [--records]

The database must be migrated and empty of units and employees. Rows go in
with PostgreSQL's COPY (or executemany elsewhere); ids are assigned here so
that the materialized paths can be written in the same pass. With ``records``
each person gets an approved record (version 1), as a province has once its records
are entered: varied grades (by category, the senior ones held late), ages, education,
trainings (32.1-32.6), work history (33), rewards (35.1), and in the encrypted part
(under ``--record-key``) the family (36.1-36.2) and the salary history (37.1) whose
last row is the current bậc and hệ số (NĐ 204/2004/NĐ-CP's scales).
"""
import argparse
import datetime
import hashlib
import hmac
import io
import json
import os
import random

from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

import config
from app.core.text import fold
from app.org.models import CATEGORIES

HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
      "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lưu", "Mai", "Tạ", "Khổng"]
DEM = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Thanh", "Quang", "Thùy",
       "Xuân", "Hoài", "Bảo", "Kim", "Gia", "Phương", "Anh", "Hồng"]
TEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hằng", "Hiếu", "Hoa", "Hùng",
       "Huyền", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Ngọc", "Phong",
       "Phúc", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Thủy", "Trang", "Trung",
       "Tuấn", "Vân", "Việt", "Yến", "Đạt", "Đông", "Đức", "Ánh"]
LEVEL1 = ["Sở Nội vụ", "Sở Tài chính", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Xây dựng",
          "Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ", "Sở Tư pháp",
          "Sở Công Thương", "Sở Văn hóa, Thể thao và Du lịch"]


LEVEL2_TYPES = {"Phòng": "phong", "Chi cục": "chi_cuc", "Trường": "dvsncl",
               "Trung tâm": "dvsncl"}


def build_tree(n_units, rng):
    """[(id, name, parent_id, path, is_employing, unit_type)] with ids 1..n_units.

    Root (UBND tỉnh) → ~40 Sở / UBND xã → ~12 each (chi cục, phòng, trường) →
    the rest spread below those (tổ, khoa, bộ phận, trường con).
    """
    units = [(1, "UBND tỉnh", None, "/1/", True, "ubnd_tinh")]
    n_level1 = min(40, n_units - 1)
    level1 = []
    for i in range(n_level1):
        uid = len(units) + 1
        name = LEVEL1[i] if i < len(LEVEL1) else "UBND xã số %d" % (i - len(LEVEL1) + 1)
        units.append((uid, name, 1, "/1/%d/" % uid, True, "so" if i < len(LEVEL1) else "ubnd_xa"))
        level1.append(units[-1])
    level2 = []
    for parent in level1:
        for j in range(12):
            if len(units) >= n_units:
                break
            uid = len(units) + 1
            kind = rng.choice(["Phòng", "Chi cục", "Trường", "Trung tâm"])
            units.append((uid, "%s %d – %s" % (kind, j + 1, parent[1]), parent[0],
                          "%s%d/" % (parent[3], uid), kind != "Phòng", LEVEL2_TYPES[kind]))
            level2.append(units[-1])
    while len(units) < n_units:
        parent = rng.choice(level2)
        uid = len(units) + 1
        units.append((uid, "Bộ phận %d – %s" % (uid, parent[1]), parent[0],
                      "%s%d/" % (parent[3], uid), False, "bo_phan"))
    return units


def build_employees(n_employees, units, rng):
    for i in range(1, n_employees + 1):
        name = "%s %s %s" % (rng.choice(HO), rng.choice(DEM), rng.choice(TEN))
        unit = rng.randrange(1, len(units) + 1)
        yield (i, name, rng.choice(CATEGORIES), unit, "dang_cong_tac", fold(name))


# an approved record's content (canonical strings): the fields every record states alike
RECORD_FIELDS = {
    "noi_sinh": "Xã Tam Dương", "que_quan_xa": "Xã Tam Dương", "que_quan_tinh": "25",
    "noi_o": "Phường Vĩnh Yên", "giao_duc_pho_thong": "THPT",
    "co_quan_tuyen_dung": "UBND tỉnh"}


RECORD_COLUMNS = ["employee_id", "number", "status", "content", "sensitive", "lock",
                  "completeness", "created_at", "updated_at", "decided_at"]


# the trainings a record lists (items 32.2-32.6), as people write them
TRAININGS = {
    "ly_luan_chinh_tri": ("van_bang", ["Cao cấp lý luận chính trị", "Trung cấp lý luận chính trị",
                                       "Sơ cấp lý luận chính trị", "Cử nhân chính trị"]),
    "boi_duong_qlnn": ("chung_chi", ["Chứng chỉ ngạch chuyên viên",
                                     "Chứng chỉ ngạch chuyên viên chính",
                                     "Chứng chỉ ngạch chuyên viên cao cấp"]),
    "tin_hoc": ("chung_chi", ["Chuẩn kỹ năng sử dụng CNTT cơ bản", "Chứng chỉ tin học B",
                              "Trung cấp tin học"]),
}
LANGUAGES = ["Tiếng Anh", "Tiếng Anh", "Tiếng Pháp", "Tiếng Trung", "Tiếng Tày"]
CERTIFICATES = ["Chứng chỉ B", "B1 (bậc 3)", "Cử nhân ngôn ngữ", "Chứng chỉ C"]
EDUCATION = ["DH", "DH", "DH", "THS", "THS", "TS", "CD", "TC", "SC"]
# item 32.1: the degree each level names, and where people study
DEGREES = {"TS": "Tiến sĩ", "THS": "Thạc sĩ", "DH": "Cử nhân", "CD": "Cao đẳng",
           "TC": "Trung cấp", "SC": "Sơ cấp"}
SCHOOLS = ["Đại học Quốc gia Hà Nội", "Học viện Hành chính Quốc gia", "Đại học Sư phạm Hà Nội",
           "Đại học Kinh tế Quốc dân", "Đại học Y Hà Nội", "Đại học Nông nghiệp",
           "Trường Cao đẳng Sư phạm tỉnh", "Trường Trung cấp Y tế tỉnh"]
SUBJECTS = ["Luật", "Quản lý nhà nước", "Kế toán", "Sư phạm Toán", "Sư phạm Ngữ văn",
            "Y đa khoa", "Điều dưỡng", "Công nghệ thông tin", "Kinh tế nông nghiệp", "Xây dựng"]
ETHNIC = ["01"] * 18 + ["02", "03", "06", "07"]
RELIGION = ["00"] * 8 + ["01", "02"]
# item 36: the relatives a person lists, and what they do
RELATIVES = ["Con", "Con", "Anh ruột", "Chị ruột", "Em ruột"]
OCCUPATIONS = ["Làm ruộng", "Hưu trí", "Giáo viên", "Công nhân", "Kinh doanh tự do",
               "Học sinh", "Sinh viên", "Công chức", "Bác sĩ"]
# NĐ 204/2004/NĐ-CP, Bảng 2 and 3 (data-standards §5.2): salary type -> (first hệ số,
# step between bậc, bậc), and the years between two bậc (3 for A, 2 for B and C:
# TT 08/2013/TT-BNV)
SALARY_SCALES = {"A3.1": (6.20, 0.36, 6), "A3.2": (5.75, 0.36, 6), "A2.1": (4.40, 0.34, 8),
                 "A2.2": (4.00, 0.34, 8), "A1": (2.34, 0.33, 9), "A0": (2.10, 0.31, 10),
                 "B": (1.86, 0.20, 12)}
# a chức danh nghề nghiệp without its own salary type: its hạng's usual one
SALARY_TYPE_OF_HANG = {"I": "A2.1", "II": "A2.2", "III": "A1", "IV": "B"}
# how often each group's grades are held (a province's pyramid: few at the top), and the
# youngest age at which one holds them
GRADE_WEIGHTS = {"Chuyên viên cao cấp & tương đương": (2, 42),
                 "Chuyên viên chính & tương đương": (18, 33),
                 "Chuyên viên & tương đương": (55, 22), "Cán sự & tương đương": (10, 20),
                 "Nhân viên": (5, 18), "Văn thư": (10, 22),
                 "I": (5, 40), "II": (30, 30), "III": (55, 22), "IV": (10, 20)}
# the grade catalog of each category (a người lao động has a contract, no grade)
GRADE_CATALOG = {"can_bo": "ngach", "cong_chuc": "ngach", "cbcc_cap_xa": "ngach",
                 "vien_chuc": "chuc_danh_nghe_nghiep"}
TODAY = datetime.date(2026, 12, 1)
# the province's code in the tinh_thanh catalog and in the số định danh (Phú Thọ), and
# some others people come from
PROVINCE_CODE = "025"
PROVINCES = ["01", "19", "24", "31", "33", "38"]


def _joined(rng, recruited):
    """Item 14: the day one joined the current unit, on or after the recruitment."""
    year = rng.randint(recruited.year, TODAY.year - 1)
    month = rng.randint(recruited.month if year == recruited.year else 1, 12)
    return datetime.date(year, month, 1)


def _grades():
    """{catalog: ([(code, salary type, youngest age)], [weight])} of the shipped grades."""
    from app.catalogs.services import shipped_catalog

    found = {}
    for name in ("ngach", "chuc_danh_nghe_nghiep"):
        entries, weights = [], []
        for entry in shipped_catalog(name)["entries"]:
            attrs = entry.get("attrs") or {}
            group = attrs.get("group") or attrs.get("hang")
            salary_type = attrs.get("salary_type") or SALARY_TYPE_OF_HANG.get(group, "A1")
            weight, youngest = GRADE_WEIGHTS.get(group, (5, 22))
            entries.append((entry["code"], salary_type if salary_type in SALARY_SCALES
                            else "A1", youngest))
            weights.append(weight)
        found[name] = (entries, weights)
    return found


def _coefficient(salary_type, step):
    first, increment, steps = SALARY_SCALES[salary_type]
    return "%.2f" % (first + increment * (min(step, steps) - 1))


def _family(rng, born, sex):
    """Item 36.1: parents, a spouse, children and siblings; 36.2 the spouse's side."""
    father, mother = rng.choice(HO), rng.choice(HO)
    rows = [{"quan_he": "Bố", "ho_ten": "%s %s %s" % (father, rng.choice(DEM), rng.choice(TEN)),
             "nam_sinh": str(born.year - rng.randint(22, 35)),
             "thong_tin": rng.choice(OCCUPATIONS[:3]) + ", xã Tam Dương"},
            {"quan_he": "Mẹ", "ho_ten": "%s Thị %s" % (mother, rng.choice(TEN)),
             "nam_sinh": str(born.year - rng.randint(20, 32)),
             "thong_tin": rng.choice(OCCUPATIONS[:3]) + ", xã Tam Dương"}]
    married = TODAY.year - born.year > 26 and rng.random() < 0.85
    side = []
    if married:
        spouse = "Vợ" if sex == "nam" else "Chồng"
        rows.append({"quan_he": spouse, "ho_ten": "%s %s %s" % (
            rng.choice(HO), rng.choice(DEM), rng.choice(TEN)),
            "nam_sinh": str(born.year + rng.randint(-4, 4)),
            "thong_tin": rng.choice(OCCUPATIONS) + ", phường Vĩnh Yên"})
        side = [{"quan_he": relation, "ho_ten": "%s %s %s" % (
            rng.choice(HO), rng.choice(DEM), rng.choice(TEN)),
            "nam_sinh": str(born.year - rng.randint(20, 32)),
            "thong_tin": rng.choice(OCCUPATIONS[:3])}
            for relation in ("Bố", "Mẹ")[:rng.randint(1, 2)]]
    for _child in range(rng.randint(0, 3) if married else 0):
        rows.append({"quan_he": "Con", "ho_ten": "%s %s %s" % (
            rng.choice(HO), rng.choice(DEM), rng.choice(TEN)),
            "nam_sinh": str(min(born.year + rng.randint(24, 36), TODAY.year)),
            "thong_tin": rng.choice(OCCUPATIONS[5:7])})
    for _sibling in range(rng.randint(0, 3)):
        rows.append({"quan_he": rng.choice(RELATIVES[2:]), "ho_ten": "%s %s %s" % (
            father, rng.choice(DEM), rng.choice(TEN)),
            "nam_sinh": str(born.year + rng.randint(-8, 8)),
            "thong_tin": rng.choice(OCCUPATIONS)})
    return rows, side


def _salary_history(rng, recruited, code, salary_type):
    """Item 37.1: a row per raise since recruitment (every three years for A, two for B),
    the last one the current bậc; returns (rows, current bậc)."""
    _first, _increment, steps = SALARY_SCALES[salary_type]
    every = 2 if salary_type == "B" else 3
    rows, step, start = [], 1, datetime.date(recruited.year, recruited.month, 1)
    while True:
        following = start.replace(year=start.year + every)
        last = step == steps or following > TODAY
        rows.append({"tu": "%d-%02d" % (start.year, start.month),
                     "den": "" if last else "%d-%02d" % (following.year, following.month),
                     "ma_so": code, "bac_luong": str(step),
                     "he_so_luong": _coefficient(salary_type, step)})
        if last:
            break
        # a raise now and then comes a year late (a discipline, a missed assessment)
        start, step = following.replace(year=following.year + (rng.random() < 0.1)), step + 1
    for row in rows:
        if not row["den"]:
            del row["den"]
    return rows, step


def _record_content(employee, rng, grades, identity=True):
    """(clear part, sensitive part) of a record as a province's would be: varied grades
    (by category, the senior ones held late), ages, education and trainings; a work
    history, the family (36.1-36.2) and the salary history (37.1) since recruitment."""
    category = employee[2]
    catalog = GRADE_CATALOG.get(category)
    if catalog:
        entries, weights = grades[catalog]
        code, salary_type, youngest = rng.choices(entries, weights)[0]
    else:
        code, salary_type, youngest = None, "B", 18
    age = rng.randint(max(youngest, 22), 61)
    born = datetime.date(TODAY.year - age, rng.randint(1, 12), rng.randint(1, 28))
    recruited = datetime.date(min(born.year + rng.randint(21, 30), TODAY.year - 1),
                              rng.randint(1, 12), 1)
    sex = rng.choice(("nam", "nu"))
    education = rng.choice(EDUCATION)
    fields = dict(RECORD_FIELDS, ho_ten=employee[1], gioi_tinh=sex,
                  ngay_sinh=born.isoformat(), dan_toc=rng.choice(ETHNIC),
                  ton_giao=rng.choice(RELIGION), trinh_do_chuyen_mon=education,
                  ngay_tuyen_dung=recruited.isoformat(),
                  ngay_vao_co_quan=_joined(rng, recruited).isoformat(),
                  dien_thoai="09%08d" % rng.randrange(10 ** 8))
    if rng.random() < 0.1:      # born in another province
        fields["que_quan_tinh"] = rng.choice(PROVINCES)
    if category == "nguoi_lao_dong":    # the labour contract (Phụ lục II TT 05/2023)
        signed = _joined(rng, recruited)
        fields.update(hd_so="%d/HĐLĐ" % employee[0], hd_loai=rng.choice(
            ("xac_dinh_thoi_han", "khong_xac_dinh_thoi_han")), hd_ngay_ky=signed.isoformat(),
            hd_tu_ngay=signed.isoformat(), hd_dia_diem="Trụ sở đơn vị",
            hd_chuc_danh=rng.choice(("Lái xe", "Bảo vệ", "Tạp vụ", "Nhân viên kỹ thuật")))
        if fields["hd_loai"] == "xac_dinh_thoi_han":    # under 36 months (BLLĐ Điều 20)
            fields["hd_den_ngay"] = (signed.replace(year=signed.year + 3)
                                     - datetime.timedelta(days=1)).isoformat()
    # records are entered unevenly: a few required fields left for later
    for key in ("noi_o", "dien_thoai", "ngay_vao_co_quan", "co_quan_tuyen_dung"):
        if rng.random() < 0.12:
            del fields[key]
    if rng.random() < 0.45:
        fields["ngay_vao_dang"] = datetime.date(min(recruited.year + rng.randint(0, 8),
                                                    TODAY.year), 5, 19).isoformat()
    tables = {}
    if education in DEGREES:
        graduated = born.year + rng.randint(20, 24)
        tables["dao_tao_chuyen_mon"] = [{
            "tu": "%d-09" % (graduated - 4), "den": "%d-06" % graduated,
            "co_so": rng.choice(SCHOOLS), "chuyen_nganh": rng.choice(SUBJECTS),
            "hinh_thuc": "Chính quy", "van_bang": DEGREES[education]}]
    for table, (column, texts) in TRAININGS.items():
        if rng.random() < 0.55:
            tables[table] = [{"tu": "%d-09" % min(recruited.year + rng.randint(1, 10),
                                                  TODAY.year),
                              "co_so": "Trường Chính trị tỉnh", column: rng.choice(texts)}]
    if rng.random() < 0.6:
        tables["ngoai_ngu"] = [{"tu": "%d-01" % recruited.year, "co_so": "Trung tâm ngoại ngữ",
                                "ngon_ngu": rng.choice(LANGUAGES),
                                "chung_chi": rng.choice(CERTIFICATES)}]
    start = recruited.year
    history = []
    for _row in range(rng.randint(1, 4)):
        history.append({"tu": "%d-%02d" % (start, rng.randint(1, 12)),
                        "don_vi": "Đơn vị %d" % rng.randint(1, 999),
                        "chuc_danh": "Chuyên viên"})
        start = min(start + rng.randint(2, 8), TODAY.year)
    tables["qua_trinh_cong_tac"] = history
    if rng.random() < 0.7:
        tables["danh_gia_khen_thuong"] = [
            {"nam": str(year), "xep_loai_chuyen_mon": rng.choice(
                ("Hoàn thành tốt nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ")),
             "hinh_thuc_khen_thuong": rng.choice(("Giấy khen", "Chiến sĩ thi đua cơ sở"))}
            for year in range(max(recruited.year, TODAY.year - 3), TODAY.year)]
    own, spouse_side = _family(rng, born, sex)
    # the số định danh (the CCCD's number since 2021): the province's code, sex and
    # century, the year of birth, then a serial (here the person's id: unique)
    number = "%s%d%02d%06d" % (PROVINCE_CODE, (born.year >= 2000) * 2 + (sex == "nu"),
                               born.year % 100, employee[0])
    issued = datetime.date(rng.randint(2021, 2025), rng.randint(1, 12), rng.randint(1, 28))
    hidden = {"fields": {"suc_khoe": "Tốt"}, "tables": {"gia_dinh_ban_than": own}}
    if identity:
        hidden["fields"].update(so_dinh_danh=number, so_cccd=number,
                                ngay_cap_cccd=issued.isoformat())
    if spouse_side:
        hidden["tables"]["gia_dinh_ben_vo_chong"] = spouse_side
    if code:
        salary, step = _salary_history(rng, recruited, code, salary_type)
        hidden["tables"]["dien_bien_luong"] = salary
        fields.update(ma_ngach=code, bac_luong=str(step),
                      he_so_luong=_coefficient(salary_type, step),
                      ngay_huong_luong=salary[-1]["tu"] + "-01")
    return {"schema": 1, "fields": fields, "tables": tables}, hidden


def _completeness(clear, hidden, category):
    from app.records.services import completeness

    whole = {"fields": dict(clear["fields"], **hidden["fields"]),
             "tables": dict(clear["tables"], **hidden["tables"])}
    return completeness(whole, category)


def build_records(employees, rng, record_key, identity_key=config.DEFAULT_IDENTITY_HASH_KEY,
                  hashes=None, identity=False):
    """One approved version per person: (employee_id, number, status, content, sensitive,
    lock, completeness, created_at, updated_at, decided_at); the sensitive part a Fernet
    token under ``record_key`` (as app.core.crypto.encrypt_json writes it). ``hashes``
    (a list) gets (employee_id, the số định danh's keyed hash under ``identity_key``), as
    app.core.crypto.identity_hash makes it for Employee.national_id_hash. With
    ``identity`` each record states its số định danh and CCCD (items 1 and 8)."""
    from cryptography.fernet import Fernet

    fernet = Fernet(record_key.encode())
    moment = datetime.datetime(2026, 10, 28, 9, tzinfo=datetime.timezone.utc).isoformat()
    grades = _grades()
    for employee in employees:
        clear, hidden = _record_content(employee, rng, grades, identity)
        if identity and hashes is not None:
            hashes.append((employee[0], hmac.new(
                identity_key.encode(), hidden["fields"]["so_dinh_danh"].encode("utf-8"),
                hashlib.sha256).hexdigest()))
        content = json.dumps(clear, ensure_ascii=False, sort_keys=True)
        sensitive = fernet.encrypt(json.dumps(hidden, ensure_ascii=False, sort_keys=True)
                                   .encode("utf-8")).decode("ascii")
        yield (employee[0], 1, "approved", content, sensitive, 0,
               _completeness(clear, hidden, employee[2]), moment, moment, moment)


def _copy_text(value):
    """A value as COPY's text format writes it (the backslash is its escape)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def _copy(connection, table, columns, rows, chunk=20000):
    """COPY the rows in chunks (the records' text would not fit in memory at once)."""
    cursor = connection.connection.cursor()
    rows = iter(rows)
    while True:
        buffer, count = io.StringIO(), 0
        for row in rows:
            buffer.write("\t".join(_copy_text(v) for v in row) + "\n")
            count += 1
            if count == chunk:
                break
        if not count:
            return
        buffer.seek(0)
        cursor.copy_expert("COPY %s (%s) FROM STDIN" % (table, ", ".join(columns)), buffer)


def generate(database_url, n_units=5000, n_employees=200000, seed=1, records=False,
             record_key=config.DEFAULT_RECORD_KEY,
             identity_key=config.DEFAULT_IDENTITY_HASH_KEY, identity=False):
    rng = random.Random(seed)
    units = build_tree(n_units, rng)
    employees = list(build_employees(n_employees, units, rng))
    engine = create_engine(config.normalize_database_url(database_url))
    unit_columns = ["id", "name", "parent_id", "path", "is_employing"]
    employee_columns = ["id", "full_name", "category", "unit_id", "status", "search_name"]
    # what the services write beside each row: the unit's open period, the
    # person's open placement (the unit path copy comes from the triggers)
    state_columns = ["unit_id", "name", "parent_id", "unit_type", "is_employing"]
    states = [(u[0], u[1], u[2], u[5], u[4]) for u in units]
    placement_columns = ["employee_id", "unit_id"]
    placements = [(e[0], e[3]) for e in employees]
    units = [u[:5] + (u[5], fold(u[1])) for u in units]
    unit_columns += ["unit_type", "search_name"]
    if records and engine.dialect.name != "postgresql":
        raise ValueError("records are generated on PostgreSQL only")
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            _copy(connection, "org_unit", unit_columns, units)
            _copy(connection, "org_unit_state", state_columns, states)
            _copy(connection, "employee", employee_columns, employees)
            _copy(connection, "employee_placement", placement_columns, placements)
            connection.execute(text("SELECT setval('org_unit_id_seq', :n)"), {"n": len(units)})
            connection.execute(text("SELECT setval('employee_id_seq', :n)"),
                               {"n": len(employees)})
            if records:
                hashes = []
                _copy(connection, "record_version", RECORD_COLUMNS,
                      build_records(employees, rng, record_key, identity_key, hashes,
                                    identity))
            if records and hashes:
                # what approving writes beside the record: the số định danh's hash
                connection.execute(text("CREATE TEMPORARY TABLE bench_hash "
                                        "(id integer, hash varchar(64)) ON COMMIT DROP"))
                _copy(connection, "bench_hash", ["id", "hash"], hashes)
                connection.execute(text("UPDATE employee SET national_id_hash = bench_hash.hash"
                                        " FROM bench_hash WHERE employee.id = bench_hash.id"))
        else:
            for table, columns, rows in (("org_unit", unit_columns, units),
                                         ("org_unit_state", state_columns, states),
                                         ("employee", employee_columns, employees),
                                         ("employee_placement", placement_columns, placements)):
                connection.execute(text("INSERT INTO %s (%s) VALUES (%s)" % (
                    table, ", ".join(columns), ", ".join(":" + c for c in columns))),
                    [dict(zip(columns, row)) for row in rows])
    if engine.dialect.name == "postgresql":
        # what autovacuum does to a live database: statistics and the visibility
        # map (which lets a covering index answer without the table)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE org_unit"))
            connection.execute(text("VACUUM ANALYZE employee"))
            connection.execute(text("VACUUM ANALYZE org_unit_state"))
            connection.execute(text("VACUUM ANALYZE employee_placement"))
            if records:
                connection.execute(text("VACUUM ANALYZE record_version"))
            # write the load out now rather than during the measurements (a
            # superuser's or pg_checkpoint's right; without it the bench is noisier)
            try:
                connection.execute(text("CHECKPOINT"))
            except DBAPIError:
                pass
    engine.dispose()
    return units, len(employees)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--employees", type=int, default=200000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--records", action="store_true",
                        help="an approved record for each person")
    parser.add_argument("--record-key", default=os.environ.get(
        "RECORD_ENCRYPTION_KEYS", config.DEFAULT_RECORD_KEY).split(",")[0].strip(),
        help="the key the sensitive parts are encrypted with (RECORD_ENCRYPTION_KEYS' first)")
    parser.add_argument("--identity-key", default=os.environ.get(
        "IDENTITY_HASH_KEY", config.DEFAULT_IDENTITY_HASH_KEY),
        help="the key of the số định danh's look-up hash (IDENTITY_HASH_KEY)")
    parser.add_argument("--identity", action="store_true",
                        help="with --records: each record's số định danh and CCCD (and "
                             "their hashes); the facts' duplicate check then takes long")
    args = parser.parse_args()
    units, employees = generate(args.database_url, args.units, args.employees, args.seed,
                                args.records, args.record_key, args.identity_key,
                                args.identity)
    print("%d units, %d employees" % (len(units), employees))


if __name__ == "__main__":
    main()
