"""Search over the people in scope (issue 18.2): each criterion narrows to the people it
names (checked against the fixture's own values, not the search code), a unit's officer
or head never sees another unit's people, the workbook is in Vietnamese with real dates,
every search and export is audited with its criteria, and an account's saved searches
are its own."""
import datetime
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.catalogs.services import load_shipped
from app.extensions import db
from app.leavers import retirement
from app.org.models import Employee
from app.records import services as records
from app.records.models import RecordVersion
from app.reports import search
from app.reports.models import SavedSearch
from tests.conftest import csrf_token, login
from tests.security import world as w
from tests.transfers.conftest import actor, at, transfer_app  # noqa: F401 (the fixture)

D = datetime.date
TODAY = D(2026, 12, 2)
CATALOGS = ["ton_giao", "trinh_do_chuyen_mon", "ly_luan_chinh_tri", "quan_ly_nha_nuoc",
            "tin_hoc", "ngoai_ngu", "chuc_vu"]

# who is who: unit, category, status, and what their approved record says
PEOPLE = {
    "canhan": dict(unit="A", category="cong_chuc", status="dang_cong_tac",
                   name="Trần Văn Cá Nhân", sex="nam", born=D(1990, 3, 10), dan_toc="01",
                   ton_giao="00", party=True, grade="01.003", education="DH",
                   llct="Trung cấp lý luận chính trị", qlnn="Chứng chỉ ngạch chuyên viên",
                   tin="Chuẩn kỹ năng sử dụng CNTT cơ bản", nn=("Tiếng Anh", "Chứng chỉ B1"),
                   chuc_vu=None, vtvl="Chuyên viên tổ chức cán bộ", recruited=D(2015, 9, 1)),
    "canbo": dict(unit="A", category="cong_chuc", status="dang_cong_tac",
                  name="Lê Thị Cán Bộ", sex="nu", born=D(1985, 7, 20), dan_toc="02",
                  ton_giao="01", party=False, grade="01.003", education="THS",
                  llct="Cao cấp lý luận chính trị", qlnn="Chứng chỉ ngạch chuyên viên chính",
                  tin="Chứng chỉ tin học ứng dụng", nn=("Tiếng Pháp", "Chứng chỉ B"),
                  chuc_vu="TRUONG_PHONG_SO", vtvl="Chuyên viên quản lý nhân sự",
                  recruited=D(2010, 2, 15)),
    "thutruong": dict(unit="A", category="cong_chuc", status="dang_cong_tac",
                      name="Phạm Văn Thủ Trưởng", sex="nam", born=D(1965, 10, 1),
                      dan_toc="01", ton_giao="00", party=True, grade="01.002",
                      education="DH", llct="Cao cấp lý luận chính trị",
                      qlnn="Chứng chỉ ngạch chuyên viên cao cấp", tin=None, nn=None,
                      chuc_vu="GIAM_DOC_SO", vtvl="Giám đốc", recruited=D(1988, 8, 1)),
    "sonoivu": dict(unit="N", category="cong_chuc", status="dang_cong_tac",
                    name="Đỗ Thị Nội Vụ", sex="nu", born=D(1970, 1, 15), dan_toc="01",
                    ton_giao="02", party=True, grade="01.003", education="DH", llct=None,
                    qlnn=None, tin=None, nn=None, chuc_vu=None,
                    vtvl="Chuyên viên quản lý công chức", recruited=D(1995, 3, 1)),
    # 25 today, 26 tomorrow
    "giaovien": dict(unit="A", category="cong_chuc", status="dang_cong_tac",
                     name="Hoàng Thị Giáo", sex="nu", born=D(2000, 12, 3), dan_toc="06",
                     ton_giao="01", party=False, grade="V.07.05.15", education="DH",
                     llct=None, qlnn=None, tin="Chuẩn kỹ năng sử dụng CNTT nâng cao",
                     nn=("Tiếng Anh", "Cử nhân ngôn ngữ Anh (đại học)"), chuc_vu=None,
                     vtvl="Giáo viên trung học phổ thông", recruited=D(2023, 8, 15)),
    # 30 today
    "giaovien_truong": dict(unit="A1", category="vien_chuc", status="dang_cong_tac",
                            name="Vũ Văn Trường", sex="nam", born=D(1996, 12, 2),
                            dan_toc="01", ton_giao="00", party=False, grade="V.07.05.15",
                            education="THS", llct="Sơ cấp", qlnn=None, tin=None, nn=None,
                            chuc_vu=None, vtvl="Giáo viên 100% trung học",
                            recruited=D(2020, 9, 1)),
    # retired: out of a search unless its status is asked for
    "bacsi": dict(unit="B", category="cong_chuc", status="nghi_huu", name="Bùi Văn Bác Sĩ",
                  sex="nam", born=D(1975, 4, 4), dan_toc="01", ton_giao="00", party=True,
                  grade="01.002", education="TS", llct="Trung cấp", qlnn=None, tin=None,
                  nn=None, chuc_vu=None, vtvl="Bác sĩ", recruited=D(2000, 1, 1)),
    # seconded, nothing approved: counts by unit, category and status only
    "xa_canbo": dict(unit="X", category="cbcc_cap_xa", status="biet_phai", name="Lê Văn Xã"),
}
LLCT_LEVEL = {"Trung cấp lý luận chính trị": "TC", "Cao cấp lý luận chính trị": "CC",
              "Sơ cấp": "SC", "Trung cấp": "TC"}


