"""The pull on transfer-in (issue 20.4): a person received from another province, their
record fetched from the national database (the stand-in receiver), shown to the receiving
unit beside the province's field by field, and a draft made of it only when the officer
asks; nothing is approved, nothing applied silently."""
import json
import re

import requests
import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.catalogs.services import load_shipped
from app.core import crypto
from app.extensions import db
from app.org.models import Unit
from app.records import services as records
from app.records.models import APPROVED, DRAFT, SUBMITTED, RecordVersion
from app.security import roles
from app.sync import mapping, pull
from app.sync.models import PULL_APPLIED, PULL_DISMISSED, PULL_FETCHED, PULL_NOT_FOUND, SyncPull
from app.sync.pull_views import SyncPullView
from app.sync.standin import encode_content
from app.transfers import queries as transfer_queries
from app.transfers import services as transfers
from app.transfers.models import IN_FROM_OUTSIDE, TransferCase, TransferSyncItem
from tests.conftest import add_account, reset_data
from tests.records.conftest import mark_approved
from tests.security import world as w
from tests.sync_standin import running_standin
from tests.transfers.conftest import MONDAY, SCAN, actor, at, decision

CODES = {"root": "H44", "A": "H44.02", "A1": "H44.02.01", "B": "H44.03", "N": "H44.01"}
NUMBER = "036190000456"
PREVIOUS = "H45.02"             # Sở Giáo dục tỉnh Nam Định, in the stand-in's catalog
ACCOUNTS = {"hoso_h44": ("pw", ["H44"]), "hoso_h45": ("pw45", ["H45"])}
NATIONAL = {
    "THONGTINCHUNG": {
        "SoHieuCBCCVC_BNDP": NUMBER, "MaDonviSuDung": PREVIOUS, "MaDonViQuanLy": "H45",
        "HoVaTen": "Trần Thị Hoa", "GioiTinh": "nu", "NgaySinh": "19900502",
        "DanToc": "01", "NoiSinh": "Xã Hải Hậu, tỉnh Nam Định",
        "TenDonViSuDung": "Sở Giáo dục tỉnh Nam Định"},
    "TUYENDUNG_QT_CONGTAC": {
        "ViTriTuyenDung": "GV_THPT", "NgayTuyenDung": "20120901",
        "CoQuanTuyenDung": "Sở Giáo dục tỉnh Nam Định",
        "DS_QUATRINH_CONGTAC": [{"TuNgay": "201209", "DenNgay": "2026",
                                 "DonViCongTac": "Trường THPT Hải Hậu A",
                                 "ChucDanhChucVu": "Giáo viên"}]},
    "LUONG_PHUCAP_CHUCVU": {"MaNgachChucDanh": "V.07.03.29", "BacLuong": "3",
                            "HeSoLuong": "3.00", "NgayHuongLuong": "20230101"},
    # a full date in our form, only the year in the national record: listed, not guessed
    "THONGTIN_KHAC": {"NgayVaoDang": "2015"},
    "DS_KETQUA_DANHGIA_PHANLOAI": [{"Nam": "2025", "KetQuaDanhGia": "HTTNV",
                                    "XepLoaiChuyenMon": "Hoàn thành tốt nhiệm vụ"}],
}


@pytest.fixture
def province(make_app):
    """The small province of tests/security/world.py with QĐ 20/2020 codes, an officer in
    B, on an app of its own that has the pull's screens (the menu registers them where the
    application does)."""
    app = make_app({"WTF_CSRF_ENABLED": False, "SYNC_PULL_SCREENS": True},
                   PROVINCE_PROFILE="hai_phong")
    if "SyncPullView.case" not in app.view_functions:
        with app.app_context():
            app.appbuilder.add_view_no_menu(SyncPullView)
    pull.register_pull_hooks()
    built = w.build(app)
    w.build_records(app, built)
    built.accounts["canbo_b"] = add_account(app, "canbo_b", role=roles.ROLE_OFFICER,
                                            password=w.PASSWORD, unit_id=built.units["B"],
                                            kind="personal")
    with app.app_context():
        for key, code in CODES.items():
            db.session.get(Unit, built.units[key]).code = code
        db.session.commit()
        load_shipped(names=["ngach", "chuc_danh_nghe_nghiep"])
        db.session.remove()
    yield app, built
    reset_data(app)


