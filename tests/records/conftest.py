"""People with records in the small province of tests/security/world.py."""
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from app.accounts.models import Account
from app.catalogs.services import load_shipped
from app.extensions import db
from app.core import clock
from app.org.models import Employee
from app.records import services as records
from app.records.models import SUBMITTED, SelfServiceWindow

# the catalogs the form's required fields use
FORM_CATALOGS = ["dan_toc", "ton_giao", "tinh_thanh", "giao_duc_pho_thong",
                 "trinh_do_chuyen_mon", "chuc_vu", "loai_phu_cap"]
# username -> (full name, unit key); canbo and thutruong have records too
PEOPLE = {"canhan": ("Nguyễn Thị Hằng", "A"), "giaovien": ("Trần Văn Bình", "A"),
          "giaovien_truong": ("Lê Minh Tuấn", "A1"), "bacsi": ("Phạm Thu Trang", "B"),
          "canbo": ("Đỗ Văn Cường", "A"), "thutruong": ("Hoàng Văn Đức", "A")}


@dataclass
class People:
    ids: dict = field(default_factory=dict)        # username -> employee id


def open_self_service(province, days=30):
    """What the unit's officer does first: open self-service to everyone, all parts."""
    now = clock.now()
    db.session.add(SelfServiceWindow(unit_id=province.units["root"], opens_on=clock.today(),
                                     closes_on=clock.today() + timedelta(days=days),
                                     groups=[], employee_ids=[], opened_at=now))


@pytest.fixture
def people(app, province):
    """A record holder per account; self-service open to all of them."""
    result = People()
    with app.app_context():
        load_shipped(names=FORM_CATALOGS)
        open_self_service(province)
        for username, (name, unit_key) in PEOPLE.items():
            person = Employee(full_name=name, category="vien_chuc",
                              unit_id=province.units[unit_key],
                              account_id=province.accounts[username])
            db.session.add(person)
            db.session.flush()
            result.ids[username] = person.id
        db.session.commit()
        db.session.remove()
    return result


def account(province, username):
    return db.session.get(Account, province.accounts[username])


def mark_approved(approver, version):
    """A submitted version made the record's approved state, committed, by the one
    state change the signed approval makes (records.mark_approved, which
    app.approval.services.approve calls after signing): for tests that need an
    approved version, not its signature. Who may approve, and the signature, are
    tested through the signed approval (tests/approval)."""
    assert version.status == SUBMITTED, version.status
    records.mark_approved(approver, version)
    db.session.commit()
    return version


# What a person types to complete the form's required fields (the screen's text).
COMPLETE = {
    "so_dinh_danh": "001085012345", "ho_ten": "Nguyễn Thị Hằng", "gioi_tinh": "nu",
    "ngay_sinh": "05/09/1985", "noi_sinh": "Xã Tam Dương, tỉnh Phú Thọ",
    "que_quan_xa": "Xã Tam Dương", "que_quan_tinh": "25", "dan_toc": "01", "ton_giao": "00",
    "so_cccd": "001085012345", "ngay_cap_cccd": "10/05/2021", "dien_thoai": "0912 345 678",
    "noi_o": "Phường Vĩnh Yên, tỉnh Phú Thọ", "giao_duc_pho_thong": "THPT",
    "trinh_do_chuyen_mon": "DH", "suc_khoe": "Tốt",
}
PERSON_OWNED = dict(COMPLETE)
OFFICER_OWNED = {"ngay_tuyen_dung": "01/09/2008", "co_quan_tuyen_dung": "Sở Giáo dục",
                 "ngay_vao_co_quan": "01/09/2008"}
CAREER_ROW = {"tu": "09/2008", "den": "", "don_vi": "Trường THPT số 1",
              "chuc_danh": "Giáo viên"}
FAMILY_ROW = {"quan_he": "Mẹ", "ho_ten": "Trần Thị Lan", "nam_sinh": "1960",
              "thong_tin": "Nghỉ hưu, ở Phú Thọ"}
# The labour contract of Phụ lục II TT 05/2023 as an officer types it (indefinite term).
CONTRACT = {"hd_so": "12/2025/HĐLĐ", "hd_loai": "khong_xac_dinh_thoi_han",
            "hd_ngay_ky": "28/12/2024", "hd_tu_ngay": "01/01/2025",
            "hd_dia_diem": "Trường THPT số 1", "hd_chuc_danh": "Nhân viên bảo vệ"}


def contract_worker(people, username="giaovien"):
    """``username`` made a người lao động (committed); returns the employee."""
    worker = db.session.get(Employee, people.ids[username])
    worker.category = "nguoi_lao_dong"
    db.session.commit()
    return worker

