"""The tree screen per role, search, the past, and restructuring through the forms."""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.org import services
from app.org.models import OrgRestructuring, Unit
from app.org.models import Employee
from tests.conftest import csrf_token, login
from tests.security import world as w

UNIT_IDS_RE = re.compile(r'<li data-unit="(\d+)"')


def tree_ids(client, query=""):
    response = client.get("/unit-tree/" + query)
    assert response.status_code == 200
    return {int(uid) for uid in UNIT_IDS_RE.findall(response.get_data(as_text=True))}


@pytest.mark.parametrize("actor, visible", [
    ("canhan", {"A"}),                    # own unit
    ("canbo", {"A", "A1"}),               # own subtree
    ("thutruong", {"A", "A1"}),
    ("sonoivu", {"root", "A", "A1", "B", "N"}),   # the province
    ("quantri", {"root", "A", "A1", "B", "N"}),
])
def test_each_role_sees_its_part_of_the_tree(app, province, client, actor, visible):
    login(client, actor, w.PASSWORD)
    assert tree_ids(client) == {province.units[key] for key in visible}
    # a unit page outside the scope is not there (404, as for every object out of
    # scope: a guessed id tells nothing), inside it is shown
    outside = set(province.units) - visible
    for key in outside:
        assert client.get("/unit-tree/unit/%d" % province.units[key]).status_code == 404
    for key in visible:
        assert client.get("/unit-tree/unit/%d" % province.units[key]).status_code == 200


def test_search_ignores_accents_and_finds_codes(app, province, client):
    with app.app_context():
        b = db.session.get(Unit, province.units["B"])
        services.recode(_account(province, "sonoivu"), b, "H62.03",
                        services.Decision("QĐ 1", date(2025, 1, 2), date(2025, 1, 2)))
    login(client, "sonoivu", w.PASSWORD)
    for query in ("?q=so+y+te", "?q=S%E1%BB%9E+Y+T%E1%BA%BE", "?q=h62.03", "?q=H62"):
        body = client.get("/unit-tree/" + query).get_data(as_text=True)
        assert 'class="hoso-match">Sở Y tế<' in body, query
        assert 'hoso-match">Sở Giáo dục<' not in body
    assert "Không có đơn vị nào phù hợp." in client.get("/unit-tree/?q=zzz").get_data(
        as_text=True)
    # a malformed date is a message, not an error page
    body = client.get("/unit-tree/?on=31/02/2025").get_data(as_text=True)
    assert "Nhập ngày theo dạng dd/mm/yyyy." in body


def _account(province, username):
    from app.accounts.models import Account

    return db.session.get(Account, province.accounts[username])


def test_the_tree_as_of_a_past_date(app, province, client):
    with app.app_context():
        services.rename(_account(province, "sonoivu"), db.session.get(Unit, province.units["A"]),
                        "Sở Giáo dục và Đào tạo",
                        services.Decision("QĐ 7", date(2025, 6, 1), date(2025, 7, 1)))
    login(client, "canbo", w.PASSWORD)
    before = client.get("/unit-tree/?on=30/06/2025").get_data(as_text=True)
    after = client.get("/unit-tree/?on=01/07/2025").get_data(as_text=True)
    assert ">Sở Giáo dục<" in before and ">Sở Giáo dục và Đào tạo<" in after
    assert "Cây tổ chức tại ngày 30/06/2025." in before


def _post_form(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data=dict(data, csrf_token=token), follow_redirects=True)


def test_so_noi_vu_merges_through_the_form(app, province, client):
    with app.app_context():
        for name, key in (("Trần Văn Bình", "A"), ("Lê Thị Hoa", "B")):
            db.session.add(Employee(full_name=name, category="vien_chuc",
                                    unit_id=province.units[key]))
        db.session.commit()
    login(client, "sonoivu", w.PASSWORD)
    form = {"absorbing_id": province.units["A"], "absorbed_ids": [province.units["B"]],
            "decision_number": "QĐ 15/QĐ-UBND", "decision_date": "20/06/2025",
            "effective_on": "31/12/2099"}
    body = _post_form(client, "/restructure/merge", form).get_data(as_text=True)
    assert "Ngày hiệu lực ở tương lai" in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OrgRestructuring)) == 0
    body = _post_form(client, "/restructure/merge", dict(form, effective_on="01/07/2025")
                      ).get_data(as_text=True)
    assert "Đã lưu việc sắp xếp: Sáp nhập" in body and "QĐ 15/QĐ-UBND" in body
    with app.app_context():
        b = db.session.get(Unit, province.units["B"])
        assert b.valid_to == date(2025, 7, 1) and b.successor_id == province.units["A"]
        hoa = db.session.scalar(select(Employee).where(Employee.full_name == "Lê Thị Hoa"))
        assert hoa.unit_id == province.units["A"]
    page = client.get("/unit-tree/unit/%d" % province.units["A"]).get_data(as_text=True)
    assert "Lê Thị Hoa" in page and "theo quyết định QĐ 15/QĐ-UBND ngày 20/06/2025" in page
    # the closed unit is out of today's tree but shown on request, with its date
    assert province.units["B"] not in tree_ids(client)
    assert "đóng ngày 01/07/2025" in client.get("/unit-tree/?closed=1").get_data(as_text=True)


