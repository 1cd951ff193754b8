"""Transfers (issue 17.3; Điều 9 HP, 8 ĐN, 11 VP, 12 HN, 11 ĐNg): each kind a case with
its decision and scan, its effective date and its steps, each step due by the profile's
rule; the record follows the person whole, the account is handed over, the approver
follows the tree."""
import datetime
import hashlib

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.accounts.models import Account
from app.approval import authority
from app.audit.models import AuditEntry
from app.extensions import db
from app.org.models import EmployeePlacement
from app.transfers import queries, services
from app.transfers.models import (
    BETWEEN_UNITS, COMMUNE, IN_FROM_OUTSIDE, INSIDE_UNIT, OUT_OF_PROVINCE, SECONDMENT,
    TransferCase, TransferSyncItem,
)
from app.leavers.models import StatusChange
from tests.races import stale_message
from tests.transfers.conftest import (
    MONDAY, SCAN, actor, at, decision, person, record_fingerprint, total_versions,
)

D = datetime.date


def _open(world, who, kind, **data):
    values = decision(kind=kind, **data)
    return services.open_case(actor(world, who), values, SCAN).case


def _act(world, who, case, **data):
    case = db.session.get(TransferCase, case.id)
    return services.act(actor(world, who), case, case.next_step.id, case.version, data)


def _approver(employee):
    return [a.employee_id for a in authority.approvers_of(employee)]


# ------------------------------------------------------------------ between units

@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_between_units_the_record_moves_whole_and_the_approver_follows(transfer_app):
    """Điều 9.3 HP: the old unit hands the record over within 05 working days of the
    effective date; the new unit gives the account within 05 working days after."""
    app, world = transfer_app
    with app.app_context(), at(D(2026, 12, 2)):
        teacher = person(world, "giaovien")
        before = record_fingerprint(teacher.id)
        versions = total_versions()
        assert _approver(teacher) == [world.employees["thutruong"]]
        case = _open(world, "canbo", BETWEEN_UNITS, employee_id=str(teacher.id),
                     to_unit_id=str(world.units["B"]))
        case = db.session.get(TransferCase, case.id)
        # the scan kept by its digest and type
        assert case.scan_sha256 == hashlib.sha256(SCAN[1]).hexdigest()
        assert case.scan_content_type == "application/pdf"
        assert [(s.code, s.side, s.acting_unit_id, s.due_on) for s in case.steps] == [
            ("handover", "sending_unit", world.units["A"], D(2026, 12, 14)),
            ("receive", "receiving_unit", world.units["B"], None)]
        # before the effective date nothing has moved
        assert person(world, "giaovien").unit_id == world.units["A"]
        case_id = case.id
    with app.app_context(), at(MONDAY):
        assert services.apply_effective() == 1
        teacher = person(world, "giaovien")
        assert teacher.unit_id == world.units["B"]
        # the approver follows from the tree: the head of B now
        assert _approver(teacher) == [world.employees["bacsi"]]
        placements = db.session.scalars(select(EmployeePlacement).where(
            EmployeePlacement.employee_id == teacher.id).order_by(
            EmployeePlacement.id)).all()
        assert [(p.unit_id, p.valid_from, p.valid_to) for p in placements] == [
            (world.units["A"], None, MONDAY), (world.units["B"], MONDAY, None)]
        # the personal account followed its owner (org's staff_moved)
        assert db.session.get(Account, teacher.account_id).unit_id == world.units["B"]
        assert services.apply_effective() == 0, "once"
    with app.app_context(), at(D(2026, 12, 9)):
        case = db.session.get(TransferCase, case_id)
        _act(world, "canbo", case)
        case = db.session.get(TransferCase, case_id)
        # the receiving unit's term runs from the hand-over (Điều 9.3 HP)
        assert case.steps[1].due_on == D(2026, 12, 16)
        _act(world, "canbo_b", case, account_mode="reassign")
        case = db.session.get(TransferCase, case.id)
        assert case.state == "done"
        teacher = person(world, "giaovien")
        account = db.session.get(Account, teacher.account_id)
        assert account.id == world.accounts["giaovien"] and account.unit_id == world.units["B"]
        # nothing of the record lost or duplicated
        assert record_fingerprint(teacher.id) == before
        assert total_versions() == versions


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_the_receiving_unit_may_give_a_new_account_instead(transfer_app):
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        teacher = person(world, "giaovien")
        case = _open(world, "canbo", BETWEEN_UNITS, employee_id=str(teacher.id),
                     to_unit_id=str(world.units["B"]))
        _act(world, "canbo", case)
        acted = _act(world, "canbo_b", case, account_mode="new", username="giaovien.yte",
                     email="giaovien@soyte.gov.vn")
        teacher = person(world, "giaovien")
        new = db.session.get(Account, teacher.account_id)
        assert new.username == "giaovien.yte" and new.unit_id == world.units["B"]
        assert acted.password, "no mail here: shown once to the officer"
        assert db.session.get(Account, world.accounts["giaovien"]).status == "revoked"


