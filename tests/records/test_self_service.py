"""Self-service windows: the unit opens editing of their own record to its
people, or chosen people, for a period and for chosen parts; outside a
window the person only reads."""
from datetime import timedelta

import pytest
from sqlalchemy import delete

from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.org.models import Unit
from app.records import self_service, services
from app.org.models import Employee
from app.records.models import APPROVED, RecordVersion, SelfServiceWindow
from tests.conftest import login
from tests.records.conftest import account
from tests.security import world as w


def _person(people, username="canhan"):
    return db.session.get(Employee, people.ids[username])


def _no_windows():
    db.session.execute(delete(SelfServiceWindow))
    db.session.commit()


def _in_service(people, *usernames):
    """Give each person an approved record: a record never approved is the person's
    first entry, open without a window (tests/hiring)."""
    now = clock.now()
    for username in usernames:
        person = _person(people, username)
        version = RecordVersion(employee=person, number=1, status=APPROVED, created_at=now,
                                updated_at=now)
        services.store(version, services.empty_content())
        db.session.add(version)
    db.session.commit()


def test_without_a_window_the_person_reads_but_does_not_edit(app, province, people):
    with app.app_context():
        _no_windows()
        _in_service(people, "canhan")
        with pytest.raises(DomainError, match="chưa mở"):
            services.open_draft(account(province, "canhan"), _person(people))
        # the officer still enters what the unit decides
        draft = services.open_draft(account(province, "canbo"), _person(people))
        services.save(account(province, "canbo"), draft, {"bac_luong": "4"}, {}, draft.lock)


def test_a_window_for_chosen_people_and_parts(app, province, people):
    with app.app_context():
        _no_windows()
        _in_service(people, "canhan", "giaovien")
        officer = account(province, "canbo")
        today = clock.today()
        unit_a = db.session.get(Unit, province.units["A"])
        window = self_service.open_window(officer, unit_a, today, today + timedelta(days=10),
                                          ["family", "contact"], [people.ids["canhan"]])
        assert self_service.open_groups(_person(people)) == {"family", "contact"}
        assert self_service.open_groups(_person(people, "giaovien")) == set()
        draft = services.open_draft(account(province, "canhan"), _person(people))
        services.save(account(province, "canhan"), draft, {"noi_o": "Phường Vĩnh Yên"}, {},
                      draft.lock)
        with pytest.raises(DomainError, match="Dân tộc"):
            services.save(account(province, "canhan"), draft, {"dan_toc": "02"}, {}, draft.lock)
        with pytest.raises(DomainError, match="chưa mở"):
            services.open_draft(account(province, "giaovien"), _person(people, "giaovien"))
        # closed early: from today on, nothing opens
        self_service.close_window(officer, window)
        assert self_service.open_groups(_person(people)) == set()
        with pytest.raises(DomainError, match="Lúc này bạn không được sửa"):
            services.save(account(province, "canhan"), draft, {"noi_o": "Khác"}, {},
                          draft.lock)


def test_what_an_officer_may_open(app, province, people):
    with app.app_context():
        officer = account(province, "canbo")
        today = clock.today()
        unit_a = db.session.get(Unit, province.units["A"])
        unit_b = db.session.get(Unit, province.units["B"])
        cases = [
            (account(province, "canhan"), unit_a, today, today, [], [], "không được mở"),
            (officer, unit_b, today, today, [], [], "không được mở"),          # other unit
            (officer, unit_a, today, today - timedelta(days=1), [], [], "trước ngày"),
            (officer, unit_a, today - timedelta(days=9), today - timedelta(days=2), [], [],
             "đã qua"),
            (officer, unit_a, today, today + timedelta(days=400), [], [], "một năm"),
            (officer, unit_a, today, today, ["salary"], [], "không tự sửa"),    # the profile's
            (officer, unit_a, today, today, [], [people.ids["bacsi"]], "không làm việc"),
        ]
        before = db.session.query(SelfServiceWindow).count()
        for actor, unit, start, end, groups, chosen, message in cases:
            with pytest.raises(DomainError, match=message):
                self_service.open_window(actor, unit, start, end, groups, chosen)
        assert db.session.query(SelfServiceWindow).count() == before


def test_the_officer_opens_a_window_in_the_screen(app, province, people, client):
    import re

    with app.app_context():
        _no_windows()
    login(client, "canhan", w.PASSWORD)
    assert client.get("/records/self-service").status_code in (302, 403)
    client.get("/logout/")
    login(client, "canbo", w.PASSWORD)
    page = client.get("/records/self-service").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    today = clock.today()
    form = {"csrf_token": token, "unit_id": province.units["A"],
            "opens_on": today.strftime("%d/%m/%Y"), "closes_on": "31/02/2027",
            "groups": ["family"]}
    body = client.post("/records/self-service/open", data=form,
                       follow_redirects=True).get_data(as_text=True)
    assert "dd/mm/yyyy" in body and 'value="31/02/2027"' in body
    form["closes_on"] = (today + timedelta(days=14)).strftime("%d/%m/%Y")
    body = client.post("/records/self-service/open", data=form,
                       follow_redirects=True).get_data(as_text=True)
    assert "Đã mở quyền tự cập nhật." in body and "Gia đình" in body
    with app.app_context():
        assert self_service.open_groups(_person(people)) == {"family"}
        assert self_service.open_groups(_person(people, "giaovien_truong")) == {"family"}
        assert self_service.open_groups(_person(people, "bacsi")) == set()
