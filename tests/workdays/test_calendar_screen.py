"""The calendar's screen (issue 17, item 1): every staff role reads the holidays and the
announced days in Vietnamese; Sở Nội vụ enters, changes and withdraws an announced day;
a stale change is refused; a refused form keeps what was typed; nobody else writes."""
import datetime as dt

from app.audit.models import AuditEntry
from app.extensions import db
from app.workdays.models import AnnouncedDay
from tests.conftest import csrf_token
from tests.races import stale_message
from tests.workdays.conftest import signed_in

STALE_MSGID = ("Someone entered, changed or withdrew this day after you opened it; nothing "
               "was saved. Reload the page to see their change, then make yours again.")
SOURCE = "Thông báo 5678/TB-BNV ngày 20/11/2026 của Bộ Nội vụ"


def _form(client, url="/calendar/"):
    page = client.get(url)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _save(client, html, **fields):
    data = {"csrf_token": csrf_token(html), "day": "", "kind": "", "source": "", "note": "",
            "version": ""}
    data.update(fields)
    return client.post("/calendar/save", data=data)


def _rows(app):
    with app.app_context():
        rows = [(r.day, r.kind, r.source, r.version)
                for r in db.session.query(AnnouncedDay).order_by(AnnouncedDay.day)]
        db.session.remove()
    return rows


def test_every_staff_role_reads_the_year_with_tet_2027(calendar_app):
    app, _world = calendar_app
    for name in ("canbo", "thutruong", "sonoivu", "quantri"):
        html = _form(signed_in(app, name), "/calendar/?year=2027")
        for day in ("04/02/2027", "05/02/2027", "06/02/2027", "10/02/2027", "16/04/2027",
                    "30/04/2027", "03/05/2027", "02/09/2027", "03/09/2027"):
            assert 'data-day="%s"' % day in html, (name, day)
        assert "Tết Nguyên Đán" in html and "Quốc khánh" in html
        assert "2027-02-06" not in html
        assert ('id="announce-form"' in html) == (name == "sonoivu")
    month = _form(signed_in(app, "canbo"), "/calendar/?year=2027&month=2")
    assert 'data-day="06/02/2027"' in month and 'data-day="30/04/2027"' not in month


def test_so_noi_vu_enters_changes_and_withdraws_a_day(calendar_app):
    app, _world = calendar_app
    client = signed_in(app, "sonoivu")
    with app.app_context():
        before = db.session.query(db.func.max(AuditEntry.id)).scalar() or 0
    response = _save(client, _form(client), day="04/01/2027", kind="day_off", source=SOURCE,
                     note="Nghỉ bù")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _rows(app) == [(dt.date(2027, 1, 4), "day_off", SOURCE, 1)]
    html = _form(client, "/calendar/?year=2027")
    assert 'data-day="04/01/2027"' in html and SOURCE in html and "Nghỉ bù" in html
    # the change form shows the row, with its version
    edit = _form(client, "/calendar/edit?day=04/01/2027")
    assert 'name="version" value="1"' in edit and 'value="%s"' % SOURCE in edit
    assert _save(client, edit, day="04/01/2027", kind="day_off", source=SOURCE + " (sửa)",
                 version="1").status_code == 302
    assert _rows(app)[0][2:] == (SOURCE + " (sửa)", 2)
    withdrawn = client.post("/calendar/withdraw", data={
        "csrf_token": csrf_token(edit), "day": "04/01/2027", "version": "2"})
    assert withdrawn.status_code == 302
    assert _rows(app) == []
    with app.app_context():
        actions = [a for (a,) in db.session.query(AuditEntry.action).filter(
            AuditEntry.id > before, AuditEntry.action.like("workday.%"))
            .order_by(AuditEntry.id)]
    assert actions == ["workday.announce", "workday.change", "workday.withdraw"]


def test_a_stale_change_is_refused_and_changes_nothing(calendar_app):
    app, _world = calendar_app
    first, second = signed_in(app, "sonoivu"), signed_in(app, "sonoivu")
    assert _save(first, _form(first), day="09/01/2027", kind="working_day",
                 source=SOURCE).status_code == 302
    seen_first = _form(first, "/calendar/edit?day=09/01/2027")
    seen_second = _form(second, "/calendar/edit?day=09/01/2027")
    assert _save(first, seen_first, day="09/01/2027", kind="working_day", source="Văn bản A",
                 version="1").status_code == 302
    refused = _save(second, seen_second, day="09/01/2027", kind="working_day",
                    source="Văn bản B", version="1")
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert stale_message(app, STALE_MSGID) in html and 'value="Văn bản B"' in html
    assert _rows(app) == [(dt.date(2027, 1, 9), "working_day", "Văn bản A", 2)]
    # a new day entered twice from two blank forms: the second is refused too
    blank_first, blank_second = _form(first), _form(second)
    assert _save(first, blank_first, day="11/02/2027", kind="day_off",
                 source=SOURCE).status_code == 302
    assert _save(second, blank_second, day="11/02/2027", kind="day_off",
                 source="Văn bản C").status_code == 409
    assert [r for r in _rows(app) if r[0] == dt.date(2027, 2, 11)][0][2:] == (SOURCE, 1)
    # withdrawing with the version of a page opened before the change: refused
    gone = second.post("/calendar/withdraw", data={
        "csrf_token": csrf_token(seen_second), "day": "09/01/2027", "version": "1"})
    assert gone.status_code == 302
    assert len([r for r in _rows(app) if r[0] == dt.date(2027, 1, 9)]) == 1


def test_bad_input_keeps_what_was_typed(calendar_app):
    app, _world = calendar_app
    client = signed_in(app, "sonoivu")
    response = _save(client, _form(client), day="31/02/2027", kind="day_off", source="",
                     note="Ghi chú giữ lại")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="31/02/2027"' in html and "Ghi chú giữ lại" in html
    assert "novalidate" in html and " required" not in html
    assert html.count("has-error") == 2
    # a day that is already off cannot become a day off
    response = _save(client, _form(client), day="06/02/2027", kind="day_off", source=SOURCE)
    assert response.status_code == 400 and 'value="%s"' % SOURCE in response.get_data(
        as_text=True)
    assert _rows(app) == []


def test_a_head_or_an_officer_cannot_write(calendar_app):
    app, _world = calendar_app
    for name in ("thutruong", "canbo", "quantri"):
        client = signed_in(app, name)
        assert 'id="announce-form"' not in _form(client)
        html = _form(client, "/my-account/password")      # a page with a form, for its token
        assert _save(client, html, day="04/01/2027", kind="day_off",
                     source=SOURCE).status_code == 403
        assert client.get("/calendar/edit?day=04/01/2027").status_code == 403
        assert client.post("/calendar/withdraw", data={
            "csrf_token": csrf_token(html), "day": "04/01/2027",
            "version": "1"}).status_code == 403
    assert _rows(app) == []
    assert signed_in(app, "canhan").get("/calendar/").status_code in (302, 403)
