"""An approved record version as the national database's messages (CSDLQG về CBCCVC).

The one place that knows the contract of ../shared/NATIONAL-SYNC.md (a copy is
tests/sync/NATIONAL-SYNC.md): message M0001 carries the whole record, M0002–M0006
one part each (recruitment and work history; salary, allowances and positions;
training, IT and languages; other information; evaluations).

``SECTIONS`` is the mapping as data: each contract field names our form key
(app/records/form.py), its converter and its code list (the contract's words)
with our catalog. ``app/sync/validate.py`` checks a record against the same table
before anything is queued; tests/sync/test_mapping.py checks the table against the
contract. Field names the public sources show are marked ``documented``; the others
are ours, in the contract's style, until QĐ 356/QĐ-BNV's packet specification is
read. A code list our form does not hold as codes (nước đào tạo, xếp loại tốt
nghiệp …) has a row with no source: the field is sent empty, never as free text the
receiver would refuse.

Codes are sent as our catalogs hold them unless ``SYNC_CODE_MAPS`` (configuration:
{code list: {our code: national code}}) maps them. The số định danh cá nhân is in
the sensitive, encrypted part of a version: it is read here and put in the message,
never logged, never in an exception's text.
"""
import base64
import json
from dataclasses import dataclass

from flask import current_app

from app.approval.authority import employing_unit
from app.core.text import fold
from app.policy.profiles import active_profile
from app.records import form
from app.records import services as records
from app.records.models import APPROVED

M0001, M0002, M0003, M0004, M0005, M0006 = (
    "M0001", "M0002", "M0003", "M0004", "M0005", "M0006")
MESSAGES = (M0001, M0002, M0003, M0004, M0005, M0006)
PART_MESSAGES = MESSAGES[1:]
ADD, EDIT, DEL = "ADD", "EDIT", "DEL"
# NATIONAL-SYNC.md "More public facts": M0001 takes all three, the parts EDIT and DEL
ACTIONS = {M0001: (ADD, EDIT, DEL), **{part: (EDIT, DEL) for part in PART_MESSAGES}}
# the overlay under which the record key is the số định danh cá nhân
ND27_OVERLAY = "nd27_2026"

# converters
TEXT, DATE, CODE, NUMBER, KEY, UNIT = "text", "date", "code", "number", "key", "unit"
# sources that are not a form key: the record key, the units, the person's category
SRC_KEY, SRC_USING, SRC_MANAGING, SRC_CATEGORY = "@key", "@using_unit", "@managing_unit", \
    "@category"
# the person's working status (app/org: đang công tác, nghỉ hưu, chuyển công tác …): not in
# the public contract, sent so a leaver's record says so instead of being deleted
SRC_STATUS = "@status"
# derived from a table's texts (the highest level the rows name; see DERIVED)
SRC_LLCT, SRC_QLNN = "@ly_luan_chinh_tri", "@quan_ly_nha_nuoc"
# a column read per row whose text names a level (see DERIVED)
ROW_IT, ROW_LANGUAGE, ROW_EVALUATION = "@row_tin_hoc", "@row_ngoai_ngu", "@row_danh_gia"


class MappingError(ValueError):
    """The version cannot be mapped (not approved, no record key, a wrong action).
    Its text never holds a value of the record."""


@dataclass(frozen=True)
class Rule:
    """One contract field: where its value comes from and how it is checked."""
    name: str                 # the contract's field name
    source: object = None     # our form key (a column key in a list), a tuple of
    #                           alternatives, an @-source above, or None: not held
    convert: str = TEXT
    code_list: str = None     # the contract's code list, as NATIONAL-SYNC.md names it
    catalog: str = None       # ours: a catalog name ("a+b": either), "choice:<key>",
    #                           "org:categories", "steps:<grade key>"
    documented: bool = False  # the public sources show this name
    required: bool = False


@dataclass(frozen=True)
class ListOf:
    """A list of the contract filled from rows of our tables."""
    name: str
    tables: tuple             # our tables, in order; several feed one list
    rules: tuple
    kind: str = None          # a field naming which table a row came from
    kinds: tuple = ()         # (table, value) for ``kind``
    documented: bool = False


@dataclass(frozen=True)
class Section:
    name: str
    message: str              # the message that carries this part alone
    rules: tuple = ()
    lists: tuple = ()
    rows: ListOf = None       # a section that is itself a list (DS_KETQUA_…)
    documented: bool = True


R = Rule


def _period(documented=False):
    return (R("TuNgay", "tu", DATE, documented=documented),
            R("DenNgay", "den", DATE, documented=documented))


