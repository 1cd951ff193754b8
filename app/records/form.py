"""The sơ yếu lý lịch of Thông tư 06/2023/TT-BNV (appendix) as data.

One definition drives the editing screens, validation, completeness, the
field-by-field diff and the printed form, so they cannot drift apart. The
labels are the form's own Vietnamese wording (the printed form must repeat
them verbatim); ``label_en`` is the English screen's label.

Source: ../shared/data-standards.md §1A (items 1–38, the tables' columns).

Each field and table has
- a *kind* (how it is typed and checked: ``app/records/values.py`` parses and
  displays each kind, ``app/records/services.py`` validates a whole save),
- a *privacy class* (DESIGN §9: public, internal, sensitive — sensitive values
  are stored encrypted),
- an *owner group*: the profile's ``records.field_owners`` says whether the
  person, the unit's officer, or both may change the group (DESIGN §9).
"""
from dataclasses import dataclass, field as dc_field

# owner groups: the parts of the form a profile's records.field_owners gives to the
# person, the unit's officer or both (declared by the policy, which validates them)
from app.policy.owner_groups import (
    ASSESSMENT, BACKGROUND, CONTACT, EDUCATION, FAMILY, HEALTH, IDENTITY, OWNER_GROUPS,
    POSITION, REWARDS, SALARY, WORK_HISTORY,
)

# kinds of values
TEXT = "text"                  # one line
LONGTEXT = "longtext"          # several lines
DATE = "date"                  # dd/mm/yyyy
PARTIAL_DATE = "partial_date"  # yyyy, mm/yyyy or dd/mm/yyyy: the form often knows only the year
YEAR = "year"
CATALOG = "catalog"            # a code of a catalog (app/catalogs)
NATIONAL_ID = "national_id"    # 12 digits (số định danh cá nhân / CCCD)
PHONE = "phone"
EMAIL = "email"
DECIMAL = "decimal"            # hệ số, phần trăm, cm, kg: "2,34" or "2.34"
INTEGER = "integer"            # bậc, số tiền
CHOICE = "choice"              # a short fixed list (giới tính, nhóm máu)

PUBLIC, INTERNAL, SENSITIVE = "public", "internal", "sensitive"

# the most characters a text field holds (the version keeps them in its JSON content)
TEXT_LIMIT, LONGTEXT_LIMIT = 500, 4000

GENDERS = (("nam", "Nam", "Male"), ("nu", "Nữ", "Female"))
BLOOD_GROUPS = tuple((g, g, g) for g in ("O", "A", "B", "AB"))
FORMS_OF_PAY = (("he_so", "Theo hệ số", "Coefficient"), ("phan_tram", "Theo phần trăm",
                                                         "Percentage"),
                ("muc_tien", "Theo mức tiền", "Fixed amount"))


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    label_en: str
    kind: str = TEXT
    required: bool = False
    catalog: str = None
    choices: tuple = ()
    privacy: str = INTERNAL
    owner: str = None          # None: the item's
    max_length: int = None     # text kinds: None is the kind's (TEXT_LIMIT, LONGTEXT_LIMIT)


@dataclass(frozen=True)
class Table:
    key: str
    number: str
    title: str
    title_en: str
    columns: tuple
    privacy: str = INTERNAL
    owner: str = None
    required: bool = False     # at least one row
    period: bool = True        # first two columns are Từ / Đến (checked in order)


@dataclass(frozen=True)
class Item:
    number: str
    label: str
    label_en: str
    owner: str
    fields: tuple = ()
    tables: tuple = ()
    text: str = ""             # explanation printed under the heading (items 34, 37)
    privacy: str = INTERNAL
    children: tuple = dc_field(default=())


def F(key, label, label_en, kind=TEXT, **kw):
    return Field(key, label, label_en, kind, **kw)


def _from_to(month=True):
    kind = PARTIAL_DATE
    return (F("tu", "Từ (tháng/năm)" if month else "Từ", "From", kind, required=True),
            F("den", "Đến (tháng/năm)" if month else "Đến", "To", kind))


