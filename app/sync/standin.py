"""A stand-in for Bộ Nội vụ's receiver (CSDLQG về CBCCVC), the other side of the wire.

A small Flask app of its own, never registered in the main app and importing none of its
database or models: the tests start it on a free loopback port (tests/sync_standin.py),
`make run` starts it on 127.0.0.1:8099 (`python -m app.sync.standin --port 8099`). It
speaks the contract of NATIONAL-SYNC.md as the public receiver implements it
(`com.bnv` MsgController / SyncService):

- `POST /login` {"username", "password"} -> {"token": JWT (HS256)}; the token names the
  user, and the user owns one or more unit codes (a code owns the codes below it:
  H44.02 owns H44.02.01).
- `POST /ApiSyncMsg/SyncMsg/ServiceM0001` … `ServiceM0006` with `Authorization: Bearer`
  and {"org_Code", "jsonContent": base64 of UTF-8 JSON}: always HTTP 200
  {"message": Vietnamese text, "err_code": 0|1, "transaction_id": uuid4}, the raw request
  logged by that id. A missing, bad or expired token is HTTP 401 (log in again).
- An `Idempotency-Key` header: an accepted message's answer is kept under it, and the same
  key again gets that answer back and stores nothing. A rejection is not kept (nothing was
  stored, so the message is simply checked again).

Beyond the contract, for the tests, the demo and reconciliation:
- `GET /ApiSyncMsg/records?org_Code=` (Bearer): the acknowledged keys of the user's units
  with each record's content digest (`content_digest`), and the counts per unit;
  `GET /ApiSyncMsg/records/<key>` (Bearer): one record's content, for the pull on
  transfer-in.
- `GET /_records`, `GET /_records/<key>`, `GET /_transactions`, `GET /_transactions/<id>`:
  everything stored and logged.
- `GET|POST /_control`: the switches, also settable through the config given to
  `create_standin` (upper-case keys): `fail` (HTTP 503), `timeout` (seconds, or true for
  `TIMEOUT_SECONDS`: the message is processed and stored, and the answer held that long,
  "a timeout after the receiver stored it"), `slow` (seconds to wait before processing and
  answering), `err_code_1` (true or a message: every message refused with err_code 1),
  `down_until` (ISO 8601 moment, naive = UTC, or epoch seconds: HTTP 503 until then);
  `{"reset": true}` forgets records, transactions and switches. `unit_codes` and
  `code_lists` can be replaced there too.

Config keys: `ACCOUNTS` {username: (password, [org codes])}; `UNIT_CODES` (the unit
catalog: a set of codes, None for "every code the accounts own and the codes below
them"); `CODE_LISTS` {list name: set of codes} (only the lists given are checked; a list
name is one of CODE_FIELDS', its Vietnamese words ("giới tính", as app/sync/mapping.py
names them) or a field name itself, "GioiTinh" or "DS_TINHOC.TrinhDo");
`STORE` (a JSON file the records are kept in across restarts), `JWT_SECRET`,
`TOKEN_SECONDS`, `TIMEOUT_SECONDS`, `CLOCK` (a callable returning an aware
UTC datetime, for tests that move time).
"""
import argparse
import base64
import binascii
import copy
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import threading
import time
import uuid

import jwt
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

MESSAGES = ("M0001", "M0002", "M0003", "M0004", "M0005", "M0006")
ACTIONS = ("ADD", "EDIT", "DEL")
# M0002–M0006 change a part of a record that M0001 created: EDIT and DEL only
PART_ACTIONS = ("EDIT", "DEL")
# the sections of HOSO_CBCCVC each part message carries
PART_SECTIONS = {
    "M0002": ("TUYENDUNG_QT_CONGTAC",),
    "M0003": ("LUONG_PHUCAP_CHUCVU",),
    "M0004": ("DAOTAO_BOIDUONG",),
    "M0005": ("THONGTIN_KHAC",),
    "M0006": ("DS_KETQUA_DANHGIA_PHANLOAI",),
}
ACTION_WORDS = {"ADD": "thêm mới", "EDIT": "cập nhật", "DEL": "xóa"}

# The unit codes the receiver looks up in its unit catalogs (levels 1–4).
UNIT_FIELDS = ("MaDonviSuDung", "MaDonViQuanLy", "Sender_Code")

