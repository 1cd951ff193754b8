"""Hiring a person (issue 16.1): one transaction makes the person, the first version of
the record with the decision's scan, the account where the profile has the actor make
it, and the profile's terms; every refusal names the field and changes nothing."""
import datetime

import pytest
from sqlalchemy import func, select

from app.accounts.models import Account
from app.audit.models import AuditEntry
from app.core import crypto
from app.core.exceptions import DomainError
from app.extensions import db
from app.hiring import services
from app.hiring.models import Hiring
from app.org.models import Employee, Unit
from app.org.services import create_unit, staff_as_of
from app.records import form
from app.records import services as records
from app.records.models import Attachment, RecordVersion
from tests.hiring.conftest import SCAN, actor, hire_data


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Employee, RecordVersion, Attachment, Hiring, Account))


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_the_officer_hires_a_teacher_in_one_transaction(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = actor(world, "canbo")
        hired = services.hire(officer, hire_data(world), SCAN)
        employee = db.session.get(Employee, hired.employee.id)
        assert (employee.full_name, employee.category, employee.unit_id, employee.status) == (
            "Phạm Thị Lan", "vien_chuc", world.units["A1"], "dang_cong_tac")
        assert employee.national_id_hash == crypto.identity_hash("025301000123")
        assert crypto.decrypt_text(employee.national_id_enc) == "025301000123"
        # the first version: a draft of the unit's, holding what the decision says
        version = records.open_version(employee)
        assert (version.number, version.status, version.created_by) == (1, "draft", officer.id)
        fields = records.read_content(version)["fields"]
        assert fields["ho_ten"] == "Phạm Thị Lan" and fields["gioi_tinh"] == "nu"
        assert fields["ngay_sinh"] == "2001-03-12" and fields["so_dinh_danh"] == "025301000123"
        assert fields["ngay_tuyen_dung"] == fields["ngay_vao_co_quan"] == "2026-09-01"
        assert fields["co_quan_tuyen_dung"] == "Sở Giáo dục"
        assert fields["ma_ngach"] == "V.07.03.29" and fields["ngach"].startswith("Giáo viên")
        assert (fields["bac_luong"], fields["he_so_luong"]) == ("1", "2.34")
        assert fields["co_quan_su_dung"] == "Trường THPT số 1"
        # the decision's scan on that version
        scan = db.session.scalar(select(Attachment).where(Attachment.version_id == version.id))
        assert (scan.kind, scan.filename, scan.content_type) == (
            "quyet_dinh_tuyen_dung", "qd-tuyen-dung.pdf", "application/pdf")
        hiring = db.session.scalar(select(Hiring).where(Hiring.employee_id == employee.id))
        assert (hiring.kind, hiring.decision_number, hiring.start_date, hiring.attachment_id) == (
            "tuyen_dung", "125/QĐ-SGDĐT", datetime.date(2026, 9, 1), scan.id)
        # the person works in the unit from the start date, not "since records began": a
        # report for an earlier day does not count them
        assert staff_as_of(world.units["A1"], datetime.date(2026, 8, 31)) == set()
        assert staff_as_of(world.units["A1"], datetime.date(2026, 9, 1)) >= {employee.id}
        # Hải Phòng: the unit makes the account (Điều 4.2 HP); its name from the person's
        account = db.session.get(Account, employee.account_id)
        assert account.username == "phamthilan" and account.kind == "personal"
        assert account.unit_id == world.units["A1"] and account.must_change_password
        assert hired.password, "no mail here: the password is shown once to the officer"
        assert account.password != hired.password
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hiring.hire")
                                  .order_by(AuditEntry.id.desc()).limit(1))
        assert entry.actor_id == officer.id and entry.object_id == str(employee.id)
        assert "025301000123" not in entry.details and "Lan" not in entry.details


@pytest.mark.parametrize("hiring_app", ["dong_nai", "da_nang", "hai_phong"], indirect=True)
def test_the_profiles_terms_are_stored_with_the_hiring(hiring_app):
    app, world = hiring_app
    with app.app_context():
        profile = app.config["PROVINCE_PROFILE"]
        hired = services.hire(actor(world, "canbo"), hire_data(world), SCAN)
        hiring = db.session.get(Hiring, hired.hiring.id)
        terms = (hiring.account_term_days, hiring.account_term_from,
                 hiring.first_entry_term_days, hiring.first_entry_term_from)
        expected = {
            # Điều 6.3 ĐN: account within 5 working days of the decision; Điều 6.4: first
            # entry within 5 working days of getting the account
            "dong_nai": (5, "hiring_decision", 5, "account"),
            # Điều 10.1.b ĐNg: 45 working days from the recruitment decision
            "da_nang": (None, None, 45, "hiring_decision"),
            "hai_phong": (None, None, None, None),
        }[profile]
        assert terms == expected
        if profile == "dong_nai":
            assert hiring.first_entry_term_cite.startswith("Điều 6 khoản 4")


