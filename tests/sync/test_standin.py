"""The stand-in receiver (app/sync/standin.py): the contract of NATIONAL-SYNC.md as the
public receiver implements it, its checks ("What the receiver rejects") and its switches."""
import datetime as dt
import time

import pytest
import requests

import config
from app.sync.standin import content_digest, encode_content
from tests.sync_standin import running_standin

ACCOUNTS = {"giaoduc": ("mk-gd", ["H44.02"]), "yte": ("mk-yt", ["H44.03"])}
CODE_LISTS = {"giới tính": {"1", "2"}, "dan_toc": {"01", "02"}}


@pytest.fixture
def standin():
    with running_standin({"ACCOUNTS": ACCOUNTS, "CODE_LISTS": CODE_LISTS}) as (url, ctl):
        yield url, ctl


def login(url, user="giaoduc", password="mk-gd"):
    answer = requests.post(url + "/login", json={"username": user, "password": password},
                           timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()["token"]


def document(action="ADD", so_hieu="0001", **general):
    fields = {"SoHieuCBCCVC_BNDP": so_hieu, "HoVaTen": "Nguyễn Thị Hằng",
              "MaDonviSuDung": "H44.02.01", "MaDonViQuanLy": "H44.02", "GioiTinh": "2",
              "DanToc": "01", "NgaySinh": "19850312"}
    fields.update(general)
    return {"Data": {"Header": {"Sender_Code": "H44.02", "Action_Type": action},
                     "Body": {"HOSO_CBCCVC": {"THONGTINCHUNG": fields}}}}


def send(url, token, doc, message="M0001", org="H44.02", timeout=5, key=None):
    headers = {"Authorization": "Bearer " + token}
    if key:
        headers["Idempotency-Key"] = key
    return requests.post(f"{url}/ApiSyncMsg/SyncMsg/Service{message}", headers=headers,
                         json={"org_Code": org, "jsonContent": encode_content(doc)},
                         timeout=timeout)


def accepted(response):
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"message", "err_code", "transaction_id"}
    return body["err_code"] == 0, body["message"]


def test_login_gives_a_token_scoped_to_the_units_of_its_user(standin):
    url, ctl = standin
    assert requests.post(url + "/login", json={"username": "giaoduc", "password": "x"},
                         timeout=5).status_code == 401
    token = login(url)
    ok, message = accepted(send(url, token, document(), org="H44.03"))
    assert not ok and "không có quyền" in message and "H44.03" in message
    # a unit below the user's own is its too
    assert accepted(send(url, token, document(), org="H44.02.01"))[0]
    assert ctl.record("H44.02.01_0001") is not None
    unauthenticated = requests.post(url + "/ApiSyncMsg/SyncMsg/ServiceM0001", timeout=5,
                                    json={"org_Code": "H44.02", "jsonContent": ""})
    assert unauthenticated.status_code == 401


def test_add_then_add_again_is_refused_and_edit_of_an_unknown_key_too(standin):
    url, ctl = standin
    token = login(url)
    ok, message = accepted(send(url, token, document()))
    assert ok, message
    ok, message = accepted(send(url, token, document()))
    assert not ok and "đã tồn tại" in message
    ok, message = accepted(send(url, token, document("EDIT", so_hieu="9999")))
    assert not ok and "không tồn tại" in message
    assert accepted(send(url, token, document("EDIT", HoVaTen="Nguyễn Thị Hà")))[0]
    record = ctl.record("H44.02_0001")
    assert [h["action"] for h in record["history"]] == ["ADD", "EDIT"]
    assert record["content"]["THONGTINCHUNG"]["HoVaTen"] == "Nguyễn Thị Hà"
    # xoahosonhansu, then the key is free for an ADD again
    assert accepted(send(url, token, document("DEL")))[0]
    assert not accepted(send(url, token, document("DEL")))[0]
    assert accepted(send(url, token, document()))[0]


