"""The demo province's lifecycle: a recent hire, open transfer cases of each kind the
active profile has, and leavers in the archive, entered through the services as a unit's
officer and Sở Nội vụ would, dated from today.

Every term and step comes from the profile the demo is loaded under, so each profile's
demo (its own database: config.instance_dir) shows its own deadlines, approvers and
transfer steps: under hai_phong the sending school hands the record over within 05 working
days (Điều 9.3 HP); under dong_nai the receiving school asks within 10 working days (Điều
8.4 ĐN) and Sở Nội vụ moves commune staff (Điều 8.2 ĐN after the 2025 reform); under ha_noi
the record goes through the managing body above (Điều 12.1a HN); under da_nang the terms
run in days (Điều 11 ĐNg). Loaded once (a flag); the people are picked by name, the same
every time.
"""
import io
from datetime import timedelta

from flask import current_app
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas
from sqlalchemy import select

from app.accounts.models import Account
from app.core import clock
from app.core.models import SystemFlag
from app.extensions import db
from app.hiring import services as hiring
from app.leavers import queries as leaver_queries
from app.leavers import services as leavers
from app.org.models import (
    STATUS_RESIGNED, STATUS_RETIRED, STATUS_WORKING, Employee, Unit, UnitLeader,
)
from app.policy.profiles import rule
from app.records import pdf as record_pdf
from app.records import services as records
from app.transfers import services as transfers
from app.transfers.models import (
    BETWEEN_UNITS, COMMUNE, IN_FROM_OUTSIDE, INSIDE_UNIT, OUT_OF_PROVINCE, SECONDMENT,
)
from app.workdays.services import is_working_day

LIFECYCLE_LOADED_FLAG = "demo_lifecycle_loaded"
SAMPLE = "Dữ liệu mẫu."


def sample_decision(number, lines):
    """A one-page PDF standing in for a decision's scan (marked as sample data)."""
    record_pdf.register_fonts()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    page.setFont(record_pdf.FONT_BOLD, 13)
    page.drawCentredString(width / 2, height - 3 * cm, "QUYẾT ĐỊNH")
    page.setFont(record_pdf.FONT, 11)
    page.drawCentredString(width / 2, height - 3.7 * cm, "Số: %s" % number)
    y = height - 5 * cm
    for line in lines + ["(%s)" % SAMPLE]:
        page.drawString(2.5 * cm, y, line)
        y -= 0.7 * cm
    page.showPage()
    page.save()
    return ("quyet-dinh-%s.pdf" % number.split("/")[0], buffer.getvalue())


def working_days_before(day, count):
    """The day ``count`` working days before ``day``."""
    while count > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _vn(day):
    return day.strftime("%d/%m/%Y")


def _unit(name):
    return db.session.scalar(select(Unit).where(Unit.name == name, Unit.valid_to.is_(None)))


def _account(username):
    return db.session.scalar(select(Account).where(Account.username == username))


def _people_of(unit_name, taken, count=1, category=None):
    """``count`` working people of the unit without an account (not the demo's own
    accounts' people), by name, not among ``taken``."""
    unit = _unit(unit_name)
    query = select(Employee).where(Employee.unit_id == unit.id,
                                   Employee.status == STATUS_WORKING,
                                   Employee.account_id.is_(None))
    if category:
        query = query.where(Employee.category == category)
    found = [p for p in db.session.scalars(query.order_by(Employee.full_name))
             if p.id not in taken][:count]
    taken.update(p.id for p in found)
    return found


def _decision(number, decided_by, decided_on, effective_on, **more):
    data = {"decision_number": number, "decided_by": decided_by,
            "decision_date": _vn(decided_on), "effective_on": _vn(effective_on),
            "note": SAMPLE}
    data.update(more)
    return data


def _open(actor, data, lines):
    opened = transfers.open_case(actor, data, sample_decision(data["decision_number"], lines))
    return opened.case