def _content(person):
    fields = {"ho_ten": person["name"], "gioi_tinh": person["sex"],
              "ngay_sinh": person["born"].isoformat(), "dan_toc": person["dan_toc"],
              "ton_giao": person["ton_giao"], "ma_ngach": person["grade"],
              "trinh_do_chuyen_mon": person["education"], "vi_tri_viec_lam": person["vtvl"],
              "ngay_tuyen_dung": person["recruited"].isoformat()}
    if person["party"]:
        fields["ngay_vao_dang"] = "2010-05-19"
    if person["chuc_vu"]:
        fields["chuc_vu"] = person["chuc_vu"]
    tables = {}
    if person["llct"]:
        tables["ly_luan_chinh_tri"] = [{"tu": "2010-09", "van_bang": person["llct"]}]
    if person["qlnn"]:
        tables["boi_duong_qlnn"] = [{"tu": "2012-09", "chung_chi": person["qlnn"]}]
    if person["tin"]:
        tables["tin_hoc"] = [{"tu": "2014-01", "chung_chi": person["tin"]}]
    if person["nn"]:
        tables["ngoai_ngu"] = [{"tu": "2014-01", "ngon_ngu": person["nn"][0],
                                "chung_chi": person["nn"][1]}]
    return {"fields": fields, "tables": tables}


@pytest.fixture
def province(transfer_app):  # noqa: F811 (the fixture)
    """The transfer tests' province, each person's record approved as PEOPLE says."""
    app, world = transfer_app
    with app.app_context(), at(TODAY):
        load_shipped(names=CATALOGS)
        for username, person in PEOPLE.items():
            employee = db.session.get(Employee, world.employees[username])
            employee.category, employee.status = person["category"], person["status"]
            if "sex" in person:
                version = db.session.scalar(select(RecordVersion).where(
                    RecordVersion.employee_id == employee.id))
                version.content = _content(person)
                records.mark_approved(None, version)
        db.session.commit()
        db.session.remove()
    return app, world


def _ids(world, names):
    return {world.employees[name] for name in names}


def _found(world, username, args):
    """The ids the search finds for ``username`` with these criteria (every page)."""
    criteria = search.parse(actor(world, username), args)
    found, page = set(), 1
    while True:
        result = search.search_page(actor(world, username), criteria, page)
        found |= {row.employee_id for row in result.rows}
        if page >= result.pages:
            break
        page += 1
    assert len(found) == result.total
    return found


def _in_service(person):
    return person["status"] in ("dang_cong_tac", "biet_phai")


def _age(born):
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