THONGTINCHUNG = Section("THONGTINCHUNG", M0001, rules=(
    R("SoHieuCBCCVC_BNDP", SRC_KEY, KEY, documented=True, required=True),
    R("MaDonviSuDung", SRC_USING, UNIT, documented=True, required=True),
    R("MaDonViQuanLy", SRC_MANAGING, UNIT, documented=True, required=True),
    R("HoVaTen", "ho_ten", documented=True, required=True),
    R("PhanLoaiHoSo", SRC_CATEGORY, CODE, "đối tượng", "org:categories", documented=True),
    R("GioiTinh", "gioi_tinh", CODE, "giới tính", "choice:gioi_tinh", documented=True),
    R("DanToc", "dan_toc", CODE, "dân tộc", "dan_toc", documented=True),
    R("TonGiao", "ton_giao", CODE, "tôn giáo", "ton_giao", documented=True),
    R("SoHieuCBCCVC", "so_hieu"),
    R("SoDinhDanhCaNhan", "so_dinh_danh"),
    R("TenCoQuanQuanLy", "co_quan_quan_ly"),
    R("TenDonViSuDung", "co_quan_su_dung"),
    R("TenGoiKhac", "ten_khac"),
    R("NgaySinh", "ngay_sinh", DATE),
    R("NoiSinh", "noi_sinh"),
    R("QueQuan_Xa", "que_quan_xa"),
    R("QueQuan_Tinh", "que_quan_tinh", CODE, "tỉnh, thành phố", "tinh_thanh"),
    R("SoCCCD", "so_cccd"),
    R("NgayCapCCCD", "ngay_cap_cccd", DATE),
    R("SoDienThoai", "dien_thoai"),
    R("Email", "email"),
    R("SoBHXH", "so_bhxh"),
    R("SoTheBHYT", "so_bhyt"),
    R("NoiOHienNay", "noi_o"),
    R("TinhTrangCongTac", SRC_STATUS),
))

TUYENDUNG_QT_CONGTAC = Section("TUYENDUNG_QT_CONGTAC", M0002, rules=(
    # our form holds the recruiting body and date, not a coded recruitment position
    R("ViTriTuyenDung", None, CODE, "vị trí tuyển dụng", documented=True),
    R("NgheNghiepTruocTuyenDung", "nghe_truoc_tuyen_dung"),
    R("NgayTuyenDung", "ngay_tuyen_dung", DATE),
    R("CoQuanTuyenDung", "co_quan_tuyen_dung"),
    R("NgayVaoCoQuanHienNay", "ngay_vao_co_quan", DATE),
    R("CongViecChinhDuocGiao", "cong_viec_chinh"),
), lists=(
    ListOf("DS_QUATRINH_CONGTAC", ("qua_trinh_cong_tac",), _period(documented=True) + (
        R("DonViCongTac", "don_vi"),
        R("ChucDanhChucVu", "chuc_danh"),
    ), documented=True),
))

GRADES = "ngach+chuc_danh_nghe_nghiep"
LUONG_PHUCAP_CHUCVU = Section("LUONG_PHUCAP_CHUCVU", M0003, rules=(
    R("MaNgachChucDanh", "ma_ngach", CODE, "mã ngạch/chức danh", GRADES, documented=True),
    R("TenNgachChucDanh", "ngach"),
    R("NgayBoNhiemNgach", "ngay_bo_nhiem_ngach", DATE),
    R("BacLuong", "bac_luong", CODE, "bậc lương", "steps:ma_ngach", documented=True),
    R("HeSoLuong", "he_so_luong", NUMBER),
    R("NgayHuongLuong", "ngay_huong_luong", DATE),
    R("PhanTramHuong", "phan_tram_huong", NUMBER),
    R("PhuCapThamNienVuotKhung", "pctnvk", NUMBER),
    R("NgayHuongPCTNVK", "ngay_huong_pctnvk", DATE),
    R("PhuCapChucVu", "phu_cap_chuc_vu", NUMBER),
    R("PhuCapKiemNhiem", "phu_cap_kiem_nhiem", NUMBER),
    R("PhuCapKhac", "phu_cap_khac"),
    R("ViTriViecLam", "vi_tri_viec_lam"),
    R("MaViTriViecLam", "ma_vi_tri_viec_lam"),
    R("BacLuongViTriViecLam", "bac_luong_vtvl", NUMBER),
    R("LuongTheoMucTien", "luong_theo_muc_tien", NUMBER),
    R("NgayHuongLuongViTriViecLam", "ngay_huong_vtvl", DATE),
    R("PhanTramHuongViTriViecLam", "phan_tram_huong_vtvl", NUMBER),
    R("PhuCapThamNienVuotKhungViTriViecLam", "pctnvk_vtvl", NUMBER),
    R("NgayHuongPCTNVKViTriViecLam", "ngay_huong_pctnvk_vtvl", DATE),
    R("ChucVu", "chuc_vu", CODE, "chức vụ/chức danh kiêm nhiệm", "chuc_vu", documented=True),
    R("NgayBoNhiem", "ngay_bo_nhiem", DATE),
    R("NgayBoNhiemLai", "ngay_bo_nhiem_lai", DATE),
    R("ChucVuChucDanhKiemNhiem", "chuc_vu_kiem_nhiem", CODE, "chức vụ/chức danh kiêm nhiệm",
      "chuc_vu", documented=True),
    R("ChucVuDang", "chuc_vu_dang", CODE, "chức vụ Đảng", "chuc_vu_dang"),
    R("ChucVuDangKiemNhiem", "chuc_vu_dang_kiem_nhiem", CODE, "chức vụ Đảng", "chuc_vu_dang"),
    R("QuyHoachChucDanh", "quy_hoach"),
), lists=(
    ListOf("DS_QUATRINH_PHUCAP", ("cac_loai_phu_cap",), _period() + (
        R("LoaiPhuCap", "loai_phu_cap", CODE, "loại phụ cấp", "loai_phu_cap", documented=True),
        R("HinhThucHuong", "hinh_thuc_huong", CODE, "hình thức hưởng phụ cấp",
          "choice:cac_loai_phu_cap.hinh_thuc_huong", documented=True),
        R("PhanTramHuong", "phan_tram", NUMBER),
        R("HeSo", "he_so", NUMBER),
        R("GiaTri", "gia_tri", NUMBER),
    ), documented=True),
    ListOf("DS_QUATRINH_LUONG", ("dien_bien_luong",), _period() + (
        R("Ngach", "ma_so", CODE, "mã ngạch/chức danh", GRADES, documented=True),
        R("BacLuong", "bac_luong", CODE, "bậc lương", "steps:ma_so", documented=True),
        R("HeSoLuong", "he_so_luong", NUMBER),
        R("TienLuongTheoViTriViecLam", "tien_luong_vtvl", NUMBER),
    ), documented=True),
))