def seed_lifecycle():
    """Load the lifecycle examples once; returns how many cases and leavers it entered."""
    if db.session.get(SystemFlag, LIFECYCLE_LOADED_FLAG) is not None:
        return 0
    today = clock.today()
    officer, so_noi_vu = _account("quanlydulieu"), _account("sonoivu")
    taken, entered = set(), 0

    # a teacher recruited this week: her account and first entry are due (Điều 6 ĐN,
    # 10 ĐNg, 7 VP: the profile's terms, stored with the hiring)
    decided = working_days_before(today, 2)
    hiring.hire(officer, {
        "kind": "tuyen_dung", "decision_number": "318/QĐ-SGDĐT", "decision_date": _vn(decided),
        "decided_by": "Sở Giáo dục và Đào tạo", "start_date": _vn(decided),
        "unit_id": str(_unit("Trường THPT Chuyên Vĩnh Phúc").id), "category": "vien_chuc",
        "ho_ten": "Nguyễn Thị Thanh Tâm", "gioi_tinh": "nu", "ngay_sinh": "14/05/2001",
        "so_dinh_danh": "026301009318", "grade_code": "V.07.05.15", "bac_luong": "1",
        "he_so_luong": "2,34", "username": "", "email": "tam.ntt@chuyenvinhphuc.edu.vn"},
        sample_decision("318/QĐ-SGDĐT", ["Về việc tuyển dụng viên chức", "Bà Nguyễn Thị Thanh "
                                        "Tâm, giáo viên Trường THPT Chuyên Vĩnh Phúc"]))
    entered += 1

    # between two schools of the Sở, effective three working days ago: the hand-over
    # (or, by the profile, the receiving school's request or the Sở's move) is running
    effective = working_days_before(today, 3)
    for person in _people_of("Trường THPT Trần Phú", taken, category="vien_chuc"):
        _open(officer, _decision("205/QĐ-SGDĐT", "Sở Giáo dục và Đào tạo", effective - timedelta(
            days=7), effective, kind=BETWEEN_UNITS, employee_id=str(person.id),
            to_unit_id=str(_unit("Trường THPT Chuyên Vĩnh Phúc").id)),
            ["Về việc điều động viên chức", person.full_name + ": từ Trường THPT Trần Phú",
             "đến Trường THPT Chuyên Vĩnh Phúc"])
        entered += 1
    # within the Sở, to its personnel section, from today
    for person in _people_of("Sở Giáo dục và Đào tạo", taken, category="cong_chuc"):
        _open(officer, _decision("211/QĐ-SGDĐT", "Sở Giáo dục và Đào tạo", today, today,
                                 kind=INSIDE_UNIT, employee_id=str(person.id),
                                 to_unit_id=str(_unit("Phòng Tổ chức cán bộ").id)),
              ["Về việc phân công công tác", person.full_name + ": về Phòng Tổ chức cán bộ"])
        entered += 1
    # a secondment to another school for the semester
    for person in _people_of("Trường THPT Ngô Gia Tự", taken, category="vien_chuc"):
        _open(officer, _decision("190/QĐ-SGDĐT", "Sở Giáo dục và Đào tạo",
                                 today - timedelta(days=20), today - timedelta(days=14),
                                 kind=SECONDMENT, employee_id=str(person.id),
                                 to_unit_id=str(_unit("Trường THPT Trần Phú").id),
                                 ends_on=_vn(today + timedelta(days=180))),
              ["Về việc biệt phái viên chức", person.full_name + ": biệt phái đến Trường "
               "THPT Trần Phú"])
        entered += 1
    # out of the province, to a ministry: status, access and the national sync to do
    for person in _people_of("Sở Tài chính", taken, category="cong_chuc"):
        _open(so_noi_vu, _decision("1502/QĐ-UBND", "UBND tỉnh Phú Thọ",
                                   today - timedelta(days=12), working_days_before(today, 4),
                                   kind=OUT_OF_PROVINCE, employee_id=str(person.id),
                                   outside_body="Bộ Tài chính"),
              ["Về việc chuyển công tác", person.full_name + ": đến Bộ Tài chính"])
        entered += 1
    # commune staff moved by the level above, where the profile has that procedure
    if rule("transfers.commune_moved_by") is not None:
        for person in _people_of("UBND xã Tam Đảo", taken, category="cbcc_cap_xa"):
            _open(so_noi_vu, _decision("1510/QĐ-UBND", "UBND tỉnh Phú Thọ",
                                       today - timedelta(days=5), today, kind=COMMUNE,
                                       employee_id=str(person.id),
                                       to_unit_id=str(_unit("UBND xã Lập Thạch").id)),
                  ["Về việc điều động công chức cấp xã", person.full_name + ": từ UBND xã "
                   "Tam Đảo đến UBND xã Lập Thạch"])
            entered += 1
    # received from another province, the national data to be requested
    received = working_days_before(today, 1)
    _open(officer, _decision(
        "322/QĐ-SGDĐT", "Sở Giáo dục và Đào tạo", received, received, kind=IN_FROM_OUTSIDE,
        outside_body="Sở Giáo dục và Đào tạo tỉnh Tuyên Quang", sync_possible="1",
        to_unit_id=str(_unit("Trường THPT Ngô Gia Tự").id), category="vien_chuc",
        ho_ten="Hà Văn Khải", gioi_tinh="nam", ngay_sinh="03/09/1990",
        so_dinh_danh="008090003220", grade_code="V.07.05.15", bac_luong="3",
        he_so_luong="3,00", username="", email="khai.hv@ngogiatu.edu.vn",
        first_recruited_on="01/09/2014", first_recruited_by="Sở Giáo dục và Đào tạo tỉnh "
        "Tuyên Quang"),
        ["Về việc tiếp nhận viên chức", "Ông Hà Văn Khải, từ tỉnh Tuyên Quang"])
    entered += 1

    # leavers: everyone whose retirement (NĐ 135/2020) has come retired on its day, with
    # the decision; a resignation last month. All of them in the archive.
    entered += _retire_the_due(so_noi_vu, today)
    for person in _people_of("Trung tâm Kiểm soát bệnh tật", taken):
        effective = today.replace(day=1) - timedelta(days=1)
        leavers.depart(so_noi_vu, person, {
            "status": STATUS_RESIGNED, "decision_number": "41/QĐ-TTKSBT",
            "decided_by": "Trung tâm Kiểm soát bệnh tật",
            "decision_date": _vn(effective - timedelta(days=30)),
            "effective_date": _vn(effective), "note": SAMPLE},
            sample_decision("41/QĐ-TTKSBT", ["Về việc thôi việc", person.full_name]))
        entered += 1
    entered += _salary_raise_waiting(officer, taken)
    db.session.add(SystemFlag(name=LIFECYCLE_LOADED_FLAG,
                              value=current_app.config["PROVINCE_PROFILE"]))
    db.session.commit()
    return entered