def _retires(person):
    if "sex" not in person:
        return None
    return retirement.retirement(person["born"], person["sex"]).last_day


def _has(key):
    return lambda p: "sex" in p and p.get(key) is not None


# criteria -> which fixture people they name (besides being in service, unless a status
# is asked for), written from PEOPLE's values
CASES = [
    ({}, lambda p: True),
    ({"category": ["vien_chuc", "cbcc_cap_xa"]},
     lambda p: p["category"] in ("vien_chuc", "cbcc_cap_xa")),
    ({"status": ["nghi_huu"]}, lambda p: p["status"] == "nghi_huu"),
    ({"status": ["any"]}, None),
    ({"sex": "nu"}, lambda p: p.get("sex") == "nu"),
    ({"ethnicity": "minority"}, lambda p: p.get("dan_toc") not in (None, "01")),
    ({"ethnicity": "02"}, lambda p: p.get("dan_toc") == "02"),
    ({"religion": "any"}, lambda p: p.get("ton_giao") not in (None, "00")),
    ({"religion": "01"}, lambda p: p.get("ton_giao") == "01"),
    ({"party": "yes"}, lambda p: p.get("party") is True),
    ({"party": "no"}, lambda p: not p.get("party")),
    ({"grade": "V.07.05.15"}, lambda p: p.get("grade") == "V.07.05.15"),
    ({"education": "THS"}, lambda p: p.get("education") == "THS"),
    ({"political_theory": "CC"}, lambda p: LLCT_LEVEL.get(p.get("llct")) == "CC"),
    ({"state_management": "CVC"}, lambda p: (p.get("qlnn") or "").endswith("viên chính")),
    ({"it_level": "CNTT_NC"}, lambda p: "nâng cao" in (p.get("tin") or "")),
    ({"language_level": "TA_DH"}, lambda p: (p.get("nn") or ("", ""))[0] == "Tiếng Anh"
     and "đại học" in p["nn"][1]),
    ({"position": "GIAM_DOC_SO"}, lambda p: p.get("chuc_vu") == "GIAM_DOC_SO"),
    ({"job_position": "quản lý"}, lambda p: "quản lý" in (p.get("vtvl") or "")),
    # a LIKE wildcard typed is a plain character
    ({"job_position": "100%"}, lambda p: "100%" in (p.get("vtvl") or "")),
    ({"name": "thi"}, lambda p: " Thị " in p["name"]),
    ({"name": "TRUONG"}, lambda p: "Trường" in p["name"] or "Trưởng" in p["name"]),
    ({"age_from": "26"}, lambda p: "born" in p and _age(p["born"]) >= 26),
    ({"age_to": "25"}, lambda p: "born" in p and _age(p["born"]) <= 25),
    ({"age_from": "30", "age_to": "30"}, lambda p: "born" in p and _age(p["born"]) == 30),
    ({"retiring_months": "8"},
     lambda p: _retires(p) is not None and TODAY <= _retires(p) <= D(2027, 8, 2)),
    ({"recruited_from": "01/01/2015", "recruited_to": "31/12/2020"},
     lambda p: "recruited" in p and D(2015, 1, 1) <= p["recruited"] <= D(2020, 12, 31)),
    ({"unit": "A"}, lambda p: p["unit"] in ("A", "A1")),
    ({"sex": "nam", "party": "yes", "unit": "A"},
     lambda p: p.get("sex") == "nam" and p.get("party") and p["unit"] in ("A", "A1")),
]


def test_each_criterion_narrows_to_the_people_it_names(province):
    app, world = province
    with app.test_request_context(), at(TODAY):
        assert any(_retires(p) and TODAY <= _retires(p) <= D(2027, 8, 2)
                   for p in PEOPLE.values()), "the fixture has someone retiring soon"
        for args, names in CASES:
            args = dict(args)
            if "unit" in args:
                args["unit"] = str(world.units[args["unit"]])
            asked_status = "status" in args
            wanted = {name for name, person in PEOPLE.items()
                      if (names is None or names(person))
                      and (asked_status or _in_service(person))}
            got = _found(world, "sonoivu", args)
            assert got == _ids(world, wanted), args
            assert wanted or args.get("job_position") == "100%", "a case that names nobody"


