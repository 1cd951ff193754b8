"""Restructuring the tree (rename, move, merge, consolidate, split, dissolve, new
code) on PostgreSQL: the tree today, its history at past dates, the staff and
their reasons, codes, accounts, and refusals that change nothing."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounts.models import KIND_AGENCY, KIND_PERSONAL, STATUS_REVOKED, Account
from app.audit.models import AuditEntry
from app.extensions import db
from app.org import services
from app.org.models import (
    LEADER_DEPUTY, LEADER_HEAD, OrgRestructuring, Unit, UnitCode, UnitLeader, UnitState,
)
from app.org.services import Decision, OrgError, SplitPart
from app.org.models import Employee, EmployeePlacement

BEFORE = date(2025, 6, 30)
REFORM = date(2025, 7, 1)    # the two-tier reform's day
AFTER = date(2025, 7, 2)


def decision(number="QĐ 1234/QĐ-UBND", signed=date(2025, 6, 20), effective=REFORM):
    return Decision(number, signed, effective, "")


@pytest.fixture
def tree(app, province):
    """Under the test province's root: two Sở with staff, a school below one."""
    with app.app_context():
        root = db.session.get(Unit, province.units["root"])
        khcn = services.create_unit("Sở Khoa học và Công nghệ", root, unit_type="so",
                                    code="H62.04")
        tttt = services.create_unit("Sở Thông tin và Truyền thông", root, unit_type="so",
                                    code="000.00.05.H62")
        center = services.create_unit("Trung tâm CNTT", tttt, unit_type="dvsncl",
                                      code="H62.05.01")
        people = {}
        for name, unit in (("Hoàng Văn Nam", khcn), ("Lê Quang Huy", tttt),
                           ("Phan Thị Ngọc", tttt), ("Đặng Văn Long", center)):
            person = Employee(full_name=name, category="cong_chuc", unit_id=unit.id)
            db.session.add(person)
            db.session.flush()
            people[name] = person.id
        db.session.commit()
        ids = {"root": root.id, "khcn": khcn.id, "tttt": tttt.id, "center": center.id}
        db.session.remove()
    return {"units": ids, "people": people, "province": province}


def sonoivu(province):
    return db.session.get(Account, province.accounts["sonoivu"])


def unit(key_or_id, tree=None):
    return db.session.get(Unit, tree["units"][key_or_id] if tree else key_or_id)


def paths_are_consistent():
    """Every person's copied unit path is their unit's path (the triggers' job)."""
    rows = db.session.execute(select(Employee.unit_path, Unit.path).join(
        Unit, Unit.id == Employee.unit_id)).all()
    return all(copied == actual for copied, actual in rows)


def counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Unit, UnitState, UnitCode, OrgRestructuring, EmployeePlacement,
                          AuditEntry)}


def test_rename_keeps_the_old_name_for_past_dates(app, tree):
    with app.app_context():
        khcn = unit("khcn", tree)
        event = services.rename(sonoivu(tree["province"]), khcn, "Sở KH&CN tỉnh", decision())
        assert event.kind == "rename" and khcn.name == "Sở KH&CN tỉnh"
        assert khcn.search_name == "so kh&cn tinh"
        assert services.name_as_of(khcn.id, BEFORE) == "Sở Khoa học và Công nghệ"
        assert services.name_as_of(khcn.id, REFORM) == "Sở KH&CN tỉnh"
        assert [e.id for e in services.history(khcn)] == [event.id]
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "unit.restructure").order_by(AuditEntry.id.desc()))
        assert entry.object_id == str(event.id) and entry.actor_id == tree["province"].accounts[
            "sonoivu"]


def test_move_rewrites_paths_below_and_the_people_follow(app, tree):
    with app.app_context():
        actor = sonoivu(tree["province"])
        center, khcn, tttt = unit("center", tree), unit("khcn", tree), unit("tttt", tree)
        services.move(actor, center, khcn, decision())
        assert center.parent_id == khcn.id and center.path == khcn.path + "%d/" % center.id
        long = db.session.get(Employee, tree["people"]["Đặng Văn Long"])
        db.session.refresh(long)
        assert long.unit_path == center.path and paths_are_consistent()
        # the past: the centre was below TT&TT, today below KH&CN
        assert center.id in services.subtree_ids_as_of(tttt.id, BEFORE)
        assert center.id not in services.subtree_ids_as_of(tttt.id, REFORM)
        assert center.id in services.subtree_ids_as_of(khcn.id, REFORM)
        assert long.id in services.staff_as_of(tttt.id, BEFORE)
        assert long.id in services.staff_as_of(khcn.id, AFTER)
        assert long.id not in services.staff_as_of(khcn.id, BEFORE)