DAOTAO_BOIDUONG = Section("DAOTAO_BOIDUONG", M0004, rules=(
    R("GiaoDucPhoThong", "giao_duc_pho_thong", CODE, "giáo dục phổ thông",
      "giao_duc_pho_thong"),
    R("TrinhDoChuyenMon", "trinh_do_chuyen_mon", CODE, "trình độ chuyên môn",
      "trinh_do_chuyen_mon"),
    R("HocVi", "trinh_do_chuyen_mon", "degree", "học vị", "trinh_do_chuyen_mon"),
    R("ChuyenNganhDaoTao", None, CODE, "chuyên ngành đào tạo"),
    R("TenChuyenNganhDaoTao", "chuyen_nganh"),
    R("ChucDanhKhoaHoc", "hoc_ham", CODE, "chức danh khoa học", "choice:hoc_ham"),
    R("NamPhongChucDanhKhoaHoc", "nam_phong_hoc_ham", DATE),
    R("LyLuanChinhTri", SRC_LLCT, CODE, "lý luận chính trị", "ly_luan_chinh_tri"),
    R("QuanLyNhaNuoc", SRC_QLNN, CODE, "quản lý nhà nước", "quan_ly_nha_nuoc"),
    R("QuocPhongAnNinh", None, CODE, "quốc phòng an ninh"),
), lists=(
    ListOf("DS_TINHOC", ("tin_hoc",), (
        R("TrinhDo", ROW_IT, CODE, "trình độ tin học", "tin_hoc", documented=True),
    ) + _period() + (R("CoSoDaoTao", "co_so"), R("ChungChi", "chung_chi")), documented=True),
    ListOf("DS_NGOAINGU", ("ngoai_ngu",), (
        R("NgoaiNgu", None, CODE, "ngoại ngữ"),
        R("TiengDanToc", None, CODE, "tiếng dân tộc"),
        R("TenNgoaiNgu", "ngon_ngu"),
        R("TrinhDo", ROW_LANGUAGE, CODE, "trình độ ngoại ngữ", "ngoai_ngu"),
    ) + _period() + (R("CoSoDaoTao", "co_so"), R("ChungChi", "chung_chi"),
                     R("DiemSo", "diem_so")), documented=True),
    ListOf("DS_QUATRINH_DAOTAO_BOIDUONG",
           ("dao_tao_chuyen_mon", "ly_luan_chinh_tri", "boi_duong_qlnn", "boi_duong_qpan"),
           _period() + (
               R("CoSoDaoTao", "co_so"),
               R("TenChuyenNganhDaoTao", "chuyen_nganh"),
               R("HinhThucDaoTao", "hinh_thuc"),
               R("VanBangChungChi", ("van_bang", "chung_chi")),
               R("NuocDaoTao", None, CODE, "nước đào tạo"),
               R("XepLoaiTotNghiep", None, CODE, "xếp loại tốt nghiệp"),
           ), kind="LoaiDaoTaoBoiDuong",
           kinds=(("dao_tao_chuyen_mon", "CHUYEN_MON"), ("ly_luan_chinh_tri", "LY_LUAN_CHINH_TRI"),
                  ("boi_duong_qlnn", "QUAN_LY_NHA_NUOC"), ("boi_duong_qpan", "QUOC_PHONG_AN_NINH")),
           documented=True),
))

