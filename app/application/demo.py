"""Loading the demo province (idempotent; refused in production by the CLI).

A realistic small province under the vinh_phuc profile (named for its
regulation, QĐ 29/2024/QĐ-UBND of the old tỉnh Vĩnh Phúc), as it is today and
as it was: since 01/07/2025 the two-tier government of tỉnh Phú Thọ
(Vĩnh Phúc, Phú Thọ and Hòa Bình consolidated by Nghị quyết 202/2025/QH15; no
district level; UBND xã/phường directly under the province, with their
schools), with the Sở as the 2025 mergers left them. Before that, the tree of
tỉnh Vĩnh Phúc: its Sở (merged among themselves on 01/03/2025), its cities and
districts, their communes. The old units are closed, not deleted, and the
reform is recorded as restructurings under their decisions, so the org tree
of any date shows that date's tree and every person worked where the date says.
About 300 people with Vietnamese names (the same every time: a fixed random
seed), heads and deputies then and now, and one account per role.
The account names are fixed so that the production guard recognises a demo
installation (app/application/guard.py).

Only the old Vĩnh Phúc's part of the new province is in the demo: the units of
the old Phú Thọ and Hòa Bình that the new ones also continue are not.
"""
import random
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.audit import services as audit
from app.core.models import SystemFlag
from app.extensions import db
from app.org import codes
from app.org.models import (
    CONSOLIDATE, DISSOLVE, LEADER_DEPUTY, LEADER_HEAD, MERGE, PART_CLOSED, PART_CREATED,
    PART_SOURCE, PART_TARGET, RESTRUCTURING_KINDS, Employee, EmployeePlacement,
    OrgRestructuring, RestructuringPart, Unit, UnitCode, UnitLeader, UnitState,
)
from app.org.services import create_unit, place
from app.application.roles_sync import sync_security
from app.security import roles

DEMO_LOADED_FLAG = "demo_loaded"
DEMO_PASSWORD = "HoSo@2026"

# username -> (họ và tên đệm, tên, role, account kind, unit name)
DEMO_PEOPLE = {
    "quantri": ("Lê Văn", "Thành", roles.ROLE_ADMIN, "staff", None),
    "sonoivu": ("Phạm Thị", "Lan", roles.ROLE_SO_NOI_VU, "staff", "Sở Nội vụ"),
    # the principal of canhan's school: the head who approves her record (Điều 5 HP)
    "thutruong": ("Vũ Minh", "Đức", roles.ROLE_HEAD, "agency", "Trường THPT Chuyên Vĩnh Phúc"),
    # the director of the Sở: the head who signs and submits its statutory report
    "giamdoc": ("Nguyễn Văn", "Hải", roles.ROLE_HEAD, "agency", "Sở Giáo dục và Đào tạo"),
    "quanlydulieu": ("Trần Thị", "Thu", roles.ROLE_OFFICER, "personal",
                     "Sở Giáo dục và Đào tạo"),
    "canhan": ("Đỗ Thị", "Hằng", roles.ROLE_PERSONAL, "personal", "Sở Giáo dục và Đào tạo"),
}
DEMO_ACCOUNTS = tuple(DEMO_PEOPLE)

# Nghị định 45/2025/NĐ-CP: the Sở merged within each province from 01/03/2025;
# Nghị quyết 202/2025/QH15: the new provinces, and no district level, from 01/07/2025
SO_MERGER_DAY = date(2025, 3, 1)
REFORM_DAY = date(2025, 7, 1)

PROVINCE = "UBND tỉnh Phú Thọ"
OLD_PROVINCE = "UBND tỉnh Vĩnh Phúc"
PROVINCE_NAME = "Ủy ban nhân dân tỉnh Phú Thọ"   # as the records write it

