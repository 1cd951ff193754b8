"""The hiring screens, the Excel list of new hires and the REST API (issue 16.1)."""
import base64
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.accounts.models import Account
from app.audit.models import AuditEntry
from app.extensions import db
from app.hiring import importer
from app.hiring.models import Hiring
from app.org.models import Employee
from app.records.models import RecordVersion
from tests.conftest import csrf_token, login
from tests.hiring.conftest import PDF, hire_data
from tests.security import world as w


def _people():
    return db.session.scalar(select(func.count()).select_from(Employee))


def _signed_in(app, username):
    client = app.test_client()
    assert login(client, username, w.PASSWORD).status_code == 200
    return client


def _post_form(client, data, scan=("qd.pdf", PDF)):
    page = client.get("/hiring/new")
    assert page.status_code == 200
    body = dict(data, csrf_token=csrf_token(page.get_data(as_text=True)))
    if scan is not None:
        body["scan"] = (io.BytesIO(scan[1]), scan[0])
    return client.post("/hiring/new", data=body, content_type="multipart/form-data")


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_the_form_keeps_what_was_typed_when_it_refuses(hiring_app):
    app, world = hiring_app
    client = _signed_in(app, "canbo")
    with app.app_context():
        before = _people()
    bad = hire_data(world, so_dinh_danh="12ab", ngay_sinh="30/02/2001", ho_ten="Phạm Thị Lan")
    response = _post_form(client, bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Phạm Thị Lan"' in html and 'value="125/QĐ-SGDĐT"' in html
    assert 'value="12ab"' in html and 'value="30/02/2001"' in html
    assert "novalidate" in html and " required" not in html
    assert "has-error" in html
    with app.app_context():
        assert _people() == before


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_the_officer_hires_from_the_screen_and_sees_the_password_once(hiring_app):
    app, world = hiring_app
    client = _signed_in(app, "canbo")
    response = _post_form(client, hire_data(world, username="lan.pt"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:400]
    assert 'id="username">lan.pt<' in html and 'id="password"' in html
    listing = client.get("/hiring/").get_data(as_text=True)
    assert "Phạm Thị Lan" in listing and "125/QĐ-SGDĐT" in listing
    with app.app_context():
        employee = db.session.scalar(select(Employee).where(Employee.full_name == "Phạm Thị Lan"))
        assert db.session.get(Account, employee.account_id).username == "lan.pt"


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_the_head_reads_hirings_but_cannot_enter_one(hiring_app):
    app, world = hiring_app
    head = _signed_in(app, "thutruong")
    assert head.get("/hiring/").status_code == 200
    assert head.get("/hiring/new").status_code in (302, 403)
    person = _signed_in(app, "canhan")
    assert person.get("/hiring/").status_code in (302, 403)


def _workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(importer.HEADINGS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(count):
    """``count`` teachers of Trường THPT số 1, each with their own số định danh."""
    return [["Giáo viên Số %d" % n, "Nữ" if n % 2 else "nam", "12/03/2001",
             "0253010%05d" % n, "Viên chức", "Trường THPT số 1", "Tuyển dụng",
             "125/QĐ-SGDĐT", "15/08/2026", "Sở Giáo dục", "01/09/2026", "V.07.03.29",
             "1", "2,34", "", "gv%d@thpt1.edu.vn" % n] for n in range(1, count + 1)]


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_thirty_hires_from_excel_all_or_none(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = db.session.get(Account, world.accounts["canbo"])
        before = _people()
        rows = _rows(30)
        rows[17][3] = "12345"                   # row 19 of the sheet: a bad số định danh
        with pytest.raises(importer.ImportFailed) as refused:
            importer.import_hires(officer, _workbook(rows), ("qd.pdf", PDF))
        assert len(refused.value.errors) == 1
        assert refused.value.errors[0].startswith("Row 19, Số định danh cá nhân") or \
            refused.value.errors[0].startswith("Dòng 19, Số định danh cá nhân")
        assert _people() == before
        # a số định danh twice in the list: the second row is named
        rows = _rows(30)
        rows[29][3] = rows[0][3]
        with pytest.raises(importer.ImportFailed) as refused:
            importer.import_hires(officer, _workbook(rows), ("qd.pdf", PDF))
        assert [e.split(",")[0] for e in refused.value.errors] in (["Row 31"], ["Dòng 31"])
        assert _people() == before
        hired = importer.import_hires(officer, _workbook(_rows(30)), ("qd.pdf", PDF))
        assert len(hired) == 30 and _people() == before + 30
        batches = set(db.session.scalars(select(Hiring.batch)))
        assert len(batches) == 1 and None not in batches
        genders = {one.employee.full_name: one.employee.id for one in hired}
        assert len(genders) == 30
        assert all(one.account is not None and one.password for one in hired)
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "hiring.import")) == 1


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_the_template_downloads_with_its_headings_and_guide(hiring_app):
    app, world = hiring_app
    client = _signed_in(app, "canbo")
    response = client.get("/hiring/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert [cell.value for cell in book.worksheets[0][1]] == importer.HEADINGS
    assert len(book.worksheets) == 2


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_the_import_page_refuses_a_bad_list_with_each_rows_error(hiring_app):
    app, world = hiring_app
    client = _signed_in(app, "canbo")
    page = client.get("/hiring/import")
    rows = _rows(2)
    rows[1][8] = "hôm qua"
    response = client.post("/hiring/import", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "file": (io.BytesIO(_workbook(rows)), "ds.xlsx"), "scan": (io.BytesIO(PDF), "qd.pdf")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="import-errors"' in html
    assert "3, Ngày quyết định" in html


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_the_api_hires_with_the_same_checks(hiring_app):
    app, world = hiring_app
    client = _signed_in(app, "canbo")
    body = dict(hire_data(world), scan_name="qd.pdf", scan=base64.b64encode(PDF).decode())
    bad = dict(body, so_dinh_danh="1")
    response = client.post("/api/v1/hiring/", json=bad)
    assert response.status_code == 422 and "so_dinh_danh" in response.json["errors"]
    response = client.post("/api/v1/hiring/", json=dict(body, scan="@@@"))
    assert response.status_code == 422
    response = client.post("/api/v1/hiring/", json=body)
    assert response.status_code == 201, response.json
    assert response.json["account"] == "phamthilan" and response.json["temporary_password"]
    listed = client.get("/api/v1/hiring/").json["result"]
    assert [row["full_name"] for row in listed] == ["Phạm Thị Lan"]
    # the same person again: refused, with the unit that holds them
    again = client.post("/api/v1/hiring/", json=dict(body, username="lan2",
                                                      email="lan2@thpt1.edu.vn"))
    assert again.status_code == 422 and "Trường THPT số 1" in \
        again.json["errors"]["so_dinh_danh"][0]


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_the_account_page_links_and_unlinks(hiring_app):
    app, world = hiring_app
    client = _signed_in(app, "canbo")
    body = dict(hire_data(world), scan_name="qd.pdf", scan=base64.b64encode(PDF).decode())
    employee_id = client.post("/api/v1/hiring/", json=body).json["employee_id"]
    page = client.get("/hiring/person/%d/account" % employee_id)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="linked">phamthilan<' in html
    response = client.post("/hiring/person/%d/unlink" % employee_id, data={
        "csrf_token": csrf_token(html), "reason": "Cấp nhầm"}, follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(Employee, employee_id).account_id is None
    # a person outside the officer's subtree: no such page, nothing done
    with app.app_context():
        outside = Employee(full_name="Phạm Thu Trang", category="vien_chuc",
                           unit_id=world.units["B"])
        db.session.add(outside)
        db.session.commit()
        outside_id = outside.id
    assert client.get("/hiring/person/%d/account" % outside_id).status_code == 404
    assert client.post("/hiring/person/%d/unlink" % outside_id, data={
        "csrf_token": csrf_token(html), "reason": "x"}).status_code == 404


@pytest.mark.parametrize("hiring_app", ["dong_nai"], indirect=True)
def test_the_home_page_lists_new_hires_until_they_submit(hiring_app):
    app, world = hiring_app
    client = _signed_in(app, "canbo")
    body = dict(hire_data(world), scan_name="qd.pdf", scan=base64.b64encode(PDF).decode())
    employee_id = client.post("/api/v1/hiring/", json=body).json["employee_id"]
    home = client.get("/").get_data(as_text=True)
    start = home.index('id="home-deadlines-due"')
    panel = home[start:home.find('class="panel ', start)]
    assert "Phạm Thị Lan" in panel and "/records/person/%d" % employee_id in panel
    # Điều 6.4 ĐN: 5 working days from the account
    assert "Điều 6 khoản 4" in panel
    with app.app_context():
        version = db.session.scalar(select(RecordVersion).where(
            RecordVersion.employee_id == employee_id))
        version.status = "submitted"
        db.session.commit()
    home = client.get("/").get_data(as_text=True)
    start = home.index('id="home-deadlines-due"')
    assert "Phạm Thị Lan" not in home[start:home.find('class="panel ', start)]



@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_numbers_typed_in_number_cells_keep_their_leading_zeros(hiring_app):
    app, world = hiring_app
    rows = _rows(2)
    rows[0][3] = 25301000001        # Excel's General cell: 025301000001 lost its zero
    with app.app_context():
        officer = db.session.get(Account, world.accounts["canbo"])
        hired = importer.import_hires(officer, _workbook(rows), ("qd.pdf", PDF))
        assert len(hired) == 2
    # the template's number-like columns are text cells, so Excel keeps what is typed
    book = load_workbook(io.BytesIO(importer.template_workbook()))
    sheet = book.worksheets[0]
    column = importer.HEADINGS.index("Số định danh cá nhân") + 1
    assert sheet.cell(2, column).number_format == "@"


@pytest.mark.parametrize("hiring_app", ["hai_phong"], indirect=True)
def test_a_bad_scan_is_one_error_for_the_whole_list(hiring_app):
    app, world = hiring_app
    with app.app_context():
        officer = db.session.get(Account, world.accounts["canbo"])
        with pytest.raises(importer.ImportFailed) as refused:
            importer.import_hires(officer, _workbook(_rows(30)), ("qd.pdf", b"<html>x"))
        assert len(refused.value.errors) == 1