# The receiver's catalogs (NATIONAL-SYNC.md, "What the receiver rejects"): list name ->
# (the catalog's Vietnamese name, the fields coded with it). A field is "Name" anywhere in
# the document, or "SECTION.Name" for a Name inside that section or list only.
CODE_FIELDS = {
    "doi_tuong": ("đối tượng", ("PhanLoaiHoSo", "DoiTuong")),
    "gioi_tinh": ("giới tính", ("GioiTinh",)),
    "dan_toc": ("dân tộc", ("DanToc",)),
    "ton_giao": ("tôn giáo", ("TonGiao",)),
    "tieng_dan_toc": ("tiếng dân tộc", ("TiengDanToc",)),
    "vi_tri_tuyen_dung": ("vị trí tuyển dụng", ("ViTriTuyenDung",)),
    "ma_ngach_chuc_danh": ("mã ngạch/chức danh", ("MaNgachChucDanh", "DS_QUATRINH_LUONG.Ngach")),
    "bac_luong": ("bậc lương", ("BacLuong",)),
    "chuc_vu": ("chức vụ/chức danh kiêm nhiệm", ("ChucVu", "ChucVuChucDanhKiemNhiem")),
    "loai_phu_cap": ("loại phụ cấp", ("LoaiPhuCap",)),
    "hinh_thuc_huong_phu_cap": ("hình thức hưởng phụ cấp", ("HinhThucHuong",)),
    "giao_duc_pho_thong": ("giáo dục phổ thông", ("GiaoDucPhoThong",)),
    "nuoc_dao_tao": ("nước đào tạo", ("NuocDaoTao",)),
    "chuc_vu_dang": ("chức vụ Đảng", ("ChucVuDang",)),
    "ly_luan_chinh_tri": ("lý luận chính trị", ("LyLuanChinhTri",)),
    "quan_ly_nha_nuoc": ("quản lý nhà nước", ("QuanLyNhaNuoc",)),
    "chuc_danh_khoa_hoc": ("chức danh khoa học", ("ChucDanhKhoaHoc",)),
    "hoc_vi": ("học vị", ("HocVi",)),
    "ngoai_ngu": ("ngoại ngữ", ("NgoaiNgu", "DS_NGOAINGU.NgoaiNgu")),
    "trinh_do_ngoai_ngu": ("trình độ ngoại ngữ", ("TrinhDoNgoaiNgu", "DS_NGOAINGU.TrinhDo")),
    "trinh_do_tin_hoc": ("trình độ tin học", ("TrinhDoTinHoc", "DS_TINHOC.TrinhDo")),
    "trinh_do_chuyen_mon": ("trình độ chuyên môn", ("TrinhDoChuyenMon",)),
    "chuyen_nganh_dao_tao": ("chuyên ngành đào tạo", ("ChuyenNganhDaoTao", "ChuyenNganh")),
    "ket_qua_danh_gia": ("kết quả đánh giá", ("KetQuaDanhGia",)),
    "xep_loai_tot_nghiep": ("xếp loại tốt nghiệp", ("XepLoaiTotNghiep",)),
    "quoc_phong_an_ninh": ("quốc phòng an ninh", ("QuocPhongAnNinh",)),
}

# Dates are yyyy, yyyymm or yyyymmdd (partial dates are normal). A field is a date when
# its name says so: Ngay… / …Ngay… (NgaySinh, TuNgay, DenNgay), ThoiDiem….
DATE_FIELD = re.compile(r"Ngay|^ThoiDiem")
DATE_VALUE = re.compile(r"^\d{4}(\d{2}(\d{2})?)?$")

DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_TOKEN_SECONDS = 3600
# switches and their "off" values
SWITCHES = {"fail": False, "timeout": False, "slow": 0, "err_code_1": False,
            "down_until": None}


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