# Today's tree: (name, parent name, type, code, employs staff). Phú Thọ keeps
# its level-1 code H44 (QĐ 09/2025/QĐ-TTg: a merged province named as one of the
# old ones keeps that one's code; Vĩnh Phúc's H62 is closed). The lower groups
# are illustrative, in the QĐ 20/2020 form.
DEMO_UNITS = [
    (PROVINCE, None, "ubnd_tinh", "H44", True),
    ("Sở Nội vụ", PROVINCE, "so", "H44.01", True),
    ("Sở Giáo dục và Đào tạo", PROVINCE, "so", "H44.02", True),
    ("Trường THPT Chuyên Vĩnh Phúc", "Sở Giáo dục và Đào tạo", "dvsncl", "H44.02.01", True),
    ("Phòng Tổ chức cán bộ", "Sở Giáo dục và Đào tạo", "phong", None, False),
    ("Sở Y tế", PROVINCE, "so", "H44.03", True),
    ("Sở Khoa học và Công nghệ", PROVINCE, "so", "H44.04", True),
    ("Trung tâm Công nghệ thông tin và Truyền thông", "Sở Khoa học và Công nghệ",
     "dvsncl", "H44.04.01", True),
    ("Sở Nông nghiệp và Môi trường", PROVINCE, "so", "H44.06", True),
]
# Units of the demo beyond DEMO_UNITS above: (name, parent, type, code, employs staff)
MORE_UNITS = [
    ("Văn phòng UBND tỉnh", PROVINCE, "so", "H44.08", True),
    ("Sở Tài chính", PROVINCE, "so", "H44.09", True),
    ("Sở Xây dựng", PROVINCE, "so", "H44.10", True),
    ("Chi cục Văn thư – Lưu trữ", "Sở Nội vụ", "chi_cuc", "H44.01.01", True),
    ("Phòng Công chức, viên chức", "Sở Nội vụ", "phong", None, False),
    ("Trường THPT Trần Phú", "Sở Giáo dục và Đào tạo", "dvsncl", "H44.02.02", True),
    ("Trường THPT Ngô Gia Tự", "Sở Giáo dục và Đào tạo", "dvsncl", "H44.02.03", True),
    ("Bệnh viện Đa khoa tỉnh Vĩnh Phúc", "Sở Y tế", "dvsncl", "H44.03.01", True),
    ("Trung tâm Kiểm soát bệnh tật", "Sở Y tế", "dvsncl", "H44.03.02", True),
    ("Chi cục Kiểm lâm", "Sở Nông nghiệp và Môi trường", "chi_cuc", "H44.06.01", True),
    ("Chi cục Thủy lợi", "Sở Nông nghiệp và Môi trường", "chi_cuc", "H44.06.02", True),
    ("UBND phường Vĩnh Yên", PROVINCE, "ubnd_xa", "H44.11", True),
    ("UBND phường Phúc Yên", PROVINCE, "ubnd_xa", "H44.12", True),
    ("UBND xã Tam Đảo", PROVINCE, "ubnd_xa", "H44.13", True),
    ("UBND xã Lập Thạch", PROVINCE, "ubnd_xa", "H44.14", True),
    ("Trường Tiểu học Tam Đảo", "UBND xã Tam Đảo", "dvsncl", "H44.13.01", True),
    ("Trường THCS Lập Thạch", "UBND xã Lập Thạch", "dvsncl", "H44.14.01", True),
    ("Trường Mầm non Vĩnh Yên", "UBND phường Vĩnh Yên", "dvsncl", "H44.11.01", True),
]
# Today's units that existed before the reform and were moved by it (an agency's
# units below a Sở, the schools of a district that went to the new commune):
# name -> (its code before 01/07/2025, [(until, parent), ...] before today's parent)
MOVED_UNITS = {
    "Phòng Tổ chức cán bộ": (None, [(REFORM_DAY, "Sở Giáo dục và Đào tạo tỉnh Vĩnh Phúc")]),
    "Trường THPT Chuyên Vĩnh Phúc": (
        "H62.02.01", [(REFORM_DAY, "Sở Giáo dục và Đào tạo tỉnh Vĩnh Phúc")]),
    "Trường THPT Trần Phú": ("H62.02.02", [(REFORM_DAY, "Sở Giáo dục và Đào tạo tỉnh Vĩnh Phúc")]),
    "Trường THPT Ngô Gia Tự": (
        "H62.02.03", [(REFORM_DAY, "Sở Giáo dục và Đào tạo tỉnh Vĩnh Phúc")]),
    "Chi cục Văn thư – Lưu trữ": ("H62.01.01", [(REFORM_DAY, "Sở Nội vụ tỉnh Vĩnh Phúc")]),
    "Phòng Công chức, viên chức": (None, [(REFORM_DAY, "Sở Nội vụ tỉnh Vĩnh Phúc")]),
    "Bệnh viện Đa khoa tỉnh Vĩnh Phúc": ("H62.03.01", [(REFORM_DAY, "Sở Y tế tỉnh Vĩnh Phúc")]),
    "Trung tâm Kiểm soát bệnh tật": ("H62.03.02", [(REFORM_DAY, "Sở Y tế tỉnh Vĩnh Phúc")]),
    "Trung tâm Công nghệ thông tin và Truyền thông": (
        "H62.05.01", [(SO_MERGER_DAY, "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc"),
                      (REFORM_DAY, "Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc")]),
    "Chi cục Kiểm lâm": (
        "H62.06.01", [(SO_MERGER_DAY, "Sở Nông nghiệp và Phát triển nông thôn tỉnh Vĩnh Phúc"),
                      (REFORM_DAY, "Sở Nông nghiệp và Môi trường tỉnh Vĩnh Phúc")]),
    "Chi cục Thủy lợi": (
        "H62.06.02", [(SO_MERGER_DAY, "Sở Nông nghiệp và Phát triển nông thôn tỉnh Vĩnh Phúc"),
                      (REFORM_DAY, "Sở Nông nghiệp và Môi trường tỉnh Vĩnh Phúc")]),
    # before 01/07/2025 the district (UBND cấp huyện) ran its primary and lower
    # secondary schools and kindergartens; since then the commune does
    "Trường Tiểu học Tam Đảo": ("H62.13.01", [(REFORM_DAY, "UBND huyện Tam Đảo")]),
    "Trường THCS Lập Thạch": ("H62.14.01", [(REFORM_DAY, "UBND huyện Lập Thạch")]),
    "Trường Mầm non Vĩnh Yên": ("H62.11.01", [(REFORM_DAY, "UBND thành phố Vĩnh Yên")]),
}
# The units that closed: (name, parent, type, code, opened on (None: before the
# records), closed on). A closed Sở bears its province's name, as its documents did.
PAST_UNITS = [
    (OLD_PROVINCE, None, "ubnd_tinh", "H62", None, REFORM_DAY),
    ("Văn phòng UBND tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.08", None, REFORM_DAY),
    ("Sở Nội vụ tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.01", None, REFORM_DAY),
    ("Sở Lao động – Thương binh và Xã hội tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.15", None,
     SO_MERGER_DAY),
    ("Sở Giáo dục và Đào tạo tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.02", None, REFORM_DAY),
    ("Sở Y tế tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.03", None, REFORM_DAY),
    ("Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.04", None, REFORM_DAY),
    ("Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.05", None,
     SO_MERGER_DAY),
    ("Sở Nông nghiệp và Phát triển nông thôn tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.06", None,
     SO_MERGER_DAY),
    ("Sở Tài nguyên và Môi trường tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.07", None,
     SO_MERGER_DAY),
    ("Sở Nông nghiệp và Môi trường tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.16", SO_MERGER_DAY,
     REFORM_DAY),
    ("Sở Tài chính tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.09", None, REFORM_DAY),
    ("Sở Xây dựng tỉnh Vĩnh Phúc", OLD_PROVINCE, "so", "H62.10", None, REFORM_DAY),
    # the district level (cấp huyện), and some of its communes (an illustrative sample
    # of the old communes that formed each new one)
    ("UBND thành phố Vĩnh Yên", OLD_PROVINCE, "ubnd_huyen", "H62.11", None, REFORM_DAY),
    ("UBND thành phố Phúc Yên", OLD_PROVINCE, "ubnd_huyen", "H62.12", None, REFORM_DAY),
    ("UBND huyện Tam Đảo", OLD_PROVINCE, "ubnd_huyen", "H62.13", None, REFORM_DAY),
    ("UBND huyện Lập Thạch", OLD_PROVINCE, "ubnd_huyen", "H62.14", None, REFORM_DAY),
    ("UBND phường Tích Sơn", "UBND thành phố Vĩnh Yên", "ubnd_xa", "H62.11.21", None, REFORM_DAY),
    ("UBND phường Liên Bảo", "UBND thành phố Vĩnh Yên", "ubnd_xa", "H62.11.22", None, REFORM_DAY),
    ("UBND phường Hùng Vương", "UBND thành phố Phúc Yên", "ubnd_xa", "H62.12.21", None,
     REFORM_DAY),
    ("UBND phường Phúc Thắng", "UBND thành phố Phúc Yên", "ubnd_xa", "H62.12.22", None,
     REFORM_DAY),
    ("UBND thị trấn Hợp Châu", "UBND huyện Tam Đảo", "ubnd_xa", "H62.13.21", None, REFORM_DAY),
    ("UBND xã Hồ Sơn", "UBND huyện Tam Đảo", "ubnd_xa", "H62.13.22", None, REFORM_DAY),
    ("UBND thị trấn Lập Thạch", "UBND huyện Lập Thạch", "ubnd_xa", "H62.14.21", None, REFORM_DAY),
    ("UBND xã Xuân Hòa", "UBND huyện Lập Thạch", "ubnd_xa", "H62.14.22", None, REFORM_DAY),
]
# The decisions (number, signed on, note). The laws' numbers are real; the
# provinces' decision numbers are illustrative (the note says so).
_SAMPLE = " Số quyết định là dữ liệu mẫu."
NQ_202 = ("202/2025/QH15", date(2025, 6, 12),
          "Nghị quyết của Quốc hội về việc sắp xếp đơn vị hành chính cấp tỉnh: tỉnh Vĩnh Phúc, "
          "tỉnh Hòa Bình và tỉnh Phú Thọ thành tỉnh Phú Thọ; kết thúc hoạt động của đơn vị hành "
          "chính cấp huyện từ 01/07/2025.")
