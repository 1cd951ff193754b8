"""The yearly report's breakdown (issue 18.4, BM01/BM02's columns) counted over the
reporting facts, every number checked against a count in Python over the generated
records themselves."""
import datetime
import random

import pytest

from app.catalogs import services as catalogs
from app.core import clock
from app.extensions import db
from app.org.models import Employee, Unit
from app.records.models import APPROVED, RecordVersion
from app.reports import facts, statistics
from tests.transfers.conftest import actor, transfer_app  # noqa: F401 (the fixture)

ON = datetime.date(2026, 12, 31)
LEVELS = {
    "ly_luan_chinh_tri": ("van_bang", ["Cao cấp lý luận chính trị", "Trung cấp lý luận chính trị",
                                       "Cử nhân chính trị", "Sơ cấp"]),
    "boi_duong_qlnn": ("chung_chi", ["Chuyên viên cao cấp", "Chuyên viên chính", "Chuyên viên"]),
    "tin_hoc": ("chung_chi", ["Trung cấp tin học", "Chứng chỉ A", "Chuẩn CNTT cơ bản"]),
}


def _content(rng, grades):
    born = datetime.date(rng.randint(1964, 2003), rng.randint(1, 12), rng.randint(1, 28))
    fields = {"ho_ten": "Người %d" % rng.randint(1, 10 ** 9),
              "gioi_tinh": rng.choice(["nam", "nu"]), "ngay_sinh": born.isoformat(),
              "dan_toc": rng.choice(["01", "01", "01", "02", "05"]),
              "ton_giao": rng.choice(["00", "00", "01", "02"]),
              "ma_ngach": rng.choice(grades),
              "trinh_do_chuyen_mon": rng.choice(["TS", "THS", "DH", "DH", "CD", "TC", "SC"])}
    if rng.random() < 0.4:
        fields["ngay_vao_dang"] = "2010-05-19"
    tables = {}
    for table, (column, texts) in LEVELS.items():
        if rng.random() < 0.6:
            tables[table] = [{"tu": "2015-01", "co_so": "Trường", column: rng.choice(texts)}]
    if rng.random() < 0.5:
        tables["ngoai_ngu"] = [{"tu": "2015-01", "co_so": "Trung tâm",
                                "ngon_ngu": rng.choice(["Tiếng Anh", "Tiếng Pháp", "Tiếng Tày"]),
                                "chung_chi": rng.choice(["Chứng chỉ B", "Cử nhân", "B1"])}]
    return {"fields": fields, "tables": tables}