_TRAINING_CERT = (F("co_so", "Tên cơ sở đào tạo", "Institution", required=True),
                  F("chung_chi", "Chứng chỉ được cấp", "Certificate awarded"))
_FAMILY_COLUMNS = (
    F("quan_he", "Mối quan hệ", "Relationship", required=True),
    F("ho_ten", "Họ và tên", "Full name", required=True),
    F("nam_sinh", "Năm sinh", "Year of birth", YEAR),
    F("thong_tin", "Quê quán, nghề nghiệp, chức danh, chức vụ, đơn vị công tác, học tập, nơi ở "
      "(trong, ngoài nước); thành viên các tổ chức chính trị - xã hội (trong, ngoài nước); "
      "làm việc cho chế độ cũ, tiền án, tiền sự (nếu có)",
      "Home town, occupation, post, workplace, residence; memberships; past record", LONGTEXT),
)

# The header of the form (above item 1).
HEADER = (
    F("co_quan_quan_ly", "Cơ quan quản lý cán bộ, công chức, viên chức",
      "Managing body", privacy=PUBLIC, owner=POSITION),
    F("co_quan_su_dung", "Cơ quan, đơn vị sử dụng cán bộ, công chức, viên chức",
      "Employing unit", privacy=PUBLIC, owner=POSITION),
    F("so_hieu", "Số hiệu", "Staff number", privacy=INTERNAL, owner=POSITION),
    F("so_dinh_danh", "Mã số định danh", "Personal identification number", NATIONAL_ID,
      required=True, privacy=SENSITIVE, owner=IDENTITY),
)

