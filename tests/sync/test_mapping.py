"""An approved record as the national database's messages (NATIONAL-SYNC.md), and the
receiver's own checks run before anything is queued."""
import base64
import json
import os
import re

import pytest

from app.catalogs.services import load_shipped, shipped_catalog, shipped_names
from app.extensions import db
from app.org.models import Unit
from app.records import services as records
from app.records.models import RecordVersion
from app.sync import mapping, validate
from tests.approval.conftest import submitted
from tests.records.conftest import FORM_CATALOGS, mark_approved, people  # noqa: F401 (fixture)

CONTRACT = os.path.join(os.path.dirname(__file__), "NATIONAL-SYNC.md")
# the catalogs the complete record's coded values use, beyond the form's required ones
MORE_CATALOGS = ["ngach", "chuc_danh_nghe_nghiep", "loai_luong", "chuc_vu_dang",
                 "ly_luan_chinh_tri", "quan_ly_nha_nuoc", "tin_hoc", "ngoai_ngu",
                 "ket_qua_danh_gia"]
# Phú Thọ is H44 (QĐ 20/2020 level 1); its units below it, left to right
CODES = {"root": "H44", "A": "H44.02", "A1": "H44.02.01", "B": "H44.03", "N": "H44.01"}

# what the record holds besides tests/records/conftest.py COMPLETE, canonical
MORE_FIELDS = {
    "so_hieu": "SH-0042", "co_quan_quan_ly": "Ủy ban nhân dân tỉnh Phú Thọ",
    "ngay_vao_dang": "2010-05-19", "ngay_tham_gia_to_chuc": "2001-03",
    "ngay_nhap_ngu": "2003", "ma_ngach": "01.003", "ngach": "Chuyên viên",
    "bac_luong": "3", "he_so_luong": "3", "ngay_huong_luong": "2023-01-01",
    "chuc_vu_dang": "BI_THU_CHI_BO", "hoc_ham": "pgs", "nam_phong_hoc_ham": "2020",
    "trinh_do_chuyen_mon": "THS",
}
MORE_TABLES = {
    "qua_trinh_cong_tac": [
        {"_id": "c1", "tu": "2008-09", "den": "2015", "don_vi": "Trường THPT số 1",
         "chuc_danh": "Giáo viên"},
        {"_id": "c2", "tu": "2015-09-01", "don_vi": "Sở Giáo dục", "chuc_danh": "Chuyên viên"}],
    "cac_loai_phu_cap": [
        {"_id": "p1", "tu": "2020-01", "loai_phu_cap": "CHUC_VU", "he_so": "0.2",
         "hinh_thuc_huong": "he_so"}],
    "dien_bien_luong": [
        {"_id": "l1", "tu": "2020-01", "den": "2022-12", "ma_so": "01.003", "bac_luong": "2",
         "he_so_luong": "2.67"}],
    "ly_luan_chinh_tri": [{"_id": "t1", "tu": "2012", "co_so": "Trường Chính trị tỉnh",
                           "van_bang": "Trung cấp lý luận chính trị"}],
    "tin_hoc": [{"_id": "i1", "tu": "2016", "co_so": "Đại học Hùng Vương",
                 "chung_chi": "Chuẩn kỹ năng sử dụng CNTT cơ bản"}],
    "ngoai_ngu": [{"_id": "n1", "tu": "2014-06", "co_so": "Đại học Hùng Vương",
                   "ngon_ngu": "Tiếng Anh", "chung_chi": "Chứng chỉ B1"}],
    "danh_gia_khen_thuong": [
        {"_id": "e1", "nam": "2024", "xep_loai_chuyen_mon": "Hoàn thành tốt nhiệm vụ"},
        {"_id": "e2", "nam": "2025", "xep_loai_chuyen_mon": "Hoàn thành xuất sắc nhiệm vụ",
         "hinh_thuc_khen_thuong": "Giấy khen"}],
}


def _coded(province):
    for key, code in CODES.items():
        db.session.get(Unit, province.units[key]).code = code
    db.session.commit()


@pytest.fixture
def approved(app, province, people):  # noqa: F811 (a fixture)
    """canhan's complete record, approved: its version id."""
    version_id = submitted(app, province, people, "canhan")
    with app.app_context():
        load_shipped(names=FORM_CATALOGS + MORE_CATALOGS)
        _coded(province)
        version = db.session.get(RecordVersion, version_id)
        content = records.read_content(version)
        content["fields"].update(MORE_FIELDS)
        content["tables"].update(MORE_TABLES)
        records.store(version, content)
        mark_approved(None, version)
        db.session.remove()
    return version_id