@pytest.mark.parametrize("transfer_app", ["vinh_phuc"], indirect=True)
def test_vinh_phuc_terms_are_ten_working_days(transfer_app):
    """Điều 11.1c VP: 10 working days to hand over; the account within 10 working days of
    receiving the record (Điều 11.1b TT 06/2023)."""
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        case = _open(world, "canbo", BETWEEN_UNITS, employee_id=str(world.employees["giaovien"]),
                     to_unit_id=str(world.units["B"]))
        assert db.session.get(TransferCase, case.id).steps[0].due_on == D(2026, 12, 21)
        case_id = case.id
    with app.app_context(), at(D(2026, 12, 9)):
        case = db.session.get(TransferCase, case_id)
        _act(world, "canbo", case)
        assert db.session.get(TransferCase, case.id).steps[1].due_on == D(2026, 12, 23)
        # under vinh_phuc Sở Nội vụ makes personal accounts: the officer re-assigns
        with pytest.raises(services.TransferInvalid) as refused:
            _act(world, "canbo_b", case, account_mode="new")
        assert "account_mode" in refused.value.errors


@pytest.mark.parametrize("transfer_app", ["da_nang"], indirect=True)
def test_da_nang_superior_moves_the_record_and_the_new_unit_forwards_it(transfer_app):
    """Điều 11.2 ĐNg: the superior moves it within 15 days, the new unit forwards it to
    the unit that employs the person within 30 days of the effective date."""
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        case = _open(world, "sonoivu", BETWEEN_UNITS,
                     employee_id=str(world.employees["giaovien"]),
                     to_unit_id=str(world.units["B"]))
        case = db.session.get(TransferCase, case.id)
        assert [(s.code, s.side, s.acting_unit_id, s.due_on) for s in case.steps] == [
            ("handover", "superior", world.units["root"], D(2026, 12, 22)),
            ("receive", "receiving_unit", world.units["B"], None),
            ("forward", "receiving_unit", world.units["B"], D(2027, 1, 6))]
        # the 2012 model has no personal accounts: the new unit's officer enters the record,
        # and its step says so
        with force_locale("vi"):
            assert str(services.step_labels()["receive"]) == "Tiếp nhận hồ sơ"
            assert "tài khoản" not in str(services.step_labels()["handover"])
        _act(world, "sonoivu", case)
        _act(world, "canbo_b", case, account_mode="none")
        _act(world, "canbo_b", case)
        assert db.session.get(TransferCase, case.id).state == "done"
        assert person(world, "giaovien").unit_id == world.units["B"]


@pytest.mark.parametrize("transfer_app", ["dong_nai"], indirect=True)
def test_dong_nai_the_receiving_unit_asks_so_noi_vu_within_ten_working_days(transfer_app):
    """Điều 8.4 ĐN: the receiving unit asks Sở Nội vụ in writing within 10 working days;
    the account by Điều 8.3b (05 working days, Điều 6.3)."""
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        case = _open(world, "canbo", BETWEEN_UNITS, employee_id=str(world.employees["giaovien"]),
                     to_unit_id=str(world.units["B"]))
        case = db.session.get(TransferCase, case.id)
        assert [(s.code, s.side, s.acting_unit_id, s.due_on) for s in case.steps] == [
            ("handover", "receiving_unit", world.units["B"], D(2026, 12, 21)),
            ("receive", "receiving_unit", world.units["B"], None)]
        with pytest.raises(services.TransferInvalid):
            _act(world, "canbo", case)
        _act(world, "canbo_b", case)
        assert db.session.get(TransferCase, case.id).steps[1].due_on == D(2026, 12, 14)


@pytest.mark.parametrize("transfer_app", ["ha_noi"], indirect=True)
def test_ha_noi_goes_through_the_superior(transfer_app):
    """Điều 12.1a HN: the unit reports to the body above, which moves record and account;
    the text sets no term."""
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        case = _open(world, "canbo", BETWEEN_UNITS, employee_id=str(world.employees["giaovien"]),
                     to_unit_id=str(world.units["B"]))
        step = db.session.get(TransferCase, case.id).steps[0]
        assert (step.side, step.acting_unit_id, step.due_on) == (
            "superior", world.units["root"], None)
        # the sending unit's officer is not the superior
        with pytest.raises(services.TransferInvalid):
            _act(world, "canbo", case)
        _act(world, "sonoivu", case)