NQ_1676 = ("1676/NQ-UBTVQH15", date(2025, 6, 16),
           "Nghị quyết của Ủy ban Thường vụ Quốc hội về việc sắp xếp các đơn vị hành chính cấp "
           "xã của tỉnh Phú Thọ năm 2025. Dữ liệu mẫu chỉ có một số xã, phường cũ.")


def _vinh_phuc_decision(number):
    return ("%d/QĐ-UBND" % number, date(2025, 2, 26),
            "UBND tỉnh Vĩnh Phúc sắp xếp các sở theo Nghị định 45/2025/NĐ-CP." + _SAMPLE)


def _phu_tho_decision(number):
    return ("%d/QĐ-UBND" % number, date(2025, 7, 1),
            "UBND tỉnh Phú Thọ thành lập sở của tỉnh mới trên cơ sở hợp nhất các sở của ba tỉnh; "
            "dữ liệu mẫu chỉ có phần của tỉnh Vĩnh Phúc cũ." + _SAMPLE)


# The restructurings, in order: (effective on, kind, decision, absorbing or new
# unit (None: dissolved), the units that close)
REFORM_EVENTS = [
    (SO_MERGER_DAY, MERGE, _vinh_phuc_decision(451), "Sở Nội vụ tỉnh Vĩnh Phúc",
     ["Sở Lao động – Thương binh và Xã hội tỉnh Vĩnh Phúc"]),
    (SO_MERGER_DAY, MERGE, _vinh_phuc_decision(452), "Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc",
     ["Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc"]),
    (SO_MERGER_DAY, CONSOLIDATE, _vinh_phuc_decision(453),
     "Sở Nông nghiệp và Môi trường tỉnh Vĩnh Phúc",
     ["Sở Nông nghiệp và Phát triển nông thôn tỉnh Vĩnh Phúc",
      "Sở Tài nguyên và Môi trường tỉnh Vĩnh Phúc"]),
    (REFORM_DAY, CONSOLIDATE, _phu_tho_decision(1), "Văn phòng UBND tỉnh",
     ["Văn phòng UBND tỉnh Vĩnh Phúc"]),
    (REFORM_DAY, CONSOLIDATE, _phu_tho_decision(2), "Sở Nội vụ", ["Sở Nội vụ tỉnh Vĩnh Phúc"]),
    (REFORM_DAY, CONSOLIDATE, _phu_tho_decision(3), "Sở Giáo dục và Đào tạo",
     ["Sở Giáo dục và Đào tạo tỉnh Vĩnh Phúc"]),
    (REFORM_DAY, CONSOLIDATE, _phu_tho_decision(4), "Sở Y tế", ["Sở Y tế tỉnh Vĩnh Phúc"]),
    (REFORM_DAY, CONSOLIDATE, _phu_tho_decision(5), "Sở Khoa học và Công nghệ",
     ["Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc"]),
    (REFORM_DAY, CONSOLIDATE, _phu_tho_decision(6), "Sở Nông nghiệp và Môi trường",
     ["Sở Nông nghiệp và Môi trường tỉnh Vĩnh Phúc"]),
    (REFORM_DAY, CONSOLIDATE, _phu_tho_decision(7), "Sở Tài chính",
     ["Sở Tài chính tỉnh Vĩnh Phúc"]),
    (REFORM_DAY, CONSOLIDATE, _phu_tho_decision(8), "Sở Xây dựng", ["Sở Xây dựng tỉnh Vĩnh Phúc"]),
    (REFORM_DAY, CONSOLIDATE, NQ_1676, "UBND phường Vĩnh Yên",
     ["UBND phường Tích Sơn", "UBND phường Liên Bảo"]),
    (REFORM_DAY, CONSOLIDATE, NQ_1676, "UBND phường Phúc Yên",
     ["UBND phường Hùng Vương", "UBND phường Phúc Thắng"]),
    (REFORM_DAY, CONSOLIDATE, NQ_1676, "UBND xã Tam Đảo",
     ["UBND thị trấn Hợp Châu", "UBND xã Hồ Sơn"]),
    (REFORM_DAY, CONSOLIDATE, NQ_1676, "UBND xã Lập Thạch",
     ["UBND thị trấn Lập Thạch", "UBND xã Xuân Hòa"]),
    (REFORM_DAY, DISSOLVE, NQ_202, None, ["UBND thành phố Vĩnh Yên"]),
    (REFORM_DAY, DISSOLVE, NQ_202, None, ["UBND thành phố Phúc Yên"]),
    (REFORM_DAY, DISSOLVE, NQ_202, None, ["UBND huyện Tam Đảo"]),
    (REFORM_DAY, DISSOLVE, NQ_202, None, ["UBND huyện Lập Thạch"]),
    # the province closes last, when nothing below it is open
    (REFORM_DAY, CONSOLIDATE, NQ_202, PROVINCE, [OLD_PROVINCE]),
]
# where a dissolved district's staff went: some of each new commune's staff come
# from the district's UBND
DISTRICT_STAFF_TO = {
    "UBND phường Vĩnh Yên": "UBND thành phố Vĩnh Yên",
    "UBND phường Phúc Yên": "UBND thành phố Phúc Yên",
    "UBND xã Tam Đảo": "UBND huyện Tam Đảo",
    "UBND xã Lập Thạch": "UBND huyện Lập Thạch",
}

