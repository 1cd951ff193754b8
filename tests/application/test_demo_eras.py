"""The demo agrees with itself (issue 16, item 11): today (01/12/2026) its tree is
tỉnh Phú Thọ's after the 2025 reform (no district level, communes directly under
the province, the Sở as merged); the tree of a date before 01/07/2025 is tỉnh
Vĩnh Phúc's, reached through closed units and recorded restructurings; and each
person's unit, addresses and record text belong to the era of the date shown. (Loaded
without the lifecycle examples, whose moves and leavers tests/application/
test_demo_lifecycle.py checks.)"""
from datetime import date

from sqlalchemy import func, select

from app.application.demo import (
    OLD_PROVINCE, PROVINCE, REFORM_DAY, SO_MERGER_DAY, TOTAL_STAFF, seed_demo,
)
from app.extensions import db
from app.org import services
from app.org.models import (
    CONSOLIDATE, DISSOLVE, MERGE, Employee, EmployeePlacement, OrgRestructuring, Unit,
    UnitLeader,
)
from app.records import services as records
from app.records.models import RecordVersion

TODAY = date(2026, 12, 1)
BEFORE_REFORM = date(2025, 6, 30)
BEFORE_SO_MERGERS = date(2025, 2, 28)


def _names_on(on):
    states = services.tree_as_of(on)
    return {state.name: state for state in states.values()}, states


def _unit(name):
    return db.session.scalar(select(Unit).where(Unit.name == name))


def test_todays_tree_is_phu_tho_after_the_reform(app):
    with app.app_context():
        seed_demo(app.appbuilder, lifecycle=False)
        open_units = db.session.scalars(select(Unit).where(Unit.valid_to.is_(None))).all()
        names = {unit.name for unit in open_units}
        roots = [unit for unit in open_units if unit.parent_id is None]
        assert [root.name for root in roots] == [PROVINCE] and roots[0].code == "H44"
        assert not any("Vĩnh Phúc" in unit.name and unit.unit_type != "dvsncl"
                       for unit in open_units)
        # two tiers: no district, every commune directly under the province
        assert not any(unit.unit_type == "ubnd_huyen" for unit in open_units)
        communes = [unit for unit in open_units if unit.unit_type == "ubnd_xa"]
        assert communes and all(unit.parent.name == PROVINCE for unit in communes)
        # the Sở as the 2025 mergers left them
        assert {"Sở Nội vụ", "Sở Khoa học và Công nghệ", "Sở Nông nghiệp và Môi trường"} <= names
        for gone in ("Sở Lao động – Thương binh và Xã hội", "Sở Thông tin và Truyền thông",
                     "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Phát triển nông thôn"):
            assert not any(name.startswith(gone) for name in names), gone
        assert all(unit.code.startswith("H44") for unit in open_units if unit.code)
        # the tree of today, as the tree screen reads it, is the same
        today, _states = _names_on(TODAY)
        assert set(today) == names
        db.session.remove()


def test_the_tree_before_the_reform_is_vinh_phuc_with_its_districts(app):
    with app.app_context():
        seed_demo(app.appbuilder, lifecycle=False)
        before, states = _names_on(BEFORE_REFORM)
        roots = [state.name for state in states.values() if state.parent_id is None]
        assert roots == [OLD_PROVINCE]
        assert PROVINCE not in before and "Sở Nội vụ" not in before
        districts = [state for state in states.values() if state.unit_type == "ubnd_huyen"]
        assert len(districts) == 4
        # communes then sat under a district; the schools of the district under it too
        district_ids = {state.unit_id for state in districts}
        communes = [state for state in states.values() if state.unit_type == "ubnd_xa"]
        assert communes and all(state.parent_id in district_ids for state in communes)
        assert states[before["Trường Tiểu học Tam Đảo"].unit_id].parent_id == \
            before["UBND huyện Tam Đảo"].unit_id
        assert services.code_as_of(_unit("Trường THPT Chuyên Vĩnh Phúc").id,
                                   BEFORE_REFORM) == "H62.02.01"
        # already merged on 01/03/2025 ...
        assert "Sở Nội vụ tỉnh Vĩnh Phúc" in before
        assert "Sở Lao động – Thương binh và Xã hội tỉnh Vĩnh Phúc" not in before
        # ... and not yet before that
        earlier, _states = _names_on(BEFORE_SO_MERGERS)
        assert {"Sở Lao động – Thương binh và Xã hội tỉnh Vĩnh Phúc",
                "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc"} <= set(earlier)
        assert "Sở Nông nghiệp và Môi trường tỉnh Vĩnh Phúc" not in earlier
        db.session.remove()


