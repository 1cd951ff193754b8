"""Forms keep what was typed (issue 16, item 9): on every refusal the page comes
back with the typed values in its inputs and a Vietnamese message, and nothing is
saved; lengths are the columns'; no form leaves a check to the browser (whose
message would be English: "Please fill out this field.")."""
import re
from datetime import date

from sqlalchemy import func, select

from app.accounts.models import Account
from app.extensions import db
from app.org.models import Employee, OrgRestructuring, Unit, UnitLeader
from app.org.services import create_unit
from app.records.models import SelfServiceWindow
from tests.conftest import csrf_token, login
from tests.security import world as w

FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
REQUIRED_RE = re.compile(r"<(input|select|textarea)\b[^>]*\brequired\b", re.I)


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _post(client, url, **values):
    token = csrf_token(client.get(url).get_data(as_text=True))
    response = client.post(url, data=dict(values, csrf_token=token), follow_redirects=True)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _kept(body, *typed):
    for value in typed:
        assert 'value="%s"' % value in body, value


# ---------------------------------------------------------------- units (FAB's forms)

def _unit_form(province, **values):
    return dict({"name": "Phòng Thanh tra gõ tay", "parent": province.units["A"],
                 "unit_type": "phong", "is_employing": "y", "code": "", "valid_from": ""},
                **values)


def test_a_new_unit_with_a_code_already_taken_keeps_what_was_typed(app, province, client):
    with app.app_context():
        create_unit("Chi cục cũ", db.session.get(Unit, province.units["B"]), code="H62.99")
        db.session.commit()
    before = _count(app, Unit)
    login(client, "sonoivu", w.PASSWORD)
    body = _post(client, "/units/add", **_unit_form(province, code="H62.99",
                                                    valid_from="01/02/2026"))
    assert "Mã H62.99 đã được cấp cho Chi cục cũ." in body
    _kept(body, "Phòng Thanh tra gõ tay", "H62.99", "01/02/2026")
    assert _count(app, Unit) == before


def test_a_unit_name_longer_than_its_column_is_refused_in_vietnamese(app, province, client):
    before = _count(app, Unit)
    login(client, "sonoivu", w.PASSWORD)
    body = _post(client, "/units/add", **_unit_form(province, name="x" * 300, code="H62.98"))
    assert "Tối đa 255 ký tự." in body and "Field cannot be longer" not in body
    _kept(body, "x" * 300, "H62.98")
    assert _count(app, Unit) == before


def test_a_unit_correction_refused_keeps_the_typed_name(app, province, client):
    with app.app_context():
        unit = create_unit("Chi cục có mã", db.session.get(Unit, province.units["B"]),
                           code="H62.97")
        db.session.commit()
        unit_id = unit.id
    login(client, "sonoivu", w.PASSWORD)
    page = client.get("/units/edit/%d" % unit_id).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    body = client.post("/units/edit/%d" % unit_id, data={
        "csrf_token": csrf_token(page), "version": version, "name": "Tên mới gõ lại",
        "unit_type": "chi_cuc", "is_employing": "y", "code": ""},
        follow_redirects=True).get_data(as_text=True)
    assert "Không thể xóa mã định danh" in body
    _kept(body, "Tên mới gõ lại")
    with app.app_context():
        assert db.session.get(Unit, unit_id).name == "Chi cục có mã"


# ---------------------------------------------------------------- leaders

def _person_in(app, unit_id, name="Nguyễn Văn Lãnh Đạo"):
    with app.app_context():
        person = Employee(full_name=name, category="cong_chuc", unit_id=unit_id)
        db.session.add(person)
        db.session.commit()
        return person.id


def test_an_appointment_refused_keeps_the_date_and_decision_typed(app, province, client):
    unit_id = province.units["A"]
    person_id = _person_in(app, unit_id)
    login(client, "sonoivu", w.PASSWORD)
    url = "/unit-tree/unit/%d" % unit_id
    token = csrf_token(client.get(url).get_data(as_text=True))
    body = client.post(url + "/appoint", data={
        "csrf_token": token, "employee_id": person_id, "position": "head",
        "since": "31/02/2026", "decision_number": "QĐ 12/QĐ-UBND"}).get_data(as_text=True)
    assert "Giá trị ngày không hợp lệ." in body     # WTForms' own check, in Vietnamese
    _kept(body, "31/02/2026", "QĐ 12/QĐ-UBND")
    assert re.search(r'<option selected value="%d"|<option value="%d" selected' % (
        person_id, person_id), body)
    body = client.post(url + "/appoint", data={
        "csrf_token": token, "employee_id": person_id, "position": "head",
        "since": "01/02/2026", "decision_number": "Q" * 65}).get_data(as_text=True)
    assert "Tối đa 64 ký tự." in body
    _kept(body, "01/02/2026", "Q" * 65)
    assert _count(app, UnitLeader) == 0