@pytest.fixture
def standin(province):
    app, _world = province
    with running_standin({"ACCOUNTS": ACCOUNTS}) as (url, ctl):
        app.config["SYNC_ENDPOINT"] = url
        app.config["SYNC_CREDENTIALS"] = "H44:hoso_h44:pw"
        yield url, ctl


def _put_national(url, hoso=NATIONAL):
    """The previous province's own M0001 ADD, with its account: the record it holds."""
    token = requests.post(url + "/login", json={"username": "hoso_h45", "password": "pw45"},
                          timeout=5).json()["token"]
    document = {"Data": {"Header": {"Sender_Code": "H45", "Action_Type": "ADD"},
                         "Body": {"HOSO_CBCCVC": hoso}}}
    answer = requests.post(url + "/ApiSyncMsg/SyncMsg/ServiceM0001",
                           headers={"Authorization": "Bearer " + token},
                           json={"org_Code": PREVIOUS, "jsonContent": encode_content(document)},
                           timeout=5).json()
    assert answer["err_code"] == 0, answer


def _received(app, world, request_data=True, approve=True):
    """A teacher received into A1 from Nam Định: the case, its data request done, her
    hiring's first version approved. Returns (case id, employee id)."""
    with app.app_context(), at(MONDAY):
        data = decision(kind=IN_FROM_OUTSIDE, to_unit_id=str(world.units["A1"]),
                        outside_body="Sở Giáo dục tỉnh Nam Định", sync_possible="1",
                        category="vien_chuc", ho_ten="Trần Thị Hoa", gioi_tinh="nu",
                        ngay_sinh="02/05/1990", so_dinh_danh=NUMBER, grade_code="V.07.03.29",
                        first_recruited_on="01/09/2012",
                        first_recruited_by="Sở Giáo dục tỉnh Nam Định",
                        email="hoa.tt@thpt1.edu.vn")
        case = transfers.open_case(actor(world, "canbo"), data, SCAN).case
        case_id, employee_id = case.id, case.employee_id
        if request_data:
            case = db.session.get(TransferCase, case_id)
            transfers.act(actor(world, "canbo"), case, case.next_step.id, case.version, {})
        if approve:
            version = db.session.scalar(select(RecordVersion).where(
                RecordVersion.employee_id == employee_id))
            version.status = SUBMITTED
            db.session.commit()
            mark_approved(None, version)
        db.session.remove()
    return case_id, employee_id


def login(client, username, password):
    """Signed in (the app has CSRF off, as the access matrix's)."""
    response = client.post("/login/", data={"username": username, "password": password})
    assert response.status_code == 302 and "/login/" not in response.headers["Location"]


def _alerts(response):
    import re

    return re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', response.get_data(as_text=True),
                      re.S)


def _versions(employee_id):
    return [(v.number, v.status, v.content, v.sensitive) for v in db.session.scalars(
        select(RecordVersion).where(RecordVersion.employee_id == employee_id)
        .order_by(RecordVersion.number))]


def _pulls():
    return db.session.scalar(select(func.count()).select_from(SyncPull))


def _item(case_id):
    return db.session.scalar(select(TransferSyncItem).where(
        TransferSyncItem.case_id == case_id))


def test_an_odd_shape_where_a_kind_is_expected_is_listed_not_a_crash(province):
    app, _world = province
    with app.app_context():
        odd = {"THONGTIN_KHAC": {"DS_QUANHE_GIADINH": [{"Ben": ["BAN_THAN"]},
                                                       {"Ben": {"x": 1}}]}}
        back = mapping.reverse_document(odd)
        assert [u.reason for u in back["unmapped"]] == [mapping.NO_TABLE, mapping.NO_TABLE]


