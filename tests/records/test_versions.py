"""Versions of a record: one open draft, stale saves, who may change what,
validation that changes nothing, submit, approve or reject, the diff."""
import pytest
from sqlalchemy import func, select, text

from app.approval import services as approval
from app.approval.models import KIND_PKCS12
from app.core.exceptions import DomainError
from app.extensions import db
from app.records import services
from app.org.models import Employee
from app.records.models import APPROVED, DRAFT, REJECTED, SUBMITTED, RecordVersion
from tests.approval.conftest import approvers, key_files, test_ca  # noqa: F401  (fixtures)
from tests.records.conftest import (
    CAREER_ROW, COMPLETE, CONTRACT, FAMILY_ROW, OFFICER_OWNED, account, contract_worker,
    mark_approved,
)


def _employee(people, username):
    return db.session.get(Employee, people.ids[username])


def _complete(province, people, username="canhan"):
    """The person fills their part, the officer theirs; returns the draft."""
    person = _employee(people, username)
    draft = services.open_draft(account(province, username), person)
    services.save(account(province, username), draft, COMPLETE,
                  {"qua_trinh_cong_tac": [CAREER_ROW], "gia_dinh_ban_than": [FAMILY_ROW]},
                  draft.lock)
    services.save(account(province, "canbo"), draft, OFFICER_OWNED, {}, draft.lock)
    return draft


def test_one_open_draft_the_second_editor_joins_and_a_stale_save_is_refused(app, province,
                                                                            people):
    with app.app_context():
        person = _employee(people, "canhan")
        mine = services.open_draft(account(province, "canhan"), person)
        theirs = services.open_draft(account(province, "canbo"), person)
        assert mine.id == theirs.id and mine.status == DRAFT and mine.number == 1
        # a new record starts from what the province knows
        assert services.read_content(mine)["fields"]["ho_ten"] == "Nguyễn Thị Hằng"
        loaded_at = mine.lock
        services.save(account(province, "canbo"), theirs, {"ngay_tuyen_dung": "01/09/2008"},
                      {}, loaded_at)
        with pytest.raises(DomainError, match="sau khi bạn mở"):
            services.save(account(province, "canhan"), mine, {"noi_sinh": "Phú Thọ"}, {},
                          loaded_at)
        assert "noi_sinh" not in services.read_content(mine)["fields"]
        # the database holds one open version whatever the code does
        with pytest.raises(Exception):
            db.session.execute(text(
                "INSERT INTO record_version (employee_id, number, status, content, lock, "
                "created_at, updated_at) VALUES (:e, 9, 'draft', '{}', 0, now(), now())"),
                {"e": person.id})
        db.session.rollback()


def test_the_profile_decides_who_changes_which_field(app, province, people):
    with app.app_context():
        person = _employee(people, "canhan")
        draft = services.open_draft(account(province, "canhan"), person)
        # the person may not set her own salary step, the officer may not edit her family
        with pytest.raises(DomainError, match="Bậc lương"):
            services.save(account(province, "canhan"), draft, {"bac_luong": "3"}, {},
                          draft.lock)
        with pytest.raises(DomainError, match="36.1"):
            services.save(account(province, "canbo"), draft, {},
                          {"gia_dinh_ban_than": [FAMILY_ROW]}, draft.lock)
        services.save(account(province, "canbo"), draft, {"bac_luong": "3"}, {}, draft.lock)
        assert services.read_content(draft)["fields"]["bac_luong"] == "3"


def test_outside_the_scope_nobody_opens_or_saves(app, province, people):
    with app.app_context():
        doctor = _employee(people, "bacsi")            # unit B
        for username in ("canhan", "canbo", "sonoivu", "quantri", "thutruong"):
            with pytest.raises(DomainError):
                services.open_draft(account(province, username), doctor)
        assert db.session.scalar(select(func.count(RecordVersion.id))) == 0


