"""The record's screens through HTTP: the person edits a section, bad input
is shown beside the field and saves nothing, rows are added and removed,
submission, the unit's list, the head's decision with the diff, the PDF,
and nobody reaches another person's record by guessing its id."""
import re
import subprocess

from sqlalchemy import select

from app.accounts.models import Account
from app.extensions import db
from app.records import services
from app.org.models import Employee
from app.records.models import APPROVED, RecordVersion
from tests.conftest import login
from tests.records.conftest import CAREER_ROW, COMPLETE, FAMILY_ROW, OFFICER_OWNED, mark_approved
from tests.security import world as w

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def _token(page):
    return TOKEN_RE.search(page).group(1)


def _lock(page):
    return re.search(r'name="lock" value="(\d+)"', page).group(1)


def _post(client, url, data, page):
    return client.post(url, data=dict(data, csrf_token=_token(page)), follow_redirects=True)


def test_the_person_edits_her_record_section_by_section(app, province, people, client):
    me = people.ids["canhan"]
    login(client, "canhan", w.PASSWORD)
    page = client.get("/records/me", follow_redirects=True).get_data(as_text=True)
    assert "Nguyễn Thị Hằng" in page and "Bắt đầu sửa" in page
    page = _post(client, "/records/person/%d/open" % me, {}, page).get_data(as_text=True)
    assert "Bản nháp" in page and "Gửi duyệt" in page

    url = "/records/person/%d/section/8" % me
    page = client.get(url).get_data(as_text=True)
    assert 'name="so_cccd"' in page and 'inputmode="numeric"' in page
    body = _post(client, url, {"lock": _lock(page), "so_cccd": "12345",
                               "ngay_cap_cccd": "10/05/2021", "dien_thoai": "0912345678"},
                 page).get_data(as_text=True)
    assert "Nhập đủ 12 chữ số" in body and 'value="12345"' in body     # kept as typed
    with app.app_context():
        draft = services.open_version(db.session.get(Employee, me))
        assert "dien_thoai" not in services.read_content(draft)["fields"]   # nothing saved
    body = _post(client, url, {"lock": _lock(page), "so_cccd": "001085012345",
                               "ngay_cap_cccd": "10/05/2021", "dien_thoai": "0912345678"},
                 page).get_data(as_text=True)
    assert "Đã lưu." in body

    # a table: add two rows, then remove one
    url = "/records/person/%d/section/36" % me
    page = client.get(url).get_data(as_text=True)
    assert 'name="gia_dinh_ban_than-rows" value="1"' in page
    data = {"lock": _lock(page), "gia_dinh_ban_than-rows": "1",
            **{"gia_dinh_ban_than-0-" + k: v for k, v in FAMILY_ROW.items()},
            "gia_dinh_ben_vo_chong-rows": "1", "add_row": "1"}
    page = _post(client, url, data, page).get_data(as_text=True)
    assert 'name="gia_dinh_ban_than-rows" value="3"' in page and 'value="Trần Thị Lan"' in page
    row_id = re.search(r'name="gia_dinh_ban_than-0-_id" value="(\w+)"', page).group(1)
    data = {"lock": _lock(page), "gia_dinh_ban_than-rows": "2",
            "gia_dinh_ban_than-0-_id": row_id, "gia_dinh_ban_than-0-_remove": "1",
            **{"gia_dinh_ban_than-0-" + k: v for k, v in FAMILY_ROW.items()},
            "gia_dinh_ban_than-1-quan_he": "Cha", "gia_dinh_ban_than-1-ho_ten": "Trần Văn Đức",
            "gia_dinh_ban_than-1-nam_sinh": "1958"}
    _post(client, url, data, page)
    with app.app_context():
        draft = services.open_version(db.session.get(Employee, me))
        rows = services.read_content(draft)["tables"]["gia_dinh_ban_than"]
        assert [row["ho_ten"] for row in rows] == ["Trần Văn Đức"]

    # the salary belongs to the officer: shown, not editable
    page = client.get("/records/person/%d/section/30" % me).get_data(as_text=True)
    assert 'name="bac_luong"' not in page and "Bậc lương" in page
    # submitting an incomplete record names what is missing
    page = client.get("/records/person/%d" % me).get_data(as_text=True)
    body = _post(client, "/records/person/%d/submit" % me, {"lock": _lock(page)},
                 page).get_data(as_text=True)
    assert "Hồ sơ chưa đủ thông tin" in body and "Dân tộc" in body