def test_the_national_document_maps_back_to_our_form_without_guessing(province):
    app, _world = province
    with app.app_context():
        back = mapping.reverse_document(NATIONAL)
        fields, tables = back["fields"], back["tables"]
        assert (fields["ho_ten"], fields["ngay_sinh"], fields["ngay_tuyen_dung"],
                fields["ngay_huong_luong"], fields["ngay_vao_dang"]) == (
            "Trần Thị Hoa", "1990-05-02", "2012-09-01", "2023-01-01", "2015")
        assert tables["qua_trinh_cong_tac"] == [{"tu": "2012-09", "den": "2026",
                                                 "don_vi": "Trường THPT Hải Hậu A",
                                                 "chuc_danh": "Giáo viên"}]
        assert tables["danh_gia_khen_thuong"] == [
            {"nam": "2025", "xep_loai_chuyen_mon": "Hoàn thành tốt nhiệm vụ"}]
        # the units and the key are the sending province's: not read back
        assert "SoHieuCBCCVC_BNDP" not in str(fields) and "so_dinh_danh" not in fields
        assert [(u.where, u.reason) for u in back["unmapped"]] == [
            ("TUYENDUNG_QT_CONGTAC.ViTriTuyenDung", mapping.NOT_HELD)]
        # a code map's inverse; a national code it lacks is listed, never passed through
        app.config["SYNC_CODE_MAPS"] = {"giới tính": {"nam": "1", "nu": "2"}}
        try:
            general = dict(NATIONAL["THONGTINCHUNG"], GioiTinh="2", NgaySinh="19901302")
            back = mapping.reverse_document({"THONGTINCHUNG": general})
            assert back["fields"]["gioi_tinh"] == "nu" and "ngay_sinh" not in back["fields"]
            assert ("THONGTINCHUNG.NgaySinh", mapping.BAD_DATE) in [
                (u.where, u.reason) for u in back["unmapped"]]
            general["GioiTinh"] = "9"
            back = mapping.reverse_document({"THONGTINCHUNG": general})
            assert "gioi_tinh" not in back["fields"]
            assert ("THONGTINCHUNG.GioiTinh", mapping.NO_CODE) in [
                (u.where, u.reason) for u in back["unmapped"]]
        finally:
            app.config.pop("SYNC_CODE_MAPS")


