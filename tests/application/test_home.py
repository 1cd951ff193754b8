"""Issue 16.6, the home page per role: each panel is a kind of work one of the user's
roles has, with its count and a link to where the work is done; a role without
that work has no such panel. Counts come from a small scene in the province of
tests/security/world.py (profile vinh_phuc: Sở Nội vụ creates personal accounts and
signs the units' approvals; hai_phong: the unit's officer creates them)."""
import datetime as dt
import html
import re

import pytest

from app.application import home_queries
from app.approval import window
from app.approval.models import STEP_UNIT, Approval
from app.catalogs.services import load_shipped
from app.core import clock
from app.core.dates import format_date
from app.extensions import db
from app.notify.models import Notice
from app.org.models import LEADER_HEAD, Employee, UnitLeader
from app.records.models import APPROVED, DRAFT, REJECTED, SUBMITTED, RecordVersion
from app.records.services import empty_content
from app.security import roles
from tests.conftest import login
from tests.records.conftest import FORM_CATALOGS, PEOPLE
from tests.security import world as w

PANEL_RE = re.compile(r'id="home-([\w-]+)".*?<span class="badge hoso-count">(\d+)</span>', re.S)


def build_scene(app, province):
    """The people of tests/records/conftest.py, and their work:
    - A's head is thutruong; giáo viên Bình's change waits for him;
    - chị Hằng's (canhan) last change was rejected; the officer (canbo) has a draft;
    - thutruong's record is approved and complete; bác sĩ Trang's (B) is approved by
      her unit and waits for Sở Nội vụ's signature;
    - two people of A have no account: Vũ Thị Mai (working), Bùi Văn Nam (retired);
    - one notice's mail failed.
    Returns {username or name: employee id}."""
    ids = {}
    with app.app_context():
        load_shipped(names=FORM_CATALOGS)
        for username, (name, unit_key) in PEOPLE.items():
            person = Employee(full_name=name, category="vien_chuc",
                              unit_id=province.units[unit_key],
                              account_id=province.accounts[username])
            db.session.add(person)
            db.session.flush()
            ids[username] = person.id
        for name, status in (("Vũ Thị Mai", "dang_cong_tac"), ("Bùi Văn Nam", "nghi_huu")):
            person = Employee(full_name=name, category="vien_chuc", unit_id=province.units["A"],
                              status=status)
            db.session.add(person)
            db.session.flush()
            ids[name] = person.id
        db.session.add(UnitLeader(unit_id=province.units["A"], employee_id=ids["thutruong"],
                                  position=LEADER_HEAD,
                                  valid_from=clock.today() - dt.timedelta(days=30)))
        now = clock.now()

        def version(username, status, completeness=0, **extra):
            row = RecordVersion(employee_id=ids[username], number=1, status=status,
                                content=empty_content(), lock=0, completeness=completeness,
                                created_at=now, updated_at=now, **extra)
            db.session.add(row)
            db.session.flush()
            return row

        version("giaovien", SUBMITTED, submitted_at=now)
        version("canhan", REJECTED, submitted_at=now, decided_at=now,
                reason="Thiếu ngày cấp CCCD")
        version("canbo", DRAFT)
        version("thutruong", APPROVED, completeness=100, submitted_at=now, decided_at=now)
        signed = version("bacsi", APPROVED, completeness=100, submitted_at=now, decided_at=now)
        db.session.add(Approval(
            version_id=signed.id, step=STEP_UNIT, unit_id=province.units["B"], basis="head",
            approver_account_id=province.accounts["bacsi"], provider="software",
            canonical_format=1, canonical_sha256="0" * 64, cms=b"0", signer_name="Thủ trưởng B",
            certificate_serial="1", signed_at=now, in_window=True))
        db.session.add(Notice(account_id=province.accounts["canhan"], subject="Thông báo",
                              body="Nội dung", created_at=now, mail_error="connection refused"))
        db.session.commit()
        db.session.remove()
    return ids