def _salary_raise_waiting(officer, taken):
    """A teacher of the principal's school raised one salary step this month, entered by
    the Sở's officer and waiting for the principal's approval (under a profile with an
    approver): what the approval window's reminder is about (issue 19)."""
    from app.approval.services import approval_required

    if not approval_required():
        return 0
    for person in _people_of("Trường THPT Chuyên Vĩnh Phúc", taken, category="vien_chuc"):
        current = records.read_content(records.approved_version(person))["fields"]
        step = int(current.get("bac_luong") or 1) + 1
        draft = records.open_draft(officer, person)
        records.save(officer, draft, {"bac_luong": str(step),
                                      "ngay_huong_luong": _vn(clock.today().replace(day=1))},
                     {}, draft.lock)
        records.submit(officer, draft, draft.lock)
        return 1
    return 0


def _retire_the_due(actor, today):
    """Record the retirement of each generated person whose forecast says it has come
    (the demo's ages are drawn at random), from a decision of a month before."""
    leaders = set(db.session.scalars(select(UnitLeader.employee_id)))
    retired = 0
    for row in leaver_queries.retiring(actor, None, today - timedelta(days=1)):
        person = row.employee
        if person.account_id is not None or person.id in leaders:
            continue
        effective = row.forecast.pension_from
        number = "%d/QĐ-NH" % (100 + retired)
        leavers.depart(actor, person, {
            "status": STATUS_RETIRED, "decision_number": number,
            "decided_by": person.unit.name, "decision_date": _vn(effective - timedelta(days=45)),
            "effective_date": _vn(effective), "note": SAMPLE},
            sample_decision(number, ["Về việc nghỉ hưu để hưởng chế độ bảo hiểm xã hội",
                                     person.full_name]))
        retired += 1
    return retired
