"""A signed copy that is complete (issue 16, item 10): the line above the signatures
carries the place and the signing day; the second signature is the seal of the agency
the signer acts for (Điều 6.4 HP, 9.5 ĐN, 9.4 VP: "ký số của cơ quan nhà nước") — the
unit the head heads, the deputy's unit, the unit whose head delegated in writing, Sở
Nội vụ for Sở Nội vụ — read back by pyHanko and poppler's pdfsig, not by the code that
signed; with no seal of its own the agency's copy is refused and nothing is kept; and
item 30 is on the copy as the record holds it."""
import datetime as dt
import subprocess

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.accounts.models import Account
from app.approval import delegations, exports, keys
from app.approval.models import SignedExport, SigningCredential
from app.audit.models import AuditEntry
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.org.models import Employee, Unit
from app.org.services import create_unit
from app.records import pdf as record_pdf
from app.records import services as records
from app.security import roles
from app.signing import pki
from app.signing.providers import Pkcs12Signer
from tests.approval.conftest import (
    CAREER_ROW, COMPLETE, FAMILY_ROW, OFFICER_OWNED, PIN, PKI_START, account,
)
from tests.approval.test_approval import IN_WINDOW, approve
from tests.conftest import SIGNING_TRUST_FILE, add_account
from tests.records.test_attachments import PDF
from tests.signing.tools import nss_database, pdfsig, pyhanko_statuses
from tests.security.world import PASSWORD

NO_SEAL_MSGID = ("%(agency)s has no agency seal (digital signature of the agency) registered, "
                 "so nothing was signed: a copy is never sealed with another agency's seal. "
                 "Ask Sở Nội vụ to register the seal of %(agency)s.")
NO_AGENCY_MSGID = ("You sign this record for no agency: its signed copy is signed by the head "
                   "of the person's unit or of a unit above it, a deputy of that unit, a person "
                   "its head delegated in writing, or Sở Nội vụ.")
