"""Issue 16's "done when", in the demo and in Chromium: Sở Nội vụ (who makes the personal
accounts under vinh_phuc, Điều 7.2 VP) hires a teacher into thutruong's school from the
decision; the teacher signs in on a phone with the one-time password, changes it,
completes the record section by section and submits it; thutruong, on his phone,
reviews every change and approves it with his key."""
import io

from reportlab.pdfgen import canvas
from sqlalchemy import select

from app.accounts.models import Account
from app.approval.demo import DEMO_PIN
from app.application.demo import DEMO_PASSWORD, seed_demo
from app.extensions import db
from app.org.models import Employee
from app.records.models import RecordVersion
from tests.browser.conftest import ARTIFACTS, sign_in, visible_english_words

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "vi-VN"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "vi-VN"}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth + 1"
NEW_PASSWORD = "GiaoVien@2026moi"
TEACHER = "Nguyễn Thị Thanh Hương"
NATIONAL_ID = "025301004567"

# What the teacher types, section by section: (item number, {input: value}); selects
# take a catalog code, inputs the text
ENTRIES = [
    ("4", {"noi_sinh": "Phường Vĩnh Yên, tỉnh Phú Thọ"}),
    ("5", {"que_quan_xa": "Xã Tam Dương", "que_quan_tinh": "25"}),
    ("6", {"dan_toc": "01"}),
    ("7", {"ton_giao": "00"}),
    ("8", {"so_cccd": NATIONAL_ID, "ngay_cap_cccd": "10/05/2021",
           "dien_thoai": "0912 345 678"}),
    ("10", {"noi_o": "Số 5 đường Kim Ngọc, phường Vĩnh Phúc, tỉnh Phú Thọ"}),
    ("19", {"giao_duc_pho_thong": "THPT"}),
    ("20", {"trinh_do_chuyen_mon": "DH", "chuyen_nganh": "Sư phạm Toán"}),
    ("31", {"suc_khoe": "Tốt"}),
]


def _decision_pdf():
    out = io.BytesIO()
    sheet = canvas.Canvas(out)
    sheet.drawString(72, 720, "Quyet dinh tuyen dung vien chuc")
    sheet.save()
    return out.getvalue()


def _demo_facts(app):
    """thutruong's school, and catalog codes the demo holds for the teacher's entries."""
    with app.app_context():
        head = db.session.scalar(select(Account).where(Account.username == "thutruong"))
        facts = {"unit_id": head.unit_id}
        db.session.remove()
    return facts


def _choose(page, selector, value):
    """Pick an option of a select, searchable (select2 hides it) or not."""
    page.evaluate("""([selector, value]) => {
        const el = document.querySelector(selector);
        el.value = value;
        el.dispatchEvent(new Event('change', {bubbles: true}));
        if (window.jQuery) { window.jQuery(el).trigger('change'); }
    }""", [selector, value])


# words of the provinces' names in the home-town list ("Long An", "Vĩnh Long") that
# English also has
PLACE_NAME_WORDS = {"long"}


def _assert_phone_page(page, name):
    page.screenshot(path="%s/hiring_%s.png" % (ARTIFACTS, name), full_page=True)
    assert page.evaluate(NO_SIDEWAYS_SCROLL), name
    assert set(visible_english_words(page)) - PLACE_NAME_WORDS == set(), name


def _sonoivu_hires_the_teacher(browser, live_server, unit_id, tmp_path):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "sonoivu", DEMO_PASSWORD)
    page.goto(live_server + "/hiring/new")
    assert visible_english_words(page) == []
    page.fill("#decision_number", "88/QĐ-SNV")
    page.fill("#decision_date", "20/11/2026")
    page.fill("#decided_by", "Sở Nội vụ tỉnh Phú Thọ")
    page.fill("#start_date", "01/12/2026")
    scan = tmp_path / "qd-tuyen-dung.pdf"
    scan.write_bytes(_decision_pdf())
    page.set_input_files("#scan", str(scan))
    _choose(page, "#unit_id", str(unit_id))
    _choose(page, "#category", "vien_chuc")
    _choose(page, "#grade_code", "V.07.05.15")
    page.fill("#bac_luong", "1")
    page.fill("#he_so_luong", "2,34")
    page.fill("#ho_ten", TEACHER)
    _choose(page, "#gioi_tinh", "nu")
    page.fill("#ngay_sinh", "14/02/2000")
    page.fill("#so_dinh_danh", NATIONAL_ID)
    page.fill("#username", "huong.ntt")
    page.fill("#email", "huong.ntt@thptchuyen.edu.vn")
    page.click("#hire-form button[type=submit]")
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert "Đã tuyển dụng, tiếp nhận" in body, body[:800]
    assert page.inner_text("#username") == "huong.ntt"
    password = page.inner_text("#password").strip()
    assert visible_english_words(page) == []
    context.close()
    return password