def test_the_old_units_are_closed_and_the_reform_is_recorded(app):
    with app.app_context():
        seed_demo(app.appbuilder, lifecycle=False)
        old = _unit(OLD_PROVINCE)
        assert old.valid_to == REFORM_DAY and old.successor.name == PROVINCE
        assert _unit("UBND huyện Tam Đảo").valid_to == REFORM_DAY
        assert _unit("Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc").successor.name == \
            "Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc"
        kinds = dict(db.session.execute(select(OrgRestructuring.kind, func.count()).group_by(
            OrgRestructuring.kind)).all())
        assert kinds[MERGE] >= 2 and kinds[CONSOLIDATE] >= 5 and kinds[DISSOLVE] == 4
        dates = set(db.session.scalars(select(OrgRestructuring.effective_on)))
        assert dates == {SO_MERGER_DAY, REFORM_DAY}
        assert "202/2025/QH15" in {event.decision_number for event in services.history(old)}
        # no closed unit has an open leader
        assert db.session.scalar(select(func.count(UnitLeader.id)).join(Unit).where(
            Unit.valid_to.is_not(None), UnitLeader.valid_to.is_(None))) == 0
        db.session.remove()


def test_each_person_worked_where_the_date_says(app):
    with app.app_context():
        seed_demo(app.appbuilder, lifecycle=False)
        root_today, root_then = _unit(PROVINCE), _unit(OLD_PROVINCE)
        assert services.staff_as_of(root_today.id, TODAY) == set(
            db.session.scalars(select(Employee.id)))
        assert len(services.staff_as_of(root_then.id, BEFORE_REFORM)) == TOTAL_STAFF
        assert services.staff_as_of(root_today.id, BEFORE_REFORM) == set()
        # one open placement each, in today's unit; every earlier one in a closed unit
        for person in db.session.scalars(select(Employee)):
            placements = db.session.scalars(select(EmployeePlacement).where(
                EmployeePlacement.employee_id == person.id)).all()
            current = [p for p in placements if p.valid_to is None]
            assert [p.unit_id for p in current] == [person.unit_id], person.full_name
            for placement in placements:
                if placement.valid_to is not None:
                    assert placement.unit.valid_to == placement.valid_to, person.full_name
        moved = db.session.scalar(select(Employee).where(Employee.full_name == "Lê Quang Huy"))
        then = db.session.scalar(select(EmployeePlacement).where(
            EmployeePlacement.employee_id == moved.id,
            EmployeePlacement.holds_on(BEFORE_SO_MERGERS)))
        assert then.unit.name == "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc"
        head_then = services.leaders(then.unit, on=BEFORE_SO_MERGERS)
        assert head_then and head_then[0].employee_id == moved.id
        db.session.remove()


def test_each_record_speaks_of_its_eras(app):
    with app.app_context():
        seed_demo(app.appbuilder, lifecycle=False)
        for version in db.session.scalars(select(RecordVersion)):
            person = version.employee
            content = records.read_content(version)
            fields = content["fields"]
            assert fields["co_quan_quan_ly"] == "Ủy ban nhân dân tỉnh Phú Thọ"
            assert fields["co_quan_su_dung"] == person.unit.name
            for key in ("noi_sinh", "noi_o"):
                assert fields[key].endswith("tỉnh Phú Thọ") and "huyện" not in fields[key]
            placements = db.session.scalars(select(EmployeePlacement).where(
                EmployeePlacement.employee_id == person.id)).all()
            history = content["tables"]["qua_trinh_cong_tac"]
            # one row per unit worked in, the last one open and today's
            assert [row["don_vi"] for row in history] == [
                p.unit.name for p in sorted(placements, key=lambda p: p.valid_from or date.min)]
            assert "den" not in history[-1] and history[-1]["don_vi"] == person.unit.name
            recruited = date.fromisoformat(fields["ngay_tuyen_dung"])
            then = next(p for p in placements if p.is_valid_on(recruited))
            assert fields["co_quan_tuyen_dung"] == then.unit.name, person.full_name
            joined = date.fromisoformat(fields["ngay_vao_co_quan"])
            current = next(p for p in placements if p.valid_to is None)
            assert current.valid_from is None or joined >= current.valid_from
        db.session.remove()
