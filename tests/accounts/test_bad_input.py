"""Bad input on every account and unit form: a clear Vietnamese message, nothing saved."""
import pytest
from sqlalchemy import text

from app.extensions import db
from tests.conftest import csrf_token, login
from tests.security import world as w


def snapshot(app):
    """Everything a refused form must leave as it was."""
    with app.app_context():
        state = (
            db.session.execute(text(
                "SELECT id, username, first_name, last_name, email, unit_id, status, "
                "access_restricted, access_expires_on, password FROM ab_user ORDER BY id")).all(),
            db.session.execute(text("SELECT id, name, parent_id, path FROM org_unit "
                                    "ORDER BY id")).all(),
            db.session.execute(text("SELECT user_id, role_id FROM ab_user_role "
                                    "ORDER BY user_id, role_id")).all(),
            db.session.execute(text("SELECT count(*) FROM audit_entry "
                                    "WHERE action <> 'account.read'")).scalar(),
        )
        db.session.remove()
    return state


def _post(client, url, data):
    page = client.get(url)
    assert page.status_code == 200, url
    data = dict(data, csrf_token=csrf_token(page.get_data(as_text=True)))
    return client.post(url, data=data)


PERSON = {"last_name": "Nguyễn Thị", "first_name": "Hằng", "username": "hang.nt",
          "email": "hang.nt@truong1.edu.vn", "unit_id": "{A1}", "access_expires_on": ""}

CASES = [
    # (who, url, changes to the good input, Vietnamese message expected)
    ("sonoivu", "/account-admin/create/personal", {"last_name": ""},
     "Họ và tên đệm là thông tin bắt buộc"),
    ("sonoivu", "/account-admin/create/personal", {"first_name": "  "},
     "Tên là thông tin bắt buộc"),
    ("sonoivu", "/account-admin/create/personal", {"username": "Hằng NT"}, "Tên đăng nhập"),
    ("sonoivu", "/account-admin/create/personal", {"username": "canbo"}, "canbo"),
    ("sonoivu", "/account-admin/create/personal", {"email": "hang@"}, "thư điện tử"),
    ("sonoivu", "/account-admin/create/personal", {"email": "canbo@example.vn"},
     "canbo@example.vn"),
    ("sonoivu", "/account-admin/create/personal", {"unit_id": ""}, "đơn vị"),
    ("sonoivu", "/account-admin/create/personal", {"unit_id": "999999"}, "đơn vị"),
    ("sonoivu", "/account-admin/create/personal", {"access_expires_on": "31/02/2027"},
     "ngày"),
    ("sonoivu", "/account-admin/create/personal", {"access_expires_on": "2027-01-01"}, "ngày"),
    ("sonoivu", "/account-admin/create/agency", {"unit_id": ""}, "đơn vị"),
    ("quantri", "/account-admin/create/staff", {"username": "a"}, "Tên đăng nhập"),
    ("canbo", "/account-admin/edit/{giaovien}", {"last_name": "", "first_name": "Hoa",
                                                  "email": "gv@a.vn", "unit_id": "{A}"},
     "Họ và tên đệm"),
    ("canbo", "/account-admin/edit/{giaovien}", {"last_name": "Lê", "first_name": "Hoa",
                                                  "email": "bacsi@example.vn",
                                                  "unit_id": "{A}"},
     "bacsi@example.vn"),
    ("canbo", "/account-admin/edit/{giaovien}", {"last_name": "Lê", "first_name": "Hoa",
                                                  "email": "gv@a.vn", "unit_id": "{B}"},
     "phạm vi"),
    ("canbo", "/account-admin/access/{giaovien}", {"mode": "extend", "expires_on": ""},
     "ngày hết hạn mới"),
    ("canbo", "/account-admin/access/{giaovien}", {"mode": "grant",
                                                    "expires_on": "01/01/2020"}, "ngày đã qua"),
    ("canbo", "/account-admin/access/{giaovien}", {"mode": "grant", "expires_on": "1/13/2030"},
     "ngày"),
    ("canbo", "/account-admin/access/{giaovien}", {"mode": "xoa"}, "lựa chọn"),
    ("quantri", "/account-admin/roles/{giaovien}", {}, "năm vai trò"),
    ("quantri", "/account-admin/roles/{giaovien}", {"roles": "Admin"}, "lựa chọn"),
    ("canhan", "/my-account/password", {"current_password": "sai", "new_password": "Moi#Mk2026a",
                                        "confirm_password": "Moi#Mk2026a"}, "hiện tại"),
    ("canhan", "/my-account/password", {"current_password": w.PASSWORD,
                                        "new_password": "Moi#Mk2026a",
                                        "confirm_password": "Moi#Mk2026b"}, "không khớp"),
    ("canhan", "/my-account/password", {"current_password": w.PASSWORD,
                                        "new_password": "abc", "confirm_password": "abc"},
     "ít nhất 10 ký tự"),
    ("canhan", "/my-account/password", {"current_password": w.PASSWORD,
                                        "new_password": "canhan#A2026x",
                                        "confirm_password": "canhan#A2026x"},
     "tên đăng nhập"),
    ("sonoivu", "/account-admin/import", {}, "Không có dữ liệu nào được nhập"),
]


def _fill(value, province):
    if not isinstance(value, str):
        return value
    for key, unit_id in province.units.items():
        value = value.replace("{%s}" % key, str(unit_id))
    for name, account_id in province.accounts.items():
        value = value.replace("{%s}" % name, str(account_id))
    return value


@pytest.mark.parametrize("who, url, changes, message", CASES,
                         ids=["%s %s %s" % (c[0], c[1], "+".join(c[2]) or "empty") for c in CASES])
def test_bad_input_is_refused_in_vietnamese_and_changes_nothing(app, province, client, who, url,
                                                                changes, message):
    login(client, who, w.PASSWORD)
    url = _fill(url, province)
    data = {} if "account-admin/edit" in url or "access" in url or "roles" in url \
        or "password" in url or "import" in url else dict(PERSON)
    data.update(changes)
    data = {k: _fill(v, province) for k, v in data.items()}
    before = snapshot(app)
    response = _post(client, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message.lower() in html.lower(), html[html.find("alert-danger"):][:400]
    assert snapshot(app) == before


def test_unit_forms_refuse_a_missing_name_and_a_parent_out_of_scope(app, province, client):
    login(client, "sonoivu", w.PASSWORD)
    before = snapshot(app)
    response = _post(client, "/units/add", {"name": "", "parent": str(province.units["A"])})
    assert response.status_code == 200
    assert "bắt buộc" in response.get_data(as_text=True)
    api = client.post("/api/v1/unit/", json={"parent": province.units["A"]})
    assert api.status_code == 422 and "name" in api.get_json()["message"]
    assert snapshot(app) == before


def test_api_unit_put_cannot_move_a_unit(app, province, client):
    login(client, "sonoivu", w.PASSWORD)
    url = "/api/v1/unit/%d" % province.units["A"]
    version = client.get(url).get_json()["result"]["version"]
    before = snapshot(app)
    response = client.put(url, json={"parent": province.units["A1"], "version": version})
    assert response.status_code == 422
    assert response.get_json()["message"] == (
        "Chuyển đơn vị là một lần sắp xếp; hãy dùng màn hình sắp xếp đơn vị.")
    assert snapshot(app) == before
