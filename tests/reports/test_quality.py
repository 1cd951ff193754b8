"""Data quality per unit (issue 18.5): Đúng, Đủ, Sạch, Sống of every person in service,
counted over the reporting facts, each number checked against a count written again
here from the crafted records; the people behind each number; the scope; Sở Nội vụ's
ranking; and the rebuild finding the same flags as the writes that made them."""
import datetime
import json

import pytest
from sqlalchemy import select

from app.catalogs.services import load_shipped
from app.core import clock
from app.extensions import db
from app.org.models import Employee, Unit
from app.org.services import create_unit
from app.records import services as records
from app.records.models import DRAFT, SUBMITTED, RecordVersion
from app.reports import quality, services
from app.reports.models import ReportFact, ReportFactQuality
from tests.conftest import login
from tests.security import world as w
from tests.transfers.conftest import actor, at, transfer_app  # noqa: F401 (the fixture)

D = datetime.date
TODAY = D(2026, 12, 2)
CATALOGS = ["tinh_thanh", "ton_giao", "giao_duc_pho_thong", "trinh_do_chuyen_mon"]

# name -> (unit key, what is wrong with the record, the criteria it fails)
PEOPLE = {
    "Trần Văn Tốt": ("Q", "good", set()),
    "Lê Thị Sai": ("Q1", "bad_date", {"dung"}),
    "Phạm Văn Thiếu": ("Q", "missing", {"du"}),
    "Hoàng Thị Mã": ("Q1", "orphan", {"sach"}),
    "Nguyễn Văn Trùng": ("Q", "twin", {"sach"}),
    "nguyễn  văn trùng": ("Q1", "twin", {"sach"}),      # the same person, typed again
    "Đỗ Văn Số": ("Q", "cccd_a", {"sach"}),
    "Vũ Thị Số": ("Q1", "cccd_b", {"sach"}),
    "Bùi Văn Chậm": ("Q", "late_change", {"song"}),
    "Đặng Thị Chờ": ("Q1", "late_approval", {"song"}),
    "Ngô Văn Mới": ("Q", "no_record", {"du", "song"}),
    "Mai Thị Nghỉ": ("Q", "retired", set()),            # not in service: not counted
}


def _number(index):
    return "0010%08d" % (index + 1)


def complete(name, index, born="1990-05-05", sex="nam"):
    """A record with every required field and table of the form, valid."""
    number = _number(index)
    return {"schema": 1, "fields": {
        "so_dinh_danh": number, "ho_ten": name, "gioi_tinh": sex, "ngay_sinh": born,
        "noi_sinh": "Hải Phòng", "que_quan_xa": "Xã An Lư", "que_quan_tinh": "01",
        "dan_toc": "01", "ton_giao": "00", "so_cccd": number, "ngay_cap_cccd": "2021-04-01",
        "dien_thoai": "0912345678", "noi_o": "Số 1 Lê Lợi", "ngay_tuyen_dung": "2015-09-01",
        "co_quan_tuyen_dung": "Sở Nội vụ", "ngay_vao_co_quan": "2016-01-01",
        "giao_duc_pho_thong": "THPT", "trinh_do_chuyen_mon": "DH", "suc_khoe": "Tốt"},
        "tables": {
            "qua_trinh_cong_tac": [{"_id": "a1", "tu": "2015-09", "don_vi": "Sở Nội vụ"}],
            "gia_dinh_ban_than": [{"_id": "b1", "quan_he": "Mẹ", "ho_ten": "Lê Thị Mẹ"}],
        }}


def _content_for(name, kind, index):
    content = complete(name, index)
    fields = content["fields"]
    if kind == "bad_date":
        fields["ngay_cap_cccd"] = "1980-01-01"      # the card issued before the birth
    elif kind == "missing":
        del fields["noi_o"]
    elif kind == "orphan":
        fields["dan_toc"] = "99"
    elif kind == "twin":
        fields["ngay_sinh"], fields["gioi_tinh"] = "1985-03-08", "nam"
    elif kind == "cccd_b":
        # her CCCD is the other's số định danh: one number on two records
        fields["so_cccd"] = _number(list(PEOPLE).index("Đỗ Văn Số"))
    return content


