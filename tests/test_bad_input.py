"""No server error on bad input (issue 14): each attack of the probe, refused or made
harmless, and the REST API's errors in Vietnamese in one shape."""
import logging
import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError

from app.approval import services as approval
from app.core.exceptions import DomainError
from app.extensions import db
from app.org.models import Employee
from app.records import services as records
from tests.api.test_rest_api import _token
from tests.conftest import csrf_token, login
from tests.records.conftest import (  # noqa: F401  (people: a fixture)
    COMPLETE, CONTRACT, account, contract_worker, people,
)
from tests.approval.conftest import approvers, key_files, test_ca  # noqa: F401  (fixtures)
from tests.records.test_versions import _complete, _employee
from tests.security import world as w

BAD_REQUEST = "Hệ thống không hiểu được yêu cầu"
# every list with a search or a filter, and what it searches by
SEARCHES = ["/records/?q=", "/units/list/?_flt_0_name=", "/units/list/?_flt_2_name=",
            "/accounts/list/?_flt_0_username=", "/accounts/list/?_flt_0_last_name=",
            "/catalogs/list/?_flt_0_name=", "/catalogs/list/?_flt_0_code=",
            "/unit-tree/?q=", "/audit/list/?_flt_0_action=", "/approval/?month="]


def _signed_in(client, username="sonoivu"):
    login(client, username, w.PASSWORD)
    return client


@pytest.mark.parametrize("username", ["sonoivu", "quantri"])
def test_a_nul_byte_in_any_search_or_filter_is_a_400_page_in_vietnamese(app, province,
                                                                       client, username):
    _signed_in(client, username)
    for url in SEARCHES:
        response = client.get(url + "Nguy%00n")
        assert response.status_code == 400, url
        assert BAD_REQUEST in response.get_data(as_text=True), url
        # the same search without the NUL still works
        assert client.get(url + "Nguyen").status_code in (200, 302, 403), url


def test_a_nul_byte_in_a_form_is_a_400_before_the_database(app, province, client):
    page = client.get("/login/").get_data(as_text=True)
    response = client.post("/login/", data={"username": "canbo\x00", "password": "x",
                                            "csrf_token": csrf_token(page)})
    assert response.status_code == 400
    assert BAD_REQUEST in response.get_data(as_text=True)


def test_other_control_characters_are_dropped_from_a_search(app, province, client):
    _signed_in(client)
    page = client.get("/unit-tree/?q=S%01%1F%7F%E1%BB%9F").get_data(as_text=True)
    assert "\x01" not in page and "\x7f" not in page


def test_huge_page_numbers_and_negative_page_sizes_are_clamped(app, province, client):
    _signed_in(client)
    for url in ("/units/list/?page_UnitView=100000000000000000000",
                "/units/list/?page_UnitView=-3", "/units/list/?psize_UnitView=-5",
                "/units/list/?psize_UnitView=100000000000000000000",
                "/accounts/list/?page_AccountView=100000000000000000000",
                "/catalogs/list/?page_CatalogEntryView=100000000000000000000",
                "/records/?page=100000000000000000000", "/records/?page=-5"):
        assert client.get(url).status_code == 200, url
    # a negative page size shows the default page, not an empty list
    assert "Sở Giáo dục" in client.get("/units/list/?psize_UnitView=-5").get_data(as_text=True)


def test_a_negative_row_count_does_not_empty_a_table_of_the_record(app, province, people,
                                                                   client):
    me = people.ids["canhan"]
    with app.app_context():
        _complete(province, people)
        db.session.commit()
    _signed_in(client, "canhan")
    url = "/records/person/%d/section/36" % me
    page = client.get(url).get_data(as_text=True)
    lock = re.search(r'name="lock" value="(\d+)"', page).group(1)
    client.post(url, data={"lock": lock, "gia_dinh_ban_than-rows": "-5",
                           "csrf_token": csrf_token(page)}, follow_redirects=True)
    with app.app_context():
        draft = records.open_version(db.session.get(Employee, me))
        rows = records.read_content(draft)["tables"]["gia_dinh_ban_than"]
        assert [row["ho_ten"] for row in rows] == ["Trần Thị Lan"]


def test_a_name_longer_than_the_employee_column_is_refused_at_save(app, province, people):
    with app.app_context():
        person = _employee(people, "canhan")
        draft = records.open_draft(account(province, "canhan"), person)
        for length in (129, 500):
            with pytest.raises(records.RecordInvalid) as refused:
                records.save(account(province, "canhan"), draft, {"ho_ten": "A" * length}, {},
                             draft.lock)
            assert "Tối đa 128 ký tự" in refused.value.errors["ho_ten"]
        records.save(account(province, "canhan"), draft, {"ho_ten": "Â" * 128}, {},
                     draft.lock)


def test_a_contract_workers_changed_contract_number_shows_in_the_diff(app, province, people):
    with app.app_context():
        worker = contract_worker(people)
        officer = account(province, "canbo")
        draft = records.open_draft(officer, worker)
        before = records.read_content(draft)
        records.save(officer, draft, CONTRACT, {}, draft.lock)
        changes = records.diff(before, records.read_content(draft))
        assert ("HĐLĐ", "Số hợp đồng", "added") in {(c.item, c.label, c.what)
                                                     for c in changes}