# one bad value per kind of field: (field, what is typed, words of the message)
BAD_INPUTS = [
    ("ngay_sinh", "31/02/1985", "không có"),
    ("ngay_sinh", "1985-09-05", "dd/mm/yyyy"),
    ("ngay_sinh", "05/09/2099", "tương lai"),
    ("so_dinh_danh", "00108501234", "12 chữ số"),
    ("so_dinh_danh", "00108501234X", "12 chữ số"),
    ("dien_thoai", "12345", "số điện thoại"),
    ("email", "hang@", "thư điện tử"),
    ("dan_toc", "99", "danh mục"),
    ("gioi_tinh", "khac", "danh sách"),
    ("ngay_tham_gia_to_chuc", "13/2001", "Tháng"),
    ("ngay_tham_gia_to_chuc", "2001/13", "yyyy"),
    ("ngay_nhap_ngu", "1850", "1900"),
    ("can_nang", "năm mươi", "số"),
    ("chieu_cao", "1,6", "số nguyên"),
    ("ten_khac", "x" * 501, "500"),
]


def test_bad_input_is_named_in_vietnamese_and_changes_nothing(app, province, people):
    with app.app_context():
        draft = services.open_draft(account(province, "canhan"), _employee(people, "canhan"))
        before = services.read_content(draft)
        for key, typed, message in BAD_INPUTS:
            with pytest.raises(services.RecordInvalid) as refused:
                services.save(account(province, "canhan"), draft,
                              {"noi_sinh": "Phú Thọ", key: typed}, {}, draft.lock)
            assert message in refused.value.errors[key], (key, typed, refused.value.errors)
            db.session.expire_all()
            assert services.read_content(draft) == before, key   # noi_sinh not saved either


def test_periods_and_dates_in_order(app, province, people):
    with app.app_context():
        draft = services.open_draft(account(province, "canhan"), _employee(people, "canhan"))
        with pytest.raises(services.RecordInvalid) as refused:
            services.save(account(province, "canhan"), draft, {
                "ngay_sinh": "05/09/1985", "ngay_cap_cccd": "01/01/1980"},
                {"qua_trinh_cong_tac": [dict(CAREER_ROW, tu="2010", den="05/2009"),
                                        {"tu": "2011", "don_vi": ""}]}, draft.lock)
        errors = refused.value.errors
        assert "trước ngày sinh" in errors["ngay_cap_cccd"]
        assert "kết thúc trước" in errors[("qua_trinh_cong_tac", 0, "den")]
        assert errors[("qua_trinh_cong_tac", 1, "don_vi")] == "Bắt buộc."
        # a year and a month/year are kept as typed, never a made-up day
        services.save(account(province, "canhan"), draft, {}, {"qua_trinh_cong_tac": [
            dict(CAREER_ROW, tu="2008", den="05/2009")]}, draft.lock)
        row = services.read_content(draft)["tables"]["qua_trinh_cong_tac"][0]
        assert (row["tu"], row["den"]) == ("2008", "2009-05")


def test_submit_needs_a_complete_record_then_approve_or_reject(app, province, people,
                                                                approvers):
    with app.app_context():
        person = _employee(people, "canhan")
        draft = services.open_draft(account(province, "canhan"), person)
        with pytest.raises(DomainError, match="chưa đủ") as refused:
            services.submit(account(province, "canhan"), draft, draft.lock)
        assert "Mã số định danh" in str(refused.value) and "33. Tóm tắt" in str(refused.value)
        assert services.completeness(services.read_content(draft)) < 20
        draft = _complete(province, people)
        assert services.missing_required(services.read_content(draft)) == []
        assert services.completeness(services.read_content(draft)) == 100
        services.submit(account(province, "canhan"), draft, draft.lock)
        assert draft.status == SUBMITTED
        with pytest.raises(DomainError, match="chờ phê duyệt"):
            services.open_draft(account(province, "canhan"), person)
        # only the head decides (through the signed approval), and a reason is
        # required to reject
        with pytest.raises(DomainError):
            approval.approve(account(province, "canbo"), draft.id, approvers.signer("thutruong"),
                             KIND_PKCS12)
        assert db.session.get(RecordVersion, draft.id).status == SUBMITTED
        with pytest.raises(DomainError, match="lý do"):
            approval.reject(account(province, "thutruong"), draft.id, "  ")
        approval.reject(account(province, "thutruong"), draft.id, "Thiếu quê quán của mẹ")
        draft = db.session.get(RecordVersion, draft.id)
        assert draft.status == REJECTED and draft.reason == "Thiếu quê quán của mẹ"
        # the correction starts from the rejected content
        again = services.open_draft(account(province, "canhan"), person)
        assert again.number == 2
        assert services.read_content(again)["fields"]["noi_o"].startswith("Phường Vĩnh Yên")
        services.submit(account(province, "canhan"), again, again.lock)
        approval.approve(account(province, "thutruong"), again.id,
                         approvers.signer("thutruong"), KIND_PKCS12)
        assert db.session.get(RecordVersion, again.id).status == APPROVED
        db.session.expire_all()
        person = _employee(people, "canhan")
        assert person.national_id_hash and "001085012345" not in person.national_id_enc