def test_nobody_reaches_another_record_by_its_id(app, province, people, client):
    doctor, teacher = people.ids["bacsi"], people.ids["giaovien"]
    with app.app_context():
        version = services.open_draft(db.session.get(Account, province.accounts[
            "giaovien"]), db.session.get(Employee, teacher))
        version_id = version.id
    login(client, "canhan", w.PASSWORD)
    token = _token(client.get("/records/me", follow_redirects=True).get_data(as_text=True))
    for pk in (doctor, teacher):
        for path in ("/records/person/%d", "/records/person/%d/section/1",
                     "/records/person/%d/pdf"):
            assert client.get(path % pk).status_code == 404, path
        assert client.post("/records/person/%d/open" % pk,
                           data={"csrf_token": token}).status_code == 404
        assert client.post("/records/person/%d/section/2" % pk, data={
            "csrf_token": token, "lock": "0", "ten_khac": "x"}).status_code == 404
    assert client.get("/records/version/%d/diff" % version_id).status_code == 404
    assert client.get("/approval/version/%d" % version_id).status_code in (302, 403, 404)
    assert client.post("/approval/version/%d/reject" % version_id,
                       data={"csrf_token": token, "reason": "x"}).status_code in (302, 403)
    # the list holds herself only
    page = client.get("/records/").get_data(as_text=True)
    assert "Nguyễn Thị Hằng" in page and "Trần Văn Bình" not in page


def test_officer_list_head_decision_diff_and_pdf(app, province, people, client):
    me = people.ids["canhan"]
    with app.app_context():
        person = db.session.get(Employee, me)
        actor = db.session.get(Account, province.accounts["canhan"])
        draft = services.open_draft(actor, person)
        services.save(actor, draft, COMPLETE, {"qua_trinh_cong_tac": [CAREER_ROW],
                                               "gia_dinh_ban_than": [FAMILY_ROW]}, draft.lock)
        officer = db.session.get(Account, province.accounts["canbo"])
        services.save(officer, draft, OFFICER_OWNED, {}, draft.lock)
        services.submit(actor, draft, draft.lock)
        draft_id = draft.id
    login(client, "canbo", w.PASSWORD)
    page = client.get("/records/").get_data(as_text=True)
    assert "Chờ phê duyệt" in page and "100%" in page and "Lê Minh Tuấn" in page   # subtree
    assert "Phạm Thu Trang" not in page                                             # unit B
    page = client.get("/records/person/%d" % me).get_data(as_text=True)
    assert "Xã Tam Dương" in page and "Thêm" in page        # the diff against nothing yet
    assert 'id="review-version"' not in page                 # the officer does not decide
    client.get("/logout/")

    # the signed approval has its own tests (tests/approval); here the record is approved
    with app.app_context():
        mark_approved(db.session.get(Account, province.accounts["thutruong"]),
                      db.session.get(RecordVersion, draft_id))
        assert db.session.scalar(select(RecordVersion.status).where(
            RecordVersion.id == draft_id)) == APPROVED
    login(client, "thutruong", w.PASSWORD)
    response = client.get("/records/person/%d/pdf" % me)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode()
    assert "NGUYỄN THỊ HẰNG" in text and "Bản chưa ký" in text and "Kinh" in text


def test_search_by_name_ignores_accents_and_case_within_scope(app, province, people, client):
    login(client, "canbo", w.PASSWORD)

    def found(query):
        page = client.get("/records/?q=" + query).get_data(as_text=True)
        return set(re.findall(r'/records/person/\d+">([^<]+)<', page))

    assert found("nguyen van an") == set()
    assert found("nguyen thi hang") == {"Nguyễn Thị Hằng"}
    assert found("NGUYỄN THỊ") == {"Nguyễn Thị Hằng"}
    assert found("duc") == {"Hoàng Văn Đức"}                 # đ is searched as d
    assert found("do van") == {"Đỗ Văn Cường"}
    assert found("tuan") == {"Lê Minh Tuấn"}                 # the school below the Sở
    assert found("trang") == set()                           # unit B is out of scope
    assert found("%") == set()                               # no wildcard from the box
    with app.app_context():
        folded = db.session.execute(select(Employee.search_name).where(
            Employee.id == people.ids["canbo"])).scalar()
        assert folded == "do van cuong"