ITEMS = (
    Item("1", "Họ và tên khai sinh (viết chữ in hoa)", "Full name at birth (capitals)", IDENTITY,
         fields=(F("ho_ten", "Họ và tên khai sinh", "Full name at birth", required=True,
                   privacy=PUBLIC, max_length=128),
                 F("gioi_tinh", "Giới tính", "Sex", CHOICE, required=True, choices=GENDERS,
                   privacy=PUBLIC))),
    Item("2", "Các tên gọi khác", "Other names", IDENTITY,
         fields=(F("ten_khac", "Các tên gọi khác", "Other names"),)),
    Item("3", "Sinh ngày … tháng … năm …", "Date of birth", IDENTITY,
         fields=(F("ngay_sinh", "Sinh ngày", "Date of birth", DATE, required=True,
                   privacy=PUBLIC),)),
    Item("4", "Nơi sinh", "Place of birth", IDENTITY,
         fields=(F("noi_sinh", "Nơi sinh", "Place of birth", required=True),)),
    Item("5", "Quê quán", "Home town", IDENTITY,
         fields=(F("que_quan_xa", "Quê quán (xã, phường)", "Home town (commune, ward)",
                   required=True),
                 F("que_quan_tinh", "Quê quán (tỉnh, TP)", "Home town (province, city)",
                   CATALOG, catalog="tinh_thanh", required=True))),
    Item("6", "Dân tộc", "Ethnic group", IDENTITY,
         fields=(F("dan_toc", "Dân tộc", "Ethnic group", CATALOG, catalog="dan_toc",
                   required=True),)),
    Item("7", "Tôn giáo", "Religion", IDENTITY,
         fields=(F("ton_giao", "Tôn giáo", "Religion", CATALOG, catalog="ton_giao",
                   required=True),)),
    Item("8", "Số CCCD … Ngày cấp … SĐT liên hệ", "Citizen ID, date issued, phone", IDENTITY,
         fields=(F("so_cccd", "Số CCCD", "Citizen ID card number", NATIONAL_ID, required=True,
                   privacy=SENSITIVE),
                 F("ngay_cap_cccd", "Ngày cấp", "Date issued", DATE, required=True,
                   privacy=SENSITIVE),
                 F("dien_thoai", "SĐT liên hệ", "Phone", PHONE, required=True, owner=CONTACT),
                 F("email", "Thư điện tử", "E-mail", EMAIL, owner=CONTACT))),
    Item("9", "Số BHXH … Số thẻ BHYT", "Social and health insurance numbers", IDENTITY,
         privacy=SENSITIVE,
         fields=(F("so_bhxh", "Số BHXH", "Social insurance number", privacy=SENSITIVE),
                 F("so_bhyt", "Số thẻ BHYT", "Health insurance card number",
                   privacy=SENSITIVE))),
    Item("10", "Nơi ở hiện nay", "Current residence", CONTACT,
         fields=(F("noi_o", "Nơi ở hiện nay", "Current residence", required=True),)),
    Item("11", "Thành phần gia đình xuất thân", "Family background", BACKGROUND,
         fields=(F("thanh_phan_gia_dinh", "Thành phần gia đình xuất thân",
                   "Family background"),)),
    Item("12", "Nghề nghiệp trước khi được tuyển dụng", "Occupation before recruitment",
         BACKGROUND, fields=(F("nghe_truoc_tuyen_dung", "Nghề nghiệp trước khi được tuyển dụng",
                               "Occupation before recruitment"),)),
    Item("13", "Ngày được tuyển dụng lần đầu … Cơ quan, tổ chức, đơn vị tuyển dụng",
         "First recruitment: date and body", POSITION,
         fields=(F("ngay_tuyen_dung", "Ngày được tuyển dụng lần đầu", "First recruited on", DATE,
                   required=True),
                 F("co_quan_tuyen_dung", "Cơ quan, tổ chức, đơn vị tuyển dụng",
                   "Recruiting body", required=True))),
    Item("14", "Ngày vào cơ quan hiện đang công tác", "Joined the current unit on", POSITION,
         fields=(F("ngay_vao_co_quan", "Ngày vào cơ quan hiện đang công tác",
                   "Joined the current unit on", DATE, required=True),)),
    Item("15", "Ngày vào Đảng Cộng sản Việt Nam … Ngày chính thức",
         "Communist Party membership", BACKGROUND,
         fields=(F("ngay_vao_dang", "Ngày vào Đảng Cộng sản Việt Nam", "Joined the Party on",
                   DATE),
                 F("ngay_chinh_thuc", "Ngày chính thức", "Full member from", DATE))),
    Item("16", "Ngày tham gia tổ chức chính trị - xã hội đầu tiên (ngày vào Đoàn TNCSHCM, "
         "Công đoàn, Hội …)", "First socio-political organisation", BACKGROUND,
         fields=(F("ngay_tham_gia_to_chuc", "Ngày tham gia tổ chức chính trị - xã hội đầu tiên",
                   "Joined on", PARTIAL_DATE),
                 F("to_chuc_dau_tien", "Tên tổ chức", "Organisation"))),
    Item("17", "Ngày nhập ngũ … Ngày xuất ngũ … Quân hàm cao nhất", "Military service",
         BACKGROUND,
         fields=(F("ngay_nhap_ngu", "Ngày nhập ngũ", "Enlisted on", PARTIAL_DATE),
                 F("ngay_xuat_ngu", "Ngày xuất ngũ", "Discharged on", PARTIAL_DATE),
                 F("quan_ham", "Quân hàm cao nhất", "Highest rank"))),
    Item("18", "Đối tượng chính sách", "Policy beneficiary status", BACKGROUND,
         fields=(F("doi_tuong_chinh_sach", "Đối tượng chính sách",
                   "Policy beneficiary status"),)),
    Item("19", "Trình độ giáo dục phổ thông (đã tốt nghiệp lớp mấy/thuộc hệ nào)",
         "General education", EDUCATION,
         fields=(F("giao_duc_pho_thong", "Trình độ giáo dục phổ thông", "General education",
                   CATALOG, catalog="giao_duc_pho_thong", required=True),)),
    Item("20", "Trình độ chuyên môn cao nhất", "Highest professional qualification", EDUCATION,
         fields=(F("trinh_do_chuyen_mon", "Trình độ chuyên môn cao nhất",
                   "Highest professional qualification", CATALOG,
                   catalog="trinh_do_chuyen_mon", required=True),
                 F("chuyen_nganh", "Chuyên ngành", "Field of study"))),
    Item("21", "Học hàm", "Academic title", EDUCATION,
         fields=(F("hoc_ham", "Học hàm", "Academic title", CHOICE,
                   choices=(("gs", "Giáo sư", "Professor"),
                            ("pgs", "Phó Giáo sư", "Associate professor"))),
                 F("nam_phong_hoc_ham", "Năm phong", "Year conferred", YEAR))),
    Item("22", "Danh hiệu nhà nước phong tặng", "State honorary title", REWARDS,
         fields=(F("danh_hieu", "Danh hiệu nhà nước phong tặng", "State honorary title"),)),
    Item("23", "Chức vụ hiện tại; Ngày bổ nhiệm/ngày phê chuẩn; Ngày bổ nhiệm lại/phê chuẩn "
         "nhiệm kỳ tiếp theo", "Current post", POSITION,
         fields=(F("chuc_vu", "Chức vụ hiện tại", "Current post", CATALOG, catalog="chuc_vu",
                   privacy=PUBLIC),
                 F("ngay_bo_nhiem", "Ngày bổ nhiệm/ngày phê chuẩn", "Appointed on", DATE),
                 F("ngay_bo_nhiem_lai", "Ngày bổ nhiệm lại/phê chuẩn nhiệm kỳ tiếp theo",
                   "Reappointed on", DATE))),
    Item("24", "Được quy hoạch chức danh", "Planned for post", POSITION,
         fields=(F("quy_hoach", "Được quy hoạch chức danh", "Planned for post"),)),
    Item("25", "Chức vụ kiêm nhiệm", "Concurrent post", POSITION,
         fields=(F("chuc_vu_kiem_nhiem", "Chức vụ kiêm nhiệm", "Concurrent post", CATALOG,
                   catalog="chuc_vu"),)),
    Item("26", "Chức vụ Đảng hiện tại", "Current Party post", POSITION,
         fields=(F("chuc_vu_dang", "Chức vụ Đảng hiện tại", "Current Party post", CATALOG,
                   catalog="chuc_vu_dang"),)),
    Item("27", "Chức vụ Đảng kiêm nhiệm", "Concurrent Party post", POSITION,
         fields=(F("chuc_vu_dang_kiem_nhiem", "Chức vụ Đảng kiêm nhiệm",
                   "Concurrent Party post", CATALOG, catalog="chuc_vu_dang"),)),
    Item("28", "Công việc chính được giao", "Main duties", POSITION,
         fields=(F("cong_viec_chinh", "Công việc chính được giao", "Main duties", LONGTEXT),)),
    Item("29", "Sở trường công tác … Công việc làm lâu nhất", "Strengths, longest job",
         BACKGROUND,
         fields=(F("so_truong", "Sở trường công tác", "Strengths"),
                 F("cong_viec_lau_nhat", "Công việc làm lâu nhất", "Longest-held job"))),
    Item("30", "Tiền lương", "Salary", SALARY, children=(
        Item("30.1", "Ngạch/chức danh nghề nghiệp", "Civil-service grade or professional title",
             SALARY,
             fields=(F("ngach", "Ngạch/chức danh nghề nghiệp", "Grade or professional title",
                       privacy=PUBLIC),
                     F("ma_ngach", "Mã số", "Code"),
                     F("ngay_bo_nhiem_ngach", "Ngày bổ nhiệm ngạch/chức danh nghề nghiệp",
                       "Appointed to the grade on", DATE),
                     F("bac_luong", "Bậc lương", "Salary step", INTEGER),
                     F("he_so_luong", "Hệ số", "Coefficient", DECIMAL),
                     F("ngay_huong_luong", "Ngày hưởng", "Paid from", DATE),
                     F("phan_tram_huong", "Phần trăm hưởng (%)", "Percentage paid (%)", DECIMAL),
                     F("pctnvk", "Phụ cấp thâm niên vượt khung (%)",
                       "Seniority beyond the scale (%)", DECIMAL),
                     F("ngay_huong_pctnvk", "Ngày hưởng PCTNVK", "Seniority allowance from",
                       DATE))),
        Item("30.2", "Phụ cấp chức vụ … Phụ cấp kiêm nhiệm … Phụ cấp khác", "Allowances",
             SALARY,
             fields=(F("phu_cap_chuc_vu", "Phụ cấp chức vụ (hệ số)",
                       "Position allowance (coefficient)", DECIMAL),
                     F("phu_cap_kiem_nhiem", "Phụ cấp kiêm nhiệm (%)",
                       "Concurrent post allowance (%)", DECIMAL),
                     F("phu_cap_khac", "Phụ cấp khác", "Other allowances"))),
        Item("30.3", "Vị trí việc làm", "Job position", SALARY,
             fields=(F("vi_tri_viec_lam", "Vị trí việc làm", "Job position", privacy=PUBLIC),
                     F("ma_vi_tri_viec_lam", "Mã số", "Code"),
                     F("bac_luong_vtvl", "Bậc lương", "Salary step", INTEGER),
                     F("luong_theo_muc_tien", "Lương theo mức tiền (vnđ)",
                       "Salary as an amount (VND)", INTEGER),
                     F("ngay_huong_vtvl", "Ngày hưởng", "Paid from", DATE),
                     F("phan_tram_huong_vtvl", "Phần trăm hưởng (%)", "Percentage paid (%)",
                       DECIMAL),
                     F("pctnvk_vtvl", "PCTNVK (%)", "Seniority beyond the scale (%)", DECIMAL),
                     F("ngay_huong_pctnvk_vtvl", "Ngày hưởng PCTNVK",
                       "Seniority allowance from", DATE))),
    )),
    Item("31", "Tình trạng sức khoẻ … Chiều cao … Cân nặng … Nhóm máu", "Health", HEALTH,
         privacy=SENSITIVE,
         fields=(F("suc_khoe", "Tình trạng sức khoẻ", "Health", required=True,
                   privacy=SENSITIVE),
                 F("chieu_cao", "Chiều cao (cm)", "Height (cm)", INTEGER, privacy=SENSITIVE),
                 F("can_nang", "Cân nặng (kg)", "Weight (kg)", DECIMAL, privacy=SENSITIVE),
                 F("nhom_mau", "Nhóm máu", "Blood group", CHOICE, choices=BLOOD_GROUPS,
                   privacy=SENSITIVE))),
    Item("32", "QUÁ TRÌNH ĐÀO TẠO, BỒI DƯỠNG", "Education and training", EDUCATION, tables=(
        Table("dao_tao_chuyen_mon", "32.1",
              "Chuyên môn (từ trung cấp trở lên, trong và ngoài nước)",
              "Professional education (vocational upper-secondary and above)",
              _from_to() + (F("co_so", "Tên cơ sở đào tạo", "Institution", required=True),
                            F("chuyen_nganh", "Chuyên ngành đào tạo", "Field of study"),
                            F("hinh_thuc", "Hình thức đào tạo", "Mode of study"),
                            F("van_bang", "Văn bằng, trình độ", "Degree, level"))),
        Table("ly_luan_chinh_tri", "32.2", "Lý luận chính trị", "Political theory",
              _from_to() + (F("co_so", "Tên cơ sở đào tạo", "Institution", required=True),
                            F("hinh_thuc", "Hình thức đào tạo", "Mode of study"),
                            F("van_bang", "Văn bằng được cấp", "Degree awarded"))),
        Table("boi_duong_qlnn", "32.3",
              "Bồi dưỡng quản lý nhà nước/chức danh nghề nghiệp/nghiệp vụ chuyên ngành",
              "State management, professional title or specialised training",
              _from_to() + _TRAINING_CERT),
        Table("boi_duong_qpan", "32.4", "Bồi dưỡng kiến thức an ninh, quốc phòng",
              "National defence and security training", _from_to() + _TRAINING_CERT),
        Table("tin_hoc", "32.5", "Tin học", "Information technology",
              _from_to() + _TRAINING_CERT),
        Table("ngoai_ngu", "32.6", "Ngoại ngữ/tiếng dân tộc",
              "Foreign or ethnic-minority languages",
              _from_to() + (F("co_so", "Tên cơ sở đào tạo", "Institution", required=True),
                            F("ngon_ngu", "Tên ngoại ngữ/tiếng dân tộc", "Language",
                              required=True),
                            F("chung_chi", "Chứng chỉ được cấp", "Certificate awarded"),
                            F("diem_so", "Điểm số", "Score"))),
    )),
    Item("33", "TÓM TẮT QUÁ TRÌNH CÔNG TÁC", "Career summary", WORK_HISTORY, tables=(
        Table("qua_trinh_cong_tac", "33", "Tóm tắt quá trình công tác", "Career summary",
              _from_to() + (F("don_vi", "Đơn vị công tác (đảng, chính quyền, đoàn thể, tổ chức "
                              "xã hội)", "Unit (Party, State, mass organisation)",
                              required=True),
                            F("chuc_danh", "Chức danh/chức vụ", "Title or post")),
              required=True),
    )),
    Item("34", "ĐẶC ĐIỂM LỊCH SỬ BẢN THÂN", "Personal history", WORK_HISTORY,
         privacy=SENSITIVE,
         fields=(F("lich_su_bi_bat", "Khai rõ: bị bắt, bị tù (từ ngày tháng năm nào đến ngày "
                   "tháng năm nào, ở đâu?), đã khai báo cho ai, những vấn đề gì?",
                   "Arrest or imprisonment: when, where, what was declared", LONGTEXT,
                   privacy=SENSITIVE),),
         tables=(
             Table("che_do_cu", "34.2", "Bản thân có làm việc cho chế độ cũ",
                   "Worked for the former regime",
                   _from_to() + (F("mo_ta", "Chức danh, chức vụ, đơn vị, địa điểm đã làm việc",
                                   "Title, post, unit, place", required=True),),
                   privacy=SENSITIVE),
             Table("to_chuc_nuoc_ngoai", "34.3",
                   "Tham gia hoặc có quan hệ với các tổ chức chính trị, kinh tế, xã hội nào ở "
                   "nước ngoài", "Links with political, economic or social organisations abroad",
                   _from_to() + (F("mo_ta", "Tên tổ chức, địa chỉ trụ sở, công việc đã làm",
                                   "Organisation, address, work done", required=True),),
                   privacy=SENSITIVE),
         )),
    Item("35", "KHEN THƯỞNG, KỶ LUẬT", "Rewards and discipline", REWARDS, tables=(
        Table("danh_gia_khen_thuong", "35.1", "Khen thưởng", "Evaluation and rewards",
              (F("nam", "Năm", "Year", YEAR, required=True),
               F("xep_loai_chuyen_mon", "Xếp loại chuyên môn", "Professional rating"),
               F("xep_loai_thi_dua", "Xếp loại thi đua", "Emulation rating"),
               F("hinh_thuc_khen_thuong", "Hình thức khen thưởng", "Award")), period=False),
        Table("ky_luat", "35.2", "Kỷ luật", "Discipline",
              _from_to() + (F("hinh_thuc", "Hình thức", "Sanction", required=True),
                            F("hanh_vi", "Hành vi vi phạm chính", "Main violation"),
                            F("co_quan_quyet_dinh", "Cơ quan quyết định", "Deciding body"))),
    )),
    Item("36", "QUAN HỆ GIA ĐÌNH", "Family relations", FAMILY, privacy=SENSITIVE, tables=(
        Table("gia_dinh_ban_than", "36.1",
              "Về bản thân: Cha, Mẹ, Vợ (hoặc chồng), các con, anh chị em ruột",
              "Own family: parents, spouse, children, siblings", _FAMILY_COLUMNS,
              privacy=SENSITIVE, required=True, period=False),
        Table("gia_dinh_ben_vo_chong", "36.2",
              "Cha, Mẹ, anh chị em ruột (bên vợ hoặc chồng)",
              "Spouse's parents and siblings", _FAMILY_COLUMNS, privacy=SENSITIVE,
              period=False),
    )),
    Item("37", "HOÀN CẢNH KINH TẾ GIA ĐÌNH", "Family economic circumstances", FAMILY,
         privacy=SENSITIVE,
         tables=(
             Table("dien_bien_luong", "37.1", "Quá trình lương của bản thân",
                   "Own salary history",
                   _from_to() + (F("ma_so", "Mã số", "Code", required=True),
                                 F("bac_luong", "Bậc lương", "Step", INTEGER),
                                 F("he_so_luong", "Hệ số lương", "Coefficient", DECIMAL),
                                 F("tien_luong_vtvl", "Tiền lương theo vị trí việc làm",
                                   "Salary by job position", INTEGER)),
                   privacy=SENSITIVE, owner=SALARY),
             Table("cac_loai_phu_cap", "37.2", "Các loại phụ cấp khác", "Other allowances",
                   _from_to() + (F("loai_phu_cap", "Loại phụ cấp", "Allowance", CATALOG,
                                   catalog="loai_phu_cap", required=True),
                                 F("phan_tram", "Phần trăm hưởng", "Percentage", DECIMAL),
                                 F("he_so", "Hệ số", "Coefficient", DECIMAL),
                                 F("hinh_thuc_huong", "Hình thức hưởng", "Paid as", CHOICE,
                                   choices=FORMS_OF_PAY),
                                 F("gia_tri", "Giá trị (đồng)", "Amount (VND)", INTEGER)),
                   privacy=SENSITIVE, owner=SALARY),
         ),
         fields=(
             F("thu_nhap_tien_luong", "Nguồn thu nhập chính của gia đình hằng năm: Tiền lương",
               "Yearly family income: salaries", INTEGER, privacy=SENSITIVE),
             F("thu_nhap_khac", "Các nguồn khác", "Other sources", INTEGER, privacy=SENSITIVE),
             F("nha_o_duoc_cap", "Nhà ở được cấp, được thuê (loại nhà, tổng diện tích sử dụng m², "
               "giấy chứng nhận quyền sở hữu)", "Housing allocated or rented",
               privacy=SENSITIVE),
             F("nha_o_tu_mua", "Nhà ở tự mua, tự xây (loại nhà, tổng diện tích sử dụng m², giấy "
               "chứng nhận quyền sở hữu)", "Housing bought or built", privacy=SENSITIVE),
             F("dat_o_duoc_cap", "Đất ở được cấp (m², giấy chứng nhận quyền sử dụng đất)",
               "Residential land allocated", privacy=SENSITIVE),
             F("dat_o_tu_mua", "Đất ở tự mua (m², giấy chứng nhận quyền sử dụng đất)",
               "Residential land bought", privacy=SENSITIVE),
             F("dat_san_xuat", "Đất sản xuất, kinh doanh", "Land for production or business",
               privacy=SENSITIVE),
         )),
    Item("38", "NHẬN XÉT, ĐÁNH GIÁ CỦA CƠ QUAN, TỔ CHỨC, ĐƠN VỊ SỬ DỤNG",
         "Assessment by the employing unit", ASSESSMENT,
         fields=(F("nhan_xet", "Nhận xét, đánh giá của cơ quan, tổ chức, đơn vị sử dụng",
                   "Assessment by the employing unit", LONGTEXT),)),
)