def _version(version_id):
    return db.session.get(RecordVersion, version_id)


def _rewrite(version, **fields):
    """The approved version's content with ``fields`` changed (None removes one)."""
    content = records.read_content(version)
    for key, value in fields.items():
        if value is None:
            content["fields"].pop(key, None)
        else:
            content["fields"][key] = value
    records.store(version, content)
    db.session.flush()


# --- M0001 ----------------------------------------------------------------------------

def test_an_approved_record_maps_to_m0001_with_codes_units_and_partial_dates(app, approved):
    with app.app_context():
        version = _version(approved)
        national_id = records.read_content(version)["fields"]["so_dinh_danh"]
        document = mapping.message_for(version, "ADD")
        header = document["Data"]["Header"]
        record = document["Data"]["Body"]["HOSO_CBCCVC"]
        # the managing unit sends: canhan works in Sở Giáo dục, managed by UBND tỉnh
        assert header == {"Sender_Code": "H44", "Action_Type": "ADD"}
        assert list(record) == ["THONGTINCHUNG", "TUYENDUNG_QT_CONGTAC", "LUONG_PHUCAP_CHUCVU",
                                "DAOTAO_BOIDUONG", "THONGTIN_KHAC",
                                "DS_KETQUA_DANHGIA_PHANLOAI"]
        general = record["THONGTINCHUNG"]
        # NĐ 27/2026 (the overlay every profile has): the key is the số định danh cá nhân
        assert general["SoHieuCBCCVC_BNDP"] == national_id == mapping.record_key(version)
        assert (general["MaDonviSuDung"], general["MaDonViQuanLy"]) == ("H44.02", "H44")
        assert (general["HoVaTen"], general["PhanLoaiHoSo"], general["GioiTinh"],
                general["DanToc"], general["TonGiao"]) == (
            "Nguyễn Thị Hằng", "vien_chuc", "nu", "01", "00")
        assert (general["NgaySinh"], general["SoHieuCBCCVC"]) == ("19850905", "SH-0042")
        career = record["TUYENDUNG_QT_CONGTAC"]
        assert career["NgayTuyenDung"] == "20080901"
        assert career["ViTriTuyenDung"] is None      # not held by the form: sent empty
        # partial dates stay partial: yyyymm, yyyy, yyyymmdd
        assert [(row["TuNgay"], row["DenNgay"]) for row in career["DS_QUATRINH_CONGTAC"]] == [
            ("200809", "2015"), ("20150901", None)]
        pay = record["LUONG_PHUCAP_CHUCVU"]
        assert (pay["MaNgachChucDanh"], pay["BacLuong"], pay["ChucVuDang"]) == (
            "01.003", "3", "BI_THU_CHI_BO")
        assert pay["DS_QUATRINH_PHUCAP"][0]["LoaiPhuCap"] == "CHUC_VU"
        assert pay["DS_QUATRINH_PHUCAP"][0]["HinhThucHuong"] == "he_so"
        assert pay["DS_QUATRINH_LUONG"][0]["Ngach"] == "01.003"
        training = record["DAOTAO_BOIDUONG"]
        assert (training["TrinhDoChuyenMon"], training["HocVi"], training["ChucDanhKhoaHoc"],
                training["LyLuanChinhTri"], training["NamPhongChucDanhKhoaHoc"]) == (
            "THS", "THS", "pgs", "TC", "2020")
        assert training["DS_TINHOC"][0]["TrinhDo"] == "CNTT_CB"
        assert training["DS_NGOAINGU"][0]["TrinhDo"] == "TA_CC"
        assert [row["LoaiDaoTaoBoiDuong"] for row in
                training["DS_QUATRINH_DAOTAO_BOIDUONG"]] == ["LY_LUAN_CHINH_TRI"]
        other = record["THONGTIN_KHAC"]
        assert (other["NgayVaoDang"], other["NgayThamGiaToChucCTXH"],
                other["NgayNhapNgu"]) == ("20100519", "200103", "2003")
        assert [row["HoVaTen"] for row in other["DS_QUANHE_GIADINH"]] == ["Trần Thị Lan"]
        assert [(row["Nam"], row["KetQuaDanhGia"]) for row in
                record["DS_KETQUA_DANHGIA_PHANLOAI"]] == [("2024", "HTTNV"),
                                                         ("2025", "HTXSNV")]