def test_any_two_versions_compare(app, province, people, client):
    me = people.ids["canhan"]
    with app.app_context():
        person = db.session.get(Employee, me)
        actor = db.session.get(Account, province.accounts["canhan"])
        officer = db.session.get(Account, province.accounts["canbo"])
        head = db.session.get(Account, province.accounts["thutruong"])
        numbers = []
        for address in ("Phường Vĩnh Yên", "Phường Phúc Yên", "Xã Tam Đảo"):
            draft = services.open_draft(actor, person)
            services.save(actor, draft, dict(COMPLETE, noi_o=address),
                          {"qua_trinh_cong_tac": [CAREER_ROW],
                           "gia_dinh_ban_than": [FAMILY_ROW]} if not numbers else {},
                          draft.lock)
            services.save(officer, draft, OFFICER_OWNED, {}, draft.lock)
            services.submit(actor, draft, draft.lock)
            mark_approved(head, draft)
            numbers.append(draft.id)
    login(client, "canbo", w.PASSWORD)
    page = client.get("/records/person/%d" % me).get_data(as_text=True)
    assert 'id="compare"' in page
    body = client.get("/records/person/%d/compare?against=%d&newer=%d" % (
        me, numbers[2], numbers[0])).get_data(as_text=True)       # either order
    assert "Phường Vĩnh Yên" in body and "Xã Tam Đảo" in body and "Phúc Yên" not in body
    body = client.get("/records/person/%d/compare?against=%d" % (me, numbers[0]),
                      follow_redirects=True).get_data(as_text=True)
    assert "Chọn hai phiên bản" in body


def test_an_error_names_the_screens_row_when_another_row_is_removed(app, province, people,
                                                                      client):
    me = people.ids["canhan"]
    login(client, "canhan", w.PASSWORD)
    page = client.get("/records/person/%d" % me).get_data(as_text=True)
    _post(client, "/records/person/%d/open" % me, {}, page)
    url = "/records/person/%d/section/33" % me
    page = client.get(url).get_data(as_text=True)
    rows = {"qua_trinh_cong_tac-rows": "2",
            **{"qua_trinh_cong_tac-0-" + k: v for k, v in CAREER_ROW.items()},
            **{"qua_trinh_cong_tac-1-" + k: v for k, v in dict(CAREER_ROW, tu="2015").items()}}
    page = _post(client, url, {"lock": _lock(page), **rows, "add_row": "1"},
                 page).get_data(as_text=True)
    first = re.search(r'name="qua_trinh_cong_tac-0-_id" value="(\w+)"', page).group(1)
    second = re.search(r'name="qua_trinh_cong_tac-1-_id" value="(\w+)"', page).group(1)
    body = _post(client, url, {
        "lock": _lock(page), "qua_trinh_cong_tac-rows": "2",
        "qua_trinh_cong_tac-0-_id": first, "qua_trinh_cong_tac-0-_remove": "1",
        **{"qua_trinh_cong_tac-0-" + k: v for k, v in CAREER_ROW.items()},
        "qua_trinh_cong_tac-1-_id": second,
        **{"qua_trinh_cong_tac-1-" + k: v for k, v in dict(CAREER_ROW, tu="13/2015").items()}},
        page).get_data(as_text=True)
    # the message stands under the second card's "Từ", where the mistake is
    second_card = body[body.index('data-row="1"'):]
    assert "Tháng phải từ 1 đến 12." in second_card[:second_card.index("</fieldset>")]
    with app.app_context():
        draft = services.open_version(db.session.get(Employee, me))
        assert len(services.read_content(draft)["tables"]["qua_trinh_cong_tac"]) == 2