# (full name, category, unit name today, demo username or None, a unit they worked in
# before the reform or None): the people the demo accounts and the examples rely on
DEMO_STAFF = [
    ("Đỗ Thị Hằng", "vien_chuc", "Trường THPT Chuyên Vĩnh Phúc", "canhan", None),
    ("Nguyễn Văn Hải", "cong_chuc", "Sở Giáo dục và Đào tạo", "giamdoc", None),
    ("Trần Thị Thu", "cong_chuc", "Phòng Tổ chức cán bộ", "quanlydulieu", None),
    ("Vũ Minh Đức", "vien_chuc", "Trường THPT Chuyên Vĩnh Phúc", "thutruong", None),
    ("Hoàng Văn Nam", "cong_chuc", "Sở Khoa học và Công nghệ", None,
     "Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc"),
    ("Bùi Thị Mai", "cong_chuc", "Sở Khoa học và Công nghệ", None,
     "Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc"),
    ("Lê Quang Huy", "cong_chuc", "Sở Khoa học và Công nghệ", None,
     "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc"),
    ("Phan Thị Ngọc", "cong_chuc", "Sở Khoa học và Công nghệ", None,
     "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc"),
    ("Đặng Văn Long", "vien_chuc", "Trung tâm Công nghệ thông tin và Truyền thông", None, None),
    ("Ngô Thị Yến", "cong_chuc", "Sở Nông nghiệp và Môi trường", None,
     "Sở Nông nghiệp và Phát triển nông thôn tỉnh Vĩnh Phúc"),
    ("Trịnh Văn Sơn", "cong_chuc", "Sở Nông nghiệp và Môi trường", None,
     "Sở Tài nguyên và Môi trường tỉnh Vĩnh Phúc"),
]
# (unit name, head, deputies) among DEMO_STAFF, today and before the reform; more
# come from the generated staff
LEADERS = [("Sở Giáo dục và Đào tạo", "Nguyễn Văn Hải", []),
           ("Trường THPT Chuyên Vĩnh Phúc", "Vũ Minh Đức", []),
           ("Sở Khoa học và Công nghệ", "Hoàng Văn Nam", ["Bùi Thị Mai", "Lê Quang Huy"]),
           ("Sở Giáo dục và Đào tạo tỉnh Vĩnh Phúc", "Nguyễn Văn Hải", []),
           ("Sở Khoa học và Công nghệ tỉnh Vĩnh Phúc", "Hoàng Văn Nam",
            ["Bùi Thị Mai", "Lê Quang Huy"]),
           ("Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc", "Lê Quang Huy", ["Phan Thị Ngọc"])]