def test_the_part_messages_take_edit_and_del_only(standin):
    url, ctl = standin
    token = login(url)
    assert accepted(send(url, token, document()))[0]
    ok, message = accepted(send(url, token, document("ADD"), message="M0002"))
    assert not ok and "M0002" in message and "EDIT hoặc DEL" in message
    part = document("EDIT")
    part["Data"]["Body"]["HOSO_CBCCVC"]["TUYENDUNG_QT_CONGTAC"] = {
        "NgayTuyenDung": "2010", "DS_QUATRINH_CONGTAC": [{"TuNgay": "201009"}]}
    del part["Data"]["Body"]["HOSO_CBCCVC"]["THONGTINCHUNG"]["HoVaTen"]
    assert accepted(send(url, token, part, message="M0002"))[0]
    record = ctl.record("H44.02_0001")
    assert record["content"]["TUYENDUNG_QT_CONGTAC"]["NgayTuyenDung"] == "2010"
    assert set(record["documents"]) == {"M0001", "M0002"}
    assert requests.post(url + "/ApiSyncMsg/SyncMsg/ServiceM0009", timeout=5,
                         json={}).status_code == 404


@pytest.mark.parametrize("general, expected", [
    ({"MaDonviSuDung": "H99.01"}, "Mã đơn vị MaDonviSuDung 'H99.01' không có trong danh mục"),
    ({"HoVaTen": " "}, "Họ và tên (HoVaTen) không được để trống"),
    ({"SoHieuCBCCVC_BNDP": ""}, "SoHieuCBCCVC_BNDP) không được để trống"),
    ({"GioiTinh": "3"}, "Giá trị '3' của trường THONGTINCHUNG.GioiTinh không có trong danh "
                        "mục giới tính"),
    ({"DanToc": "55"}, "không có trong danh mục dân tộc"),
    ({"NgaySinh": "12/03/1985"}, "không đúng định dạng yyyy, yyyymm hoặc yyyymmdd"),
    ({"NgaySinh": "19851312"}, "không đúng định dạng"),
])
def test_the_receivers_checks_refuse_with_a_vietnamese_message(standin, general, expected):
    url, ctl = standin
    ok, message = accepted(send(url, login(url), document(**general)))
    assert not ok
    assert expected in message
    assert ctl.records == {}


def test_partial_dates_and_lists_not_configured_pass(standin):
    url, _ctl = standin
    token = login(url)
    assert accepted(send(url, token, document(NgaySinh="1985", TonGiao="any")))[0]
    assert accepted(send(url, token, document(so_hieu="0002", NgaySinh="198503")))[0]


def test_the_sender_code_is_a_unit_code_too(standin):
    url, _ctl = standin
    doc = document()
    doc["Data"]["Header"]["Sender_Code"] = "X1"
    ok, message = accepted(send(url, login(url), doc))
    assert not ok and "Sender_Code 'X1'" in message


def test_bad_content_is_refused(standin):
    url, _ctl = standin
    answer = requests.post(url + "/ApiSyncMsg/SyncMsg/ServiceM0001", timeout=5,
                           headers={"Authorization": "Bearer " + login(url)},
                           json={"org_Code": "H44.02", "jsonContent": "không phải base64"})
    ok, message = accepted(answer)
    assert not ok and "base64" in message


def test_an_idempotency_key_twice_gets_the_first_answer_and_stores_nothing(standin):
    url, ctl = standin
    token = login(url)
    first = send(url, token, document(), key="msg-1").json()
    again = send(url, token, document(), key="msg-1").json()
    assert first == again and first["err_code"] == 0
    assert len(ctl.record("H44.02_0001")["history"]) == 1
    assert len(ctl.accepted) == 1
    # the raw requests are logged by transaction id, the replay too
    assert len(ctl.transactions) == 2
    assert ctl.transactions[first["transaction_id"]]["raw"].startswith("{")


def test_fail_answers_503(standin):
    url, ctl = standin
    token = login(url)
    ctl.set(fail=True)
    assert send(url, token, document()).status_code == 503
    assert requests.post(url + "/login", json={}, timeout=5).status_code == 503
    ctl.set(fail=False)
    assert accepted(send(url, token, document()))[0]


def test_a_timeout_after_the_receiver_stored_the_record(standin):
    url, ctl = standin
    token = login(url)
    requests.post(url + "/_control", json={"timeout": 2}, timeout=5)
    with pytest.raises(requests.Timeout):
        send(url, token, document(), timeout=0.5, key="msg-1")
    assert ctl.record("H44.02_0001")["history"][0]["action"] == "ADD"
    ctl.set(timeout=False)
    # the retry under the same key: the first answer, no second record
    assert send(url, token, document(), key="msg-1").json()["err_code"] == 0
    assert len(ctl.accepted) == 1


def test_slow_answers_late_but_within_the_timeout(standin):
    url, ctl = standin
    token = login(url)
    ctl.set(slow=0.4)
    started = time.monotonic()
    assert accepted(send(url, token, document()))[0]
    assert time.monotonic() - started >= 0.4


