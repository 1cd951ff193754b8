"""The printed sơ yếu lý lịch, read back with poppler (pdftotext, pdfinfo, pdfimages):
every item and table of the form in order, Vietnamese values exact, long tables
over several pages, user text printed literally. No database, no app."""
import io
import re
import shutil
import subprocess

import pytest
from PIL import Image

from app.records import form
from app.records.pdf import record_pdf

CATALOG_NAMES = {
    ("tinh_thanh", "25"): "Phú Thọ",
    ("dan_toc", "01"): "Kinh",
    ("ton_giao", "00"): "Không",
    ("giao_duc_pho_thong", "12/12"): "12/12 (hệ phổ thông)",
    ("trinh_do_chuyen_mon", "ths"): "Thạc sĩ",
    ("chuc_vu", "pho_truong_phong"): "Phó Trưởng phòng",
    ("chuc_vu_dang", "chi_uy"): "Chi ủy viên",
    ("loai_phu_cap", "cong_vu"): "Phụ cấp công vụ",
}


def catalog_name(catalog, code):
    return CATALOG_NAMES.get((catalog, code))


def sample_content():
    """A filled record as a version stores it: canonical strings under form.py's keys."""
    fields = {
        "co_quan_quan_ly": "Sở Nội vụ tỉnh Phú Thọ",
        "co_quan_su_dung": "Văn phòng Ủy ban nhân dân tỉnh Phú Thọ",
        "so_hieu": "PT-000123",
        "so_dinh_danh": "025185001234",
        "ho_ten": "Nguyễn Thị Hằng", "gioi_tinh": "nu", "ten_khac": "Hằng Nga",
        "ngay_sinh": "1985-09-05", "noi_sinh": "Xã Tam Dương, tỉnh Phú Thọ",
        "que_quan_xa": "Xã Hợp Thịnh", "que_quan_tinh": "25", "dan_toc": "01", "ton_giao": "00",
        "so_cccd": "025185001234", "ngay_cap_cccd": "2021-04-12", "dien_thoai": "0912345678",
        "email": "hang.nt@phutho.gov.vn", "so_bhxh": "2509876543", "so_bhyt": "DN4252509876543",
        "noi_o": "Số 12 đường Hùng Vương, phường Việt Trì, tỉnh Phú Thọ",
        "thanh_phan_gia_dinh": "Nông dân", "nghe_truoc_tuyen_dung": "Sinh viên",
        "ngay_tuyen_dung": "2008-03-01", "co_quan_tuyen_dung": "Sở Nội vụ tỉnh Phú Thọ",
        "ngay_vao_co_quan": "2015-07-01", "ngay_vao_dang": "2010-05-19",
        "ngay_chinh_thuc": "2011-05-19", "ngay_tham_gia_to_chuc": "2000-03",
        "to_chuc_dau_tien": "Đoàn TNCS Hồ Chí Minh", "doi_tuong_chinh_sach": "Con thương binh",
        "giao_duc_pho_thong": "12/12", "trinh_do_chuyen_mon": "ths",
        "chuyen_nganh": "Quản lý công", "chuc_vu": "pho_truong_phong",
        "ngay_bo_nhiem": "2019-10-01", "quy_hoach": "Trưởng phòng Tổ chức - Hành chính",
        "chuc_vu_dang": "chi_uy",
        "cong_viec_chinh": "Theo dõi công tác tổ chức bộ máy.\nQuản lý hồ sơ cán bộ.",
        "so_truong": "Tổng hợp, tham mưu", "cong_viec_lau_nhat": "Chuyên viên tổ chức",
        "ngach": "Chuyên viên", "ma_ngach": "01.003", "ngay_bo_nhiem_ngach": "2011-03-01",
        "bac_luong": "4", "he_so_luong": "3.33", "ngay_huong_luong": "2022-03-01",
        "phan_tram_huong": "100", "phu_cap_chuc_vu": "0.3", "phu_cap_khac": "Không",
        "vi_tri_viec_lam": "Chuyên viên về tổ chức bộ máy", "ma_vi_tri_viec_lam": "VTVL-07",
        "suc_khoe": "Tốt", "chieu_cao": "158", "can_nang": "52.5", "nhom_mau": "O",
        "lich_su_bi_bat": "Không",
        "thu_nhap_tien_luong": "240000000", "thu_nhap_khac": "30000000",
        "nha_o_tu_mua": "Nhà cấp 4, 80 m², giấy chứng nhận số CS 012345",
        "dat_o_tu_mua": "120 m², giấy chứng nhận số CH 00456",
        "nhan_xet": "Hoàn thành tốt nhiệm vụ; có phẩm chất chính trị vững vàng.",
    }
    tables = {
        "dao_tao_chuyen_mon": [
            {"tu": "2003-09", "den": "2007-06", "co_so": "Học viện Hành chính Quốc gia",
             "chuyen_nganh": "Hành chính học", "hinh_thuc": "Chính quy", "van_bang": "Cử nhân"},
            {"tu": "2012-10", "den": "2014-10", "co_so": "Đại học Kinh tế Quốc dân",
             "chuyen_nganh": "Quản lý công", "hinh_thuc": "Vừa làm vừa học",
             "van_bang": "Thạc sĩ"}],
        "ly_luan_chinh_tri": [{"tu": "2016-03", "den": "2016-09",
                               "co_so": "Trường Chính trị tỉnh Phú Thọ",
                               "hinh_thuc": "Tập trung", "van_bang": "Trung cấp"}],
        "boi_duong_qlnn": [{"tu": "2013-05", "den": "2013-07",
                            "co_so": "Trường Chính trị tỉnh Phú Thọ",
                            "chung_chi": "Chứng chỉ chuyên viên chính"}],
        "ngoai_ngu": [{"tu": "2010", "den": "2010", "co_so": "Đại học Hùng Vương",
                       "ngon_ngu": "Tiếng Anh", "chung_chi": "Bậc 3", "diem_so": "6,5"}],
        "qua_trinh_cong_tac": [
            {"tu": "2008-03", "den": "2015-06", "don_vi": "Phòng Tổ chức, Sở Nội vụ tỉnh Phú Thọ",
             "chuc_danh": "Chuyên viên"},
            {"tu": "2015-07", "don_vi": "Văn phòng Ủy ban nhân dân tỉnh Phú Thọ",
             "chuc_danh": "Phó Trưởng phòng"}],
        "danh_gia_khen_thuong": [{"nam": "2023", "xep_loai_chuyen_mon": "Hoàn thành xuất sắc",
                                  "xep_loai_thi_dua": "Chiến sĩ thi đua cơ sở",
                                  "hinh_thuc_khen_thuong": "Bằng khen của Chủ tịch UBND tỉnh"}],
        "gia_dinh_ban_than": [
            {"quan_he": "Cha", "ho_ten": "Trần Văn Đức", "nam_sinh": "1955",
             "thong_tin": "Quê quán xã Hợp Thịnh, tỉnh Phú Thọ; nghỉ hưu; đảng viên"},
            {"quan_he": "Mẹ", "ho_ten": "Nguyễn Thị Lan", "nam_sinh": "1958",
             "thong_tin": "Làm ruộng tại xã Tam Dương"}],
        "gia_dinh_ben_vo_chong": [{"quan_he": "Mẹ chồng", "ho_ten": "Lê Thị Bích",
                                   "nam_sinh": "1960", "thong_tin": "Hưu trí"}],
        "dien_bien_luong": [{"tu": "2008-03", "den": "2011-02", "ma_so": "01.003",
                             "bac_luong": "1", "he_so_luong": "2.34"}],
        "cac_loai_phu_cap": [{"tu": "2015-07", "loai_phu_cap": "cong_vu", "phan_tram": "25",
                          "hinh_thuc_huong": "phan_tram"}],
    }
    return {"schema": 1, "fields": fields, "tables": tables}