LEADERS_SINCE = date(2024, 1, 1)

TOTAL_STAFF = 300
HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ",
      "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lưu", "Tạ", "Khổng", "Kim", "Triệu", "Lò"]
DEM_NAM = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Xuân", "Bảo", "Thành", "Tiến", "Công"]
DEM_NU = ["Thị", "Thu", "Ngọc", "Thanh", "Thùy", "Hoài", "Phương", "Kim", "Hồng", "Diệu"]
TEN_NAM = ["An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam",
           "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Đạt", "Đông", "Tùng"]
TEN_NU = ["Anh", "Chi", "Giang", "Hà", "Hằng", "Hoa", "Huyền", "Lan", "Linh", "Mai", "Nga",
          "Ngọc", "Phương", "Quỳnh", "Thảo", "Trang", "Vân", "Yến", "Nhung", "Hương"]
# by unit type: how many people a unit of that type employs in the demo, and as what
STAFFING = {"ubnd_tinh": (8, "cong_chuc"), "so": (9, "cong_chuc"), "chi_cuc": (7, "cong_chuc"),
            "phong": (4, "cong_chuc"), "dvsncl": (16, "vien_chuc"), "ubnd_xa": (9, "cbcc_cap_xa")}


def demo_people(units, taken):
    """(full name, category, unit name) of the generated staff: the same list every
    time (a fixed seed), names unique among themselves and ``taken``."""
    rng = random.Random(2026)
    people, names = [], set(taken)
    order = [(name, unit_type) for name, _p, unit_type, _c, _e in DEMO_UNITS + MORE_UNITS]
    while len(people) + len(taken) < TOTAL_STAFF:
        for unit_name, unit_type in order:
            count, category = STAFFING.get(unit_type, (3, "cong_chuc"))
            for _ in range(count):
                if len(people) + len(taken) >= TOTAL_STAFF:
                    break
                while True:
                    female = rng.random() < 0.55
                    name = "%s %s %s" % (rng.choice(HO), rng.choice(DEM_NU if female else DEM_NAM),
                                         rng.choice(TEN_NU if female else TEN_NAM))
                    if name not in names:
                        break
                names.add(name)
                # some contract staff (người lao động) in the public service units
                kind = "nguoi_lao_dong" if unit_type == "dvsncl" and rng.random() < 0.15 \
                    else category
                people.append((name, kind, unit_name))
    return people


