"""Personal accounts in bulk from an Excel staff list: all rows or none."""
import io

import pytest
from openpyxl import Workbook

from app.accounts import importer
from app.accounts.models import Account
from app.extensions import db
from tests.accounts.conftest import account
from tests.conftest import csrf_token, login
from tests.security import world as w

HEADINGS = [heading for _key, heading in importer.COLUMNS]


def workbook(rows, headings=HEADINGS):
    book = Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD_ROWS = [
    ["Trần Thị", "Mai", "mai.tt", "mai.tt@thpt1.edu.vn", "Trường THPT số 1"],
    ["Lê Văn", "Hùng", "hung.lv", "hung.lv@thpt1.edu.vn", "Trường THPT số 1"],
    ["Đỗ Thu", "Hà", "ha.dt", "ha.dt@sogd.gov.vn", "Sở Giáo dục"],
]


def _count():
    return db.session.query(Account).count()


def test_a_good_list_creates_every_account_with_a_temporary_password(app, province):
    with app.app_context():
        created = importer.import_personal_accounts(account("sonoivu"), workbook(GOOD_ROWS))
        assert [a.username for a, _p in created] == ["mai.tt", "hung.lv", "ha.dt"]
        assert all(a.must_change_password and a.unit_id for a, _p in created)
        assert account("mai.tt").unit_id == province.units["A1"]


@pytest.mark.parametrize("bad_row, message", [
    (["", "Lan", "lan.x", "lan.x@a.vn", "Sở Giáo dục"], "Dòng 3: Họ và tên đệm là thông tin bắt buộc"),
    (["Phan", "Lan", "Lan X", "lan.x@a.vn", "Sở Giáo dục"], "Dòng 3: Tên đăng nhập"),
    (["Phan", "Lan", "lan.x", "khong-phai-email", "Sở Giáo dục"], "Dòng 3: Địa chỉ thư điện tử"),
    (["Phan", "Lan", "lan.x", "lan.x@a.vn", "Sở Không Có"], "Dòng 3: không có đơn vị"),
    (["Phan", "Lan", "mai.tt", "lan.x@a.vn", "Sở Giáo dục"], "Dòng 3: Tên đăng nhập mai.tt"),
    (["Phan", "Lan", "canbo", "lan.x@a.vn", "Sở Giáo dục"], "Dòng 3: Tên đăng nhập canbo"),
])
def test_one_bad_row_imports_nothing_and_names_the_row(app, province, bad_row, message):
    with app.app_context():
        before = _count()
        with pytest.raises(importer.ImportFailed) as failed:
            importer.import_personal_accounts(account("sonoivu"),
                                              workbook([GOOD_ROWS[0], bad_row, GOOD_ROWS[2]]))
        assert any(error.startswith(message) for error in failed.value.errors), \
            failed.value.errors
        assert _count() == before


@pytest.mark.parametrize("content, message", [
    (b"", "Tệp"),
    (b"not an excel file", "không phải"),
    (workbook(GOOD_ROWS, headings=["Ho", "Ten"]), "Dòng đầu tiên"),
    (workbook([]), "không có"),
])
def test_a_file_that_is_not_a_staff_list_is_refused(app, province, content, message):
    with app.app_context():
        before = _count()
        with pytest.raises(importer.ImportFailed) as failed:
            importer.import_personal_accounts(account("sonoivu"), content)
        assert message in failed.value.errors[0]
        assert _count() == before


def test_a_unit_name_shared_by_two_units_asks_for_the_number(app, province):
    with app.app_context():
        from app.org.models import Unit
        from app.org.services import create_unit

        create_unit("Trường THPT số 1", db.session.get(Unit, province.units["B"]))
        db.session.commit()
        with pytest.raises(importer.ImportFailed) as failed:
            importer.import_personal_accounts(account("sonoivu"), workbook([GOOD_ROWS[0]]))
        assert failed.value.errors[0].startswith("Dòng 2: ")
        assert "Trường THPT số 1" in failed.value.errors[0]
        numbered = [GOOD_ROWS[0][:4] + [str(province.units["A1"])]]
        created = importer.import_personal_accounts(account("sonoivu"), workbook(numbered))
        assert created[0][0].unit_id == province.units["A1"]


def test_units_outside_the_importers_scope_are_refused(hai_phong):
    app, _province = hai_phong
    with app.app_context():
        rows = [GOOD_ROWS[0], ["Võ", "An", "an.v", "an.v@syt.vn", "Sở Y tế"]]
        with pytest.raises(importer.ImportFailed) as failed:
            importer.import_personal_accounts(account("canbo"), workbook(rows))
        assert failed.value.errors == ["Dòng 3: Đơn vị này nằm ngoài phạm vi của bạn."]
        assert db.session.query(Account).filter_by(username="mai.tt").count() == 0


def test_the_import_page_uploads_a_list(app, province, client):
    login(client, "sonoivu", w.PASSWORD)
    page = client.get("/account-admin/import").get_data(as_text=True)
    template = client.get("/account-admin/import/template")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    response = client.post("/account-admin/import", data={
        "csrf_token": csrf_token(page),
        "file": (io.BytesIO(workbook(GOOD_ROWS)), "danh-sach.xlsx"),
    }, content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Đã tạo 3 tài khoản." in html
    assert "mai.tt" in html and "hung.lv" in html