def test_an_officer_or_head_sees_only_their_units_people(province):
    app, world = province
    subtree = {name for name, p in PEOPLE.items() if p["unit"] in ("A", "A1")}
    with app.test_request_context(), at(TODAY):
        for username in ("canbo", "thutruong"):
            assert _found(world, username, {"status": ["any"]}) == _ids(world, subtree)
            # another unit is refused as one that does not exist
            for unit in (str(world.units["B"]), "987654"):
                with pytest.raises(search.SearchInvalid) as refused:
                    search.parse(actor(world, username), {"unit": unit})
                assert set(refused.value.errors) == {"unit"}
            # a unit within the scope narrows to it
            assert _found(world, username, {"unit": str(world.units["A1"])}) == _ids(
                world, ["giaovien_truong"])
        assert _found(world, "canbo_b", {"status": ["any"]}) == _ids(world, ["bacsi"])


def _workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data)).active


def _last_entry(app, action):
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == action)
                                  .order_by(AuditEntry.id.desc()))
        details = json.loads(entry.details) if isinstance(entry.details, str) else \
            entry.details
        db.session.remove()
    return entry, details


def test_the_workbook_is_in_vietnamese_with_dates_and_is_audited_with_its_criteria(province):
    app, world = province
    client = app.test_client()
    login(client, "sonoivu", w.PASSWORD)
    with at(TODAY):
        sheet = _workbook(client.get("/reports/search/export?name=thi&party=yes"))
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [heading for heading, _width in search.EXPORT_COLUMNS]
    assert rows[0][:3] == ("STT", "Họ và tên", "Đơn vị")
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {PEOPLE["sonoivu"]["name"]}
    row = by_name[PEOPLE["sonoivu"]["name"]]
    values = dict(zip(rows[0], row))
    assert values["Đơn vị"] == "Sở Nội vụ"
    assert (values["Giới tính"], values["Dân tộc"], values["Tôn giáo"], values["Đảng viên"]) \
        == ("Nữ", "Kinh", "Công giáo", "Có")
    assert values["Ngạch/chức danh nghề nghiệp"] == "Chuyên viên"
    assert values["Trình độ chuyên môn"] == "Đại học"
    assert values["Loại"] == "Công chức" and values["Trạng thái"] == "Đang công tác"
    # dates are date cells shown dd/mm/yyyy
    born = sheet.cell(row=2, column=rows[0].index("Ngày sinh") + 1)
    assert born.is_date and born.value.date() == PEOPLE["sonoivu"]["born"]
    assert born.number_format == "DD/MM/YYYY"
    recruited = sheet.cell(row=2, column=rows[0].index("Ngày tuyển dụng") + 1)
    assert recruited.is_date and recruited.number_format == "DD/MM/YYYY"
    entry, details = _last_entry(app, "reports.export")
    assert entry.actor_id == world.accounts["sonoivu"]
    assert details["criteria"] == {"name": True, "party": "yes"}
    assert details["rows"] == 1
    # the audit never holds a name
    text = json.dumps(details, ensure_ascii=False)
    assert not any(person["name"] in text for person in PEOPLE.values())
    assert "thi" not in text


def test_the_workbook_of_an_officer_holds_only_their_units_people(province):
    app, world = province
    client = app.test_client()
    login(client, "canbo", w.PASSWORD)
    with at(TODAY):
        sheet = _workbook(client.get("/reports/search/export?status=any"))
        names = {row[1] for row in list(sheet.iter_rows(values_only=True))[1:]}
        assert names == {p["name"] for p in PEOPLE.values() if p["unit"] in ("A", "A1")}
        # a unit outside the scope: refused, nothing exported
        response = client.get("/reports/search/export?unit=%d" % world.units["B"])
        assert response.status_code == 400
        assert "spreadsheetml" not in response.mimetype
    # a personal account has no search at all
    other = app.test_client()
    login(other, "canhan", w.PASSWORD)
    assert other.get("/reports/search/").status_code in (302, 403)
    assert other.get("/reports/search/export").status_code in (302, 403)