# ---------------------------------------------------------------- the tree and its history

def _opened_on():
    """{unit name: the day it opened}: today's new units opened with the reform."""
    opened = {name: opened_on for name, _p, _t, _c, opened_on, _x in PAST_UNITS}
    for name, _p, unit_type, _c, _e in DEMO_UNITS + MORE_UNITS:
        opened[name] = None if name in MOVED_UNITS else REFORM_DAY
    return opened


def _predecessors():
    """{unit name: [(closed unit, closed on)]}: the units whose staff went to it."""
    closed_on = {name: closes for name, _p, _t, _c, _o, closes in PAST_UNITS}
    before = {}
    for _on, _kind, _decision, target, sources in REFORM_EVENTS:
        for source in sources:
            if target is not None:
                before.setdefault(target, []).append((source, closed_on[source]))
    for commune, district in DISTRICT_STAFF_TO.items():
        before.setdefault(commune, []).append((district, closed_on[district]))
    return before


def career(unit_name, index, via=None):
    """Where a person of ``unit_name`` today worked, oldest first: [(unit name, from,
    until)], from None (since before the records) to until None (today). ``index``
    spreads a unit's people over its predecessors; ``via``: a unit they must have
    worked in."""
    opened, before = _opened_on(), _predecessors()
    closed_on = {name: closes for name, _p, _t, _c, _o, closes in PAST_UNITS}

    def ways_to(name):
        # every chain of units, oldest first, that ends in ``name``
        ways = [[name]] if opened.get(name) is None else []
        for source, _closed in before.get(name, []):
            ways += [way + [name] for way in ways_to(source)]
        return ways

    ways = ways_to(unit_name)
    if via is not None:
        ways = [way for way in ways if via in way] or ways
    way = ways[index % len(ways)]
    # each step ends when its unit closed, and the next begins that day
    steps, start = [], None
    for position, name in enumerate(way):
        until = closed_on[name] if position < len(way) - 1 else None
        steps.append((name, start, until))
        start = until
    return steps


def _decision_of(event, note):
    number, signed_on, text = note
    return dict(decision_number=number, decision_date=signed_on, effective_on=event,
                note=text)


def _reason(restructuring):
    """The staff's reason for a move, as org.services words it."""
    return _("%(kind)s under decision %(number)s of %(date)s") % {
        "kind": RESTRUCTURING_KINDS[restructuring.kind],
        "number": restructuring.decision_number,
        "date": restructuring.decision_date.strftime("%d/%m/%Y")}