def content_digest(hoso):
    """SHA-256 (hex) of a record's content (the HOSO_CBCCVC object) as canonical JSON:
    keys sorted, no spaces, UTF-8. The sender computes the same over what it sent, so
    reconciliation compares the two without comparing fields."""
    text = json.dumps(hoso, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_content(document):
    """The `jsonContent` of a request: base64 of the document's UTF-8 JSON."""
    return base64.b64encode(json.dumps(document, ensure_ascii=False).encode("utf-8")).decode()


def accounts_from_credentials(credentials):
    """Stand-in accounts {username: (password, [codes])} from the sender's credentials
    {org_code: (username, password)} (config.parse_sync_credentials)."""
    accounts = {}
    for code, (username, password) in credentials.items():
        _password, codes = accounts.setdefault(username, (password, []))
        codes.append(code)
    return accounts


def owns(codes, org_code):
    """Whether unit codes own org_code: the code itself or one below it (QĐ 20/2020 codes
    go down by dots: H44.02 owns H44.02.01)."""
    return any(org_code == code or org_code.startswith(code + ".") for code in codes)


def _parse_moment(value):
    if value in (None, "", False):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, (int, float)):
        moment = dt.datetime.fromtimestamp(value, dt.timezone.utc)
    else:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _valid_date(value):
    if not DATE_VALUE.match(value):
        return False
    formats = {4: "%Y", 6: "%Y%m", 8: "%Y%m%d"}
    try:
        dt.datetime.strptime(value, formats[len(value)])
    except ValueError:
        return False
    return True