def test_a_part_message_carries_its_section_and_the_records_identity(app, approved):
    with app.app_context():
        version = _version(approved)
        document = mapping.message_for(version, "EDIT", "M0006")
        body = document["Data"]["Body"]["HOSO_CBCCVC"]
        assert list(body) == ["THONGTINCHUNG", "DS_KETQUA_DANHGIA_PHANLOAI"]
        assert list(body["THONGTINCHUNG"]) == list(mapping.IDENTIFYING)
        deletion = mapping.message_for(version, "DEL")["Data"]["Body"]["HOSO_CBCCVC"]
        assert list(deletion) == ["THONGTINCHUNG"]
        # the parts take EDIT and DEL only
        with pytest.raises(mapping.MappingError):
            mapping.message_for(version, "ADD", "M0003")


def test_a_configured_code_map_translates_our_codes(app, approved):
    with app.app_context():
        app.config["SYNC_CODE_MAPS"] = {"giới tính": {"nam": "1", "nu": "2"}}
        try:
            general = mapping.message_for(_version(approved), "EDIT")["Data"]["Body"][
                "HOSO_CBCCVC"]["THONGTINCHUNG"]
            assert general["GioiTinh"] == "2"
            assert general["DanToc"] == "01"     # a list without a map: our code
        finally:
            app.config.pop("SYNC_CODE_MAPS")


def test_the_envelope_round_trips_utf8_json_in_base64():
    document = {"Data": {"Header": {"Sender_Code": "H44", "Action_Type": "ADD"},
                         "Body": {"HOSO_CBCCVC": {"THONGTINCHUNG": {"HoVaTen": "Đỗ Văn Cường"}}}}}
    body = mapping.envelope("H44", document)
    assert set(body) == {"org_Code", "jsonContent"} and body["org_Code"] == "H44"
    assert json.loads(base64.b64decode(body["jsonContent"]).decode("utf-8")) == document
    assert "Đỗ Văn Cường" in base64.b64decode(body["jsonContent"]).decode("utf-8")
    assert mapping.open_envelope(body) == document


# --- which message a change needs -------------------------------------------------------

def _content(fields=None, tables=None):
    return {"schema": 1, "fields": dict(fields or {}), "tables": dict(tables or {})}


BASE = _content({"ho_ten": "Nguyễn Thị Hằng", "dan_toc": "01", "so_dinh_danh": "001085012345",
                 "ma_ngach": "01.003", "ngay_vao_dang": "2010"},
                {"danh_gia_khen_thuong": [{"_id": "e1", "nam": "2024"}]})


@pytest.mark.parametrize("fields, tables, expected", [
    ({"ma_ngach": "01.002"}, {}, ["M0003"]),
    ({"ngay_tuyen_dung": "2008-09-01"}, {}, ["M0002"]),
    ({}, {"tin_hoc": [{"_id": "x", "tu": "2016", "co_so": "ĐH"}]}, ["M0004"]),
    ({"ngay_vao_dang": "2011"}, {}, ["M0005"]),
    ({}, {"danh_gia_khen_thuong": [{"_id": "e1", "nam": "2025"}]}, ["M0006"]),
    ({"ma_ngach": "01.002", "ngay_vao_dang": "2011"}, {}, ["M0003", "M0005"]),
    # THONGTINCHUNG changed: the whole record
    ({"dan_toc": "02", "ma_ngach": "01.002"}, {}, ["M0001"]),
    ({"so_dinh_danh": "001085099999"}, {}, ["M0001"]),
    # item 34 is not in the contract: nothing to send
    ({"lich_su_bi_bat": "Không"}, {}, []),
])
def test_a_change_touches_the_parts_whose_fields_changed(fields, tables, expected, app):
    after = _content(dict(BASE["fields"], **fields), dict(BASE["tables"], **tables))
    with app.app_context():
        assert mapping.parts_changed(BASE, after) == expected


def test_a_first_record_or_a_move_is_a_whole_record(app):
    with app.app_context():
        assert mapping.parts_changed(None, BASE) == ["M0001"]
        assert mapping.parts_changed(records.empty_content(), BASE) == ["M0001"]
        assert mapping.parts_changed(BASE, BASE, units_before=("H44.02", "H44"),
                                     units_after=("H44.03", "H44")) == ["M0001"]
        assert mapping.parts_changed(BASE, BASE) == []


# --- the table against the contract -----------------------------------------------------

def _contract():
    with open(CONTRACT, encoding="utf-8") as handle:
        return handle.read()


def _document_block(text):
    section = text.split("## The M0001 document", 1)[1]
    return section.split("```", 2)[1]


def _code_lists(text):
    rejects = text.split("## What the receiver rejects", 1)[1].split("\n## ", 1)[0]
    flat = " ".join(rejects.split())
    listed = re.search(r"any coded value outside its catalogs: (.*?);", flat).group(1)
    return [name.strip() for name in listed.split(",")]