def test_ending_an_appointment_on_a_bad_date_keeps_the_date_typed(app, province, client):
    unit_id = province.units["A"]
    person_id = _person_in(app, unit_id)
    with app.app_context():
        leader = UnitLeader(unit_id=unit_id, employee_id=person_id, position="head",
                            valid_from=date(2026, 1, 1))
        db.session.add(leader)
        db.session.commit()
        leader_id = leader.id
    login(client, "sonoivu", w.PASSWORD)
    url = "/unit-tree/unit/%d" % unit_id
    token = csrf_token(client.get(url).get_data(as_text=True))
    body = client.post(url + "/end-appointment", data={
        "csrf_token": token, "leader_id": leader_id, "on": "01/13/2026"},
        follow_redirects=True).get_data(as_text=True)
    assert "Nhập ngày theo dạng dd/mm/yyyy." in body
    _kept(body, "01/13/2026")
    with app.app_context():
        assert db.session.get(UnitLeader, leader_id).valid_to is None


# ---------------------------------------------------------------- restructuring

def test_a_restructuring_refused_keeps_the_decision_typed(app, province, client):
    login(client, "sonoivu", w.PASSWORD)
    body = _post(client, "/restructure/rename", unit_id=province.units["B"],
                 new_name="Sở Y tế và Dân số", decision_number="QĐ 77/QĐ-UBND",
                 decision_date="10/06/2026", effective_on="01/06/2026", note="Ghi chú gõ tay")
    assert "Ngày hiệu lực không thể trước ngày quyết định." in body
    _kept(body, "Sở Y tế và Dân số", "QĐ 77/QĐ-UBND", "10/06/2026", "01/06/2026")
    assert "Ghi chú gõ tay</textarea>" in body
    body = _post(client, "/restructure/rename", unit_id=province.units["B"],
                 new_name="y" * 300, decision_number="QĐ 78/QĐ-UBND",
                 decision_date="01/06/2026", effective_on="01/06/2026")
    assert "Tối đa 255 ký tự." in body
    _kept(body, "y" * 300, "QĐ 78/QĐ-UBND")
    assert _count(app, OrgRestructuring) == 0


def test_a_split_part_name_longer_than_the_column_is_refused(app, province, client):
    with app.app_context():
        create_unit("Phòng sẽ chia", db.session.get(Unit, province.units["B"]), code="H62.96")
        db.session.commit()
        source = db.session.scalar(select(Unit.id).where(Unit.name == "Phòng sẽ chia"))
    login(client, "sonoivu", w.PASSWORD)
    url = "/restructure/split?unit_id=%d&parts=2" % source
    token = csrf_token(client.get(url).get_data(as_text=True))
    body = client.post("/restructure/split", data={
        "csrf_token": token, "unit_id": source, "parts": 2, "decision_number": "QĐ 9/QĐ-UBND",
        "decision_date": "01/06/2026", "effective_on": "01/06/2026",
        "part_1_name": "z" * 300, "part_1_type": "phong", "part_2_name": "Phòng thứ hai",
        "part_2_type": "phong"}).get_data(as_text=True)
    assert "Đơn vị mới 1" in body or "255" in body
    _kept(body, "z" * 300, "Phòng thứ hai", "QĐ 9/QĐ-UBND")
    assert _count(app, OrgRestructuring) == 0


# ---------------------------------------------------------------- accounts