def _build_tree():
    """Every unit the demo's history needs, then the restructurings that made
    today's tree (written as org.services writes them: periods closed and opened,
    parts, successors, an audit entry each). Returns ({name: Unit}, {closed unit
    name: its restructuring})."""
    units = {}
    opened = _opened_on()
    first_parent = {name: periods[0][1] for name, (_code, periods) in MOVED_UNITS.items()}
    for name, parent, unit_type, code, opened_on, _closes in PAST_UNITS:
        units[name] = create_unit(name, units.get(parent), True, unit_type, code,
                                  valid_from=opened_on)
    for name, parent, unit_type, code, is_employing in DEMO_UNITS + MORE_UNITS:
        if name in MOVED_UNITS:
            parent, code = first_parent[name], MOVED_UNITS[name][0]
        units[name] = create_unit(name, units.get(parent), is_employing, unit_type, code,
                                  valid_from=opened[name])
    db.session.flush()
    states = {row.unit_id: row for row in db.session.scalars(select(UnitState))}
    unit_codes = {row.unit_id: row for row in db.session.scalars(select(UnitCode))}
    closing = {}
    for effective_on, kind, decision, target, sources in REFORM_EVENTS:
        event = OrgRestructuring(kind=kind, created_at=datetime(2025, 7, 1) if effective_on ==
                                 REFORM_DAY else datetime(2025, 3, 1),
                                 **_decision_of(effective_on, decision))
        db.session.add(event)
        db.session.flush()
        parts = [(units[source], PART_SOURCE) for source in sources]
        if target is not None:
            parts.append((units[target], PART_CREATED if opened.get(target) == effective_on
                          else PART_TARGET))
        for source in sources:
            for child, (_code, periods) in MOVED_UNITS.items():
                moves = [p for p in periods if p[1] == source]
                if not moves:
                    continue
                later = [p for p in periods if p[0] > moves[0][0]]
                new_parent = later[0][1] if later else next(
                    u[1] for u in DEMO_UNITS + MORE_UNITS if u[0] == child)
                _move(units[child], units[new_parent], event, states)
                parts.append((units[child], PART_SOURCE))
                if effective_on == REFORM_DAY and _code_today(child):
                    _recode(units[child], _code_today(child), event, unit_codes)
            if kind == DISSOLVE:
                parts += [(units[commune], PART_TARGET) for commune, district in
                          DISTRICT_STAFF_TO.items() if district == source]
            _close(units[source], effective_on, units.get(target), states, unit_codes)
            parts.append((units[source], PART_CLOSED))
            closing[source] = event
        for unit, part in parts:
            db.session.add(RestructuringPart(restructuring_id=event.id, unit_id=unit.id,
                                             part=part))
        audit.record("unit.restructure", event, object_type="OrgRestructuring",
                     unit_id=parts[0][0].id,
                     details={"kind": kind, "decision": event.decision_number,
                              "effective_on": effective_on.isoformat(),
                              "units": [unit.id for unit, _part in parts], "seeded": "demo"})
    db.session.flush()
    return units, closing


def _code_today(name):
    return next((code for n, _p, _t, code, _e in DEMO_UNITS + MORE_UNITS if n == name), None)


def _move(unit, new_parent, event, states):
    state = states[unit.id]
    state.valid_to = event.effective_on
    states[unit.id] = UnitState(unit_id=unit.id, name=state.name, parent_id=new_parent.id,
                                unit_type=state.unit_type, is_employing=state.is_employing,
                                valid_from=event.effective_on, restructuring_id=event.id)
    db.session.add(states[unit.id])
    unit.parent = new_parent
    db.session.flush()
    place(unit)


def _recode(unit, code, event, unit_codes):
    parsed = codes.parse(code)
    if unit.id in unit_codes:
        unit_codes[unit.id].valid_to = event.effective_on
    unit_codes[unit.id] = UnitCode(unit_id=unit.id, code=parsed.text, form=parsed.form,
                                   valid_from=event.effective_on, restructuring_id=event.id)
    db.session.add(unit_codes[unit.id])
    unit.code = parsed.text


def _close(unit, on, successor, states, unit_codes):
    states[unit.id].valid_to = on
    if unit.id in unit_codes:
        unit_codes[unit.id].valid_to = on
    unit.valid_to, unit.successor = on, successor


def _load_tree():
    """The demo's units by name (loaded before: their history is written)."""
    names = [u[0] for u in PAST_UNITS + DEMO_UNITS + MORE_UNITS]
    return {unit.name: unit for unit in db.session.scalars(
        select(Unit).where(Unit.name.in_(names)))}, {}


# ---------------------------------------------------------------- the staff

def _ensure_employee(full_name, category, unit, account):
    person = db.session.scalar(select(Employee).where(Employee.full_name == full_name))
    if person is None:
        person = Employee(full_name=full_name, category=category, unit_id=unit.id,
                          account_id=account.id if account is not None else None)
        db.session.add(person)
    return person


def _write_careers(people, careers, units, closing):
    """Each person's placements: the earlier ones end with the restructuring that
    closed their unit, which is the reason of the next; the open one (written when
    the person was) begins with the last move."""
    last_moves = {}
    for person in people.values():
        steps = careers[person.full_name]
        came_by = None
        for name, start, until in steps[:-1]:
            db.session.add(EmployeePlacement(
                employee_id=person.id, unit_id=units[name].id, valid_from=start,
                valid_to=until, reason=_reason(came_by) if came_by else None,
                restructuring_id=came_by.id if came_by else None))
            came_by = closing[name]
        if came_by is not None:
            last_moves.setdefault((came_by, steps[-1][1]), []).append(person.id)
    for (event, start), ids in last_moves.items():
        db.session.execute(update(EmployeePlacement).where(
            EmployeePlacement.employee_id.in_(ids), EmployeePlacement.valid_to.is_(None))
            .values(valid_from=start, reason=_reason(event), restructuring_id=event.id))