def _table_names():
    names = {section.name for section in mapping.SECTIONS}
    for section, listing, rule in mapping.all_rules():
        names.add(rule.name)
        if listing is not None:
            names.add(listing.name)
    return names


def test_every_section_and_field_the_contract_shows_is_in_the_table():
    block = _document_block(_contract())
    shown = set(re.findall(r'"([A-Za-z_]+)"', block))
    structure = {"Data", "Header", "Body", "HOSO_CBCCVC"} | set(mapping.HEADER_FIELDS)
    assert shown - structure - _table_names() == set()
    # the six sections, each carried alone by its message
    # (HOSO_CBCCVC's keys are the block's lines indented by four spaces)
    sections = re.findall(r'^    "([A-Z][A-Z_]+)":', block, re.M)
    assert sections == [section.name for section in mapping.SECTIONS]
    assert [section.message for section in mapping.SECTIONS] == [
        "M0001", "M0002", "M0003", "M0004", "M0005", "M0006"]
    # what the table calls documented is what the contract shows
    documented = {rule.name for _s, _l, rule in mapping.all_rules() if rule.documented}
    assert documented - shown == set()
    # the messages of the contract's table, with the actions it allows
    messages = re.findall(r"^\| (M000\d) \|", _contract(), re.M)
    assert tuple(messages) == mapping.MESSAGES
    assert mapping.ACTIONS["M0001"] == ("ADD", "EDIT", "DEL")
    assert all(mapping.ACTIONS[part] == ("EDIT", "DEL") for part in mapping.PART_MESSAGES)


def test_every_code_list_the_receiver_checks_is_in_the_table_with_our_catalog():
    listed = _code_lists(_contract())
    assert len(listed) == 26 and "dân tộc" in listed and "quốc phòng an ninh" in listed
    declared = mapping.code_lists()
    assert [name for name in listed if name not in declared] == []
    for name, catalog in declared.items():
        if catalog is None:
            # not held as codes by our form: every field of that list is sent empty
            assert all(rule.source is None for _s, _l, rule in mapping.all_rules()
                       if rule.code_list == name), name
        elif catalog.startswith(("choice:", "org:", "steps:")):
            continue
        else:
            assert set(catalog.split("+")) <= set(shipped_names()), (name, catalog)


def test_the_evaluation_levels_read_from_the_record_are_the_catalogs_codes():
    """Item 35.1's words give a code of the shipped ket_qua_danh_gia catalog, each level
    told apart from the ones its words contain ("hoàn thành" in "không hoàn thành")."""
    shipped = {entry["code"] for entry in shipped_catalog("ket_qua_danh_gia")["entries"]}
    assert {code for code, _words in mapping.EVALUATION_WORDS} == shipped
    for words, code in (("Hoàn thành xuất sắc nhiệm vụ", "HTXSNV"),
                        ("Hoàn thành tốt nhiệm vụ", "HTTNV"),
                        ("Hoàn thành nhiệm vụ", "HTNV"),
                        ("Không hoàn thành nhiệm vụ", "KHTNV")):
        assert mapping.evaluation_result({"xep_loai_chuyen_mon": words}) == code, words


# --- validation -------------------------------------------------------------------------

def test_a_complete_approved_record_would_be_accepted(app, approved):
    with app.app_context():
        assert validate.problems(_version(approved)) == []
        assert validate.problems_many([_version(approved)]) == {approved: []}


def test_a_code_outside_its_catalog_is_blocked_with_the_item_named(app, approved):
    with app.app_context():
        version = _version(approved)
        _rewrite(version, dan_toc="99", ma_ngach="99.999")
        found = validate.problems(version)
        assert [(p.field, str(p)) for p in found] == [
            ("THONGTINCHUNG.DanToc", "Mục 6 Dân tộc: mã 99 không có trong danh mục dân tộc"),
            ("LUONG_PHUCAP_CHUCVU.MaNgachChucDanh",
             "Mục 30.1 Mã số: mã 99.999 không có trong danh mục mã ngạch/chức danh"),
        ]


def test_an_empty_name_and_a_bad_date_are_blocked(app, approved):
    with app.app_context():
        version = _version(approved)
        _rewrite(version, ho_ten=None, ngay_vao_dang="2010-13-40")
        found = {p.field: p for p in validate.problems(version)}
        assert set(found) == {"THONGTINCHUNG.HoVaTen", "THONGTIN_KHAC.NgayVaoDang"}
        assert str(found["THONGTINCHUNG.HoVaTen"]) == (
            "Mục 1 Họ và tên khai sinh: bắt buộc đối với CSDL quốc gia nhưng đang để trống")
        assert str(found["THONGTIN_KHAC.NgayVaoDang"]) == (
            "Mục 15 Ngày vào Đảng Cộng sản Việt Nam: không phải ngày dạng yyyy, yyyymm "
            "hoặc yyyymmdd")