def _poppler(tool, *args):
    if shutil.which(tool) is None:
        pytest.fail("poppler's %s is not installed: `make test` installs it "
                    "(Debian package poppler-utils)." % tool)
    return subprocess.run([tool, *args], check=True, capture_output=True).stdout.decode()


def _text(pdf, tmp_path, mode="-raw"):
    """The PDF's text; -raw keeps the drawing order, so a table cell's wrapped lines
    stay together, -layout keeps a table row on one line."""
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    return _poppler("pdftotext", mode, str(path), "-")


def _info(pdf, tmp_path):
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    return _poppler("pdfinfo", str(path))


def _page_count(pdf, tmp_path):
    return int(re.search(r"^Pages:\s+(\d+)$", _info(pdf, tmp_path), re.M).group(1))


def _flat(text):
    """Whitespace collapsed: lines wrap wherever the layout puts them."""
    return " ".join(text.split())


def _assert_in_order(text, phrases):
    position = 0
    for phrase in phrases:
        found = text.find(phrase, position)
        assert found >= 0, "%r missing after …%s" % (phrase, text[max(0, position - 80):position])
        position = found + len(phrase)


def _label_start(label):
    # what the label says before its first blank ("Sinh ngày … tháng …") or list, 3 words at most
    return " ".join(re.split(r"[…;(]", label)[0].split()[:3])