def _walk(node, path=()):
    """(path of the keys above, key, value) for every scalar in a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                yield from _walk(value, path + (key,))
            else:
                yield path, key, value
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, path)


# a list may also be named by its Vietnamese words, as NATIONAL-SYNC.md writes them
_BY_LABEL = {label: name for name, (label, _fields) in CODE_FIELDS.items()}


def _code_fields(name):
    """(Vietnamese name, fields) of a code list named by CODE_FIELDS' key, by its words
    ("giới tính") or by a field ("GioiTinh", "DS_TINHOC.TrinhDo")."""
    name = _BY_LABEL.get(name, name)
    return CODE_FIELDS.get(name, (name, (name,)))


def _field_matches(rule, path, key):
    section, _dot, name = rule.rpartition(".")
    return key == name and (not section or section in path)


class Receiver:
    """What the stand-in holds, behind one lock: accounts, catalogs, switches, the records
    by key, the raw requests by transaction id, the accepted transactions in order and the
    answers kept under idempotency keys."""

    def __init__(self, config):
        self.lock = threading.RLock()
        self.accounts = {user: (password, list(codes))
                         for user, (password, codes) in (config.get("ACCOUNTS") or {}).items()}
        self.unit_codes = _code_set(config.get("UNIT_CODES"))
        self.code_lists = {name: {str(c) for c in codes}
                           for name, codes in (config.get("CODE_LISTS") or {}).items()}
        self.secret = config.get("JWT_SECRET") or secrets.token_hex(32)
        self.token_seconds = int(config.get("TOKEN_SECONDS") or DEFAULT_TOKEN_SECONDS)
        self.timeout_seconds = float(config.get("TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS)
        self.clock = config.get("CLOCK") or utcnow
        self.switches = dict(SWITCHES)
        self.set_switches({name: config[name.upper()] for name in SWITCHES
                           if name.upper() in config})
        self.store = config.get("STORE")
        self.reset()
        self._load()

    # -- the records kept across restarts (STORE: a JSON file; `make run` keeps one) ------

    def _load(self):
        if not self.store or not os.path.exists(self.store):
            return
        with open(self.store, encoding="utf-8") as f:
            kept = json.load(f)
        self.records = kept.get("records") or {}
        self.accepted = kept.get("accepted") or []
        self.idempotent = kept.get("idempotent") or {}

    def _save(self):
        if not self.store:
            return
        partial = self.store + ".part"
        with open(partial, "w", encoding="utf-8") as f:
            json.dump({"records": self.records, "accepted": self.accepted,
                       "idempotent": self.idempotent}, f, ensure_ascii=False)
        os.replace(partial, self.store)

    def reset(self):
        with self.lock:
            self.records = {}
            self.transactions = {}
            self.accepted = []
            self.idempotent = {}

    def set_switches(self, values):
        with self.lock:
            for name, value in values.items():
                if name not in SWITCHES:
                    raise KeyError(name)
                if name == "down_until":
                    value = _parse_moment(value)
                elif name in ("slow",):
                    value = float(value or 0)
                elif name == "timeout" and not isinstance(value, bool):
                    value = float(value or 0)
                self.switches[name] = value

    def switch_state(self):
        with self.lock:
            state = dict(self.switches)
        if state["down_until"]:
            state["down_until"] = state["down_until"].isoformat()
        return state

    def is_down(self):
        with self.lock:
            if self.switches["fail"]:
                return True
            until = self.switches["down_until"]
        return until is not None and self.clock() < until

    def timeout_delay(self):
        value = self.switches["timeout"]
        if value is True:
            return self.timeout_seconds
        return float(value or 0)

    # -- accounts ------------------------------------------------------------------------

    def login(self, username, password):
        account = self.accounts.get(username)
        if account is None or not secrets.compare_digest(str(password), account[0]):
            return None
        now = self.clock()
        claims = {"sub": username, "org_codes": account[1], "iat": int(now.timestamp()),
                  "exp": int(now.timestamp()) + self.token_seconds}
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def user_of(self, authorization):
        """The token's user name, or None for a missing, bad or expired token."""
        scheme, _space, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        try:
            claims = jwt.decode(token.strip(), self.secret, algorithms=["HS256"],
                                options={"verify_exp": False, "verify_iat": False})
        except jwt.PyJWTError:
            return None
        if claims.get("exp", 0) <= self.clock().timestamp():
            return None
        return claims.get("sub") if claims.get("sub") in self.accounts else None

    def known_units(self):
        if self.unit_codes is not None:
            return self.unit_codes
        return {code for _password, codes in self.accounts.values() for code in codes}

    def unit_known(self, code):
        if self.unit_codes is not None:
            return code in self.unit_codes
        return owns(self.known_units(), code)

    # -- messages ------------------------------------------------------------------------

    def receive(self, service, user, body, raw, idempotency_key):
        """Check and apply one message; returns the answer (a dict, HTTP 200)."""
        transaction_id = str(uuid.uuid4())
        with self.lock:
            if idempotency_key and idempotency_key in self.idempotent:
                first = self.idempotent[idempotency_key]
                self._log(transaction_id, service, user, raw, idempotency_key, first,
                          replay_of=first["transaction_id"])
                return first
            try:
                action, key, document = self._check(service, user, body)
            except Refused as refusal:
                answer = _answer(str(refusal), 1, transaction_id)
            else:
                self._apply(service, action, key, body["org_Code"], document, transaction_id)
                answer = _answer(f"Đã {ACTION_WORDS[action]} hồ sơ {key} ({service}) "
                                 "thành công", 0, transaction_id)
                if idempotency_key:
                    self.idempotent[idempotency_key] = answer
                self._save()
            self._log(transaction_id, service, user, raw, idempotency_key, answer)
            return answer

    def _log(self, transaction_id, service, user, raw, idempotency_key, answer,
             replay_of=None):
        self.transactions[transaction_id] = {
            "transaction_id": transaction_id, "at": self.clock().isoformat(),
            "service": service, "user": user, "idempotency_key": idempotency_key,
            "raw": raw, "answer": answer, "replay_of": replay_of}

    def _check(self, service, user, body):
        if self.switches["err_code_1"]:
            message = self.switches["err_code_1"]
            raise Refused(message if isinstance(message, str)
                          else "Hệ thống CSDLQG từ chối tiếp nhận gói tin")
        if not isinstance(body, dict):
            raise Refused("Gói tin không đúng định dạng JSON {org_Code, jsonContent}")
        org_code = str(body.get("org_Code") or "").strip()
        if not org_code:
            raise Refused("Thiếu mã định danh đơn vị gửi (org_Code)")
        if not owns(self.accounts[user][1], org_code):
            raise Refused(f"Tài khoản {user} không có quyền gửi dữ liệu của đơn vị {org_code}")
        document = _decode(body.get("jsonContent"))
        data = document.get("Data") if isinstance(document, dict) else None
        if not isinstance(data, dict):
            raise Refused("Nội dung gói tin thiếu phần Data")
        header = data.get("Header") or {}
        action = str(header.get("Action_Type") or "").strip().upper()
        if action not in ACTIONS:
            raise Refused(f"Action_Type '{header.get('Action_Type') or ''}' không hợp lệ "
                          "(chỉ nhận ADD, EDIT, DEL)")
        if service != "M0001" and action not in PART_ACTIONS:
            raise Refused(f"Gói tin {service} chỉ nhận Action_Type EDIT hoặc DEL, "
                          f"không nhận {action}")
        hoso = ((data.get("Body") or {}).get("HOSO_CBCCVC"))
        if not isinstance(hoso, dict):
            raise Refused("Nội dung gói tin thiếu hồ sơ (Body.HOSO_CBCCVC)")
        general = hoso.get("THONGTINCHUNG") or {}
        errors = []
        so_hieu = str(general.get("SoHieuCBCCVC_BNDP") or "").strip()
        if not so_hieu:
            errors.append("Số hiệu CBCCVC (SoHieuCBCCVC_BNDP) không được để trống")
        name_required = service == "M0001" and action != "DEL"
        if (name_required or "HoVaTen" in general) and not str(
                general.get("HoVaTen") or "").strip():
            errors.append("Họ và tên (HoVaTen) không được để trống")
        errors += self._catalog_errors(data)
        if errors:
            raise Refused("; ".join(errors))
        key = f"{org_code}_{so_hieu}"
        record = self.records.get(key)
        exists = record is not None and not record["deleted"]
        if action == "ADD" and exists:
            raise Refused(f"Hồ sơ {key} đã tồn tại, không thể thêm mới (ADD)")
        if action != "ADD" and not exists:
            raise Refused(f"Hồ sơ {key} không tồn tại, không thể "
                          f"{ACTION_WORDS[action]} ({action})")
        return action, key, document

    def _catalog_errors(self, data):
        errors = []
        for path, key, value in _walk(data):
            text = "" if value is None else str(value).strip()
            where = ".".join(path[-1:] + (key,))
            if key in UNIT_FIELDS and not self.unit_known(text):
                errors.append(f"Mã đơn vị {key} '{text}' không có trong danh mục đơn vị")
            if DATE_FIELD.search(key) and text and not _valid_date(text):
                errors.append(f"Ngày '{text}' của trường {where} không đúng định dạng "
                              "yyyy, yyyymm hoặc yyyymmdd")
            if not text:
                continue
            for name, codes in self.code_lists.items():
                label, fields = _code_fields(name)
                if any(_field_matches(rule, path, key) for rule in fields) \
                        and text not in codes:
                    errors.append(f"Giá trị '{text}' của trường {where} không có trong "
                                  f"danh mục {label}")
        return errors

    def _apply(self, service, action, key, org_code, document, transaction_id):
        hoso = document["Data"]["Body"]["HOSO_CBCCVC"]
        record = self.records.get(key)
        if record is None or (record["deleted"] and action == "ADD"):
            record = self.records[key] = {
                "key": key, "org_Code": org_code,
                "SoHieuCBCCVC_BNDP": key[len(org_code) + 1:], "deleted": False,
                "history": (record or {}).get("history", []), "documents": {},
                "content": {}}
        if service == "M0001":
            if action == "DEL":     # xoahosonhansu: the whole record
                record["deleted"] = True
                record["content"] = {}
            else:
                record["content"] = copy.deepcopy(hoso)
        else:
            if action == "DEL":
                for section in PART_SECTIONS[service]:
                    record["content"].pop(section, None)
            else:
                for section, value in hoso.items():
                    if section != "THONGTINCHUNG":
                        record["content"][section] = copy.deepcopy(value)
        record["documents"][service] = document
        at = self.clock().isoformat()
        record["history"].append({"transaction_id": transaction_id, "service": service,
                                  "action": action, "at": at})
        record["updated_at"] = at
        record["last_transaction_id"] = transaction_id
        self.accepted.append({"transaction_id": transaction_id, "service": service,
                              "action": action, "key": key, "at": at})

    # -- what was stored -----------------------------------------------------------------

    def record_view(self, record):
        view = copy.deepcopy(record)
        view["digest"] = None if record["deleted"] else content_digest(record["content"])
        return view

    def acknowledged(self, codes, org_code=None):
        """The records that exist under the given unit codes (or one of them)."""
        with self.lock:
            rows = []
            for record in self.records.values():
                if record["deleted"] or not owns(codes, record["org_Code"]):
                    continue
                if org_code and record["org_Code"] != org_code:
                    continue
                general = record["content"].get("THONGTINCHUNG") or {}
                rows.append({"key": record["key"], "org_Code": record["org_Code"],
                             "SoHieuCBCCVC_BNDP": record["SoHieuCBCCVC_BNDP"],
                             "MaDonviSuDung": general.get("MaDonviSuDung"),
                             "digest": content_digest(record["content"]),
                             "last_transaction_id": record["last_transaction_id"],
                             "updated_at": record["updated_at"]})
        rows.sort(key=lambda row: row["key"])
        return rows