def test_a_bad_date_in_a_table_row_names_the_row(app, approved):
    with app.app_context():
        version = _version(approved)
        content = records.read_content(version)
        content["tables"]["qua_trinh_cong_tac"][1]["tu"] = "15/09/2015"
        records.store(version, content)
        found = validate.problems(version)
        assert [(p.field, p.label_vi) for p in found] == [(
            "TUYENDUNG_QT_CONGTAC.DS_QUATRINH_CONGTAC[1].TuNgay",
            "Mục 33 Tóm tắt quá trình công tác, dòng 2, Từ (tháng/năm)")]


def test_a_unit_without_a_code_or_with_a_legacy_code_blocks(app, province, approved):
    with app.app_context():
        db.session.get(Unit, province.units["A"]).code = None
        db.session.get(Unit, province.units["root"]).code = "000.00.00.H44"
        db.session.flush()
        found = {p.field: p for p in validate.problems(_version(approved))}
        assert set(found) == {"THONGTINCHUNG.MaDonviSuDung", "THONGTINCHUNG.MaDonViQuanLy"}
        assert str(found["THONGTINCHUNG.MaDonviSuDung"]) == (
            "Cơ quan, đơn vị sử dụng cán bộ, công chức, viên chức: đơn vị Sở Giáo dục chưa có "
            "mã định danh")
        assert "QĐ 20/2020/QĐ-TTg" in found["THONGTINCHUNG.MaDonViQuanLy"].message_vi
        db.session.rollback()


def test_a_missing_or_malformed_record_key_blocks_without_repeating_it(app, approved):
    with app.app_context():
        version = _version(approved)
        _rewrite(version, so_dinh_danh="12345")
        found = validate.problems(version)
        assert [p.field for p in found] == ["THONGTINCHUNG.SoHieuCBCCVC_BNDP"]
        assert "12345" not in str(found[0])
        assert str(found[0]) == "Mã số định danh: số định danh cá nhân phải gồm 12 chữ số"
        _rewrite(version, so_dinh_danh=None)
        assert [p.field for p in validate.problems(version)] == [
            "THONGTINCHUNG.SoHieuCBCCVC_BNDP"]
        with pytest.raises(mapping.MappingError):
            mapping.record_key(version)


def test_an_unrecognised_rating_and_an_unmapped_code_block(app, approved):
    with app.app_context():
        version = _version(approved)
        content = records.read_content(version)
        content["tables"]["danh_gia_khen_thuong"][0]["xep_loai_chuyen_mon"] = "Loại A"
        records.store(version, content)
        app.config["SYNC_CODE_MAPS"] = {"giới tính": {"nam": "1"}}
        try:
            found = [str(p) for p in validate.problems(version)]
        finally:
            app.config.pop("SYNC_CODE_MAPS")
        assert found == [
            "Mục 1 Giới tính: mã nu chưa có mã tương ứng của CSDL quốc gia trong danh mục "
            "giới tính",
            "Mục 35.1 Khen thưởng, dòng 1, Xếp loại chuyên môn: «Loại A» không ứng với mức "
            "nào của danh mục kết quả đánh giá"]


def test_a_batch_reads_each_catalog_once(app, approved, monkeypatch):
    from app.catalogs import services as catalogs

    read = []
    original = catalogs.entries
    monkeypatch.setattr(catalogs, "entries",
                        lambda name, **kw: read.append(name) or original(name, **kw))
    with app.app_context():
        version = _version(approved)
        assert validate.problems_many([version] * 5) == {approved: []}
        assert len(read) == len(set(read))


def test_without_the_nd27_overlay_the_key_is_the_so_hieu(make_app):
    plain = make_app(HOSO_OVERLAYS_OFF="nd27_2026")
    with plain.app_context():
        assert not mapping.keyed_by_national_id()
        assert mapping.key_field() == "so_hieu"
        assert mapping.key_of(_content({"so_hieu": " SH-1 ", "so_dinh_danh": "0" * 12})) == \
            "SH-1"
        # a change of the số hiệu is then a change of the record's identity
        assert mapping.parts_changed(_content({"so_hieu": "SH-1", "ho_ten": "A"}),
                                     _content({"so_hieu": "SH-2", "ho_ten": "A"})) == ["M0001"]