# item 30 as the unit's officer types it (the salary group is the officer's)
SALARY = {
    "ngach": "Giáo viên trung học phổ thông hạng II", "ma_ngach": "V.07.05.14",
    "ngay_bo_nhiem_ngach": "01/09/2015", "bac_luong": "3", "he_so_luong": "4,68",
    "ngay_huong_luong": "01/09/2024", "phan_tram_huong": "100", "pctnvk": "5",
    "ngay_huong_pctnvk": "01/01/2025", "phu_cap_chuc_vu": "0,25", "phu_cap_kiem_nhiem": "10",
    "phu_cap_khac": "Phụ cấp ưu đãi nghề 30%",
    "vi_tri_viec_lam": "Giáo viên trung học phổ thông", "ma_vi_tri_viec_lam": "VTVL-GV-03",
    "bac_luong_vtvl": "2", "luong_theo_muc_tien": "12500000", "ngay_huong_vtvl": "01/07/2026",
    "phan_tram_huong_vtvl": "95", "pctnvk_vtvl": "6", "ngay_huong_pctnvk_vtvl": "01/07/2026",
}
SALARY_PRINTED = [
    "30.1) Ngạch/chức danh nghề nghiệp: Giáo viên trung học phổ thông hạng II",
    "Mã số: V.07.05.14", "Ngày bổ nhiệm ngạch/chức danh nghề nghiệp: 01/09/2015",
    "Bậc lương: 3", "Hệ số: 4,68", "Ngày hưởng: 01/09/2024", "Phần trăm hưởng (%): 100",
    "Phụ cấp thâm niên vượt khung (%): 5", "Ngày hưởng PCTNVK: 01/01/2025",
    "30.2) Phụ cấp chức vụ (hệ số): 0,25", "Phụ cấp kiêm nhiệm (%): 10",
    "Phụ cấp khác: Phụ cấp ưu đãi nghề 30%",
    "30.3) Vị trí việc làm: Giáo viên trung học phổ thông", "Mã số: VTVL-GV-03",
    "Bậc lương: 2", "Lương theo mức tiền (vnđ): 12.500.000", "Ngày hưởng: 01/07/2026",
    "Phần trăm hưởng (%): 95", "PCTNVK (%): 6", "Ngày hưởng PCTNVK: 01/07/2026",
]
# 18:30 UTC on 30 November is 01:30 on 1 December in the province
LATE_AT_NIGHT = dt.datetime(2026, 11, 30, 18, 30, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def nss_db(tmp_path_factory, test_ca):
    return nss_database(tmp_path_factory.mktemp("nss"), test_ca[1])


def _text(data):
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def _approved(app, province, people, approvers, username="canhan"):
    """``username``'s record with item 30 filled by the officer, approved by thutruong."""
    with app.app_context():
        person = db.session.get(Employee, people.ids[username])
        actor = account(province, username)
        draft = records.open_draft(actor, person)
        records.save(actor, draft, dict(COMPLETE, ho_ten=person.full_name,
                                        so_dinh_danh="0010850%05d" % person.id,
                                        so_cccd="0010850%05d" % person.id),
                     {"qua_trinh_cong_tac": [CAREER_ROW], "gia_dinh_ban_than": [FAMILY_ROW]},
                     draft.lock)
        records.save(account(province, "canbo"), draft, dict(OFFICER_OWNED, **SALARY), {},
                     draft.lock)
        records.submit(actor, draft, draft.lock)
        version_id = draft.id
        db.session.remove()
    approve(app, province, approvers, "thutruong", version_id)
    return version_id


def _export(app, province, people, approvers, username, moment=IN_WINDOW, signer=None):
    """``username`` signs canhan's copy at ``moment``: (the PDF, the export's seal name)."""
    with app.app_context(), clock.freeze(moment):
        export = exports.sign_record(account(province, username),
                                     db.session.get(Employee, people.ids["canhan"]),
                                     signer or approvers.signer(username))
        result = exports.content_of(export), export.seal_name
        db.session.remove()
    return result


def _certificate(p12):
    return pki.cert_der(Pkcs12Signer.load(p12, PIN).certificate)


def _assert_sealed_by(data, approvers, seal, nss_db, tmp_path, signer_name):
    """Two valid, trusted signatures: ``signer_name``'s, then the seal ``seal`` (a key
    file of conftest.SEALS), as pyHanko and pdfsig read them."""
    statuses = pyhanko_statuses(data, approvers.ca[1])
    assert [(s.intact, s.valid, s.trusted) for s in statuses] == [(True, True, True)] * 2
    assert statuses[1].signing_cert.dump() == _certificate(approvers.p12[seal])
    blocks = pdfsig(data, nss_db, tmp_path)
    assert len(blocks) == 2 and all("Signature is Valid." in b for b in blocks)
    assert "Common Name: %s\n" % signer_name in blocks[0]
    assert "Common Name: Người ký %s\n" % seal in blocks[1]


# --- the place and the day ---------------------------------------------------------------

def test_the_date_line_is_the_signing_day_in_the_province_and_its_place(
        app, province, people, approvers):
    _approved(app, province, people, approvers)
    data, _seal = _export(app, province, people, approvers, "thutruong", LATE_AT_NIGHT)
    text = _text(data)
    # the world's root is a bare "UBND tỉnh": the place is the profile's province (vinh_phuc)
    assert "Vĩnh Phúc, ngày 01 tháng 12 năm 2026" in text
    assert "30 tháng 11" not in text
    # the declarant signs no digital copy: their line stays to be written by hand
    assert text.count(record_pdf.PLACE_AND_DATE) == 1
    assert text.index("Vĩnh Phúc, ngày 01") > text.index(record_pdf.PLACE_AND_DATE)


def test_the_place_is_the_proper_name_of_the_agencys_administrative_unit(
        app, province, people, approvers):
    _approved(app, province, people, approvers)
    with app.app_context():
        root = db.session.get(Unit, province.units["root"])
        root.name, root.unit_type = "Ủy ban nhân dân tỉnh Phú Thọ", "ubnd_tinh"
        commune = create_unit("UBND xã Tam Đảo", root, True, "ubnd_xa")
        school = create_unit("Trường Tiểu học Tam Đảo", commune, True, "dvsncl")
        db.session.commit()
        # NĐ 30/2020, Phụ lục I: a Sở writes the province's name, a commune's school its own
        assert exports.locality(db.session.get(Unit, province.units["A"])) == "Phú Thọ"
        assert exports.locality(school) == "Tam Đảo"
        assert exports.locality(commune) == "Tam Đảo"
        db.session.remove()
    data, _seal = _export(app, province, people, approvers, "thutruong",
                          dt.datetime(2027, 2, 4, 10, 0))
    assert "Phú Thọ, ngày 04 tháng 02 năm 2027" in _text(data)


def test_the_day_and_month_are_written_as_the_decree_writes_them():
    line = record_pdf.place_and_date
    assert line("Tam Đảo", dt.date(2026, 3, 5)) == "Tam Đảo, ngày 05 tháng 3 năm 2026"
    assert line("Tam Đảo", dt.date(2026, 1, 12)) == "Tam Đảo, ngày 12 tháng 01 năm 2026"
    assert line("Tam Đảo", dt.date(2026, 12, 31)) == "Tam Đảo, ngày 31 tháng 12 năm 2026"


def test_an_unsigned_print_keeps_both_lines_blank():
    text = _text(record_pdf.record_pdf({"schema": 1}))
    assert text.count(record_pdf.PLACE_AND_DATE) == 2


def test_item_30_is_on_the_signed_copy(app, province, people, approvers):
    _approved(app, province, people, approvers)
    data, _seal = _export(app, province, people, approvers, "thutruong")
    text = _text(data)
    for printed in SALARY_PRINTED:
        assert printed in text


# --- whose seal --------------------------------------------------------------------------

def test_the_head_signs_with_the_seal_of_the_unit_they_head(
        app, province, people, approvers, nss_db, tmp_path):
    _approved(app, province, people, approvers)
    data, seal_name = _export(app, province, people, approvers, "thutruong")
    # A's own seal, although the root above it has one too
    assert seal_name == "Người ký seal_A"
    _assert_sealed_by(data, approvers, "seal_A", nss_db, tmp_path, "Người ký thutruong")


def test_the_deputy_signs_with_the_seal_of_the_same_unit(
        app, province, people, approvers, nss_db, tmp_path):
    _approved(app, province, people, approvers)
    data, _seal = _export(app, province, people, approvers, "photruong")
    _assert_sealed_by(data, approvers, "seal_A", nss_db, tmp_path, "Người ký photruong")


def test_the_head_of_the_unit_above_signs_with_its_own_seal(
        app, province, people, approvers, nss_db, tmp_path):
    _approved(app, province, people, approvers)
    data, _seal = _export(app, province, people, approvers, "chutich")
    _assert_sealed_by(data, approvers, "seal", nss_db, tmp_path, "Người ký chutich")


def test_a_written_delegate_signs_with_the_seal_of_the_delegating_unit(
        app, province, people, approvers, test_ca, nss_db, tmp_path):
    """thutruong (head of A) delegates in writing to a person of A who leads nothing:
    the delegate's copy carries A's seal, not the root's."""
    _approved(app, province, people, approvers)
    province.accounts["uyquyen"] = add_account(app, "uyquyen", role=roles.ROLE_HEAD,
                                               password=PASSWORD,
                                               unit_id=province.units["A"])
    key, cert = pki.issue(*test_ca, "Người ký uyquyen", organization="HoSo tests",
                          now=PKI_START)
    p12 = pki.to_pkcs12(key, cert, [test_ca[1]], PIN)
    with app.app_context(), clock.freeze(IN_WINDOW):
        delegate = Employee(full_name="Đinh Thị Uyên", category="vien_chuc",
                            unit_id=province.units["A"],
                            account_id=province.accounts["uyquyen"])
        db.session.add(delegate)
        keys.register_pkcs12(account(province, "uyquyen"), p12, PIN, "Khóa uyquyen")
        db.session.commit()
        delegations.delegate(account(province, "thutruong"), province.units["A"], delegate.id,
                             clock.today(), clock.today() + dt.timedelta(days=10),
                             "15/UQ-SGD", PDF, "uy-quyen.pdf")
        db.session.remove()
    data, _seal = _export(app, province, people, approvers, "uyquyen",
                          signer=Pkcs12Signer.load(p12, PIN))
    _assert_sealed_by(data, approvers, "seal_A", nss_db, tmp_path, "Người ký uyquyen")


def test_so_noi_vu_signs_with_its_own_seal(app, province, people, approvers, nss_db, tmp_path):
    _approved(app, province, people, approvers)
    data, _seal = _export(app, province, people, approvers, "sonoivu")
    _assert_sealed_by(data, approvers, "seal_N", nss_db, tmp_path, "Người ký sonoivu")


# --- refusals ----------------------------------------------------------------------------

def _last_entry(app):
    with app.app_context():
        last = db.session.scalar(select(func.max(AuditEntry.id))) or 0
        db.session.remove()
    return last


def _nothing_kept(app, since):
    """No signed copy stored, and no export audited after the entry ``since``."""
    with app.app_context():
        assert db.session.scalar(select(func.count(SignedExport.id))) == 0
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.id > since, AuditEntry.action == "record.export_signed")) == 0
        db.session.remove()