@pytest.fixture(scope="module")
def sample_pdf():
    return record_pdf(sample_content(), catalog_name=catalog_name, title_note="Bản chưa ký")


def test_every_item_is_printed_in_order_with_its_label(sample_pdf, tmp_path):
    text = _flat(_text(sample_pdf, tmp_path))
    _assert_in_order(text, ["Cơ quan quản lý cán bộ, công chức, viên chức: Sở Nội vụ tỉnh Phú Thọ",
                            "Số hiệu: PT-000123", "Mã số định danh: 025185001234",
                            "SƠ YẾU LÝ LỊCH", "(Bản chưa ký)"])
    numbered = ["%s) %s" % (item.number, _label_start(item.label)) for item in form.all_items()]
    assert len(numbered) == 41
    _assert_in_order(text, numbered)
    # 34.1 (the fields) comes between the heading and 34.2; 37's fields after its tables
    _assert_in_order(text, ["34) ĐẶC ĐIỂM", "34.1) Khai rõ: bị bắt", "Không", "34.2) Bản thân",
                            "37.2) Các loại phụ cấp khác",
                            "Nguồn thu nhập chính của gia đình hằng năm: Tiền lương: 240.000.000",
                            "38) NHẬN XÉT", "Hoàn thành tốt nhiệm vụ",
                            form.DECLARATION, "Người khai", "(Ký tên, ghi rõ họ tên)",
                            "Thủ trưởng cơ quan, tổ chức, đơn vị sử dụng", "(Ký tên, đóng dấu)"])
    assert "ngày …… tháng …… năm" in text
    assert "Ảnh màu (4 x 6 cm)" in text


def test_every_table_has_its_column_headings_in_the_forms_order(sample_pdf, tmp_path):
    text = _flat(_text(sample_pdf, tmp_path))
    expected = []
    for table, _owner, _privacy in form.all_tables():
        item = form.ITEM_BY_NUMBER[table.number.split(".")[0]]
        # 33's table is the item itself: its heading is the item's
        expected.append("%s) %s" % (table.number, table.title if table.number != item.number
                                    else item.label))
        expected += [column.label for column in table.columns]
    assert len(form.TABLES) == 15
    _assert_in_order(text, expected)


def test_vietnamese_values_come_back_exactly(sample_pdf, tmp_path):
    text = _flat(_text(sample_pdf, tmp_path))
    for printed in [
            "1) Họ và tên khai sinh (viết chữ in hoa): NGUYỄN THỊ HẰNG Giới tính: Nữ",
            "3) Sinh ngày: 05/09/1985", "4) Nơi sinh: Xã Tam Dương, tỉnh Phú Thọ",
            "5) Quê quán (xã, phường): Xã Hợp Thịnh (tỉnh, TP): Phú Thọ", "6) Dân tộc: Kinh",
            "16) Ngày tham gia tổ chức chính trị - xã hội đầu tiên (ngày vào Đoàn TNCSHCM, "
            "Công đoàn, Hội …): 03/2000",
            "19) Trình độ giáo dục phổ thông (đã tốt nghiệp lớp mấy/thuộc hệ nào): 12/12 (hệ",
            "Hệ số: 3,33", "Cân nặng (kg): 52,5", "Nhóm máu: O",
            "Theo dõi công tác tổ chức bộ máy. Quản lý hồ sơ cán bộ.",
            "09/2003", "Trần Văn Đức", "1955", "2,34", "Phụ cấp công vụ", "Theo phần trăm",
            "Nhà cấp 4, 80 m², giấy chứng nhận số CS 012345"]:
        assert printed in text
    assert "Nguyễn Thị Hằng" not in text       # item 1 is printed in capitals