# ------------------------------------------------------------------ refusals and scope

@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_a_refused_step_changes_nothing(transfer_app):
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        case = _open(world, "canbo", BETWEEN_UNITS, employee_id=str(world.employees["giaovien"]),
                     to_unit_id=str(world.units["B"]))
        case = db.session.get(TransferCase, case.id)
        seen = case.version
        entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
        # the receiving unit cannot do the sending unit's step
        with pytest.raises(services.TransferInvalid):
            _act(world, "canbo_b", case)
        # a stale version is refused
        with pytest.raises(services.TransferInvalid) as stale:
            services.act(actor(world, "canbo"), db.session.get(TransferCase, case.id),
                         case.steps[0].id, seen - 1)
        assert str(stale.value) == stale_message(
            app, "Someone changed this case after you opened it; nothing was saved. Open "
                 "it again to see their change.")
        case = db.session.get(TransferCase, case.id)
        assert case.version == seen and all(s.done_at is None for s in case.steps)
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries
        # and a second case for the same person is refused
        with pytest.raises(services.TransferInvalid) as twice:
            _open(world, "canbo", INSIDE_UNIT, employee_id=str(world.employees["giaovien"]),
                  to_unit_id=str(world.units["A_section"]))
        assert "employee_id" in twice.value.errors


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_a_refused_case_names_each_field_and_saves_nothing(transfer_app):
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        with pytest.raises(services.TransferInvalid) as refused:
            services.open_case(actor(world, "canbo"), {"kind": BETWEEN_UNITS,
                                                       "decision_date": "31/02/2026"}, None)
        assert {"scan", "decision_number", "decision_date", "employee_id", "to_unit_id",
                "effective_on"} <= set(refused.value.errors)
        assert db.session.scalar(select(func.count()).select_from(TransferCase)) == 0
        # a person of another unit is answered as one who does not exist
        with pytest.raises(services.TransferInvalid) as outside:
            _open(world, "canbo", BETWEEN_UNITS, employee_id=str(world.employees["bacsi"]),
                  to_unit_id=str(world.units["A"]))
        assert "employee_id" in outside.value.errors


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_both_units_see_the_case_and_another_units_officer_sees_nothing(transfer_app):
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        case = _open(world, "canbo", BETWEEN_UNITS, employee_id=str(world.employees["giaovien"]),
                     to_unit_id=str(world.units["B"]))
        case_id = case.id
        for username in ("canbo", "canbo_b", "thutruong", "sonoivu"):
            board = queries.board(actor(world, username))
            assert [r.case.id for r in board["due"]] == [case_id], username
        board = queries.board(actor(world, "canbo_c"))
        assert board["due"] == board["overdue"] == board["done"] == []
        assert queries.case_for(actor(world, "canbo_c"), case_id) is None
        db.session.commit()
    client = app.test_client()
    from tests.conftest import login
    from tests.security.world import PASSWORD
    login(client, "canbo_c", PASSWORD)
    assert client.get("/transfers/case/%d" % case_id).status_code == 404
    assert client.post("/transfers/case/%d/step" % case_id, data={}).status_code in (400, 404)
    client = app.test_client()
    login(client, "canbo_b", PASSWORD)
    with at(MONDAY):
        page = client.get("/transfers/")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "giaovien" in text and "Sở Giáo dục" in text
        assert client.get("/transfers/case/%d" % case_id).status_code == 200


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_the_board_shows_overdue_and_done_with_who_acts_next(transfer_app):
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        late = _open(world, "canbo", BETWEEN_UNITS, employee_id=str(world.employees["giaovien"]),
                     to_unit_id=str(world.units["B"]))
        late_id = late.id
        done = _open(world, "canbo", INSIDE_UNIT, employee_id=str(world.employees["canhan"]),
                     to_unit_id=str(world.units["A_section"]))
        _act(world, "canbo", done)
        done_id = done.id
    with app.app_context(), at(D(2026, 12, 15)):
        board = queries.board(actor(world, "canbo"))
        assert [r.case.id for r in board["overdue"]] == [late_id]
        assert "Sở Giáo dục" in board["overdue"][0].who and board["overdue"][0].mine
        assert [r.case.id for r in board["done"]] == [done_id]
        # the receiving unit sees it overdue too, but the step is not theirs
        board = queries.board(actor(world, "canbo_b"))
        assert [(r.case.id, r.mine) for r in board["overdue"]] == [(late_id, False)]