def test_a_received_person_is_pulled_shown_and_made_a_draft_never_approved(province, standin):
    app, world = province
    url, _ctl = standin
    _put_national(url)
    case_id, employee_id = _received(app, world)
    client = app.test_client()
    login(client, "canbo", w.PASSWORD)
    with app.app_context():
        approved_before = _versions(employee_id)
        assert [status for _n, status, _c, _s in approved_before] == [APPROVED]
        assert _item(case_id).done_at is None
    # the case's page links to the pull
    page = client.get("/transfers/case/%d" % case_id).get_data(as_text=True)
    assert 'id="sync-pull-link"' in page and "/sync/pull/case/%d" % case_id in page
    response = client.post("/sync/pull/case/%d/fetch" % case_id, data={"org_code": PREVIOUS})
    assert response.status_code == 302
    with app.app_context():
        found = db.session.scalar(select(SyncPull))
        assert (found.status, found.case_id, found.employee_id, found.unit_id,
                found.org_code) == (PULL_FETCHED, case_id, employee_id, world.units["A1"],
                                    PREVIOUS)
        # the key names the số định danh: hashed and encrypted, never in clear
        key = mapping.pulled_key(PREVIOUS, NUMBER)
        assert found.record_key_hash == crypto.keyed_hash(key) and NUMBER not in \
            found.record_key and crypto.decrypt_text(found.record_key) == key
        assert "Hoa" not in found.content
        assert crypto.decrypt_json(found.content)["THONGTINCHUNG"]["HoVaTen"] == "Trần Thị Hoa"
        assert _item(case_id).done_at is not None
        assert _versions(employee_id) == approved_before, "nothing applied by a fetch"
        pull_id, seen = found.id, found.row_version
    page = client.get("/sync/pull/case/%d" % case_id).get_data(as_text=True)
    assert 'data-key="ngay_huong_luong" class="warning" data-differs="1"' in page
    assert "Ngày hưởng" in page and "01/01/2023" in page
    assert "Trường THPT Hải Hậu A" in page and 'data-new="1"' in page
    assert "TUYENDUNG_QT_CONGTAC.ViTriTuyenDung" in page     # listed, not guessed
    assert 'id="sync-pull-draft"' in page and 'id="sync-pull-dismiss"' in page
    record_seen = re.search(r'name="record_seen" value="([^"]*)"', page).group(1)
    # the record written after the page was opened: the draft is refused, nothing saved
    with app.app_context():
        version = db.session.scalar(select(RecordVersion).where(
            RecordVersion.employee_id == employee_id))
        assert record_seen == pull.record_state(version)
        written = "%d:%d" % (version.id, version.lock + 1)
    with at(MONDAY):
        response = client.post("/sync/pull/case/%d/draft" % case_id,
                               data={"pull": pull_id, "seen": seen, "record_seen": written},
                               follow_redirects=True)
    assert "Hồ sơ đã được thay đổi" in response.get_data(as_text=True), _alerts(response)
    with app.app_context():
        assert _versions(employee_id) == approved_before
        assert db.session.get(SyncPull, pull_id).status == PULL_FETCHED
    # the hiring's own dates run from the decision's effective day: the draft is made then
    with at(MONDAY):
        response = client.post("/sync/pull/case/%d/draft" % case_id,
                               data={"pull": pull_id, "seen": seen,
                                     "record_seen": record_seen}, follow_redirects=True)
    assert "alert-success" in response.get_data(as_text=True), _alerts(response)
    with app.app_context():
        versions = _versions(employee_id)
        assert [(n, status) for n, status, _c, _s in versions] == [(1, APPROVED), (2, DRAFT)]
        assert versions[0] == approved_before[0], "the approved version unchanged"
        draft = db.session.scalar(select(RecordVersion).where(
            RecordVersion.employee_id == employee_id, RecordVersion.number == 2))
        content = records.read_content(draft)
        assert (content["fields"]["bac_luong"], content["fields"]["he_so_luong"],
                content["fields"]["ngay_huong_luong"]) == ("3", "3", "2023-01-01")
        assert [row["don_vi"] for row in content["tables"]["qua_trinh_cong_tac"]][-1] == \
            "Trường THPT Hải Hậu A"
        assert content["tables"]["danh_gia_khen_thuong"][-1]["nam"] == "2025"
        # the person's own items (hai_phong: identity, background) are left to her
        assert content["fields"].get("noi_sinh") != "Xã Hải Hậu, tỉnh Nam Định"
        assert "ngay_vao_dang" not in content["fields"]
        # the previous agency's unit is not copied
        assert content["fields"].get("co_quan_su_dung") != "Sở Giáo dục tỉnh Nam Định"
        found = db.session.get(SyncPull, pull_id)
        assert (found.status, found.applied_version_id) == (PULL_APPLIED, draft.id)
        assert records.approved_version(draft.employee).number == 1
    # a stale form is refused, nothing changes
    with app.app_context():
        before = _versions(employee_id)
    response = client.post("/sync/pull/case/%d/dismiss" % case_id,
                           data={"pull": pull_id, "seen": seen})
    assert response.status_code == 302
    with app.app_context():
        assert _versions(employee_id) == before
        assert db.session.get(SyncPull, pull_id).status == PULL_APPLIED