def _leaders_of(unit_name, people, careers, units):
    """Who may lead ``unit_name`` from its first leadership day: the people who
    worked there since (or before) that day, by name."""
    unit = units[unit_name]
    since = max(LEADERS_SINCE, unit.valid_from or LEADERS_SINCE)
    staff = []
    for name, steps in careers.items():
        for step, start, until in steps:
            if step == unit_name and (start is None or start <= since) and \
                    (until is None or until > since):
                staff.append(people[name])
    return since, sorted(staff, key=lambda p: p.full_name)


def _ensure_leaders(units, people, careers):
    """Heads and deputies, today's and before the reform: the named ones, then the
    first people of each other employing unit (by name) as its head and, in larger
    units, a deputy. A closed unit's leaders ended with it."""
    named = {unit: (head, deputies) for unit, head, deputies in LEADERS}
    for name, unit in units.items():
        if not unit.is_employing or db.session.scalar(
                select(UnitLeader.id).where(UnitLeader.unit_id == unit.id).limit(1)):
            continue
        since, staff = _leaders_of(name, people, careers, units)
        if name in named:
            head, deputies = people[named[name][0]], [people[d] for d in named[name][1]]
        elif staff:
            head, deputies = staff[0], staff[1:2] if len(staff) >= 6 else []
        else:
            continue
        for person, position in [(head, LEADER_HEAD)] + [(d, LEADER_DEPUTY) for d in deputies]:
            start = next((s for step, s, _u in careers[person.full_name] if step == name), None)
            db.session.add(UnitLeader(unit_id=unit.id, employee_id=person.id, position=position,
                                      valid_from=max(since, start or since),
                                      valid_to=unit.valid_to))


def _ensure_user(sm, username, last_name, first_name, role_name, kind, unit):
    """A demo account, already past the first-login password change."""
    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(username=username, first_name=first_name, last_name=last_name,
                           email="%s@demo.hoso.invalid" % username,
                           role=sm.find_role(role_name), password=DEMO_PASSWORD)
        user.kind, user.unit, user.must_change_password = kind, unit, False
    return user


def seed_demo(appbuilder, lifecycle=True):
    """Create the demo units, their history and the accounts, then (``lifecycle``) the
    hires, transfer cases and leavers of app/application/demo_lifecycle.py; returns
    (username, role name) pairs."""
    sync_security(appbuilder)
    from app.catalogs.services import load_shipped

    load_shipped()
    loaded = db.session.scalar(select(Unit.id).where(Unit.name == OLD_PROVINCE)) is not None
    units, closing = _load_tree() if loaded else _build_tree()
    sm = appbuilder.sm
    for username, (last_name, first_name, role_name, kind, unit_name) in DEMO_PEOPLE.items():
        _ensure_user(sm, username, last_name, first_name, role_name, kind, units.get(unit_name))
    db.session.flush()
    people, careers = {}, {}
    generated = demo_people(units, {p[0] for p in DEMO_STAFF})
    counts = {}
    for full_name, category, unit_name, username, via in DEMO_STAFF + [
            person + (None, None) for person in generated]:
        people[full_name] = _ensure_employee(
            full_name, category, units[unit_name],
            sm.find_user(username=username) if username else None)
        index = counts[unit_name] = counts.get(unit_name, -1) + 1
        careers[full_name] = career(unit_name, index, via)
    db.session.flush()
    if not loaded:
        _write_careers(people, careers, units, closing)
    _ensure_leaders(units, people, careers)
    from app.records.demo import seed_records, seed_self_service

    seed_records(people.values())
    seed_self_service(units[PROVINCE])
    from app.approval.demo import seed_signing

    seed_signing(sm, units[PROVINCE])
    if db.session.get(SystemFlag, DEMO_LOADED_FLAG) is None:
        db.session.add(SystemFlag(name=DEMO_LOADED_FLAG, value="vinh_phuc"))
    db.session.commit()
    if lifecycle:
        from app.application.demo_lifecycle import seed_lifecycle

        seed_lifecycle()
        from app.application.demo_reports import seed_reports

        seed_reports(sm)
    return [(username, person[2]) for username, person in DEMO_PEOPLE.items()]