def test_the_workbook_is_cut_at_its_limit_with_a_note(province):
    app, world = province
    with app.test_request_context(), at(TODAY):
        criteria = search.parse(actor(world, "sonoivu"), {})
        data, total, written = search.export(actor(world, "sonoivu"), criteria, limit=2)
        db.session.commit()
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert (total, written) == (sum(_in_service(p) for p in PEOPLE.values()), 2)
    assert "Chỉ xuất 2 người đầu tiên" in rows[0][0]
    assert rows[1][0] == "STT" and len(rows) == 4


def test_the_page_lists_names_linked_to_records_and_codes_as_words(province):
    app, world = province
    client = app.test_client()
    login(client, "thutruong", w.PASSWORD)
    with at(TODAY):
        response = client.get("/reports/search/?sex=nu")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/records/person/%d" % world.employees["canbo"] in page
    assert PEOPLE["canbo"]["name"] in page and PEOPLE["sonoivu"]["name"] not in page
    assert "Thạc sĩ" in page and "Cao cấp" in page and "Chuyên viên" in page
    assert "1985" in page
    entry, details = _last_entry(app, "reports.search")
    assert details["criteria"] == {"sex": "nu"} and details["total"] == 2
    with at(TODAY):
        printed = client.get("/reports/search/print?sex=nu")
    assert printed.status_code == 200
    text = printed.get_data(as_text=True)
    assert PEOPLE["giaovien"]["name"] in text and "navbar" not in text
    assert _last_entry(app, "reports.print")[1]["total"] == 2


def test_bad_input_is_named_beside_its_field_and_nothing_runs(province):
    app, world = province
    client = app.test_client()
    login(client, "canbo", w.PASSWORD)
    with app.app_context():
        before = db.session.query(AuditEntry).filter(
            AuditEntry.action.like("reports.%")).count()
        db.session.remove()
    args = {"age_from": "abc", "age_to": "200", "retiring_months": "0",
            "recruited_from": "31/02/2026", "recruited_to": "01/01/2026",
            "unit": str(world.units["B"]), "sex": "x", "grade": "không có",
            "category": "ai"}
    with app.test_request_context(), at(TODAY):
        with pytest.raises(search.SearchInvalid) as refused:
            search.parse(actor(world, "canbo"), args)
        errors = {key: str(message) for key, message in refused.value.errors.items()}
        db.session.remove()
    assert set(errors) == {"age_from", "age_to", "retiring_months", "recruited_from", "unit",
                           "sex", "grade", "category"}
    with at(TODAY):
        response = client.get("/reports/search/", query_string=args)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for message in set(errors.values()):
        assert message.replace("'", "&#39;") in page
    # the values typed are kept in the form
    assert 'value="31/02/2026"' in page and 'value="abc"' in page
    assert 'id="results"' not in page
    with app.app_context():
        assert db.session.query(AuditEntry).filter(
            AuditEntry.action.like("reports.%")).count() == before
        db.session.remove()
    # the days in the wrong order, alone
    with app.test_request_context(), at(TODAY):
        with pytest.raises(search.SearchInvalid) as refused:
            search.parse(actor(world, "canbo"), {"recruited_from": "02/01/2026",
                                                 "recruited_to": "01/01/2026",
                                                 "age_from": "40", "age_to": "30"})
        assert set(refused.value.errors) == {"recruited_to", "age_to"}


def _posting(client):
    """A post with the form's CSRF token, as the search page gives it."""
    token = csrf_token(client.get("/reports/search/").get_data(as_text=True))

    original = client.post

    def post(url, data):
        return original(url, data=dict(data, csrf_token=token))
    return post