def test_merge_closes_the_absorbed_unit_and_moves_staff_and_units(app, tree):
    with app.app_context():
        province = tree["province"]
        actor = sonoivu(province)
        khcn, tttt, center = unit("khcn", tree), unit("tttt", tree), unit("center", tree)
        agency = Account(username="so.tttt", first_name="Sở", last_name="TT&TT",
                         email="tttt@example.invalid", kind=KIND_AGENCY, unit_id=tttt.id,
                         active=True, status="active")
        huy = db.session.get(Employee, tree["people"]["Lê Quang Huy"])
        person_account = db.session.get(Account, province.accounts["giaovien"])
        huy.account_id = person_account.id
        officer = Account(username="canbo.tttt", first_name="Cán bộ", last_name="TT&TT",
                          email="canbo@tttt.invalid", kind=KIND_PERSONAL, unit_id=tttt.id,
                          active=True, status="active")
        db.session.add_all([agency, officer])
        db.session.commit()

        event = services.merge(actor, khcn, [tttt], decision())

        assert tttt.valid_to == REFORM and tttt.successor_id == khcn.id and not tttt.is_open
        assert khcn.is_open and center.parent_id == khcn.id
        moved = set(db.session.scalars(select(Employee.id).where(Employee.unit_id == khcn.id)))
        assert moved == {tree["people"][n] for n in ("Hoàng Văn Nam", "Lê Quang Huy",
                                                     "Phan Thị Ngọc")}
        placement = db.session.scalar(select(EmployeePlacement).where(
            EmployeePlacement.employee_id == huy.id, EmployeePlacement.valid_to.is_(None)))
        assert placement.unit_id == khcn.id and placement.valid_from == REFORM
        assert "QĐ 1234/QĐ-UBND" in placement.reason and "20/06/2025" in placement.reason
        assert placement.restructuring_id == event.id
        assert person_account.unit_id == khcn.id       # the personal account follows
        assert agency.status == STATUS_REVOKED          # the closed unit's own account goes
        assert officer.unit_id == khcn.id               # so does its officer's work
        # history: before the reform TT&TT had its staff, its code, its centre
        assert services.staff_as_of(tttt.id, BEFORE) == {
            tree["people"][n] for n in ("Lê Quang Huy", "Phan Thị Ngọc", "Đặng Văn Long")}
        assert services.staff_as_of(tttt.id, REFORM) == set()
        assert services.code_as_of(tttt.id, BEFORE) == "000.00.05.H62"
        assert services.code_as_of(tttt.id, REFORM) is None
        assert tttt.id in services.tree_as_of(BEFORE) and tttt.id not in services.tree_as_of(
            REFORM)
        assert {(p.unit_id, p.part) for p in event.parts} >= {
            (khcn.id, "target"), (tttt.id, "source"), (tttt.id, "closed"),
            (center.id, "source")}
        assert paths_are_consistent()
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "unit.restructure").order_by(AuditEntry.id.desc()))
        details = json.loads(entry.details)
        assert details["staff_moved"] == 2 and details["kind"] == "merge"
        # a closed unit takes no part in another restructuring
        with pytest.raises(OrgError, match="đã đóng|closed"):
            services.rename(actor, tttt, "Tên mới", decision(number="QĐ 2"))