def _vietnamese(app, msgid, **values):
    """The message as the Vietnamese user reads it (tests/core/test_i18n.py holds every
    msgid to its Vietnamese msgstr)."""
    with app.test_request_context(), force_locale("vi"):
        return gettext(msgid, **values)


def test_an_agency_without_its_own_seal_is_refused_and_nothing_is_kept(
        app, province, people, approvers):
    _approved(app, province, people, approvers)
    with app.app_context():
        seal = db.session.scalar(select(SigningCredential).where(
            SigningCredential.unit_id == province.units["A"]))
        seal.revoked_at = clock.now()
        db.session.commit()
        db.session.remove()
    since = _last_entry(app)
    with pytest.raises(DomainError) as refused:
        _export(app, province, people, approvers, "thutruong")
    # not the root's seal in its place: a refusal that names the agency
    assert str(refused.value) == _vietnamese(app, NO_SEAL_MSGID, agency="Sở Giáo dục")
    _nothing_kept(app, since)


def test_a_signer_who_acts_for_no_agency_is_refused(app, province, people, approvers):
    _approved(app, province, people, approvers)
    province.accounts["khongdonvi"] = add_account(app, "khongdonvi", role=roles.ROLE_HEAD,
                                                  password=PASSWORD,
                                                  unit_id=province.units["A"])
    # the head's role, but no person who heads, deputises or holds a delegation anywhere
    since = _last_entry(app)
    with pytest.raises(DomainError) as refused:
        _export(app, province, people, approvers, "khongdonvi",
                signer=approvers.signer("thutruong"))
    assert str(refused.value) == _vietnamese(app, NO_AGENCY_MSGID)
    _nothing_kept(app, since)