DECLARATION = "Tôi xin cam đoan những lời khai trên đây là đúng sự thật"

CONTRACT_TYPES = (("xac_dinh_thoi_han", "Xác định thời hạn", "Fixed term"),
                  ("khong_xac_dinh_thoi_han", "Không xác định thời hạn", "Indefinite term"))
PAY_MODES = (("he_so", "Theo hệ số × lương cơ sở", "Coefficient × base salary"),
             ("muc_tien", "Theo mức tiền", "Fixed amount"))
# The labour contract of a người lao động (Phụ lục II Thông tư 05/2023/TT-BNV; data-standards
# §2: BLLĐ 2019 Điều 21 k1 [S] for what any contract holds, the template's layout [M]).
CONTRACT = Item(
    "HĐLĐ", "Hợp đồng lao động (Phụ lục II Thông tư 05/2023/TT-BNV)",
    "Labour contract (Appendix II, Circular 05/2023/TT-BNV)", POSITION, fields=(
        F("hd_so", "Số hợp đồng", "Contract number", required=True),
        F("hd_loai", "Loại hợp đồng", "Kind of contract", CHOICE, required=True,
          choices=CONTRACT_TYPES),
        F("hd_ngay_ky", "Ngày ký", "Signed on", DATE, required=True),
        F("hd_tu_ngay", "Từ ngày", "From", DATE, required=True),
        F("hd_den_ngay", "Đến ngày", "To", DATE),
        F("hd_thu_viec_tu", "Thử việc từ ngày", "Probation from", DATE),
        F("hd_thu_viec_den", "Thử việc đến ngày", "Probation to", DATE),
        F("hd_dia_diem", "Địa điểm làm việc", "Place of work", required=True),
        F("hd_chuc_danh", "Chức danh chuyên môn, vị trí công việc", "Job title",
          required=True),
        F("hd_cong_viec", "Công việc phải làm", "Duties", LONGTEXT),
        F("hd_thoi_gio", "Thời giờ làm việc", "Working hours"),
        F("hd_hinh_thuc_luong", "Hình thức trả lương", "How the salary is set", CHOICE,
          choices=PAY_MODES),
        F("hd_he_so", "Hệ số lương", "Salary coefficient", DECIMAL),
        F("hd_muc_tien", "Mức lương (đồng/tháng)", "Salary (VND a month)", INTEGER),
        F("hd_phu_cap", "Phụ cấp", "Allowances"),
        F("hd_ky_tra_luong", "Thời hạn trả lương", "Pay period"),
        F("hd_bao_hiem", "Bảo hiểm xã hội, bảo hiểm y tế, bảo hiểm thất nghiệp",
          "Social, health and unemployment insurance"),
        F("hd_dai_dien", "Người đại diện bên sử dụng lao động", "Employer's representative"),
        F("hd_chuc_vu_dai_dien", "Chức vụ người đại diện", "Representative's post"),
    ))