def test_the_national_id_in_other_digits_is_the_same_number(app, province, people):
    arabic = "".join(chr(0x0660 + int(d)) for d in COMPLETE["so_dinh_danh"])
    full_width = "".join(chr(0xFF10 + int(d)) for d in COMPLETE["so_dinh_danh"])
    with app.app_context():
        first = _complete(province, people)
        records.submit(account(province, "canhan"), first, first.lock)
        db.session.commit()
        from tests.records.conftest import mark_approved
        mark_approved(account(province, "thutruong"), first)
        other = _employee(people, "giaovien")
        draft = records.open_draft(account(province, "canbo"), other)
        for spelled in (arabic, full_width):
            # the same number as canhan's, whatever its digits: refused as taken
            with pytest.raises(records.RecordInvalid) as refused:
                records.save(account(province, "giaovien"), draft,
                             {"so_dinh_danh": spelled}, {}, draft.lock)
            assert "đã thuộc" in refused.value.errors["so_dinh_danh"]
        records.save(account(province, "giaovien"), draft,
                     {"so_dinh_danh": "٠٠١٠٨٥٠٩٩٩٩٩", "so_cccd": "００１０８５０９９９９９"}, {},
                     draft.lock)
        stored = records.read_content(draft)["fields"]
        assert stored["so_dinh_danh"] == stored["so_cccd"] == "001085099999"


def test_a_reject_reason_has_a_sane_maximum(app, province, people, approvers):
    with app.app_context():
        draft = _complete(province, people)
        records.submit(account(province, "canhan"), draft, draft.lock)
        db.session.commit()
        with pytest.raises(DomainError, match="tối đa 2000 ký tự|at most 2000"):
            approval.reject(account(province, "thutruong"), draft.id, "x" * 2 * 1024 * 1024)
        approval.reject(account(province, "thutruong"), draft.id, "x" * 2000)


def test_database_errors_name_no_parameters(app, caplog):
    with app.app_context():
        assert db.engine.hide_parameters
        db.session.execute(text("CREATE TEMPORARY TABLE short_name (name varchar(3))"))
        with pytest.raises(DataError) as failed, caplog.at_level(logging.DEBUG):
            db.session.execute(text("INSERT INTO short_name VALUES (:name)"),
                               {"name": "Nguyễn Thị Hằng"})
        db.session.rollback()
    assert "Nguyễn Thị Hằng" not in str(failed.value)
    assert "Nguyễn Thị Hằng" not in caplog.text


# --- the REST API -------------------------------------------------------------------------

def _api(client, username="sonoivu"):
    return {"Authorization": "Bearer " + _token(client, username)}


def _is_error(response, code):
    body = response.get_json()
    assert response.status_code == code, (response.status_code, body)
    assert set(body) >= {"message", "code"} and body["code"] == code, body
    assert body["message"] not in ("Fatal error", "Not found", "Bad request",
                                   "Not a valid rison argument"), body
    return body


def test_the_api_on_a_huge_id_is_a_404(app, province, client):
    headers = _api(client)
    for url in ("/api/v1/unit/99999999999999999999", "/api/v1/unit/2147483648",
                "/api/v1/account/99999999999999", "/api/v1/approval/version/9999999999/verify"):
        body = _is_error(client.get(url, headers=headers), 404)
        assert "không tồn tại" in body["message"]
    _is_error(client.put("/api/v1/unit/99999999999999", json={"name": "X"}, headers=headers),
              404)


def test_the_api_refuses_an_object_where_a_key_is_expected(app, province, client):
    headers = _api(client)
    for parent in ({"id": province.units["A"]}, {"name": "X"}, True, 10 ** 20, "A"):
        body = _is_error(client.post("/api/v1/unit/", json={"name": "Phòng mới",
                                                            "parent": parent},
                                     headers=headers), 422)
        assert "parent" in body["errors"], parent
    _is_error(client.put("/api/v1/unit/%d" % province.units["A1"],
                         json={"parent": {"id": 1}}, headers=headers), 422)


def test_the_api_refuses_a_huge_number_in_q(app, province, client):
    headers = _api(client)
    for q in ("(page:1e20,page_size:10)", "(page:100000000000000000000)",
              "(page_size:1e400)", "(filters:!((col:id,opr:eq,value:1e400)))",
              "(filters:!((col:name,opr:ct,value:1e400)))",
              "(filters:!((col:is_employing,opr:eq,value:1e300)))",
              "(filters:!((col:is_employing,opr:eq,value:5)))",
              "(filters:!((col:name,opr:eq,value:!(1,2))))"):
        _is_error(client.get("/api/v1/unit/?q=" + q, headers=headers), 400)
    _is_error(client.get("/api/v1/unit/_info?q=(add_columns:(parent:(page:1e30)))",
                         headers=headers), 400)
    _is_error(client.get("/api/v1/account/?q=(filters:!((col:unit_id,opr:eq,value:1e300)))",
                         headers=headers), 400)


def test_api_errors_answer_in_vietnamese_in_one_shape(app, province, client):
    body = _is_error(client.get("/api/v1/unit/"), 401)
    assert body["message"] != "Not authorized"
    body = _is_error(client.get("/api/v1/account/", headers=_api(client, "canhan")), 403)
    assert "không có quyền" in body["message"]
    headers = _api(client)
    _is_error(client.get("/api/v1/unit/?q=(((", headers=headers), 400)
    _is_error(client.delete("/api/v1/unit/%d" % province.units["A"], headers=headers), 405)
    body = _is_error(client.post("/api/v1/unit/", json={"name": "X" * 300}, headers=headers),
                     422)
    assert "name" in body["errors"]
    _is_error(client.post("/api/v1/unit/", json={"name": "Phòng\u0000"}, headers=headers), 400)
    _is_error(client.post("/api/v1/unit/", data="x", headers=headers), 400)
