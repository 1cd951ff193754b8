"""Creating and correcting units through the screen and the API: codes are
validated in both forms, refusals are Vietnamese and save nothing."""
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.org.models import Unit, UnitCode, UnitState
from tests.conftest import csrf_token, login
from tests.security import world as w


def _counts(app):
    with app.app_context():
        result = tuple(db.session.scalar(select(func.count()).select_from(model))
                       for model in (Unit, UnitState, UnitCode))
        db.session.remove()
    return result


def _add(client, **fields):
    token = csrf_token(client.get("/units/add").get_data(as_text=True))
    return client.post("/units/add", data=dict(fields, csrf_token=token), follow_redirects=True)


def test_add_unit_with_codes_in_both_forms(app, province, client):
    login(client, "sonoivu", w.PASSWORD)
    before = _counts(app)
    for code, message in (("000.00.00.Z62", "từ A đến K"), ("H62..1", "nhóm rỗng"),
                          ("000.01.00.H62", "00")):
        body = _add(client, name="Trường THCS Kim Ngọc", parent=province.units["A"],
                    unit_type="dvsncl", is_employing="y", code=code).get_data(as_text=True)
        assert message in body, code
        assert _counts(app) == before
    _add(client, name="Trường THCS Kim Ngọc", parent=province.units["A"], unit_type="dvsncl",
         is_employing="y", code="000.01.02.H62")
    _add(client, name="Trường THCS Yên Lạc", parent=province.units["A"], unit_type="dvsncl",
         is_employing="y", code="h62.02.07")
    with app.app_context():
        kim_ngoc = db.session.scalar(select(Unit).where(Unit.name == "Trường THCS Kim Ngọc"))
        yen_lac = db.session.scalar(select(Unit).where(Unit.name == "Trường THCS Yên Lạc"))
        assert kim_ngoc.code == "000.01.02.H62" and yen_lac.code == "H62.02.07"
        assert [c.form for c in db.session.scalars(select(UnitCode).order_by(UnitCode.id))] == [
            "legacy", "qd20_2020"]
        assert kim_ngoc.search_name == "truong thcs kim ngoc"
    # the same code twice is refused
    body = _add(client, name="Trường khác", parent=province.units["A"], unit_type="dvsncl",
                code="H62.02.07").get_data(as_text=True)
    assert "Mã H62.02.07 đã được cấp cho Trường THCS Yên Lạc." in body
    assert _counts(app) == (before[0] + 2, before[1] + 2, before[2] + 2)
    # dates are typed dd/mm/yyyy, not FAB's yyyy-mm-dd
    body = _add(client, name="Trường THCS Tam Dương", parent=province.units["A"],
                unit_type="dvsncl", is_employing="y", valid_from="2025-07-01").get_data(
        as_text=True)
    assert "Ngày không hợp lệ" in body or "không hợp lệ" in body
    _add(client, name="Trường THCS Tam Dương", parent=province.units["A"], unit_type="dvsncl",
         is_employing="y", valid_from="01/07/2025")
    with app.app_context():
        assert db.session.scalar(select(Unit.valid_from).where(
            Unit.name == "Trường THCS Tam Dương")) == date(2025, 7, 1)
    # an office that employs no one: the box unticked
    _add(client, name="Phòng Tổ chức", parent=province.units["A"], unit_type="phong")
    with app.app_context():
        office = db.session.scalar(select(Unit).where(Unit.name == "Phòng Tổ chức"))
        assert office is not None and office.is_employing is False and office.code is None


def test_api_refuses_a_bad_code_in_vietnamese(app, province, client):
    login(client, "sonoivu", w.PASSWORD)
    before = _counts(app)
    response = client.post("/api/v1/unit/", json={
        "name": "Chi cục Thủy lợi", "parent": province.units["B"], "unit_type": "chi_cuc",
        "is_employing": True, "code": "H62.0-3"})
    assert response.status_code == 422
    assert "chữ in hoa" in response.get_json()["message"]
    assert _counts(app) == before
    response = client.post("/api/v1/unit/", json={
        "name": "Chi cục Thủy lợi", "parent": province.units["B"], "unit_type": "chi_cuc",
        "is_employing": True, "code": "H62.03.04"})
    assert response.status_code == 201
    unit_id = response.get_json()["id"]
    shown = client.get("/api/v1/unit/%d" % unit_id).get_json()["result"]
    assert shown["code"] == "H62.03.04" and shown["unit_type"] == "chi_cuc"
    # a correction of the code keeps one period; a new code is a restructuring
    response = client.put("/api/v1/unit/%d" % unit_id,
                          json={"code": "H62.03.05", "version": shown["version"]})
    assert response.status_code == 200
    with app.app_context():
        assert [c.code for c in db.session.scalars(
            select(UnitCode).where(UnitCode.unit_id == unit_id))] == ["H62.03.05"]


def test_correcting_a_closed_unit_is_refused(app, province, client):
    from datetime import date

    from app.accounts.models import Account
    from app.org import services

    with app.app_context():
        actor = db.session.get(Account, province.accounts["sonoivu"])
        services.merge(actor, db.session.get(Unit, province.units["A"]),
                       [db.session.get(Unit, province.units["B"])],
                       services.Decision("QĐ 3", date(2025, 1, 1), date(2025, 1, 2)))
    login(client, "sonoivu", w.PASSWORD)
    url = "/api/v1/unit/%d" % province.units["B"]
    version = client.get(url).get_json()["result"]["version"]
    response = client.put(url, json={"name": "Sở Y tế 2", "version": version})
    assert response.status_code == 422
    assert "đã đóng" in response.get_json()["message"]