def test_under_vinh_phuc_the_officer_enters_the_person_and_so_noi_vu_makes_the_account(
        hiring_app):
    app, world = hiring_app
    with app.app_context():
        hired = services.hire(actor(world, "canbo"), hire_data(world), SCAN)
        assert hired.account is None and hired.password is None
        employee = db.session.get(Employee, hired.employee.id)
        assert employee.account_id is None
        # Điều 7.2 VP: Sở Nội vụ makes it, linked in the same step
        account, password = services.make_account(actor(world, "sonoivu"), employee,
                                                  {"username": "lan.pt", "email": "lan.pt@thpt1.edu.vn"})
        employee = db.session.get(Employee, hired.employee.id)
        assert employee.account_id == account.id and account.username == "lan.pt" and password
        with pytest.raises(Exception, match="đã có tài khoản"):
            services.make_account(actor(world, "sonoivu"), employee, {})
        # and Sở Nội vụ may enter a hire itself, account included
        other = services.hire(actor(world, "sonoivu"), hire_data(
            world, ho_ten="Vũ Minh Đức", gioi_tinh="nam", so_dinh_danh="025201000777",
            username="duc.vm", email="duc.vm@thpt1.edu.vn"), SCAN)
        assert other.account.username == "duc.vm"


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_a_duplicate_national_id_is_refused_with_the_unit_that_holds_the_person(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = actor(world, "canbo")
        services.hire(officer, hire_data(world, unit="A"), SCAN)
        before = _counts()
        with pytest.raises(services.HiringInvalid) as refused:
            services.hire(officer, hire_data(world, ho_ten="Phạm Lan", username="lan2",
                                                      email="lan2@thpt1.edu.vn"), SCAN)
        assert set(refused.value.errors) == {"so_dinh_danh"}
        assert "Sở Giáo dục" in refused.value.errors["so_dinh_danh"]
        assert _counts() == before


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_bad_input_names_every_field_and_saves_nothing(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = actor(world, "canbo")
        before = _counts()
        bad = hire_data(world, kind="khac", decision_number="", decision_date="31/02/2026",
                        start_date="01/13/2026", category="vien_chuc", ho_ten="",
                        gioi_tinh="x", ngay_sinh="12/03/2015", so_dinh_danh="12345",
                        grade_code="01.003", he_so_luong="hai", decided_by="x" * 256)
        with pytest.raises(services.HiringInvalid) as refused:
            services.hire(officer, bad, SCAN)
        errors = refused.value.errors
        assert {"kind", "decision_number", "decision_date", "start_date", "ho_ten",
                "gioi_tinh", "so_dinh_danh", "grade_code", "he_so_luong",
                "decided_by"} <= set(errors)
        assert errors["decision_number"] == "Bắt buộc."
        assert "ngày" in errors["decision_date"].lower()
        # a viên chức is graded by a chức danh nghề nghiệp, not a ngạch
        assert "chức danh nghề nghiệp" in errors["grade_code"]
        assert _counts() == before
        # too young on the first day; the start before the decision; no scan
        with pytest.raises(services.HiringInvalid) as refused:
            services.hire(officer, hire_data(world, ngay_sinh="02/09/2008",
                                             start_date="01/08/2026"), SCAN)
        assert "18" in refused.value.errors["ngay_sinh"]
        assert "start_date" in refused.value.errors
        with pytest.raises(services.HiringInvalid) as refused:
            services.hire(officer, hire_data(world), ("qd.pdf", b""))
        assert set(refused.value.errors) == {"scan"}
        with pytest.raises(services.HiringInvalid) as refused:
            services.hire(officer, hire_data(world), ("qd.pdf", b"<html><script>"))
        assert set(refused.value.errors) == {"scan"}
        assert _counts() == before


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_units_outside_scope_and_closed_units_are_refused(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = actor(world, "canbo")
        closed = create_unit("Trường THCS cũ", db.session.get(Unit, world.units["A"]))
        closed.valid_to = datetime.date(2025, 6, 30)
        db.session.commit()
        before = _counts()
        for unit_id, words in ((world.units["B"], "ngoài phạm vi"),
                               (closed.id, "đã đóng"), (999999, "Chọn đơn vị")):
            with pytest.raises(services.HiringInvalid) as refused:
                services.hire(officer, hire_data(world, unit_id=str(unit_id)), SCAN)
            assert words in refused.value.errors["unit_id"]
        # the head reads hirings but enters none; the person neither
        for username in ("thutruong", "canhan"):
            with pytest.raises(services.HiringInvalid):
                services.hire(actor(world, username), hire_data(world), SCAN)
        assert _counts() == before


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_a_repeated_username_refuses_the_hiring_and_leaves_no_person(hiring_app):
    app, world = hiring_app
    with app.app_context():
        before = _counts()
        with pytest.raises(services.HiringInvalid) as refused:
            services.hire(actor(world, "canbo"), hire_data(world, username="giaovien"), SCAN)
        assert set(refused.value.errors) == {"username"}
        assert _counts() == before


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_the_new_person_makes_the_first_entry_without_a_self_service_window(hiring_app):
    app, world = hiring_app
    with app.app_context():
        hired = services.hire(actor(world, "canbo"), hire_data(world), SCAN)
        employee = db.session.get(Employee, hired.employee.id)
        person = db.session.get(Account, employee.account_id)
        # Điều 4.2 HP: the person enters their own information
        assert "identity" in records.editable_groups(person, employee)
        version = records.open_draft(person, employee)
        assert version.number == 1
        changed = records.save(person, version, {"noi_sinh": "Việt Trì, Phú Thọ"}, {},
                               version.lock)
        assert set(changed) == {"noi_sinh"}


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_linking_and_unlinking_accounts_are_explicit_and_audited(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = actor(world, "canbo")
        since = db.session.scalar(select(func.max(AuditEntry.id))) or 0
        hired = services.hire(officer, hire_data(world, unit="A"), SCAN)
        employee = db.session.get(Employee, hired.employee.id)
        first = employee.account_id
        with pytest.raises(Exception, match="lý do"):
            services.unlink_account(officer, employee, "  ")
        services.unlink_account(officer, employee, "Tài khoản cấp nhầm")
        employee = db.session.get(Employee, hired.employee.id)
        assert employee.account_id is None
        # one account, one person: giaovien's own account is free (no person holds it)
        giaovien = db.session.get(Account, world.accounts["giaovien"])
        services.link_account(officer, employee, giaovien)
        assert db.session.get(Employee, hired.employee.id).account_id == giaovien.id
        other = services.hire(officer, hire_data(world, unit="A", ho_ten="Lê Thu",
                                                 so_dinh_danh="025301000999",
                                                 email="thu.le@sogd.gov.vn"), SCAN)
        other_person = db.session.get(Employee, other.employee.id)
        services.unlink_account(officer, other_person, "Đổi tài khoản")
        with pytest.raises(Exception, match="đã thuộc về"):
            services.link_account(officer, other_person, giaovien)
        # an account outside the officer's subtree gets the answer of an account that is no
        # person's; an account that stands as high as the officer's is refused
        for username, words in (("bacsi", "Chọn một tài khoản cá nhân"),
                                ("sonoivu", "Chọn một tài khoản cá nhân"),
                                ("canbo", "")):
            with pytest.raises(DomainError) as refused:
                services.link_account(officer, other_person,
                                      db.session.get(Account, world.accounts[username]))
            assert words in str(refused.value), username
        assert db.session.get(Employee, other.employee.id).account_id is None
        actions = list(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.in_(["hiring.link_account", "hiring.unlink_account"]),
            AuditEntry.id > since)
            .order_by(AuditEntry.id)))
        assert actions == ["hiring.unlink_account", "hiring.link_account",
                           "hiring.unlink_account"]
        # the first account still exists, unlinked
        assert db.session.get(Account, first) is not None


def _unfillable(person, employee, version):
    """The required fields still empty that the person may not fill themselves: none,
    or the record could never be submitted."""
    content = records.read_content(version)
    contract_keys = {f.key for f in form.CONTRACT.fields}
    editable = records.editable_groups(person, employee)
    left = []
    for key, (field, owner, _privacy) in form.FIELDS.items():
        if not field.required or content["fields"].get(key):
            continue
        if key in contract_keys and employee.category != form.CONTRACT_CATEGORY:
            continue
        if owner not in editable:
            left.append(key)
    return left


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
@pytest.mark.parametrize("kind, category, extra", [
    ("tuyen_dung", "vien_chuc", {}),
    ("tiep_nhan", "cong_chuc", {"grade_code": "01.003", "first_recruited_on": "01/02/2019",
                                "first_recruited_by": "UBND tỉnh Yên Bái"}),
    ("hop_dong", "nguoi_lao_dong", {"grade_code": "", "hd_loai": "xac_dinh_thoi_han",
                                    "hd_chuc_danh": "Nhân viên bảo vệ",
                                    "hd_den_ngay": "31/08/2027"}),
])
def test_what_the_unit_owns_is_filled_so_the_person_can_complete_the_record(
        hiring_app, kind, category, extra):
    app, world = hiring_app
    with app.app_context():
        hired = services.hire(actor(world, "canbo"), hire_data(
            world, kind=kind, category=category, **extra), SCAN)
        employee = db.session.get(Employee, hired.employee.id)
        person = db.session.get(Account, employee.account_id)
        version = records.open_version(employee)
        assert _unfillable(person, employee, version) == []
        fields = records.read_content(version)["fields"]
        if kind == "tiep_nhan":
            assert (fields["ngay_tuyen_dung"], fields["co_quan_tuyen_dung"]) == (
                "2019-02-01", "UBND tỉnh Yên Bái")
            assert fields["ngay_vao_co_quan"] == "2026-09-01"
        if kind == "hop_dong":
            assert (fields["hd_so"], fields["hd_ngay_ky"], fields["hd_tu_ngay"],
                    fields["hd_den_ngay"], fields["hd_dia_diem"]) == (
                "125/QĐ-SGDĐT", "2026-08-15", "2026-09-01", "2027-08-31", "Trường THPT số 1")


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_a_reception_and_a_contract_need_their_own_parts(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = actor(world, "canbo")
        with pytest.raises(services.HiringInvalid) as refused:
            services.hire(officer, hire_data(world, kind="tiep_nhan"), SCAN)
        assert {"first_recruited_on", "first_recruited_by"} <= set(refused.value.errors)
        with pytest.raises(services.HiringInvalid) as refused:
            services.hire(officer, hire_data(world, kind="hop_dong", grade_code=""), SCAN)
        assert "kind" in refused.value.errors          # a viên chức is not hired so
        with pytest.raises(services.HiringInvalid) as refused:
            services.hire(officer, hire_data(world, kind="hop_dong", category="nguoi_lao_dong",
                                             grade_code="", hd_loai="xac_dinh_thoi_han"), SCAN)
        assert {"hd_chuc_danh", "hd_den_ngay"} <= set(refused.value.errors)


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_the_records_own_rules_apply_to_what_the_hiring_writes(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = actor(world, "canbo")
        before = _counts()
        # BLLĐ 2019 Điều 20: a fixed-term contract lasts at most 36 months
        with pytest.raises(services.HiringInvalid) as refused:
            services.hire(officer, hire_data(
                world, kind="hop_dong", category="nguoi_lao_dong", grade_code="",
                hd_loai="xac_dinh_thoi_han", hd_chuc_danh="Bảo vệ", hd_den_ngay="31/08/2031"),
                SCAN)
        assert set(refused.value.errors) == {"hd_den_ngay"}
        # a first recruitment before the person was born
        with pytest.raises(services.HiringInvalid) as refused:
            services.hire(officer, hire_data(world, kind="tiep_nhan", category="cong_chuc",
                                             grade_code="01.003",
                                             first_recruited_on="01/01/1999",
                                             first_recruited_by="UBND huyện"), SCAN)
        assert set(refused.value.errors) == {"first_recruited_on"}
        assert _counts() == before



@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_two_hirings_of_one_person_at_once_make_one_person(hiring_app):
    import threading

    app, world = hiring_app
    outcomes, barrier = [], threading.Barrier(2)

    def hire(username, email):
        with app.app_context():
            officer = actor(world, "canbo")
            barrier.wait()
            try:
                services.hire(officer, hire_data(world, username=username, email=email), SCAN)
                outcomes.append("hired")
            except services.HiringInvalid as exc:
                outcomes.append(sorted(exc.errors))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=hire, args=("lan%d" % n, "lan%d@thpt1.edu.vn" % n))
               for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, outcomes)) == sorted(["hired", str(["so_dinh_danh"])])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Employee).where(
            Employee.national_id_hash == crypto.identity_hash("025301000123"))) == 1