def panels_of(app, username):
    """{panel key: count} of the user's home page, and the page."""
    client = app.test_client()
    login(client, username, w.PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return {key: int(count) for key, count in PANEL_RE.findall(page)}, page


def _panel(page, key):
    """The text of one panel (up to the next one)."""
    start = page.index('id="home-%s"' % key)
    end = page.find('class="panel ', start)
    return html.unescape(page[start:end if end > 0 else None])


@pytest.fixture
def scene(app, province):
    return build_scene(app, province)


def test_the_person_sees_her_rejected_change_and_nothing_else(app, scene):
    panels, page = panels_of(app, "canhan")
    assert panels == {"my-record": 1}
    mine = _panel(page, "my-record")
    assert "Phiên bản 1 bị từ chối" in mine
    assert "Thiếu ngày cấp CCCD" in mine
    assert 'href="/records/person/%d"' % scene["canhan"] in mine


def test_the_officer_sees_her_draft_and_the_incomplete_records(app, scene):
    panels, page = panels_of(app, "canbo")
    # vinh_phuc: Sở Nội vụ creates the personal accounts, not the unit's officer
    assert panels == {"deadlines-due": 0, "my-record": 1, "incomplete": 5}
    incomplete = _panel(page, "incomplete")
    # thutruong's record is complete; Bùi Văn Nam is retired; bác sĩ Trang is in B
    for name in ("Nguyễn Thị Hằng", "Trần Văn Bình", "Lê Minh Tuấn", "Đỗ Văn Cường",
                 "Vũ Thị Mai"):
        assert name in incomplete
    for name in ("Hoàng Văn Đức", "Bùi Văn Nam", "Phạm Thu Trang"):
        assert name not in incomplete
    assert 'href="/records/?incomplete=1"' in incomplete
    # the draft, to submit from the record's page
    assert _panel(page, "my-record").count('href="/records/person/%d"' % scene["canbo"]) == 2


def test_the_incomplete_link_lists_exactly_those_people(app, scene):
    client = app.test_client()
    login(client, "canbo", w.PASSWORD)
    page = client.get("/records/?incomplete=1").get_data(as_text=True)
    listed = set(re.findall(r'<a href="/records/person/\d+">([^<]+)</a>', page))
    assert listed == {"Nguyễn Thị Hằng", "Trần Văn Bình", "Lê Minh Tuấn", "Đỗ Văn Cường",
                      "Vũ Thị Mai"}
    assert 'id="incomplete-filter"' in page
    everyone = client.get("/records/").get_data(as_text=True)
    assert "Hoàng Văn Đức" in everyone and 'id="incomplete-filter"' not in everyone


def test_the_head_sees_what_waits_for_his_approval_with_the_window(app, scene):
    panels, page = panels_of(app, "thutruong")
    assert panels == {"deadlines-due": 0, "approve": 1}
    waiting = _panel(page, "approve")
    assert "Trần Văn Bình" in waiting and 'href="/approval/"' in waiting
    with app.app_context():
        current = window.current()
    assert format_date(current.start) in waiting and format_date(current.end) in waiting
    assert re.search(r"\d\d/\d\d/\d{4}", waiting)


def test_so_noi_vu_sees_the_second_step_and_the_accounts_to_create(app, scene):
    panels, page = panels_of(app, "sonoivu")
    assert panels == {"deadlines-due": 0, "second-step": 1, "accounts": 1}
    assert "Phạm Thu Trang" in _panel(page, "second-step")
    accounts = _panel(page, "accounts")
    assert "Vũ Thị Mai" in accounts and "Bùi Văn Nam" not in accounts
    # the person's account page makes the account and links it (app/hiring)
    assert re.search(r'href="/hiring/person/\d+/account"', accounts)


def test_the_administrator_sees_system_work_and_no_personal_data(app, scene):
    panels, page = panels_of(app, "quantri")
    assert panels == {"failed-mail": 1}
    for name in ("Phạm Thu Trang", "Vũ Thị Mai", "Trần Văn Bình"):
        assert name not in page


def test_under_hai_phong_the_officer_creates_the_accounts(make_app):
    from tests.conftest import reset_data

    app = make_app(PROVINCE_PROFILE="hai_phong")
    try:
        province = w.build(app)
        build_scene(app, province)
        panels, page = panels_of(app, "canbo")
        assert panels == {"deadlines-due": 0, "my-record": 1, "incomplete": 5, "accounts": 1}
        assert "Vũ Thị Mai" in _panel(page, "accounts")
        # no second step under hai_phong, and Sở Nội vụ creates no personal accounts
        assert panels_of(app, "sonoivu")[0] == {"deadlines-due": 0}
    finally:
        reset_data(app)


def test_a_panel_lists_its_first_few_and_says_how_many_more(app, province):
    build_scene(app, province)
    with app.app_context():
        for i in range(home_queries.ITEMS + 3):
            db.session.add(Employee(full_name="Người mới %02d" % i, category="vien_chuc",
                                    unit_id=province.units["A1"]))
        db.session.commit()
        db.session.remove()
    panels, page = panels_of(app, "canbo")
    assert panels["incomplete"] == 5 + home_queries.ITEMS + 3
    incomplete = _panel(page, "incomplete")
    assert incomplete.count('class="list-group-item') == home_queries.ITEMS
    assert "(%d " % (panels["incomplete"] - home_queries.ITEMS) in incomplete \
        or "%d)" % (panels["incomplete"] - home_queries.ITEMS) in incomplete


def test_a_panel_is_one_function_added_to_the_registry(app, scene):
    def deadlines(actor):
        if not any(role.name == roles.ROLE_OFFICER for role in actor.roles):
            return None
        return home_queries.Panel("deadlines", "Hạn tuyển dụng", 2, [],
                                  empty="Không có hạn nào.")

    home_queries.provider(deadlines, order=5)
    try:
        panels, page = panels_of(app, "canbo")
        assert panels["deadlines"] == 2
        # order=5: after to_approve (registered first: 0), before second_step (10)
        assert list(panels) == ["deadlines-due", "deadlines", "my-record", "incomplete"]
        assert "deadlines" not in panels_of(app, "canhan")[0]
    finally:
        home_queries._PROVIDERS[:] = [(order, fn) for order, fn in home_queries._PROVIDERS
                                      if fn is not deadlines]


def test_under_da_nang_nobody_is_shown_an_approval_queue(make_app):
    """QĐ 8060/2012 (da_nang) has no monthly signed approval: the officer's entry is the
    act, so a head's home page has no queue to show."""
    from tests.conftest import reset_data

    app = make_app(PROVINCE_PROFILE="da_nang")
    try:
        province = w.build(app)
        build_scene(app, province)
        panels, _page = panels_of(app, "thutruong")
        assert "approve" not in panels
    finally:
        reset_data(app)