def test_err_code_1_refuses_everything(standin):
    url, ctl = standin
    token = login(url)
    requests.post(url + "/_control", json={"err_code_1": True}, timeout=5)
    ok, message = accepted(send(url, token, document()))
    assert not ok and "từ chối" in message
    assert ctl.records == {}
    ctl.set(err_code_1=False)
    assert accepted(send(url, token, document()))[0]


def test_down_until_a_moment():
    now = [dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)]
    with running_standin({"ACCOUNTS": ACCOUNTS, "CLOCK": lambda: now[0]}) as (url, ctl):
        token = login(url)
        control = requests.post(url + "/_control", json={"down_until": "2026-12-01T09:00:00"},
                                timeout=5).json()
        assert control["switches"]["down_until"] == "2026-12-01T09:00:00+00:00"
        assert send(url, token, document()).status_code == 503
        now[0] += dt.timedelta(minutes=59)
        assert send(url, token, document()).status_code == 503
        now[0] += dt.timedelta(minutes=1)
        # up again, and the token of an hour ago has expired: log in again
        assert send(url, token, document()).status_code == 401
        assert accepted(send(url, login(url), document()))[0]


def test_the_records_listing_for_reconciliation(standin):
    url, ctl = standin
    token = login(url)
    for so_hieu in ("0001", "0002", "0003"):
        assert accepted(send(url, token, document(so_hieu=so_hieu)))[0]
    assert accepted(send(url, token, document("DEL", so_hieu="0003")))[0]
    assert accepted(send(url, token, document(so_hieu="0004"), org="H44.02.01"))[0]
    assert accepted(send(url, login(url, "yte", "mk-yt"),
                         document(so_hieu="0005", MaDonviSuDung="H44.03"), org="H44.03"))[0]
    headers = {"Authorization": "Bearer " + token}
    listing = requests.get(url + "/ApiSyncMsg/records", headers=headers, timeout=5).json()
    assert listing["counts"] == {"H44.02": 2, "H44.02.01": 1}
    assert [r["key"] for r in listing["records"]] == [
        "H44.02.01_0004", "H44.02_0001", "H44.02_0002"]
    one = requests.get(url + "/ApiSyncMsg/records", params={"org_Code": "H44.02"},
                       headers=headers, timeout=5).json()
    assert one["count"] == 2
    sent = document(so_hieu="0001")["Data"]["Body"]["HOSO_CBCCVC"]
    assert one["records"][0]["digest"] == content_digest(sent)
    refused = requests.get(url + "/ApiSyncMsg/records", params={"org_Code": "H44.03"},
                           headers=headers, timeout=5).json()
    assert refused["err_code"] == 1
    # the pull on transfer-in reads one record's content
    pulled = requests.get(url + "/ApiSyncMsg/records/H44.03_0005", headers=headers,
                          timeout=5).json()
    assert pulled["HOSO_CBCCVC"]["THONGTINCHUNG"]["SoHieuCBCCVC_BNDP"] == "0005"
    everything = requests.get(url + "/_records", timeout=5).json()["records"]
    assert len(everything) == 5 and [r for r in everything if r["deleted"]][0]["key"] == \
        "H44.02_0003"
    assert requests.get(url + "/_records/H44.02_0001", timeout=5).json()["history"][0][
        "action"] == "ADD"
    assert requests.get(url + "/_records/nothing", timeout=5).status_code == 404


def test_the_development_credentials_cover_every_demo_unit():
    from app.application.demo import DEMO_UNITS, MORE_UNITS

    credentials = config.parse_sync_credentials(config.from_environ(
        {"HOSO_ENV": "development"})["SYNC_CREDENTIALS"])
    for _name, _parent, _type, code, _employs in DEMO_UNITS + MORE_UNITS:
        if code:
            assert config.sync_account(credentials, code), code
    assert config.from_environ({"HOSO_ENV": "production"})["SYNC_CREDENTIALS"] == ""


def test_credentials_from_a_file(tmp_path):
    path = tmp_path / "sync.txt"
    path.write_text("# units\nH44.02:giaoduc:mk:with:colons\nH44.03:yte:mk2\n",
                    encoding="utf-8")
    assert config.parse_sync_credentials(str(path)) == {
        "H44.02": ("giaoduc", "mk:with:colons"), "H44.03": ("yte", "mk2")}
    with pytest.raises(ValueError):
        config.parse_sync_credentials("H44.02:giaoduc")
