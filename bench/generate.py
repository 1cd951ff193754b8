"""A province-scale data set: an org tree and its employees.

    python -m bench.generate DATABASE_URL [--units 5000] [--employees 200000] [--seed 1]
                                          [--records]

The database must be migrated and empty of units and employees. Rows go in
with PostgreSQL's COPY (or executemany elsewhere); ids are assigned here so
that the materialized paths can be written in the same pass. With ``records``
each person gets an approved record (version 1: the form's common fields, no
sensitive part), as a province has once its records are entered.
"""
import argparse
import datetime
import io
import json
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


# an approved record's content (canonical strings), without its sensitive part
RECORD_FIELDS = {
    "gioi_tinh": "nu", "ngay_sinh": "1985-09-05", "noi_sinh": "Xã Tam Dương",
    "que_quan_xa": "Xã Tam Dương", "que_quan_tinh": "25", "dan_toc": "01", "ton_giao": "00",
    "noi_o": "Phường Vĩnh Yên", "giao_duc_pho_thong": "12/12",
    "trinh_do_chuyen_mon": "DH"}


RECORD_COLUMNS = ["employee_id", "number", "status", "content", "lock", "completeness",
                  "created_at", "updated_at", "decided_at"]


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
ETHNIC = ["01"] * 18 + ["02", "03", "06", "07"]
RELIGION = ["00"] * 8 + ["01", "02"]


def _grade_codes():
    from app.catalogs.services import shipped_catalog

    return [entry["code"] for name in ("ngach", "chuc_danh_nghe_nghiep")
            for entry in shipped_catalog(name)["entries"]]


def _record_content(employee, rng, grades):
    """A record's clear part as a province's would be: varied grades, ages, education
    and trainings, a work history of one to four rows."""
    born = datetime.date(rng.randint(1964, 2003), rng.randint(1, 12), rng.randint(1, 28))
    recruited = datetime.date(min(born.year + rng.randint(21, 30), 2026), rng.randint(1, 12), 1)
    fields = dict(RECORD_FIELDS, ho_ten=employee[1], gioi_tinh=rng.choice(("nam", "nu")),
                  ngay_sinh=born.isoformat(), dan_toc=rng.choice(ETHNIC),
                  ton_giao=rng.choice(RELIGION), trinh_do_chuyen_mon=rng.choice(EDUCATION),
                  ma_ngach=rng.choice(grades), bac_luong=str(rng.randint(1, 9)),
                  he_so_luong="%.2f" % rng.uniform(1.86, 6.78),
                  ngay_tuyen_dung=recruited.isoformat())
    if rng.random() < 0.45:
        fields["ngay_vao_dang"] = datetime.date(recruited.year + rng.randint(0, 8), 5,
                                                19).isoformat()
    tables = {}
    for table, (column, texts) in TRAININGS.items():
        if rng.random() < 0.55:
            tables[table] = [{"tu": "%d-09" % (recruited.year + rng.randint(1, 10)),
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
        start += rng.randint(2, 8)
    tables["qua_trinh_cong_tac"] = history
    return {"schema": 1, "fields": fields, "tables": tables}


def build_records(employees, rng):
    """One approved version per person: (employee_id, number, status, content, lock,
    completeness, created_at, updated_at, decided_at)."""
    moment = datetime.datetime(2026, 10, 28, 9, tzinfo=datetime.timezone.utc).isoformat()
    grades = _grade_codes()
    for employee in employees:
        content = json.dumps(_record_content(employee, rng, grades), ensure_ascii=False,
                             sort_keys=True)
        yield (employee[0], 1, "approved", content, 0, 60, moment, moment, moment)


def _copy(connection, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v).lower()
                               if isinstance(v, bool) else str(v) for v in row) + "\n")
    buffer.seek(0)
    cursor = connection.connection.cursor()
    cursor.copy_expert("COPY %s (%s) FROM STDIN" % (table, ", ".join(columns)), buffer)


def generate(database_url, n_units=5000, n_employees=200000, seed=1, records=False):
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
                _copy(connection, "record_version", RECORD_COLUMNS,
                      build_records(employees, rng))
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
    args = parser.parse_args()
    units, employees = generate(args.database_url, args.units, args.employees, args.seed,
                                args.records)
    print("%d units, %d employees" % (len(units), employees))


if __name__ == "__main__":
    main()