def test_only_restructurers_reach_the_forms(app, province, client):
    login(client, "canbo", w.PASSWORD)
    assert client.get("/restructure/merge").status_code == 403
    token = csrf_token(client.get("/my-account/password").get_data(as_text=True))
    response = client.post("/restructure/merge", data={
        "csrf_token": token, "absorbing_id": province.units["A"],
        "absorbed_ids": [province.units["A1"]], "decision_number": "QĐ 1",
        "decision_date": "01/01/2025", "effective_on": "01/01/2025"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Unit, province.units["A1"]).is_open


def test_so_noi_vu_splits_a_unit_through_the_form(app, province, client):
    with app.app_context():
        people = []
        for name in ("Trần Văn Bình", "Lê Thị Hoa"):
            person = Employee(full_name=name, category="vien_chuc", unit_id=province.units["B"])
            db.session.add(person)
            db.session.flush()
            people.append(person.id)
        db.session.commit()
    login(client, "sonoivu", w.PASSWORD)
    step2 = "/restructure/split?unit_id=%d&parts=2" % province.units["B"]
    page = client.get(step2).get_data(as_text=True)
    assert "Trần Văn Bình" in page and 'name="part_2_name"' in page
    token = csrf_token(page)
    form = {"csrf_token": token, "unit_id": province.units["B"], "parts": 2,
            "decision_number": "QĐ 30", "decision_date": "01/06/2025",
            "effective_on": "01/07/2025", "part_1_name": "Sở Y tế dự phòng",
            "part_1_type": "so", "part_2_name": "Sở Khám chữa bệnh", "part_2_type": "so",
            "person_%d" % people[0]: "1"}
    # Hoa is assigned nowhere: refused, and the form keeps what was typed
    body = client.post("/restructure/split", data=form).get_data(as_text=True)
    assert "phải được giao cho một trong các đơn vị mới" in body
    assert 'value="Sở Y tế dự phòng"' in body
    with app.app_context():
        assert db.session.get(Unit, province.units["B"]).is_open
    form["person_%d" % people[1]] = "2"
    body = client.post("/restructure/split", data=form, follow_redirects=True).get_data(
        as_text=True)
    assert "Đã lưu việc sắp xếp: Chia, tách" in body
    with app.app_context():
        assert not db.session.get(Unit, province.units["B"]).is_open
        units = {db.session.get(Employee, pid).unit.name for pid in people}
        assert units == {"Sở Y tế dự phòng", "Sở Khám chữa bệnh"}


def test_heads_are_appointed_and_ended_on_the_unit_page(app, province, client):
    with app.app_context():
        person = Employee(full_name="Phạm Thu Trang", category="cong_chuc",
                          unit_id=province.units["A"])
        db.session.add(person)
        db.session.commit()
        person_id = person.id
    unit_url = "/unit-tree/unit/%d" % province.units["A"]
    # canbo reads the page but may not appoint, and a forged POST is refused
    login(client, "canbo", w.PASSWORD)
    assert "/appoint" not in client.get(unit_url).get_data(as_text=True)
    token = csrf_token(client.get("/my-account/password").get_data(as_text=True))
    assert client.post(unit_url + "/appoint", data={
        "csrf_token": token, "employee_id": person_id, "position": "head",
        "since": "01/01/2025"}).status_code == 403
    client.get("/logout/")

    login(client, "sonoivu", w.PASSWORD)
    page = client.get(unit_url).get_data(as_text=True)
    assert unit_url + "/appoint" in page and "Phạm Thu Trang" in page
    form = {"employee_id": person_id, "position": "head", "since": "31/02/2025",
            "decision_number": "QĐ 12/QĐ-UBND"}
    body = client.post(unit_url + "/appoint", data=dict(form, csrf_token=csrf_token(page)),
                       follow_redirects=True).get_data(as_text=True)
    assert "Giá trị ngày không hợp lệ." in body
    with app.app_context():
        assert services.leaders(db.session.get(Unit, province.units["A"])) == []
    body = client.post(unit_url + "/appoint",
                       data=dict(form, since="01/01/2025", csrf_token=csrf_token(page)),
                       follow_redirects=True).get_data(as_text=True)
    assert "Phạm Thu Trang" in body and "01/01/2025" in body
    with app.app_context():
        rows = services.leaders(db.session.get(Unit, province.units["A"]))
        assert [(row.employee_id, row.valid_from) for row in rows] == [
            (person_id, date(2025, 1, 1))]
        leader_id = rows[0].id
    page = client.get(unit_url).get_data(as_text=True)
    body = client.post(unit_url + "/end-appointment", data={
        "csrf_token": csrf_token(page), "leader_id": leader_id, "on": "30/06/2025"},
        follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert services.leaders(db.session.get(Unit, province.units["A"])) == []
    assert "30/06/2025" in body