def _approve(person, content, number=1, at_moment=None):
    now = at_moment or clock.now()
    version = RecordVersion(employee=person, number=number, status=DRAFT, lock=0,
                            created_at=now, updated_at=now)
    records.store(version, content)
    db.session.add(version)
    db.session.flush()
    records.mark_approved(None, version)
    db.session.flush()
    return version


def build(app, world):
    """The unit Q (Sở Kiểm tra) and Q1 below it, with the people of PEOPLE."""
    ids = {}
    with app.app_context(), at(TODAY):
        load_shipped(names=CATALOGS)
        root = db.session.get(Unit, world.units["root"])
        q = create_unit("Sở Kiểm tra", root)
        q1 = create_unit("Phòng Kiểm tra 1", q)
        db.session.commit()
        world.units.update({"Q": q.id, "Q1": q1.id})
        for index, (name, (unit_key, kind, _fails)) in enumerate(PEOPLE.items()):
            person = Employee(full_name=name, category="cong_chuc",
                              unit_id=world.units[unit_key])
            db.session.add(person)
            db.session.flush()
            ids[name] = person.id
            if kind == "no_record":
                continue
            approved = _approve(person, _content_for(name, kind, index))
            if kind == "retired":
                person.status = "nghi_huu"
            elif kind == "late_change":
                # a change opened a month ago, never submitted (3 working days, NĐ 27/2026)
                opened = datetime.datetime(2026, 11, 2, 9, tzinfo=clock.PROVINCE_TZ)
                db.session.add(RecordVersion(employee=person, number=2, status=DRAFT,
                                             base_id=approved.id, content=approved.content,
                                             sensitive=approved.sensitive, lock=0,
                                             created_at=opened, updated_at=opened))
            elif kind == "late_approval":
                # submitted in October: its window ended on 31/10 (Điều 5 HP)
                sent = datetime.datetime(2026, 10, 5, 9, tzinfo=clock.PROVINCE_TZ)
                db.session.add(RecordVersion(employee=person, number=2, status=SUBMITTED,
                                             base_id=approved.id, content=approved.content,
                                             sensitive=approved.sensitive, lock=0,
                                             created_at=sent, updated_at=sent,
                                             submitted_at=sent))
            db.session.flush()
        db.session.commit()
        db.session.remove()
    return ids


@pytest.fixture
def quality_app(transfer_app):  # noqa: F811 (the fixture)
    app, world = transfer_app
    ids = build(app, world)
    return app, world, ids


def _expected_rows(world):
    """{row unit key: {criterion: failing}, "people": n} of Q, counted from PEOPLE."""
    expected = {}
    for _name, (unit_key, kind, fails) in PEOPLE.items():
        if kind == "retired":
            continue
        row = expected.setdefault(unit_key, {"people": 0, "any": 0, **dict.fromkeys(
            quality.CRITERIA, 0)})
        row["people"] += 1
        row["any"] += bool(fails)
        for key in fails:
            row[key] += 1
    return expected