def test_the_national_id_is_unique_across_the_province(app, province, people):
    with app.app_context():
        draft = _complete(province, people)
        services.submit(account(province, "canhan"), draft, draft.lock)
        mark_approved(account(province, "thutruong"), draft)
        other = services.open_draft(account(province, "giaovien"),
                                    _employee(people, "giaovien"))
        with pytest.raises(services.RecordInvalid) as refused:
            services.save(account(province, "giaovien"), other,
                          {"so_dinh_danh": COMPLETE["so_dinh_danh"]}, {}, other.lock)
        assert "hồ sơ khác" in refused.value.errors["so_dinh_danh"]


def test_sensitive_values_are_not_stored_in_clear(app, province, people):
    with app.app_context():
        _complete(province, people)
        raw = " ".join(str(row) for row in db.session.execute(text(
            "SELECT content->'fields'->>'ho_ten', content::text, sensitive "
            "FROM record_version")).all())
        raw += " ".join(str(row) for row in db.session.execute(text(
            "SELECT national_id_hash, national_id_enc FROM employee")).all())
        for secret in ("001085012345", "Trần Thị Lan", "Tốt", "Mẹ"):
            assert secret not in raw
        # the public name is readable, which shows the query did read the content
        assert "Nguyễn Thị Hằng" in raw


def test_the_diff_follows_fields_and_rows_with_the_form_labels(app, province, people):
    with app.app_context():
        first = _complete(province, people)
        services.submit(account(province, "canhan"), first, first.lock)
        mark_approved(account(province, "thutruong"), first)
        second = services.open_draft(account(province, "canhan"), _employee(people, "canhan"))
        rows = services.read_content(second)["tables"]["gia_dinh_ban_than"]
        mother = {**rows[0], "thong_tin": "Nghỉ hưu, ở Vĩnh Phúc"}
        services.save(account(province, "canhan"), second, {"dan_toc": "02", "ten_khac": "Hà"},
                      {"gia_dinh_ban_than": [mother, {"quan_he": "Con", "ho_ten": "Lê Minh An",
                                                       "nam_sinh": "2012"}],
                       "qua_trinh_cong_tac": []}, second.lock)
        changes = services.diff_versions(first, second)
        by_label = {(c.item, c.label, c.what): c for c in changes}
        assert by_label[("6", "Dân tộc", "changed")].before == "Kinh"
        assert by_label[("6", "Dân tộc", "changed")].after == "Tày"
        assert by_label[("2", "Các tên gọi khác", "added")].after == "Hà"
        family = [c for c in changes if c.item == "36.1"]
        assert {c.what for c in family} == {"changed", "added"}
        assert "Vĩnh Phúc" in [c for c in family if c.what == "changed"][0].after
        assert [c.what for c in changes if c.item == "33"] == ["removed"]
        # the form's order: item 2 before 6 before 33 before 36.1
        order = [c.item for c in changes]
        assert order.index("2") < order.index("6") < order.index("33") < order.index("36.1")