def test_a_record_the_receiver_does_not_hold_is_told_in_its_words(province, standin):
    app, world = province
    case_id, employee_id = _received(app, world)
    client = app.test_client()
    login(client, "canbo", w.PASSWORD)
    response = client.post("/sync/pull/case/%d/fetch" % case_id, data={"org_code": "H46"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    # the receiver's words, without the số định danh it repeats (nor in the cookie's flash)
    assert "Không tìm thấy hồ sơ" in page and NUMBER not in page
    with app.app_context():
        found = db.session.scalar(select(SyncPull))
        assert (found.status, found.content) == (PULL_NOT_FOUND, None)
        assert NUMBER not in (found.message or "")
        assert _item(case_id).done_at is None, "the data request still waits"
        # and is listed as waiting, with its latest pull beside it
        rows, _pulls = pull.waiting(actor(world, "canbo"))
        assert [(row.case.id, row.latest.id) for row in rows] == [(case_id, found.id)]
        assert [status for _n, status, _c, _s in _versions(employee_id)] == [APPROVED]
        pull_id, seen = found.id, found.row_version
    # "Bỏ qua"
    client.post("/sync/pull/case/%d/dismiss" % case_id, data={"pull": pull_id, "seen": seen})
    with app.app_context():
        assert db.session.get(SyncPull, pull_id).status == PULL_DISMISSED


def test_a_receiver_down_or_a_bad_code_writes_nothing(province, standin):
    app, world = province
    url, ctl = standin
    _put_national(url)
    case_id, employee_id = _received(app, world)
    client = app.test_client()
    login(client, "canbo", w.PASSWORD)
    ctl.set(fail=True)
    response = client.post("/sync/pull/case/%d/fetch" % case_id, data={"org_code": PREVIOUS},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "503" in response.get_data(as_text=True)
    ctl.set(fail=False)
    with app.app_context():
        # the attempt to read the person's record is audited, with nothing of it
        [entry] = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "sync.pull_fetch_failed")).all()
        details = json.loads(entry.details)
        assert (entry.object_id, details["employee_id"], details["org_code"],
                details["outcome"]) == (str(case_id), employee_id, PREVIOUS, "unavailable")
        db.session.remove()
    for code in ("", "H45 02; DROP", "x" * 80, ".".join(["ABCDEFGH"] * 8)):
        response = client.post("/sync/pull/case/%d/fetch" % case_id, data={"org_code": code})
        assert response.status_code == 302
    with app.app_context():
        assert _pulls() == 0 and _item(case_id).done_at is None
        assert [status for _n, status, _c, _s in _versions(employee_id)] == [APPROVED]
        with pytest.raises(pull.PullRefused):
            pull.fetch(actor(world, "canbo"), db.session.get(TransferCase, case_id), "")


def test_a_case_before_its_data_request_is_not_pulled(province, standin):
    app, world = province
    url, _ctl = standin
    _put_national(url)
    case_id, _employee_id = _received(app, world, request_data=False)
    with app.app_context():
        with pytest.raises(pull.PullRefused):
            pull.fetch(actor(world, "canbo"), db.session.get(TransferCase, case_id), PREVIOUS)
        assert _pulls() == 0


def test_another_units_officer_gets_404_and_so_noi_vu_may_pull(province, standin):
    app, world = province
    url, _ctl = standin
    _put_national(url)
    case_id, _employee_id = _received(app, world)
    other = app.test_client()
    login(other, "canbo_b", w.PASSWORD)
    assert other.get("/sync/pull/case/%d" % case_id).status_code == 404
    assert other.post("/sync/pull/case/%d/fetch" % case_id,
                      data={"org_code": PREVIOUS}).status_code == 404
    page = other.get("/sync/pull/").get_data(as_text=True)
    assert "Trần Thị Hoa" not in page
    with app.app_context():
        assert _pulls() == 0
        # the case's page shows B's officer no pull panel (not the receiving unit)
        case = db.session.get(TransferCase, case_id)
        assert pull.case_panel(actor(world, "canbo_b"), case) == {}
        assert "sync/pull_panel.html" in transfer_queries.case_panels(actor(world, "canbo"),
                                                                      case)
    head = app.test_client()
    login(head, "thutruong", w.PASSWORD)
    assert head.get("/sync/pull/case/%d" % case_id).status_code in (302, 403)
    province_wide = app.test_client()
    login(province_wide, "sonoivu", w.PASSWORD)
    listing = province_wide.get("/sync/pull/").get_data(as_text=True)
    assert "Trần Thị Hoa" in listing
    response = province_wide.post("/sync/pull/case/%d/fetch" % case_id,
                                  data={"org_code": PREVIOUS})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SyncPull)).status == PULL_FETCHED