def _score(people, failing):
    return int(1000 * (people - failing) / people) / 10 if people else 100.0


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_each_crafted_record_fails_exactly_its_criterion_and_the_scores_are_the_counts(
        quality_app):
    app, world, ids = quality_app
    with app.app_context(), at(TODAY):
        q = db.session.get(Unit, world.units["Q"])
        report = quality.unit_quality(actor(world, "sonoivu"), q, on=TODAY)
        expected = _expected_rows(world)
        got = {}
        for row in report.rows:
            key = "Q1" if row.unit.id == world.units["Q1"] else "Q"
            got[key] = {"people": row.people, "any": row.failing_any, **row.failing}
            for criterion in quality.CRITERIA:
                assert row.score[criterion] == _score(row.people, row.failing[criterion])
            assert row.overall == _score(row.people, row.failing_any)
        assert got == expected
        assert [row.unit.id for row in report.rows] == [world.units["Q1"], world.units["Q"]]
        totals = report.totals
        people = sum(row["people"] for row in expected.values())
        assert totals.people == people == 11
        assert totals.failing == {"dung": 1, "du": 2, "sach": 5, "song": 3}
        assert totals.failing_any == 10
        assert totals.score["sach"] == _score(11, 5) == 54.5
        # the statement Hà Nội's quarterly report quotes: plain data
        said = quality.statement(actor(world, "sonoivu"), q, on=TODAY)
        assert json.loads(json.dumps(said)) == said
        assert said["people"] == 11 and said["du"] == {"failing": 2, "score": _score(11, 2)}
        assert said["overall"] == _score(11, 10)

        # the people behind each number, and why
        for criterion in quality.CRITERIA + (quality.ANY,):
            found = quality.drill_down(actor(world, "sonoivu"), q, criterion, on=TODAY)
            names = {person.name for person in found.items}
            assert names == {name for name, (_u, kind, fails) in PEOPLE.items()
                             if kind != "retired" and (fails if criterion == quality.ANY
                                                       else criterion in fails)}, criterion
            assert found.total == len(names) and all(p.reason for p in found.items)
            assert {p.employee_id for p in found.items} == {ids[name] for name in names}
        reasons = {p.name: p.reason for p in quality.drill_down(
            actor(world, "sonoivu"), q, quality.ANY, on=TODAY).items}
        assert "8. Ngày cấp" in reasons["Lê Thị Sai"]
        assert "10. Nơi ở hiện nay" in reasons["Phạm Văn Thiếu"]
        assert "6. Dân tộc: 99" in reasons["Hoàng Thị Mã"]
        assert "02/12/2026" not in reasons["Đặng Thị Chờ"] and "05/10/2026" in \
            reasons["Đặng Thị Chờ"]
        assert "02/11/2026" in reasons["Bùi Văn Chậm"]
        # the own staff of Q alone
        own = quality.drill_down(actor(world, "sonoivu"), q, "sach", on=TODAY, own=True)
        assert {p.name for p in own.items} == {"Nguyễn Văn Trùng", "Đỗ Văn Số"}
        db.session.remove()


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_the_flags_follow_the_records_and_the_rebuild_finds_the_same(quality_app):
    app, world, ids = quality_app
    with app.app_context(), at(TODAY):
        def facts():
            db.session.expire_all()
            return [{c.name: getattr(row, c.name) for c in ReportFact.__table__.columns
                     if c.name != "refreshed_at"}
                    for row in db.session.scalars(select(ReportFact).order_by(
                        ReportFact.employee_id))]

        def fact(name):
            db.session.expire_all()
            return db.session.get(ReportFact, ids[name])

        def beside():
            """Every ReportFactQuality row (the items' labels and the compared keys)."""
            db.session.expire_all()
            return [{c.name: getattr(row, c.name) for c in ReportFactQuality.__table__.columns}
                    for row in db.session.scalars(select(ReportFactQuality).order_by(
                        ReportFactQuality.employee_id))]

        def items(name):
            return db.session.get(ReportFactQuality, ids[name])

        twin = fact("Nguyễn Văn Trùng")
        assert twin.duplicate_person and not twin.duplicate_id
        assert fact("Đỗ Văn Số").duplicate_id and fact("Vũ Thị Số").duplicate_id
        assert fact("Trần Văn Tốt").duplicate_id is False
        assert (fact("Lê Thị Sai").invalid_values, fact("Phạm Văn Thiếu").missing_required,
                fact("Hoàng Thị Mã").orphan_codes) == (1, 1, 1)
        # the labels behind the counts and the compared keys are beside the facts, one
        # row per fact
        assert "8. Ngày cấp" in items("Lê Thị Sai").invalid_items
        assert "6. Dân tộc: 99" in items("Hoàng Thị Mã").orphan_items
        assert (items("Trần Văn Tốt").invalid_items, items("Trần Văn Tốt").missing_items,
                items("Trần Văn Tốt").orphan_items) == (None, None, None)
        assert items("Nguyễn Văn Trùng").match_key == items("nguyễn  văn trùng").match_key
        assert [row["employee_id"] for row in beside()] == [
            row["employee_id"] for row in facts()]
        # nothing sensitive is copied: the items are labels, the numbers keyed hashes
        assert _number(0) not in json.dumps([str(v) for v in facts() + beside()])
        incremental, incremental_beside = facts(), beside()
        assert services.rebuild() == db.session.query(Employee).count()
        assert facts() == incremental
        assert beside() == incremental_beside

        # the second of the twins corrects the birth date: neither is a duplicate now
        person = db.session.get(Employee, ids["nguyễn  văn trùng"])
        content = _content_for(person.full_name, "twin", list(PEOPLE).index(person.full_name))
        content["fields"]["ngay_sinh"] = "1986-03-08"
        _approve(person, content, number=2)
        db.session.commit()
        assert not fact("Nguyễn Văn Trùng").duplicate_person
        # the catalog gains the orphan's code: the record is clean again
        from app.catalogs.models import Catalog, CatalogEntry
        catalog = db.session.scalar(select(Catalog).where(Catalog.name == "dan_toc"))
        db.session.add(CatalogEntry(catalog_id=catalog.id, code="99", name="Thử"))
        db.session.commit()
        assert fact("Hoàng Thị Mã").orphan_codes == 0
        assert items("Hoàng Thị Mã").orphan_items is None
        incremental, incremental_beside = facts(), beside()
        services.rebuild()
        assert facts() == incremental
        assert beside() == incremental_beside
        db.session.remove()


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_a_head_counts_only_his_subtree_and_is_refused_another_units_people(quality_app):
    app, world, _ids = quality_app
    with app.app_context(), at(TODAY):
        head = actor(world, "thutruong")
        root = db.session.get(Unit, world.units["root"])
        mine = quality.unit_quality(head, root, on=TODAY)
        a = db.session.get(Unit, world.units["A"])
        in_a = db.session.query(ReportFact).filter(
            ReportFact.unit_path.startswith(a.path),
            ReportFact.status.in_(quality.IN_SERVICE)).count()
        assert mine.totals.people == in_a > 0
        # the other units are not shown at all: A's row, and the root's own staff (none)
        assert [(row.unit.id, row.people) for row in mine.rows] == [
            (world.units["A"], in_a), (root.id, 0)]
        q = db.session.get(Unit, world.units["Q"])
        assert quality.unit_quality(head, q, on=TODAY).totals.people == 0
        with pytest.raises(quality.QualityInvalid):
            quality.drill_down(head, q, "du", on=TODAY)
        with pytest.raises(quality.QualityInvalid):
            quality.drill_down(head, a, "xyz", on=TODAY)
        with pytest.raises(quality.QualityInvalid):
            quality.ranking(head)
        db.session.remove()
    client = app.test_client()
    with at(TODAY):
        login(client, "thutruong", w.PASSWORD)
        page = client.get("/reports/quality/")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and 'id="quality-table"' in html
        assert 'data-unit="%d"' % world.units["A"] in html
        assert 'data-unit="%d"' % world.units["Q"] not in html
        assert client.get("/reports/quality/?unit=%d" % world.units["Q"]).status_code == 400
        refused = client.get("/reports/quality/people?unit=%d&criterion=du" % world.units["Q"])
        assert refused.status_code == 404
        assert client.get("/reports/quality/people?unit=%d" % world.units["A"]).status_code \
            == 200
        assert client.get("/reports/inspection/").status_code in (302, 403)


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_the_pages_list_the_people_behind_a_number_and_refuse_bad_input(quality_app,
                                                                        monkeypatch):
    app, world, ids = quality_app
    client = app.test_client()
    q = world.units["Q"]
    with at(TODAY):
        login(client, "sonoivu", w.PASSWORD)
        page = client.get("/reports/quality/?unit=%d" % q)
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert 'href="/reports/quality/people?unit=%d&amp;criterion=sach"' % \
            world.units["Q1"] in html
        listed = client.get("/reports/quality/people?unit=%d&criterion=sach" % q)
        text = listed.get_data(as_text=True)
        assert listed.status_code == 200
        for name in ("Hoàng Thị Mã", "Nguyễn Văn Trùng", "Đỗ Văn Số", "Vũ Thị Số"):
            assert 'data-employee="%d"' % ids[name] in text
        assert 'data-employee="%d"' % ids["Trần Văn Tốt"] not in text
        for bad in ("criterion=xyz", "criterion=du&page=99", "criterion=du&page=99999999999"):
            response = client.get("/reports/quality/people?unit=%d&%s" % (q, bad))
            assert response.status_code == 400, bad
        # a page number that is none is the first page (app/application/requests.py)
        for odd in ("abc", "0", "-3"):
            response = client.get("/reports/quality/people?unit=%d&criterion=du&page=%s" % (
                q, odd))
            assert response.status_code == 200, odd
        assert client.get("/reports/quality/people?unit=999999").status_code == 404
        assert client.get("/reports/quality/people?unit=abc").status_code == 404
        assert client.get("/reports/quality/?unit=abc").status_code == 400
        # a page at a time
        monkeypatch.setattr(quality, "PAGE_SIZE", 2)
        first = client.get("/reports/quality/people?unit=%d&criterion=sach" % q)
        second = client.get("/reports/quality/people?unit=%d&criterion=sach&page=2" % q)
        shown = [t.get_data(as_text=True).count('data-employee="') for t in (first, second)]
        assert shown == [2, 2]
        assert client.get("/reports/quality/people?unit=%d&criterion=sach&page=3" % q) \
            .status_code == 200
        inspection = client.get("/reports/inspection/")
        assert inspection.status_code == 200 and 'id="inspection-table"' in \
            inspection.get_data(as_text=True)


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_so_noi_vu_ranks_the_reporting_units_weakest_first(quality_app):
    app, world, _ids = quality_app
    with app.app_context(), at(TODAY):
        found = quality.ranking(actor(world, "sonoivu"), on=TODAY)
        root = db.session.get(Unit, world.units["root"])
        children = {unit.id for unit in db.session.scalars(select(Unit).where(
            Unit.parent_id == root.id, Unit.valid_to.is_(None)))}
        assert {row.unit.id for row in found.rows} == children
        overall = [row.overall for row in found.rows]
        assert overall == sorted(overall)
        q = next(row for row in found.rows if row.unit.id == world.units["Q"])
        assert (q.people, q.failing_any) == (11, 10)
        assert q.overall == _score(11, 10)
        # the world's own people have submitted, never approved records: Đủ and Sống fail
        a = next(row for row in found.rows if row.unit.id == world.units["A"])
        assert a.people and a.failing["du"] == a.failing["song"] == a.people
        assert found.rows[0].overall <= q.overall
        # the units with nobody come last, at 100 %
        assert found.rows[-1].people == 0 and found.rows[-1].overall == 100.0
        assert found.totals.people == sum(row.people for row in found.rows)
        db.session.remove()


@pytest.mark.parametrize("transfer_app", ["hai_phong", "da_nang"], indirect=True)
def test_the_terms_run_out_on_the_days_the_deadlines_say(transfer_app):  # noqa: F811
    """A version submitted on D waits too long on ``on`` exactly when the approval
    window says it is overdue; a change opened on D is late exactly when its working-day
    term has run out; under da_nang nothing waits for approval."""
    from app.approval import window
    from app.policy.profiles import rule_entry
    from app.workdays.services import due_for

    app, _world = transfer_app
    with app.app_context():
        change_rule = rule_entry("records.update_after_change_working_days")
        for on in (D(2026, 12, 2), D(2026, 12, 31), D(2027, 1, 4), D(2027, 2, 22)):
            terms = quality.terms_on(on)
            for back in range(0, 70):
                day = on - datetime.timedelta(days=back)
                due = window.due_on(day)
                overdue = due is not None and on > due
                assert (terms.approval is not None and day <= terms.approval) == overdue, \
                    (on, day)
                due = due_for(day, change_rule)
                late = due is not None and on > due
                assert (terms.change is not None and day <= terms.change) == late, (on, day)
            if app.config["PROVINCE_PROFILE"] == "da_nang":
                assert terms.approval is None
        db.session.remove()