CONTRACT_CATEGORY = "nguoi_lao_dong"

# The fields an approval copies into a column (records.services.mark_approved): (model,
# column) in app.org.models; each field's max_length must fit every column it lands in
# (search_name holds the folded name: tests/records/test_form.py walks them).
STORED_IN = {"ho_ten": (("Employee", "full_name"), ("Employee", "search_name"))}


def max_length(field):
    """The most characters a text field holds."""
    if field.max_length is not None:
        return field.max_length
    return LONGTEXT_LIMIT if field.kind == LONGTEXT else TEXT_LIMIT


def all_items():
    """Every item in the form's order, 30's sub-items after 30."""
    for item in ITEMS:
        yield item
        yield from item.children


def _owned(thing, item):
    return thing.owner or item.owner


def all_fields():
    """(field, owner group, privacy) for the header, every item's fields and
    the labour contract's."""
    for f in HEADER:
        yield f, f.owner, f.privacy
    for item in tuple(all_items()) + (CONTRACT,):
        for f in item.fields:
            yield f, _owned(f, item), f.privacy if f.privacy != INTERNAL else item.privacy


def all_tables():
    """(table, owner group, privacy) in the form's order."""
    for item in all_items():
        for table in item.tables:
            yield table, _owned(table, item), (table.privacy if table.privacy != INTERNAL
                                               else item.privacy)


FIELDS = {f.key: (f, owner, privacy) for f, owner, privacy in all_fields()}
# the form's item number of each field ("" for the header's), the labour contract's too
ITEM_NUMBERS = dict({f.key: "" for f in HEADER},
                    **{f.key: item.number for item in tuple(all_items()) + (CONTRACT,)
                       for f in item.fields})
TABLES = {t.key: (t, owner, privacy) for t, owner, privacy in all_tables()}
ITEM_BY_NUMBER = {item.number: item for item in tuple(all_items()) + (CONTRACT,)}


def sections_for(category):
    """The editing screen's sections: the form's items, and the labour
    contract for a người lao động."""
    return ITEMS + (CONTRACT,) if category == CONTRACT_CATEGORY else ITEMS


def field_is_sensitive(key):
    return FIELDS[key][2] == SENSITIVE


def table_is_sensitive(key):
    return TABLES[key][2] == SENSITIVE