class Refused(Exception):
    """A message the receiver refuses: err_code 1 with this Vietnamese message."""


def _code_set(codes):
    return None if codes is None else {str(code) for code in codes}


def _answer(message, err_code, transaction_id):
    return {"message": message, "err_code": err_code, "transaction_id": transaction_id}


def _decode(content):
    if not isinstance(content, str) or not content.strip():
        raise Refused("Thiếu nội dung gói tin (jsonContent)")
    try:
        return json.loads(base64.b64decode(content.strip(), validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Refused("Nội dung gói tin (jsonContent) không giải mã được: cần base64 của "
                      "JSON mã UTF-8") from None


def _unavailable():
    response = jsonify(message="Hệ thống CSDLQG tạm thời không phục vụ, vui lòng thử lại sau")
    response.status_code = 503
    response.headers["Retry-After"] = "60"
    return response


def _unauthorized():
    response = jsonify(message="Phiên đăng nhập không hợp lệ hoặc đã hết hạn, vui lòng "
                               "đăng nhập lại", err_code=1)
    response.status_code = 401
    return response


def create_standin(config=None):
    """The stand-in receiver's Flask app (see the module's docstring for the config)."""
    app = Flask(__name__)
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    app.config.update(config or {})
    receiver = Receiver(app.config)
    app.extensions["standin"] = receiver

    def contract_down():
        return _unavailable() if receiver.is_down() else None

    @app.post("/login")
    def login():
        down = contract_down()
        if down:
            return down
        body = request.get_json(silent=True) or {}
        token = receiver.login(body.get("username"), body.get("password") or "")
        if token is None:
            response = jsonify(message="Sai tên đăng nhập hoặc mật khẩu")
            response.status_code = 401
            return response
        return jsonify(token=token)

    @app.post("/ApiSyncMsg/SyncMsg/Service<message>")
    def service(message):
        if message not in MESSAGES:
            return jsonify(message=f"Không có dịch vụ Service{message}"), 404
        down = contract_down()
        if down:
            return down
        user = receiver.user_of(request.headers.get("Authorization"))
        if user is None:
            return _unauthorized()
        slow = receiver.switches["slow"]
        if slow:
            time.sleep(slow)
        raw = request.get_data(as_text=True)
        answer = receiver.receive(message, user, request.get_json(silent=True), raw,
                                  request.headers.get("Idempotency-Key") or None)
        delay = receiver.timeout_delay()
        if delay:       # stored, and the answer arrives after the client gave up
            time.sleep(delay)
        return jsonify(answer)

    @app.get("/ApiSyncMsg/records")
    def acknowledged():
        down = contract_down()
        if down:
            return down
        user = receiver.user_of(request.headers.get("Authorization"))
        if user is None:
            return _unauthorized()
        codes = receiver.accounts[user][1]
        org_code = (request.args.get("org_Code") or "").strip() or None
        if org_code and not owns(codes, org_code):
            return jsonify(_answer(f"Tài khoản {user} không có quyền xem dữ liệu của đơn vị "
                                   f"{org_code}", 1, str(uuid.uuid4())))
        rows = receiver.acknowledged(codes, org_code)
        counts = {}
        for row in rows:
            counts[row["org_Code"]] = counts.get(row["org_Code"], 0) + 1
        return jsonify(message="Thành công", err_code=0, org_Code=org_code,
                       count=len(rows), counts=counts, records=rows)

    @app.get("/ApiSyncMsg/records/<key>")
    def one_acknowledged(key):
        down = contract_down()
        if down:
            return down
        if receiver.user_of(request.headers.get("Authorization")) is None:
            return _unauthorized()
        with receiver.lock:
            record = receiver.records.get(key)
            if record is None or record["deleted"]:
                return jsonify(_answer(f"Không tìm thấy hồ sơ {key}", 1, str(uuid.uuid4())))
            view = receiver.record_view(record)
        return jsonify(message="Thành công", err_code=0, key=key, digest=view["digest"],
                       HOSO_CBCCVC=view["content"])

    @app.get("/_records")
    def records():
        with receiver.lock:
            return jsonify(records=[receiver.record_view(r)
                                    for _k, r in sorted(receiver.records.items())])

    @app.get("/_records/<key>")
    def record(key):
        with receiver.lock:
            found = receiver.records.get(key)
            if found is None:
                return jsonify(message=f"Không tìm thấy hồ sơ {key}"), 404
            return jsonify(receiver.record_view(found))

    @app.get("/_transactions")
    def transactions():
        with receiver.lock:
            return jsonify(transactions=list(receiver.transactions.values()),
                           accepted=list(receiver.accepted))

    @app.get("/_transactions/<transaction_id>")
    def transaction(transaction_id):
        with receiver.lock:
            found = receiver.transactions.get(transaction_id)
        if found is None:
            return jsonify(message="Không có giao dịch này"), 404
        return jsonify(found)

    @app.route("/_control", methods=["GET", "POST"])
    def control():
        if request.method == "POST":
            body = request.get_json(silent=True) or {}
            with receiver.lock:
                if body.pop("reset", False):
                    receiver.reset()
                    receiver._save()
                    receiver.switches = dict(SWITCHES)
                if "unit_codes" in body:
                    receiver.unit_codes = _code_set(body.pop("unit_codes"))
                if "code_lists" in body:
                    receiver.code_lists = {name: {str(c) for c in codes} for name, codes
                                           in (body.pop("code_lists") or {}).items()}
                try:
                    receiver.set_switches(body)
                except (KeyError, ValueError, TypeError) as error:
                    return jsonify(message=f"Công tắc không hợp lệ: {error}"), 400
        return jsonify(switches=receiver.switch_state())

    return app


class StandinServer:
    """The stand-in served by werkzeug's threaded server in a thread of this process."""

    def __init__(self, app, host="127.0.0.1", port=0):
        self.app = app
        self.server = make_server(host, port, app, threaded=True)
        self.host, self.port = host, self.server.server_port
        self.base_url = f"http://{host}:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       name="standin", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv=None):
    import config as settings   # the main app's config module: only its credentials parser

    parser = argparse.ArgumentParser(
        prog="python -m app.sync.standin",
        description="The stand-in for Bộ Nội vụ's receiver (CSDLQG về CBCCVC) on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--credentials", default=os.environ.get(
        "SYNC_CREDENTIALS", settings.DEV_SYNC_CREDENTIALS),
        help="code:user:password,… or a file of them (default: SYNC_CREDENTIALS, else "
             "the development accounts)")
    parser.add_argument("--unit-codes", help="a JSON file: the list of known unit codes "
                        "(default: the accounts' codes and the codes below them)")
    parser.add_argument("--code-lists", help="a JSON file: {list name: [codes]}")
    parser.add_argument("--store", help="a JSON file keeping the records across restarts")
    for name in SWITCHES:
        parser.add_argument("--" + name.replace("_", "-"), dest=name, default=None,
                            help=f"switch {name} on from the start (see /_control)")
    args = parser.parse_args(argv)
    if not settings.is_loopback(args.host):
        parser.error("the stand-in serves on loopback only")
    standin_config = {
        "ACCOUNTS": accounts_from_credentials(settings.parse_sync_credentials(
            args.credentials)),
        "UNIT_CODES": _load_json(args.unit_codes) if args.unit_codes else None,
        "CODE_LISTS": _load_json(args.code_lists) if args.code_lists else None,
        "STORE": args.store,
    }
    for name in SWITCHES:
        value = getattr(args, name)
        if value is not None:
            standin_config[name.upper()] = (value if name == "down_until" else
                                            value.lower() in ("1", "true", "yes", "on")
                                            if name in ("fail", "err_code_1")
                                            else float(value))
    app = create_standin(standin_config)
    accounts = app.extensions["standin"].accounts
    print(f"Stand-in receiver (CSDLQG): http://{args.host}:{args.port} "
          f"({len(accounts)} accounts)", flush=True)
    make_server(args.host, args.port, app, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