THONGTIN_KHAC = Section("THONGTIN_KHAC", M0005, rules=(
    R("ThanhPhanGiaDinh", "thanh_phan_gia_dinh"),
    R("DoiTuongChinhSach", "doi_tuong_chinh_sach"),
    R("NgayVaoDang", "ngay_vao_dang", DATE),
    R("NgayChinhThuc", "ngay_chinh_thuc", DATE),
    R("NgayThamGiaToChucCTXH", "ngay_tham_gia_to_chuc", DATE),
    R("ToChucCTXH", "to_chuc_dau_tien"),
    R("NgayNhapNgu", "ngay_nhap_ngu", DATE),
    R("NgayXuatNgu", "ngay_xuat_ngu", DATE),
    R("QuanHamCaoNhat", "quan_ham"),
    R("DanhHieuNhaNuoc", "danh_hieu"),
    R("SoTruongCongTac", "so_truong"),
    R("CongViecLauNhat", "cong_viec_lau_nhat"),
    R("TinhTrangSucKhoe", "suc_khoe"),
    R("ChieuCao", "chieu_cao", NUMBER),
    R("CanNang", "can_nang", NUMBER),
    R("NhomMau", "nhom_mau"),
    R("NhanXetDanhGia", "nhan_xet"),
), lists=(
    ListOf("DS_KYLUAT", ("ky_luat",), _period() + (
        R("HinhThuc", "hinh_thuc"), R("HanhViViPham", "hanh_vi"),
        R("CoQuanQuyetDinh", "co_quan_quyet_dinh"))),
    ListOf("DS_QUANHE_GIADINH", ("gia_dinh_ban_than", "gia_dinh_ben_vo_chong"), (
        R("MoiQuanHe", "quan_he"), R("HoVaTen", "ho_ten"), R("NamSinh", "nam_sinh", DATE),
        R("ThongTin", "thong_tin")),
        kind="Ben", kinds=(("gia_dinh_ban_than", "BAN_THAN"),
                           ("gia_dinh_ben_vo_chong", "BEN_VO_CHONG"))),
))

DS_KETQUA_DANHGIA_PHANLOAI = Section("DS_KETQUA_DANHGIA_PHANLOAI", M0006, rows=ListOf(
    "DS_KETQUA_DANHGIA_PHANLOAI", ("danh_gia_khen_thuong",), (
        R("Nam", "nam", DATE),
        R("KetQuaDanhGia", ROW_EVALUATION, CODE, "kết quả đánh giá", "ket_qua_danh_gia"),
        R("XepLoaiChuyenMon", "xep_loai_chuyen_mon"),
        R("XepLoaiThiDua", "xep_loai_thi_dua"),
        R("HinhThucKhenThuong", "hinh_thuc_khen_thuong")), documented=True))

SECTIONS = (THONGTINCHUNG, TUYENDUNG_QT_CONGTAC, LUONG_PHUCAP_CHUCVU, DAOTAO_BOIDUONG,
            THONGTIN_KHAC, DS_KETQUA_DANHGIA_PHANLOAI)
SECTION_OF = {section.message: section for section in SECTIONS}
HEADER_FIELDS = ("Sender_Code", "Action_Type")
# THONGTINCHUNG's fields a part message repeats, so the receiver finds the record
IDENTIFYING = ("SoHieuCBCCVC_BNDP", "MaDonviSuDung", "MaDonViQuanLy", "HoVaTen")

# the level words of items 32.2, 32.3, 32.5, 32.6 and 35.1 (folded), highest first: the
# same reading as the reports' facts (app/reports/facts.py, a layer this one cannot import)
DERIVED = {
    SRC_LLCT: ("ly_luan_chinh_tri", "van_bang", (
        ("CN", ("cu nhan",)), ("CC", ("cao cap",)), ("TC", ("trung cap",)),
        ("SC", ("so cap",)))),
    SRC_QLNN: ("boi_duong_qlnn", "chung_chi", (
        ("CVCC", ("chuyen vien cao cap",)), ("CVC", ("chuyen vien chinh",)),
        ("CV", ("chuyen vien",)), ("CS", ("can su",)))),
}
IT_LEVELS = (("TCTL", ("trung cap", "cao dang", "dai hoc", "ky su", "cu nhan", "thac si")),
             ("CNTT_NC", ("nang cao",)), ("CNTT_CB", ("co ban",)))