def test_consolidate_makes_a_new_unit_that_succeeds_both(app, tree):
    with app.app_context():
        actor = sonoivu(tree["province"])
        khcn, tttt, root = unit("khcn", tree), unit("tttt", tree), unit("root", tree)
        event = services.consolidate(actor, [khcn, tttt], "Sở Khoa học, Công nghệ và Số",
                                     "so", root, "H62.40", decision())
        new = db.session.scalar(select(Unit).where(Unit.code == "H62.40"))
        assert new.valid_from == REFORM and new.parent_id == root.id
        assert khcn.successor_id == new.id and tttt.successor_id == new.id
        assert {e.id for e in services.staff_of(new)} == {
            tree["people"][n] for n in ("Hoàng Văn Nam", "Lê Quang Huy", "Phan Thị Ngọc")}
        assert unit("center", tree).parent_id == new.id
        assert services.name_as_of(new.id, BEFORE) is None
        assert services.staff_as_of(new.id, REFORM) == {
            tree["people"][n] for n in ("Hoàng Văn Nam", "Lê Quang Huy", "Phan Thị Ngọc",
                                        "Đặng Văn Long")}
        assert services.staff_as_of(khcn.id, BEFORE) == {tree["people"]["Hoàng Văn Nam"]}
        assert event.kind == "consolidate" and paths_are_consistent()


def test_split_divides_a_unit_and_every_person_must_go_somewhere(app, tree):
    with app.app_context():
        actor = sonoivu(tree["province"])
        tttt, center = unit("tttt", tree), unit("center", tree)
        huy = db.session.get(Employee, tree["people"]["Lê Quang Huy"])
        ngoc = db.session.get(Employee, tree["people"]["Phan Thị Ngọc"])
        before = counts()
        with pytest.raises(OrgError):
            services.split(actor, tttt, [SplitPart("Sở Số", "so", employees=(huy,)),
                                         SplitPart("Sở Báo chí", "so", children=(center,))],
                           decision())
        assert counts() == before and tttt.is_open  # nothing half-done

        services.split(actor, tttt, [
            SplitPart("Sở Số", "so", code="H62.41", employees=(huy,)),
            SplitPart("Sở Báo chí", "so", employees=(ngoc,), children=(center,))],
            decision())
        digital = db.session.scalar(select(Unit).where(Unit.name == "Sở Số"))
        press = db.session.scalar(select(Unit).where(Unit.name == "Sở Báo chí"))
        assert not tttt.is_open and tttt.successor_id is None
        assert huy.unit_id == digital.id and ngoc.unit_id == press.id
        assert center.parent_id == press.id and digital.code == "H62.41"
        assert services.staff_as_of(tttt.id, BEFORE) == {huy.id, ngoc.id,
                                                        tree["people"]["Đặng Văn Long"]}
        assert paths_are_consistent()


def test_split_off_keeps_the_source(app, tree):
    with app.app_context():
        actor = sonoivu(tree["province"])
        tttt = unit("tttt", tree)
        huy = db.session.get(Employee, tree["people"]["Lê Quang Huy"])
        services.split(actor, tttt, [SplitPart("Phòng Bưu chính", "phong", employees=(huy,))],
                       decision(), keep_source=True)
        office = db.session.scalar(select(Unit).where(Unit.name == "Phòng Bưu chính"))
        assert tttt.is_open and office.parent_id == tttt.id and huy.unit_id == office.id


def test_dissolve_sends_staff_and_units_elsewhere(app, tree):
    with app.app_context():
        actor = sonoivu(tree["province"])
        tttt, khcn, root = unit("tttt", tree), unit("khcn", tree), unit("root", tree)
        before = counts()
        with pytest.raises(OrgError, match="nhân sự|staff"):
            services.dissolve(actor, tttt, None, decision())
        assert counts() == before
        services.dissolve(actor, tttt, khcn, decision())
        assert not tttt.is_open and unit("center", tree).parent_id == root.id
        assert {e.full_name for e in services.staff_of(khcn)} == {
            "Hoàng Văn Nam", "Lê Quang Huy", "Phan Thị Ngọc"}
        assert paths_are_consistent()


def test_new_code_keeps_the_old_one_in_history(app, tree):
    with app.app_context():
        actor = sonoivu(tree["province"])
        tttt = unit("tttt", tree)
        services.recode(actor, tttt, "h62.05", decision())  # capitals are the norm
        assert tttt.code == "H62.05"
        assert services.code_as_of(tttt.id, BEFORE) == "000.00.05.H62"
        assert services.code_as_of(tttt.id, REFORM) == "H62.05"
        forms = [row.form for row in db.session.scalars(
            select(UnitCode).where(UnitCode.unit_id == tttt.id).order_by(UnitCode.id))]
        assert forms == ["legacy", "qd20_2020"]
        for bad in ("H62..05", "000.00.00.Z62", "H62.04"):  # malformed, or KH&CN's code
            with pytest.raises(OrgError):
                services.recode(actor, tttt, bad, decision(number="QĐ 9"))
        assert tttt.code == "H62.05"


