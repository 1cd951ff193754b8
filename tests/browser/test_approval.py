"""The issue's "done when", in the demo and in Chromium: canhan's change waits
in thutruong's queue; he reviews it and approves with his key's PIN; the
record's signed PDF carries two signatures that poppler's pdfsig accepts with
the demo CA as its only trust; and when someone alters the approved row in
the database, the record's page says so."""
from sqlalchemy import select, text

from app.approval import keys
from app.approval.demo import DEMO_PIN
from app.application.demo import DEMO_PASSWORD, seed_demo
from app.extensions import db
from app.records import services as records
from app.org.models import Employee
from app.records.models import RecordVersion
from app.signing import pki
from tests.browser.conftest import ARTIFACTS, sign_in, visible_english_words
from tests.signing.tools import nss_database, pdfsig

NEW_PHONE = "0987 654 321"


def _canhan_submits_a_change(app):
    with app.app_context():
        sm = app.appbuilder.sm
        actor = sm.find_user(username="canhan")
        person = db.session.scalar(select(Employee).where(Employee.account_id == actor.id))
        draft = records.open_draft(actor, person)
        records.save(actor, draft, {"dien_thoai": NEW_PHONE}, {}, draft.lock)
        records.submit(actor, draft, draft.lock)
        ids = person.id, draft.id
        db.session.remove()
    return ids


def _demo_ca(app):
    """Every demo CA this installation trusts: a later demo load adds a CA of its own for
    the keys it adds (app/approval/demo.py), and an earlier test may have loaded one."""
    with app.app_context():
        return [c for c in keys.trusted_roots() if pki.subject_name(c) == pki.DEMO_CA_NAME]


def test_thutruong_approves_canhans_change_with_his_key(app, live_server, browser, tmp_path):
    with app.app_context():
        seed_demo(app.appbuilder)
    person_id, version_id = _canhan_submits_a_change(app)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, live_server, "thutruong", DEMO_PASSWORD)
    page.goto(live_server + "/approval/")
    assert "kỳ phê duyệt" in page.inner_text("#window-banner").lower()
    assert "Đỗ Thị Hằng" in page.inner_text("#queue")
    assert visible_english_words(page) == []
    page.click("#queue a[href$='/approval/version/%d']" % version_id)
    page.wait_for_load_state()
    assert NEW_PHONE.replace(" ", "") in page.inner_text("#review")    # stored canonical
    assert visible_english_words(page) == []
    page.fill("#pin", DEMO_PIN)
    page.click("#approve")
    page.wait_for_load_state()
    assert "Đã phê duyệt và ký số: 1 trên 1." in page.inner_text("body")
    page.screenshot(path=ARTIFACTS + "/approval_done.png", full_page=True)

    # the signed PDF of the record: his signature, then the school's seal
    page.goto(live_server + "/records/person/%d" % person_id)
    assert "không thay đổi từ khi ký" in page.inner_text("#signed-ok")
    page.fill("#sign-export #pin", DEMO_PIN)
    with page.expect_download() as download:
        page.click("#sign-record")
    signed = tmp_path / "signed.pdf"
    download.value.save_as(signed)
    blocks = pdfsig(signed.read_bytes(), nss_database(tmp_path, _demo_ca(app)), tmp_path)
    assert len(blocks) == 2
    for block in blocks:
        assert "Signature is Valid." in block and "Certificate is Trusted." in block
    assert "Vũ Minh Đức" in blocks[0]

    # someone changes the approved row behind the application's back
    with app.app_context():
        db.session.execute(text(
            "UPDATE record_version SET content = jsonb_set(content::jsonb, "
            "'{fields,dien_thoai}', '\"0900 000 000\"')::json WHERE id = :id"),
            {"id": version_id})
        db.session.commit()
        assert db.session.get(RecordVersion, version_id).status == "approved"
        db.session.remove()
    page.goto(live_server + "/records/person/%d" % person_id)
    assert "không phải là dữ liệu người phê duyệt đã ký" in page.inner_text("#altered")
    page.screenshot(path=ARTIFACTS + "/approval_altered.png", full_page=True)
    assert visible_english_words(page) == []
    context.close()