# the levels of the ket_qua_danh_gia catalog (NĐ 90/2020/NĐ-CP), matched on the folded words
# of item 35.1's "Xếp loại chuyên môn" (the longer phrases first)
EVALUATION_WORDS = (("HTXSNV", ("hoan thanh xuat sac",)), ("HTTNV", ("hoan thanh tot",)),
                    ("KHTNV", ("khong hoan thanh",)), ("HTNV", ("hoan thanh",)))
DEGREE_WORDS = ("dai hoc", "cu nhan", "thac si", "tien si")
# the postgraduate levels of trinh_do_chuyen_mon, which are a học vị
DEGREES = ("TSKH", "TS", "THS")


def all_rules():
    """(section, list or None, rule) for every contract field of the table."""
    for section in SECTIONS:
        for rule in section.rules:
            yield section, None, rule
        for listing in section.lists + ((section.rows,) if section.rows else ()):
            for rule in listing.rules:
                yield section, listing, rule


def code_lists():
    """{contract code list: our catalog or None} as the table declares them."""
    found = {}
    for _section, _listing, rule in all_rules():
        if rule.code_list:
            found.setdefault(rule.code_list, rule.catalog)
    return found


# --- reading a version ------------------------------------------------------------------

def _first_level(text, levels):
    text = fold(text)
    for code, words in levels:
        if any(word in text for word in words):
            return code
    return None


def _highest(rows, column, levels):
    found = {_first_level(row.get(column), levels) for row in rows or ()}
    return next((code for code, _words in levels if code in found), None)


def it_level(row):
    """The tin_hoc catalog's level a row of item 32.5 names ("Chứng chỉ" for any other)."""
    text = row.get("chung_chi")
    if not (text or "").strip():
        return None
    return _first_level(text, IT_LEVELS) or "CC"


def language_level(row):
    """The ngoai_ngu catalog's group a row of item 32.6 names (BM01's groups)."""
    language, certificate = fold(row.get("ngon_ngu")), fold(row.get("chung_chi"))
    if not certificate:
        return None
    if "dan toc" in language:
        return "TDT_CC"
    english = "anh" in language.split() or "english" in language
    degree = any(word in certificate for word in DEGREE_WORDS)
    return ("TA_" if english else "NNK_") + ("DH" if degree else "CC")


def evaluation_result(row):
    return _first_level(row.get("xep_loai_chuyen_mon"), EVALUATION_WORDS)


ROW_READERS = {ROW_IT: it_level, ROW_LANGUAGE: language_level,
               ROW_EVALUATION: evaluation_result}


def compact_date(canonical):
    """Our canonical ``yyyy``, ``yyyy-mm``, ``yyyy-mm-dd`` as the contract's ``yyyy``,
    ``yyyymm``, ``yyyymmdd``: a partial date stays partial."""
    return canonical.replace("-", "") if canonical else None


def keyed_by_national_id(app=None):
    """Whether the record key is the số định danh cá nhân: NĐ 27/2026/NĐ-CP (the
    nd27_2026 overlay, which every profile switches on) makes it the mã định danh of
    the electronic record; without the overlay it is the số hiệu CBCCVC."""
    return any(overlay["name"] == ND27_OVERLAY
               for overlay in active_profile(app)["active_overlays"])


def key_field():
    """The form's field that holds SoHieuCBCCVC_BNDP under the active profile."""
    return "so_dinh_danh" if keyed_by_national_id() else "so_hieu"


def key_of(content):
    """The record key in a content (already decrypted), or "" when it is empty."""
    return (content["fields"].get(key_field()) or "").strip()


def record_key(version):
    """SoHieuCBCCVC_BNDP of an approved version: its số định danh cá nhân (NĐ 27/2026),
    or its số hiệu without the overlay. Raises MappingError when the record has none."""
    key = key_of(records.read_content(version))
    if not key:
        raise MappingError("version %s has no record key (%s)" % (version.id, key_field()))
    return key


def using_unit(employee):
    """The person's employing unit (đơn vị sử dụng): the nearest open employing unit
    at or above the unit they work in (a phòng or bộ phận is no employing unit)."""
    return employing_unit(employee.unit)


def managing_unit(unit):
    """The unit managing the record (cơ quan quản lý): the employing unit above the
    person's employing unit, or that unit itself at the top of the tree."""
    if unit is None:
        return None
    return employing_unit(unit.parent) or unit


class Units:
    """The using and managing unit of each person's unit, each found once (a batch of
    thousands of versions climbs the tree once per unit)."""

    def __init__(self):
        self._by_unit = {}

    def of(self, employee):
        found = self._by_unit.get(employee.unit_id)
        if found is None:
            using = using_unit(employee)
            found = self._by_unit[employee.unit_id] = (using, managing_unit(using))
        return found


def code_maps(app=None):
    return (app or current_app).config.get("SYNC_CODE_MAPS") or {}