def test_saved_searches_are_the_accounts_own(province):
    app, world = province
    officer, head = app.test_client(), app.test_client()
    login(officer, "canbo", w.PASSWORD)
    login(head, "thutruong", w.PASSWORD)
    with at(TODAY):
        officer.post, head.post = _posting(officer), _posting(head)
        response = officer.post("/reports/search/saved", data={
            "name": "Nữ đảng viên", "query": "sex=nu&party=yes&category=cong_chuc"})
        assert response.status_code == 302
        assert "sex=nu" in response.headers["Location"]
        page = officer.get("/reports/search/").get_data(as_text=True)
        assert "Nữ đảng viên" in page
        assert "Nữ đảng viên" not in head.get("/reports/search/").get_data(as_text=True)
    with app.app_context():
        saved = db.session.scalar(select(SavedSearch))
        saved_id, criteria = saved.id, saved.criteria
        assert saved.account_id == world.accounts["canbo"]
        db.session.remove()
    assert criteria == {"category": ["cong_chuc"], "sex": "nu", "party": "yes"}
    entry, details = _last_entry(app, "reports.save_search")
    assert details["criteria"] == criteria
    with at(TODAY):
        # the same name again replaces the criteria
        officer.post("/reports/search/saved", data={"name": "Nữ đảng viên",
                                                    "query": "sex=nu"})
        # bad criteria or no name: nothing saved
        officer.post("/reports/search/saved", data={"name": "Sai", "query": "age_from=x"})
        officer.post("/reports/search/saved", data={"name": " ", "query": "sex=nu"})
        # another account cannot delete it
        head.post("/reports/search/saved/forget", data={"id": str(saved_id)})
    with app.app_context():
        rows = db.session.scalars(select(SavedSearch)).all()
        assert [(row.name, row.criteria) for row in rows] == [("Nữ đảng viên", {"sex": "nu"})]
        db.session.remove()
    with at(TODAY):
        officer.post("/reports/search/saved/forget", data={"id": str(saved_id)})
    with app.app_context():
        assert db.session.scalars(select(SavedSearch)).all() == []
        db.session.remove()


def test_the_unit_picker_lists_the_top_units_and_finds_the_others_by_name(province):
    """Not a province's 5,000 units on every page: the highest units of the scope and
    those directly below them, the chosen one, and any other found by name or code within
    the scope (SearchView.units)."""
    app, world = province
    units = {key: str(pk) for key, pk in world.units.items()}
    with app.app_context():
        sonoivu = actor(world, "sonoivu")
        listed = dict(search.unit_choices(sonoivu))
        assert {units["root"], units["A"], units["B"], units["N"]} <= set(listed)
        assert units["A1"] not in listed, "two levels below the root: found by name"
        # the unit a search names (a bookmark, a saved search) is listed with it
        assert units["A1"] in dict(search.unit_choices(sonoivu, units["A1"]))
        found, more = search.find_units(sonoivu, "THPT SO 1")
        assert [unit["id"] for unit in found] == [units["A1"]] and not more
        assert found[0] == {"id": units["A1"], "name": "Trường THPT số 1",
                            "parent": "Sở Giáo dục"}
        assert search.find_units(sonoivu, "t") == ([], False), "two letters at least"
        # a head lists and finds his subtree only, whatever unit is named
        head = actor(world, "thutruong")
        listed = dict(search.unit_choices(head, units["B"]))
        assert {units["A"], units["A1"]} <= set(listed)
        assert not {units["root"], units["B"], units["N"]} & set(listed)
        assert search.find_units(head, "Sở Y tế") == ([], False)
        db.session.remove()
    client = app.test_client()
    login(client, "thutruong", w.PASSWORD)
    answer = client.get("/reports/search/units?q=trường")
    assert answer.status_code == 200
    assert [unit["id"] for unit in answer.json["units"]] == [units["A1"]]
    assert client.get("/reports/search/units?q=y tế").json == {"units": [], "more": False}
    page = client.get("/reports/search/?unit=%s" % units["A1"]).get_data(as_text=True)
    assert '<option value="%s" selected>' % units["A1"] in page
    picker = page.split('id="unit" name="unit">', 1)[1].split("</select>", 1)[0]
    # "—", A, and the units directly below it (A1, its section)
    assert picker.count("<option") == 4