def test_an_account_with_a_username_taken_keeps_what_was_typed(app, province, client):
    before = _count(app, Account)
    login(client, "sonoivu", w.PASSWORD)
    body = _post(client, "/account-admin/create/personal", last_name="Trần Thị",
                 first_name="Gõ", username="giaovien", email="go.tay@example.invalid",
                 unit_id=province.units["A"], access_expires_on="")
    assert "Tên đăng nhập giaovien đã được sử dụng." in body
    _kept(body, "Trần Thị", "Gõ", "giaovien", "go.tay@example.invalid")
    body = _post(client, "/account-admin/create/personal", last_name="L" * 300,
                 first_name="Gõ", username="taikhoanmoi", email="",
                 unit_id=province.units["A"], access_expires_on="")
    assert re.search(r"Tối đa \d+ ký tự\.", body)
    _kept(body, "L" * 300, "taikhoanmoi")
    assert _count(app, Account) == before


def test_an_account_edit_refused_keeps_what_was_typed(app, province, client):
    account_id = province.accounts["giaovien"]
    with app.app_context():
        email_before = db.session.get(Account, account_id).email
    login(client, "sonoivu", w.PASSWORD)
    body = _post(client, "/account-admin/edit/%d" % account_id, last_name="H" * 300,
                 first_name="Tên mới gõ", email="moi@example.invalid",
                 unit_id=province.units["A"])
    assert re.search(r"Tối đa \d+ ký tự\.", body)
    _kept(body, "H" * 300, "Tên mới gõ", "moi@example.invalid")
    body = _post(client, "/account-admin/edit/%d" % account_id, last_name="Họ mới gõ",
                 first_name="Tên", email="khong-phai-thu", unit_id=province.units["A"])
    assert "Địa chỉ thư điện tử không hợp lệ." in body
    _kept(body, "Họ mới gõ", "khong-phai-thu")
    with app.app_context():
        account = db.session.get(Account, account_id)
        assert account.email == email_before and account.last_name == "Nguyễn Thị"


# ---------------------------------------------------------------- self-service

def test_a_self_service_window_refused_keeps_what_was_typed(app, province, client):
    before = _count(app, SelfServiceWindow)
    login(client, "canbo", w.PASSWORD)
    page = client.get("/records/self-service").get_data(as_text=True)
    token = csrf_token(page)
    body = client.post("/records/self-service/open", data={
        "csrf_token": token, "unit_id": province.units["A"], "opens_on": "20/12/2026",
        "closes_on": "10/12/2026", "note": "Cập nhật nơi ở"}).get_data(as_text=True)
    assert "Ngày cuối ở trước ngày đầu." in body
    _kept(body, "20/12/2026", "10/12/2026", "Cập nhật nơi ở")
    body = client.post("/records/self-service/open", data={
        "csrf_token": token, "unit_id": province.units["A"], "opens_on": "01/12/2026",
        "closes_on": "20/12/2026", "note": "n" * 300}).get_data(as_text=True)
    assert "255" in body and "n" * 300 in body
    assert _count(app, SelfServiceWindow) == before


# ---------------------------------------------------------------- the walk

def _pages(app, province):
    with app.app_context():
        unit_id, account_id = province.units["B"], province.accounts["giaovien"]
    return {
        "sonoivu": ["/units/add", "/units/edit/%d" % unit_id, "/unit-tree/",
                    "/unit-tree/unit/%d" % unit_id, "/restructure/rename",
                    "/restructure/recode", "/restructure/move", "/restructure/merge",
                    "/restructure/consolidate", "/restructure/dissolve", "/restructure/split",
                    "/restructure/split?unit_id=%d&parts=2" % unit_id,
                    "/account-admin/create/personal", "/account-admin/create/agency",
                    "/account-admin/create/staff", "/account-admin/edit/%d" % account_id,
                    "/account-admin/access/%d" % account_id,
                    "/account-admin/roles/%d" % account_id, "/account-admin/import",
                    "/catalogs/add", "/profile/", "/my-account/password"],
        "canbo": ["/records/self-service", "/hiring/new", "/hiring/import"],
        "thutruong": ["/approval/delegations", "/signing/keys", "/signing/verify"],
    }


def test_no_form_of_these_pages_leaves_a_check_to_the_browser(app, province, client):
    seen = 0
    for username, urls in _pages(app, province).items():
        client.get("/logout/")
        login(client, username, w.PASSWORD)
        for url in urls:
            response = client.get(url)
            if response.status_code == 403:
                continue    # this account may not see it: another one's page
            assert response.status_code == 200, url
            for attributes, inner in FORM_RE.findall(response.get_data(as_text=True)):
                seen += 1
                if "novalidate" not in attributes:
                    assert not REQUIRED_RE.search(inner), (url, attributes)
    assert seen >= 20