def national_code(rule, code, maps=None):
    """Our ``code`` as the national list's code (``SYNC_CODE_MAPS``), itself when the
    list has no map; None when the map lacks it (validation blocks such a record)."""
    mapping = (code_maps() if maps is None else maps).get(rule.code_list)
    if mapping is None:
        return code
    return mapping.get(code)


def raw_value(rule, content, row=None, extra=None):
    """Our stored value for ``rule``, before conversion."""
    source, extra = rule.source, extra or {}
    if source is None:
        return None
    if source in extra:
        return extra[source]
    if source in ROW_READERS:
        return ROW_READERS[source](row or {})
    if source in DERIVED:
        table, column, levels = DERIVED[source]
        return _highest(content["tables"].get(table), column, levels)
    values_ = row if row is not None else content["fields"]
    for key in (source if isinstance(source, tuple) else (source,)):
        value = values_.get(key)
        if value not in (None, ""):
            return value
    return None


def convert(rule, raw, maps=None):
    """The contract's value of one stored value."""
    if raw in (None, ""):
        return None
    if rule.convert == DATE:
        return compact_date(raw)
    if rule.convert == "degree":
        return national_code(rule, raw, maps) if raw in DEGREES else None
    if rule.convert == CODE:
        return national_code(rule, raw, maps)
    return str(raw).strip() if rule.convert == TEXT else raw


def _fill(rules, content, row, extra, maps):
    return {rule.name: convert(rule, raw_value(rule, content, row, extra), maps) for rule in rules}


def rows_of(listing, content):
    """(table, row) of every row feeding a list, in the tables' order."""
    for table in listing.tables:
        for row in content["tables"].get(table) or ():
            yield table, row


def _list(listing, content, extra, maps):
    kinds = dict(listing.kinds)
    result = []
    for table, row in rows_of(listing, content):
        entry = {listing.kind: kinds[table]} if listing.kind else {}
        entry.update(_fill(listing.rules, content, row, extra, maps))
        result.append(entry)
    return result


def section_document(section, content, extra, maps=None):
    """One section of HOSO_CBCCVC from a content (a list for DS_KETQUA_…)."""
    maps = code_maps() if maps is None else maps
    if section.rows is not None:
        return _list(section.rows, content, extra, maps)
    document = _fill(section.rules, content, None, extra, maps)
    for listing in section.lists:
        document[listing.name] = _list(listing, content, extra, maps)
    return document


def sources(version, content, units=None, sender_code=None):
    """The values that do not come from the form: key, unit codes, category, sender."""
    employee = version.employee
    using, managing = (units or Units()).of(employee)
    return {SRC_KEY: key_of(content), SRC_USING: using.code if using else None,
            SRC_MANAGING: managing.code if managing else None,
            SRC_CATEGORY: employee.category, SRC_STATUS: employee.status,
            "@sender": sender_code if sender_code is not None else (
                managing.code if managing else None)}


def message_for(version, action, part=M0001, *, sender_code=None, units=None):
    """The JSON document of message ``part`` for an approved ``version``.

    M0001 carries every section; M0002–M0006 the part's section with THONGTINCHUNG's
    identifying fields; DEL carries only those. ``sender_code``: the sending agency's
    code (Sender_Code, the envelope's org_Code), by default the managing unit's, which
    holds the national account (HN Điều 15: a phòng without an agency account is synced
    by the agency above); the outbox passes another where a profile says so."""
    if part not in ACTIONS:
        raise MappingError("unknown message %s" % part)
    if action not in ACTIONS[part]:
        raise MappingError("%s does not take %s" % (part, action))
    if version.status != APPROVED:
        raise MappingError("version %s is not approved" % version.id)
    content = records.read_content(version)
    extra = sources(version, content, units, sender_code)
    if not extra[SRC_KEY]:
        raise MappingError("version %s has no record key (%s)" % (version.id, key_field()))
    maps = code_maps()
    general = section_document(THONGTINCHUNG, content, extra, maps)
    body = {}
    if part == M0001 and action != DEL:
        for section in SECTIONS:
            body[section.name] = general if section is THONGTINCHUNG else \
                section_document(section, content, extra, maps)
    else:
        body[THONGTINCHUNG.name] = {name: general[name] for name in IDENTIFYING}
        if part != M0001 and action != DEL:
            section = SECTION_OF[part]
            body[section.name] = section_document(section, content, extra, maps)
    return {"Data": {"Header": {"Sender_Code": extra["@sender"], "Action_Type": action},
                     "Body": {"HOSO_CBCCVC": body}}}


def keys_of(section):
    """Our form's fields and tables a section reads."""
    keys = set()
    for rule in section.rules:
        if rule.source in DERIVED:
            keys.add(DERIVED[rule.source][0])
        elif isinstance(rule.source, tuple):
            keys.update(rule.source)
        elif rule.source and not rule.source.startswith("@"):
            keys.add(rule.source)
    for listing in section.lists + ((section.rows,) if section.rows else ()):
        keys.update(listing.tables)
    return keys