# --- the demo ----------------------------------------------------------------------------

@pytest.fixture
def trust_file_kept():
    """The run's trust file as it was, after the test: the demo's CA leaves with it (the
    browser tests look for the one demo CA their own demo load trusts)."""
    with open(SIGNING_TRUST_FILE, "rb") as handle:
        before = handle.read()
    yield
    with open(SIGNING_TRUST_FILE, "wb") as handle:
        handle.write(before)


def test_the_demo_principal_signs_with_his_schools_seal_and_so_noi_vu_with_its_own(
        app, trust_file_kept):
    from app.application.demo import PROVINCE, seed_demo
    from app.approval.demo import DEMO_PIN

    with app.app_context():
        seed_demo(app.appbuilder)
        credentials = db.session.scalar(select(func.count(SigningCredential.id)))
        seed_demo(app.appbuilder)                        # a second run adds nothing
        assert db.session.scalar(select(func.count(SigningCredential.id))) == credentials
        person = db.session.scalar(select(Employee).join(Account, Account.id ==
                                                          Employee.account_id)
                                   .where(Account.username == "canhan"))
        copies = {}
        for username in ("thutruong", "sonoivu"):
            actor = db.session.scalar(select(Account).where(Account.username == username))
            with keys.unlocked(keys.credential_of(actor, None), DEMO_PIN) as signer:
                export = exports.sign_record(actor, person, signer)
            copies[username] = export.seal_name, _text(exports.content_of(export))
        db.session.remove()
    # canhan works at the school the principal heads: its seal, not Sở GD&ĐT's
    assert copies["thutruong"][0] == "Trường THPT Chuyên Vĩnh Phúc"
    assert copies["sonoivu"][0] == "Sở Nội vụ"
    # both agencies are provincial: the place is the province of the demo's root
    place = PROVINCE.split(" tỉnh ")[-1]
    for _seal, text in copies.values():
        assert "%s, ngày %s" % (place, clock.today().strftime("%d")) in text