# ------------------------------------------------------------------ within the unit

@pytest.mark.parametrize("transfer_app", ["hai_phong", "dong_nai", "da_nang"], indirect=True)
def test_within_the_unit_to_another_section(transfer_app):
    """Điều 9.2 HP: 10 working days; Điều 8.1 ĐN: immediately (the effective date);
    Điều 11.1 ĐNg: 15 days."""
    app, world = transfer_app
    expected = {"hai_phong": D(2026, 12, 21), "dong_nai": MONDAY,
                "da_nang": D(2026, 12, 22)}[app.config["PROVINCE_PROFILE"]]
    with app.app_context(), at(MONDAY):
        teacher = person(world, "giaovien")
        before = record_fingerprint(teacher.id)
        case = _open(world, "canbo", INSIDE_UNIT, employee_id=str(teacher.id),
                     to_unit_id=str(world.units["A_section"]))
        case = db.session.get(TransferCase, case.id)
        assert [(s.code, s.due_on) for s in case.steps] == [("handover", expected)]
        assert person(world, "giaovien").unit_id == world.units["A_section"]
        # the phòng approves nobody: the head of A still approves
        assert _approver(person(world, "giaovien")) == [world.employees["thutruong"]]
        _act(world, "canbo", case)
        assert db.session.get(TransferCase, case.id).state == "done"
        assert record_fingerprint(teacher.id) == before
        # another employing unit is not a section
        with pytest.raises(services.TransferInvalid) as refused:
            _open(world, "canbo", INSIDE_UNIT, employee_id=str(world.employees["canbo"]),
                  to_unit_id=str(world.units["A1"]))
        assert "to_unit_id" in refused.value.errors


# ------------------------------------------------------------------ out of the province

@pytest.mark.parametrize("transfer_app", ["hai_phong", "da_nang"], indirect=True)
def test_out_of_the_province_status_access_and_sync_mark(transfer_app):
    """Điều 9.5 HP (no term), 11.3a ĐNg (10 days): status changed, access revoked, the
    departure marked for the national sync; the record stays."""
    app, world = transfer_app
    expected = {"hai_phong": None, "da_nang": D(2026, 12, 17)}[app.config["PROVINCE_PROFILE"]]
    with app.app_context(), at(MONDAY):
        teacher = person(world, "giaovien")
        before = record_fingerprint(teacher.id)
        case = _open(world, "canbo", OUT_OF_PROVINCE, employee_id=str(teacher.id),
                     outside_body="Tỉnh ủy Bắc Ninh")
        assert db.session.get(TransferCase, case.id).steps[0].due_on == expected
        _act(world, "canbo", case)
        teacher = person(world, "giaovien")
        assert teacher.status == "chuyen_cong_tac" and teacher.unit_id == world.units["A"]
        assert db.session.get(Account, world.accounts["giaovien"]).status == "revoked"
        marks = db.session.scalars(select(TransferSyncItem)).all()
        # marked; with the national sync on (not da_nang's), done at once: the national
        # database never held the person, there is nothing to send
        synced = app.config["PROVINCE_PROFILE"] != "da_nang"
        assert [(m.kind, m.employee_id, m.done_at is not None) for m in marks] == [
            ("departure", teacher.id, synced)]
        # the record goes to the leavers' archive with the case's decision and its term
        change = db.session.scalar(select(StatusChange).where(
            StatusChange.employee_id == teacher.id))
        assert (change.status_to, change.decision_number, change.due_on,
                change.scan_sha256) == ("chuyen_cong_tac", case.decision_number, expected,
                                        case.scan_sha256)
        assert record_fingerprint(teacher.id) == before


# ------------------------------------------------------------------ in from outside

@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_in_from_another_province_entered_with_an_account_and_a_data_request(transfer_app):
    """Điều 9.1a HP: the receiving unit makes the account and asks Sở Nội vụ for the
    national data within 05 working days."""
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        versions = total_versions()
        data = decision(kind=IN_FROM_OUTSIDE, to_unit_id=str(world.units["A1"]),
                        outside_body="Sở Giáo dục tỉnh Nam Định", sync_possible="1",
                        category="vien_chuc", ho_ten="Trần Thị Hoa", gioi_tinh="nu",
                        ngay_sinh="02/05/1990", so_dinh_danh="036190000456",
                        grade_code="V.07.03.29", first_recruited_on="01/09/2012",
                        first_recruited_by="Sở Giáo dục tỉnh Nam Định",
                        email="hoa.tt@thpt1.edu.vn")
        opened = services.open_case(actor(world, "canbo"), data, SCAN)
        case = db.session.get(TransferCase, opened.case.id)
        assert opened.account is not None and opened.account.unit_id == world.units["A1"]
        assert case.employee.full_name == "Trần Thị Hoa" and case.from_unit_id is None
        assert total_versions() == versions + 1, "a new record, its first version"
        assert [(s.code, s.due_on) for s in case.steps] == [("data_request", D(2026, 12, 14))]
        _act(world, "canbo", case)
        assert db.session.get(TransferCase, case.id).state == "done"
        assert [m.kind for m in db.session.scalars(select(TransferSyncItem))] == [
            "data_request"]
        # the hiring's checks are the hiring's: the same person twice is refused
        with pytest.raises(services.TransferInvalid) as twice:
            services.open_case(actor(world, "canbo"), data, SCAN)
        assert "so_dinh_danh" in twice.value.errors