def _value(content, key):
    if content is None:
        return None
    if key in form.TABLES:
        return content.get("tables", {}).get(key) or []
    return content.get("fields", {}).get(key)


def parts_changed(before_content, after_content, *, units_before=None, units_after=None):
    """The messages a change from ``before_content`` to ``after_content`` needs: ["M0001"]
    for a first record (no content before) or when THONGTINCHUNG changed (the whole
    record is sent, which holds every part), else the parts among M0002–M0006 whose
    fields or tables changed, in order; [] when nothing the contract carries changed.
    ``units_*``: the (using, managing) unit codes, when the caller knows them (a move
    changes THONGTINCHUNG though no field of the form changed). The contents are whole,
    as ``records.read_content`` gives them: the số định danh is in the sensitive part."""
    if not before_content or not (before_content.get("fields") or before_content.get("tables")):
        return [M0001]
    key = key_field()

    def changed(section):
        names = keys_of(section) | ({key} if section is THONGTINCHUNG else set())
        return any(_value(before_content, name) != _value(after_content, name)
                   for name in names)

    if changed(THONGTINCHUNG) or (units_before is not None and units_before != units_after):
        return [M0001]
    return [section.message for section in SECTIONS[1:] if changed(section)]


def envelope(org_code, document):
    """The request body: ``{"org_Code", "jsonContent": base64 of the UTF-8 JSON}``."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return {"org_Code": org_code,
            "jsonContent": base64.b64encode(text.encode("utf-8")).decode("ascii")}


def open_envelope(body):
    """The document an envelope carries (the inverse of ``envelope``)."""
    return json.loads(base64.b64decode(body["jsonContent"]).decode("utf-8"))


# --- the national document back to our form (the pull on transfer-in) --------------------
#
# The inverse of the table above, for the rules whose source is a form key: the contract's
# dates back to our canonical ones, its codes back through the inverse of SYNC_CODE_MAPS,
# its lists back to our tables' rows. Nothing is guessed: a value that does not convert is
# listed (``Unmapped``) with the reason, never put in a field.

# why a national value has no place in our form
NOT_HELD = "not_held"          # the contract's field has no source in our form
BAD_DATE = "date"              # not yyyy, yyyymm or yyyymmdd (or no calendar day)
NO_CODE = "code"               # the code map has no code of ours for it
NO_COLUMN = "column"           # the row's table has no such column
NO_TABLE = "table"             # a list row whose kind names none of our tables
UNKNOWN_FIELD = "unknown"      # a field the contract's table does not name
BAD_SHAPE = "shape"            # a list where a value was expected, or the reverse


@dataclass(frozen=True)
class Unmapped:
    """A national value left out: where it stood in HOSO_CBCCVC, the value, and why."""
    where: str
    value: object
    reason: str


def expand_date(value):
    """The contract's ``yyyy``, ``yyyymm``, ``yyyymmdd`` as our canonical ``yyyy``,
    ``yyyy-mm``, ``yyyy-mm-dd`` (a partial date stays partial); None when it is none of
    those or names no day of the calendar."""
    import datetime

    text = str(value).strip()
    formats = {4: "%Y", 6: "%Y%m", 8: "%Y%m%d"}
    if not text.isdigit() or len(text) not in formats:
        return None
    try:
        datetime.datetime.strptime(text, formats[len(text)])
    except ValueError:
        return None
    return "-".join(part for part in (text[:4], text[4:6], text[6:8]) if part)


def our_code(rule, code, maps=None):
    """The national ``code`` of ``rule``'s list as our code: through the inverse of the
    list's ``SYNC_CODE_MAPS`` entry, itself when the list has no map; None when the map
    has no code of ours for it, or several (never a guess between them)."""
    mapping_ = (code_maps() if maps is None else maps).get(rule.code_list)
    if mapping_ is None:
        return code
    ours = [key for key, national in mapping_.items() if str(national) == str(code)]
    return ours[0] if len(ours) == 1 else None


def reverse_value(rule, value, maps=None):
    """(our canonical value or None, the reason it has none or None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, (dict, list)):
        return None, BAD_SHAPE
    if rule.convert == DATE:
        found = expand_date(value)
        return (found, None) if found else (None, BAD_DATE)
    if rule.convert == CODE:
        found = our_code(rule, str(value).strip(), maps)
        return (str(found), None) if found is not None else (None, NO_CODE)
    if rule.convert == NUMBER and isinstance(value, (int, float)) \
            and not isinstance(value, bool):
        return format(value, "g") if isinstance(value, float) else str(value), None
    return str(value).strip(), None