def test_a_retired_catalog_code_already_in_the_record_stays_valid(app, province, people):
    from datetime import date

    from app.catalogs.models import Catalog, CatalogEntry

    with app.app_context():
        draft = _complete(province, people)
        services.submit(account(province, "canhan"), draft, draft.lock)
        mark_approved(account(province, "thutruong"), draft)
        entry = db.session.scalar(select(CatalogEntry).join(Catalog).where(
            Catalog.name == "trinh_do_chuyen_mon", CatalogEntry.code == "DH"))
        entry.valid_to = date(2026, 1, 1)
        db.session.commit()
        again = services.open_draft(account(province, "canhan"), _employee(people, "canhan"))
        # the whole section comes back as the screen sends it: the old code unchanged
        services.save(account(province, "canhan"), again,
                      {"trinh_do_chuyen_mon": "DH", "chuyen_nganh": "Sư phạm Toán"}, {},
                      again.lock)
        assert services.read_content(again)["fields"]["trinh_do_chuyen_mon"] == "DH"
        other = services.open_draft(account(province, "giaovien"),
                                    _employee(people, "giaovien"))
        with pytest.raises(services.RecordInvalid) as refused:
            services.save(account(province, "giaovien"), other, {"trinh_do_chuyen_mon": "DH"},
                          {}, other.lock)
        assert "danh mục" in refused.value.errors["trinh_do_chuyen_mon"]


def test_under_da_nang_the_officer_enters_everything(make_app):
    from app.catalogs.services import load_shipped
    from tests.conftest import reset_data
    from tests.records.conftest import FORM_CATALOGS, PEOPLE
    from tests.security import world

    app = make_app(PROVINCE_PROFILE="da_nang")
    province = world.build(app)
    try:
        with app.app_context():
            load_shipped(names=FORM_CATALOGS)
            name, unit_key = PEOPLE["canhan"]
            person = Employee(full_name=name, category="vien_chuc",
                              unit_id=province.units[unit_key],
                              account_id=province.accounts["canhan"])
            db.session.add(person)
            db.session.commit()
            # no personal editing under the 2012 regulation
            with pytest.raises(DomainError):
                services.open_draft(account(province, "canhan"), person)
            draft = services.open_draft(account(province, "canbo"), person)
            services.save(account(province, "canbo"), draft, COMPLETE,
                          {"gia_dinh_ban_than": [FAMILY_ROW], "qua_trinh_cong_tac": [CAREER_ROW]},
                          draft.lock)
            services.save(account(province, "canbo"), draft, OFFICER_OWNED, {}, draft.lock)
            assert services.missing_required(services.read_content(draft)) == []
            db.session.remove()
    finally:
        reset_data(app)


def test_a_contract_workers_record_carries_the_labour_contract(app, province, people):
    contract = dict(CONTRACT, hd_loai="xac_dinh_thoi_han")
    with app.app_context():
        worker = contract_worker(people)
        officer = account(province, "canbo")
        draft = services.open_draft(officer, worker)
        missing = {m.label for m in services.missing_required(services.read_content(draft),
                                                              worker.category)}
        assert {"Số hợp đồng", "Loại hợp đồng"} <= missing
        for end, message in (("", "ngày kết thúc"), ("01/01/2028", "36 tháng"),
                             ("31/12/2024", "kết thúc trước")):
            with pytest.raises(services.RecordInvalid) as refused:
                services.save(officer, draft, dict(contract, hd_den_ngay=end), {}, draft.lock)
            assert message in refused.value.errors["hd_den_ngay"], end
        with pytest.raises(services.RecordInvalid) as refused:
            services.save(officer, draft, dict(contract, hd_loai="khong_xac_dinh_thoi_han",
                                               hd_den_ngay="31/12/2025"), {}, draft.lock)
        assert "không có ngày kết thúc" in refused.value.errors["hd_den_ngay"]
        services.save(officer, draft, dict(contract, hd_den_ngay="31/12/2027"), {}, draft.lock)
        assert not {"Số hợp đồng", "Loại hợp đồng"} & {
            m.label for m in services.missing_required(services.read_content(draft),
                                                       worker.category)}
        # the person may not write her own contract
        with pytest.raises(DomainError, match="Số hợp đồng"):
            services.save(account(province, "giaovien"), draft, {"hd_so": "13/2025/HĐLĐ"}, {},
                          draft.lock)