# ------------------------------------------------------------------ secondment

@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_secondment_keeps_the_managing_unit_until_its_end(transfer_app):
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        case = _open(world, "canbo", SECONDMENT, employee_id=str(world.employees["giaovien"]),
                     to_unit_id=str(world.units["B"]), ends_on="30/06/2027")
        case_id = case.id
        teacher = person(world, "giaovien")
        assert (teacher.status, teacher.unit_id) == ("biet_phai", world.units["A"])
        step = db.session.get(TransferCase, case.id).steps[0]
        assert (step.code, step.due_on) == ("return", D(2027, 6, 30))
        with pytest.raises(services.TransferInvalid):
            _act(world, "canbo", case)
    with app.app_context(), at(D(2027, 7, 1)):
        case = db.session.get(TransferCase, case_id)
        _act(world, "canbo", case)
        assert person(world, "giaovien").status == "dang_cong_tac"
        assert db.session.get(TransferCase, case_id).state == "done"


# ------------------------------------------------------------------ communes (ĐN 8.2)

@pytest.mark.parametrize("transfer_app", ["dong_nai"], indirect=True)
def test_commune_staff_are_moved_by_so_noi_vu_after_the_2025_reform(transfer_app):
    """Điều 8.2 ĐN gave this to the district; with no district since 01/7/2025 the
    profile names Sở Nội vụ (transfers.commune_moved_by)."""
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        case = _open(world, "sonoivu", COMMUNE, employee_id=str(world.employees["xa_canbo"]),
                     to_unit_id=str(world.units["Y"]))
        case = db.session.get(TransferCase, case.id)
        assert [(s.code, s.side, s.acting_unit_id) for s in case.steps] == [
            ("handover", "so_noi_vu", None), ("receive", "so_noi_vu", None)]
        with pytest.raises(services.TransferInvalid):
            _act(world, "canbo_x", case)
        _act(world, "sonoivu", case)
        _act(world, "sonoivu", case, account_mode="reassign")
        moved = person(world, "xa_canbo")
        assert moved.unit_id == world.units["Y"]
        assert db.session.get(Account, moved.account_id).unit_id == world.units["Y"]


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_commune_kind_is_refused_where_the_profile_has_none(transfer_app):
    app, world = transfer_app
    with app.app_context(), at(MONDAY):
        with pytest.raises(services.TransferInvalid) as refused:
            _open(world, "sonoivu", COMMUNE, employee_id=str(world.employees["xa_canbo"]),
                  to_unit_id=str(world.units["Y"]))
        assert "kind" in refused.value.errors


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_the_morning_command_moves_the_people_whose_decision_takes_effect(transfer_app):
    """`flask transfers apply` (the jobs piece will run it each morning): on the effective
    date the person moves without anyone opening the case; once."""
    app, world = transfer_app
    with app.app_context(), at(D(2026, 12, 2)):
        teacher = person(world, "giaovien")
        _open(world, "canbo", BETWEEN_UNITS, employee_id=str(teacher.id),
              to_unit_id=str(world.units["B"]))
        db.session.remove()
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["transfers", "apply", "--on", "31/02/2026"])
    assert bad.exit_code != 0 and "dd/mm/yyyy" in bad.output
    with at(D(2026, 12, 4)):
        early = runner.invoke(args=["transfers", "apply"])
    assert early.exit_code == 0 and " 0 " in early.output
    with app.app_context():
        assert person(world, "giaovien").unit_id == world.units["A"]
        db.session.remove()
    with at(MONDAY):
        result = runner.invoke(args=["transfers", "apply"])
        again = runner.invoke(args=["transfers", "apply"])
    assert result.exit_code == 0 and " 1 " in result.output, result.output
    assert " 0 " in again.output
    with app.app_context():
        assert person(world, "giaovien").unit_id == world.units["B"]
        db.session.remove()