def test_a_long_table_flows_over_pages_with_every_row(tmp_path):
    content = sample_content()
    content["tables"]["qua_trinh_cong_tac"] = [
        {"tu": "%04d-01" % (1960 + n), "den": "%04d-12" % (1960 + n),
         "don_vi": "Đơn vị công tác số %02d" % n, "chuc_danh": "Chức danh số %02d" % n}
        for n in range(60)]
    pdf = record_pdf(content, catalog_name=catalog_name)
    pages = _page_count(pdf, tmp_path)
    assert pages > _page_count(record_pdf(sample_content()), tmp_path)
    text = _flat(_text(pdf, tmp_path))
    _assert_in_order(text, ["Trang 1/%d" % pages, "Trang 2/%d" % pages])
    assert "Trang %d/%d" % (pages, pages) in text
    _assert_in_order(text, ["01/%d 12/%d Đơn vị công tác số %02d Chức danh số %02d"
                            % (1960 + n, 1960 + n, n, n) for n in range(60)])
    rows = {" ".join(line.split()) for line in _text(pdf, tmp_path, "-layout").splitlines()}
    assert "01/1999 12/1999 Đơn vị công tác số 39 Chức danh số 39" in rows   # cells side by side
    # the column headings repeat on the table's next page
    assert text.count("Đơn vị công tác (đảng, chính quyền, đoàn thể, tổ chức xã hội)") >= 2


def test_markup_in_values_is_printed_literally(tmp_path):
    content = {"fields": {"ho_ten": "Lê <b>x</b> & y", "ten_khac": "<b>x</b> & y <br/>"},
               "tables": {"gia_dinh_ban_than": [{"quan_he": "Con", "ho_ten": "<i>z</i> &amp;"}]}}
    text = _flat(_text(record_pdf(content), tmp_path))
    assert "LÊ <B>X</B> & Y" in text
    assert "2) Các tên gọi khác: <b>x</b> & y <br/>" in text
    assert "Con <i>z</i> &amp;" in text


def test_the_pdf_carries_its_title_and_is_not_encrypted(sample_pdf, tmp_path):
    info = _info(sample_pdf, tmp_path)
    assert re.search(r"^Title:\s+Sơ yếu lý lịch$", info, re.M)
    assert re.search(r"^Creator:\s+HoSo CBCCVC$", info, re.M)
    assert re.search(r"^Encrypted:\s+no$", info, re.M)
    assert re.search(r"^Page size:.*\(A4\)", info, re.M)


def test_an_empty_record_prints_the_blank_form(tmp_path):
    pdf = record_pdf({"schema": 1})
    text = _flat(_text(pdf, tmp_path))
    _assert_in_order(text, ["%s) %s" % (item.number, _label_start(item.label))
                            for item in form.all_items()] + [form.DECLARATION])
    # dotted blanks to write in, like the paper form; no note under the title unless asked
    assert "1) Họ và tên khai sinh (viết chữ in hoa): ………… Giới tính: …………" in text
    assert "SƠ YẾU LÝ LỊCH 1) Họ và tên" in text


def test_the_photo_fills_the_box_and_the_caption_makes_way(tmp_path):
    picture = io.BytesIO()
    Image.new("RGB", (300, 450), (200, 30, 30)).save(picture, "PNG")
    path = tmp_path / "photo.pdf"
    path.write_bytes(record_pdf(sample_content(), photo=picture.getvalue()))
    images = _poppler("pdfimages", "-list", str(path)).splitlines()[2:]
    assert len(images) == 1 and images[0].split()[3:5] == ["300", "450"]
    assert "Ảnh màu" not in _poppler("pdftotext", str(path), "-")


def test_an_answer_longer_than_a_page_splits_inside_its_row(tmp_path):
    content = {"tables": {"gia_dinh_ban_than": [
        {"quan_he": "Cha", "ho_ten": "Trần Văn Đức", "thong_tin": " ".join(
            "Dòng %03d của một lời khai rất dài." % n for n in range(250))}]}}
    text = _flat(_text(record_pdf(content), tmp_path))
    assert "Dòng 000" in text and "Dòng 249 của một lời khai rất dài." in text


def test_an_unknown_schema_is_refused():
    with pytest.raises(ValueError):
        record_pdf({"schema": 2})