def _teacher_completes_and_submits(browser, live_server, password):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "huong.ntt", password)
    # the first sign-in changes the one-time password
    assert "/my-account/password" in page.url, page.url
    _assert_phone_page(page, "password")
    page.fill("#current_password", password)
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#confirm_password", NEW_PASSWORD)
    page.click("form button[type=submit], form input[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server + "/records/me")
    assert TEACHER in page.inner_text("#record-summary")
    _assert_phone_page(page, "record")
    person_url = page.url
    for number, values in ENTRIES:
        page.goto(person_url)
        page.click("#sections a[href$='/section/%s']" % number)
        page.wait_for_load_state()
        for name, value in values.items():
            if page.evaluate("(n) => document.getElementById(n).tagName", name) == "SELECT":
                _choose(page, "#" + name, value)
            else:
                page.fill("#" + name, value)
        _assert_phone_page(page, "section_" + number)
        page.click("#save-section")
        page.wait_for_load_state()
        assert "Đã lưu." in page.inner_text("body"), (number, page.inner_text("body")[:600])
    # item 36.1: her family, a row at a time
    page.goto(person_url)
    page.click("#sections a[href$='/section/36']")
    page.wait_for_load_state()
    page.click("button[name=add_row]")
    page.wait_for_load_state()
    page.fill("[name='gia_dinh_ban_than-0-quan_he']", "Mẹ")
    page.fill("[name='gia_dinh_ban_than-0-ho_ten']", "Trần Thị Mai")
    page.fill("[name='gia_dinh_ban_than-0-nam_sinh']", "1972")
    _assert_phone_page(page, "section_36")
    page.click("#save-section")
    page.wait_for_load_state()
    assert "Đã lưu." in page.inner_text("body"), page.inner_text("body")[:600]
    page.goto(person_url)
    _assert_phone_page(page, "complete")
    page.click("#submit-record")
    page.wait_for_load_state()
    assert "Chờ phê duyệt" in page.inner_text("#record-summary"), page.inner_text("body")[:800]
    context.close()


def _thutruong_approves_on_his_phone(browser, live_server, version_id):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "thutruong", DEMO_PASSWORD)
    page.goto(live_server + "/approval/")
    assert TEACHER in page.inner_text("#queue")
    _assert_phone_page(page, "queue")
    page.click("#queue a[href$='/approval/version/%d']" % version_id)
    page.wait_for_load_state()
    review = page.inner_text("#review")
    # every change of a first record, the values as words
    for expected in (TEACHER, "Phường Vĩnh Yên", "Sư phạm Toán", "Kinh", "Tốt",
                     "Sở Nội vụ tỉnh Phú Thọ", "Giáo viên THPT hạng III"):
        assert expected in review, expected
    _assert_phone_page(page, "review")
    page.fill("#pin", DEMO_PIN)
    page.click("#approve")
    page.wait_for_load_state()
    assert "Đã phê duyệt và ký số: 1 trên 1." in page.inner_text("body")
    context.close()


def test_a_new_teacher_is_hired_completes_her_record_on_a_phone_and_is_approved(
        app, live_server, browser, tmp_path):
    with app.app_context():
        seed_demo(app.appbuilder)
    facts = _demo_facts(app)
    password = _sonoivu_hires_the_teacher(browser, live_server, facts["unit_id"], tmp_path)
    _teacher_completes_and_submits(browser, live_server, password)
    with app.app_context():
        person = db.session.scalar(select(Employee).where(Employee.full_name == TEACHER))
        version = db.session.scalar(select(RecordVersion).where(
            RecordVersion.employee_id == person.id))
        assert (version.number, version.status) == (1, "submitted")
        version_id = version.id
        db.session.remove()
    _thutruong_approves_on_his_phone(browser, live_server, version_id)
    with app.app_context():
        assert db.session.get(RecordVersion, version_id).status == "approved"
        db.session.remove()