@pytest.mark.parametrize("case", ["future", "before_last_change", "effective_before_signed",
                                  "no_number", "out_of_scope", "below_itself"])
def test_refusals_change_nothing(app, tree, case):
    with app.app_context():
        province = tree["province"]
        actor = sonoivu(province)
        khcn, tttt, center = unit("khcn", tree), unit("tttt", tree), unit("center", tree)
        services.rename(actor, khcn, "Sở KH&CN", decision())
        before = counts()
        name = tttt.name
        with pytest.raises(OrgError):
            if case == "future":
                services.merge(actor, khcn, [tttt], decision(effective=date(2099, 1, 1)))
            elif case == "before_last_change":
                # KH&CN was renamed on the reform's day: a change cannot predate it
                services.rename(actor, khcn, "Y", decision(effective=BEFORE,
                                                           signed=date(2025, 6, 1)))
            elif case == "effective_before_signed":
                services.rename(actor, tttt, "X", decision(signed=AFTER, effective=REFORM))
            elif case == "no_number":
                services.rename(actor, tttt, "X", decision(number="  "))
            elif case == "out_of_scope":
                officer = db.session.get(Account, province.accounts["canbo"])
                services.merge(officer, khcn, [tttt], decision())
            elif case == "below_itself":
                services.move(actor, tttt, center, decision())
        db.session.expire_all()
        assert counts() == before and unit("tttt", tree).name == name
        assert unit("khcn", tree).name == "Sở KH&CN"
        assert unit("tttt", tree).is_open


def test_heads_and_deputies(app, tree):
    with app.app_context():
        actor = sonoivu(tree["province"])
        tttt = unit("tttt", tree)
        huy = db.session.get(Employee, tree["people"]["Lê Quang Huy"])
        ngoc = db.session.get(Employee, tree["people"]["Phan Thị Ngọc"])
        long = db.session.get(Employee, tree["people"]["Đặng Văn Long"])
        nam = db.session.get(Employee, tree["people"]["Hoàng Văn Nam"])
        services.appoint_leader(actor, tttt, huy, LEADER_HEAD, date(2024, 1, 1), "QĐ 5")
        services.appoint_leader(actor, tttt, ngoc, LEADER_DEPUTY, date(2024, 1, 1))
        services.appoint_leader(actor, tttt, long, LEADER_HEAD, date(2025, 1, 1))  # below
        now = [(row.employee.full_name, row.position) for row in services.leaders(tttt)]
        assert now == [("Đặng Văn Long", "head"), ("Phan Thị Ngọc", "deputy")]
        then = services.leaders(tttt, on=date(2024, 6, 1))
        assert [(row.employee_id, row.position) for row in then] == [
            (huy.id, "head"), (ngoc.id, "deputy")]
        with pytest.raises(OrgError):  # works elsewhere
            services.appoint_leader(actor, tttt, nam, LEADER_DEPUTY, date(2025, 1, 1))
        # closing the unit ends its appointments
        services.merge(actor, unit("khcn", tree), [tttt], decision())
        assert db.session.scalar(select(func.count()).select_from(UnitLeader).where(
            UnitLeader.unit_id == tttt.id, UnitLeader.valid_to.is_(None))) == 0


def test_new_people_get_an_open_placement_and_the_path_copy(app, tree):
    with app.app_context():
        center = unit("center", tree)
        person = Employee(full_name="Mai Thu Hà", category="vien_chuc", unit_id=center.id)
        db.session.add(person)
        db.session.commit()
        assert person.unit_path == center.path
        placement = db.session.scalar(select(EmployeePlacement).where(
            EmployeePlacement.employee_id == person.id))
        assert placement.unit_id == center.id and placement.valid_to is None
        # whoever writes unit_path by hand, the database puts the truth back
        db.session.execute(Employee.__table__.update().where(Employee.id == person.id)
                           .values(unit_path="/forged/"))
        db.session.commit()
        db.session.refresh(person)
        assert person.unit_path == center.path