def readable_back(rule):
    """Whether the rule's source is our form's (a key, or alternatives for a list's
    column): the @-sources are the units, the key or values derived from other fields,
    and a học vị is read from the trình độ chuyên môn."""
    source = rule.source
    if rule.convert == "degree" or source is None:
        return False
    if isinstance(source, tuple):
        return True
    return not source.startswith("@")


def _column_for(rule, table):
    """Our column of ``table`` a list's rule fills, or None."""
    columns = {column.key for column in form.TABLES[table][0].columns}
    for key in (rule.source if isinstance(rule.source, tuple) else (rule.source,)):
        if key in columns:
            return key
    return None


def _reverse_rows(listing, rows, where, maps, tables, unmapped):
    if not isinstance(rows, list):
        if rows not in (None, ""):
            unmapped.append(Unmapped(where, rows, BAD_SHAPE))
        return
    by_kind = {value: table for table, value in listing.kinds}
    known = {rule.name for rule in listing.rules} | ({listing.kind} if listing.kind else set())
    for index, entry in enumerate(rows):
        at = "%s[%d]" % (where, index)
        if not isinstance(entry, dict):
            unmapped.append(Unmapped(at, entry, BAD_SHAPE))
            continue
        if listing.kind:
            kind = entry.get(listing.kind)
            # a list or an object where a kind is expected names no table (never a crash)
            table = by_kind.get(kind) if isinstance(kind, (str, int)) else None
            if table is None:
                unmapped.append(Unmapped("%s.%s" % (at, listing.kind), entry.get(listing.kind),
                                         NO_TABLE))
                continue
        else:
            table = listing.tables[0]
        row = {}
        for rule in listing.rules:
            value = entry.get(rule.name)
            if not readable_back(rule):
                if rule.source is None and value not in (None, ""):
                    unmapped.append(Unmapped("%s.%s" % (at, rule.name), value, NOT_HELD))
                continue
            ours, reason = reverse_value(rule, value, maps)
            if reason:
                unmapped.append(Unmapped("%s.%s" % (at, rule.name), value, reason))
                continue
            if ours is None:
                continue
            column = _column_for(rule, table)
            if column is None:
                unmapped.append(Unmapped("%s.%s" % (at, rule.name), value, NO_COLUMN))
            else:
                row.setdefault(column, ours)
        for name in sorted(set(entry) - known):
            if entry[name] not in (None, "", [], {}):
                unmapped.append(Unmapped("%s.%s" % (at, name), entry[name], UNKNOWN_FIELD))
        if row:
            tables.setdefault(table, []).append(row)


def reverse_document(hoso, maps=None):
    """Our form's content from a national record (the HOSO_CBCCVC object):
    ``{"fields": {key: canonical}, "tables": {key: [row]}, "unmapped": [Unmapped]}``.
    Rows carry no ``_id``: they are the national database's, not yet ours. The units,
    the key, the category and the values the contract derives from other fields are
    not read back (they are the sending province's, or follow from what is)."""
    maps = code_maps() if maps is None else maps
    fields, tables, unmapped = {}, {}, []
    hoso = hoso if isinstance(hoso, dict) else {}
    for section in SECTIONS:
        part = hoso.get(section.name)
        if part is None:
            continue
        if section.rows is not None:
            _reverse_rows(section.rows, part, section.name, maps, tables, unmapped)
            continue
        if not isinstance(part, dict):
            unmapped.append(Unmapped(section.name, part, BAD_SHAPE))
            continue
        for rule in section.rules:
            value = part.get(rule.name)
            where = "%s.%s" % (section.name, rule.name)
            if not readable_back(rule):
                if rule.source is None and value not in (None, ""):
                    unmapped.append(Unmapped(where, value, NOT_HELD))
                continue
            ours, reason = reverse_value(rule, value, maps)
            if reason:
                unmapped.append(Unmapped(where, value, reason))
            elif ours is not None:
                fields.setdefault(rule.source, ours)
        for listing in section.lists:
            _reverse_rows(listing, part.get(listing.name), "%s.%s" % (section.name,
                                                                       listing.name),
                          maps, tables, unmapped)
        named = {rule.name for rule in section.rules} | {lst.name for lst in section.lists}
        for name in sorted(set(part) - named):
            if part[name] not in (None, "", [], {}):
                unmapped.append(Unmapped("%s.%s" % (section.name, name), part[name],
                                         UNKNOWN_FIELD))
    for name in sorted(set(hoso) - {section.name for section in SECTIONS}):
        unmapped.append(Unmapped(name, hoso[name], UNKNOWN_FIELD))
    return {"fields": fields, "tables": tables, "unmapped": unmapped}


def pulled_key(org_code, number):
    """The receiver's key of a record: ``<org_Code>_<SoHieuCBCCVC_BNDP>``."""
    return "%s_%s" % (org_code, number)