def _expected_value(column_key, fact, ngach_groups, hang):
    """The column's rule written again, in Python, over one record's facts."""
    age = None
    if fact["birth_date"]:
        born = fact["birth_date"]
        age = ON.year - born.year - ((ON.month, ON.day) < (born.month, born.day))
    rules = {
        "total": True, "female": fact["sex"] == "nu", "party": fact["party_member"],
        "minority": fact["ethnicity"] not in (None, "01"),
        "religion": fact["religion"] not in (None, "00"),
        "age_over": fact["retires_on"] is not None and fact["retires_on"] < ON,
    }
    if column_key in rules:
        return rules[column_key]
    kind, _sep, code = column_key.partition("_")
    if kind == "grade":
        group = dict((k, g) for k, _l, g in statistics.GRADE_GROUPS)[code]
        return fact["grade_code"] in ngach_groups.get(group, [])
    if kind == "rank":
        return fact["grade_code"] in hang.get(code, [])
    if kind == "edu":
        return fact["education"] in (("TS", "TSKH") if code == "TS" else (code,))
    if kind == "llct":
        return fact["political_theory"] == code
    if kind == "qlnn":
        return fact["state_management"] == code
    if kind == "it":
        return fact["it_level"] == code
    if kind == "lang":
        return fact["language_level"] == code
    if kind == "age":
        low, high = (int(x) for x in code.split("_"))
        return age is not None and max(low, 0) <= age <= high if low else \
            age is not None and age <= high
    raise AssertionError(column_key)


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_every_number_of_the_breakdown_is_the_count_of_the_records(transfer_app):
    app, world = transfer_app
    rng = random.Random(18)
    with app.app_context():
        grades = [e.code for e in catalogs.entries("ngach")] + \
            [e.code for e in catalogs.entries("chuc_danh_nghe_nghiep")]
        units = [db.session.get(Unit, world.units[key])
                 for key in ("A", "A1", "A_section", "B", "N", "C", "X", "root")]
        contents = {}
        for index in range(90):
            unit = units[index % len(units)]
            person = Employee(full_name="Người %d" % index, category="cong_chuc",
                              unit_id=unit.id,
                              status="nghi_huu" if index % 17 == 0 else "dang_cong_tac")
            db.session.add(person)
            db.session.flush()
            content = _content(rng, grades)
            now = clock.now()
            db.session.add(RecordVersion(employee_id=person.id, number=1, status=APPROVED,
                                         content=content, lock=0, completeness=100,
                                         created_at=now, updated_at=now, decided_at=now))
            contents[person.id] = (content, unit, person.status)
        db.session.commit()
        root = db.session.get(Unit, world.units["root"])
        with clock.freeze(datetime.datetime(2026, 12, 31, 10)):
            report = statistics.breakdown(actor(world, "sonoivu"), root, on=ON)
        ngach_groups, hang = statistics.grade_groups(ON)
        # the independent count: each generated person in service, in the row of the
        # child of the root whose subtree holds them (or the root's own)
        children = {row_unit.id: row_unit for _label, row_unit, _counts in report.rows}
        expected = {unit_id: dict.fromkeys((c.key for c in report.columns), 0)
                    for unit_id in children}
        for content, unit, status in contents.values():
            if status != "dang_cong_tac":
                continue
            fact = facts.record_facts(content)
            row = next((u for u in children.values() if u.id != root.id
                        and unit.path.startswith(u.path)), root)
            for column in report.columns:
                expected[row.id][column.key] += bool(
                    _expected_value(column.key, fact, ngach_groups, hang))
        # the world's own people (records without content) count too: in total only
        for person_id in world.employees.values():
            person = db.session.get(Employee, person_id)
            if person.status in statistics.IN_SERVICE:
                unit = db.session.get(Unit, person.unit_id)
                row = next((u for u in children.values() if u.id != root.id
                            and unit.path.startswith(u.path)), root)
                expected[row.id]["total"] += 1
        got = {row_unit.id: counts for _label, row_unit, counts in report.rows}
        assert got == expected
        assert report.totals["total"] == sum(row["total"] for row in expected.values())
        assert report.totals["total"] > 80 and report.totals["party"] > 10
        assert sum(report.totals[key] for key in report.totals if key.startswith("age_")) \
            <= report.totals["total"]
        # a head of A counts only A's subtree, even when asking for the root
        mine = statistics.breakdown(actor(world, "thutruong"), root, on=ON)
        a_row = next(counts for _l, u, counts in mine.rows if u.id == world.units["A"])
        assert mine.totals["total"] == a_row["total"] == expected[world.units["A"]]["total"]
        db.session.remove()


@pytest.mark.parametrize("transfer_app", ["vinh_phuc"], indirect=True)
def test_the_screen_shows_the_numbers_of_the_scope_prints_and_exports_them(transfer_app):
    import io

    from openpyxl import load_workbook

    from tests.conftest import login
    from tests.security import world as w

    app, world = transfer_app
    client = app.test_client()
    login(client, "sonoivu", w.PASSWORD)
    page = client.get("/reports/breakdown/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="breakdown-table"' in html
    assert "Số lượng, chất lượng đội ngũ" in html and "Lý luận chính trị" in html
    with app.app_context():
        root = db.session.get(Unit, world.units["root"])
        expected = statistics.breakdown(actor(world, "sonoivu"), root)
        db.session.remove()
    assert ('<th class="text-right" data-column="total">%d</th>' % expected.totals["total"]) \
        in html
    workbook = client.get("/reports/breakdown/export?unit=%d" % world.units["root"])
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    assert sheet["A3"].value == "Đơn vị" and sheet["B4"].value == "Tổng số"
    assert sheet.cell(sheet.max_row, 1).value == "Tổng số"
    assert sheet.cell(sheet.max_row, 2).value == expected.totals["total"]
    client.get("/logout/")
    # a head sees A's subtree; B is not a unit of his scope: refused, nothing counted
    login(client, "thutruong", w.PASSWORD)
    mine = client.get("/reports/breakdown/").get_data(as_text=True)
    assert 'data-unit="%d"' % world.units["A"] in mine
    assert 'data-unit="%d"' % world.units["B"] not in mine
    refused = client.get("/reports/breakdown/?unit=%d" % world.units["B"])
    assert refused.status_code == 400
    assert "Chọn một đơn vị trong phạm vi của bạn." in refused.get_data(as_text=True)
    assert client.get("/reports/breakdown/?category=xyz").status_code == 400
    # a person has no reports
    client.get("/logout/")
    login(client, "canhan", w.PASSWORD)
    assert client.get("/reports/breakdown/").status_code in (302, 403)
