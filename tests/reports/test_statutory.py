"""The statutory reports (issue 18.4): periods from each profile, a unit compiling,
signing (two signatures, verified by pdfsig and pyHanko) and submitting its report with
the numbers frozen, corrections as new revisions, Sở Nội vụ's tracking and the province's
report summed from the submissions."""
import datetime
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.accounts.models import Account
from app.approval import keys
from app.audit.models import AuditEntry
from app.core import clock
from app.core.exceptions import DomainError, FieldErrors
from app.extensions import db
from app.org.models import Employee, Unit
from app.reports import statistics, statutory
from app.reports.models import (
    REPORT_DRAFT, REPORT_SIGNED, REPORT_SUBMITTED, REPORT_SUPERSEDED, StatutoryReport,
)
from app.signing.pdf import verify_pdf
from tests.approval.conftest import PIN, approvers, key_files, test_ca  # noqa: F401 (fixtures)
from tests.records.conftest import people  # noqa: F401 (a fixture)


def _account(app, province, username):
    return db.session.get(Account, province.accounts[username])


def _unit(province, key):
    return db.session.get(Unit, province.units[key])


def _people_in(unit_key, province):
    unit = _unit(province, unit_key)
    return db.session.scalar(select(func.count()).select_from(Employee).join(
        Unit, Unit.id == Employee.unit_id).where(Unit.path.startswith(unit.path),
                                                 Employee.status.in_(statistics.IN_SERVICE)))


@pytest.mark.parametrize("profile, expected", [
    ("hai_phong", [("2026", datetime.date(2026, 12, 31))]),
    ("vinh_phuc", [("2025", datetime.date(2026, 1, 15))]),
    ("da_nang", [("2026-05", datetime.date(2026, 5, 25)),
                 ("2026-12", datetime.date(2026, 12, 15))]),
    ("ha_noi", [("2026-Q1", datetime.date(2026, 3, 25)), ("2026-Q2", datetime.date(2026, 6, 25)),
                ("2026-Q3", datetime.date(2026, 9, 25)), ("2026-Q4", datetime.date(2026, 12, 25)),
                ("2026", datetime.date(2026, 12, 31))]),
])
def test_the_periods_come_from_the_profile(make_app, profile, expected):
    app = make_app(PROVINCE_PROFILE=profile)
    with app.test_request_context():
        found = statutory.periods_of_year(2026)
        assert [(p.key, p.due_on) for p in found] == expected
        for period in found:
            assert statutory.period_of(period.key) == period
        assert statutory.period_of("2026-Q9") is None
        assert statutory.period_of("x") is None


def test_vinh_phuc_reports_the_year_before_by_15_january_and_so_noi_vu_by_31_january(app):
    with app.test_request_context():
        period = statutory.period_of("2026")
        assert period.due_on == datetime.date(2027, 1, 15)
        assert period.label == "Báo cáo năm 2026"
        assert statutory.province_due(period) == datetime.date(2027, 1, 31)


def test_a_leaf_units_breakdown_counts_its_own_staff(app, province, people):
    """A unit with no unit below it is one row (once a GROUP BY of a bound integer that
    PostgreSQL read as a column position)."""
    with app.test_request_context():
        report = statistics.breakdown(_account(app, province, "sonoivu"), _unit(province, "A1"))
        assert [row[1].id for row in report.rows] == [province.units["A1"]]
        assert report.totals["total"] == _people_in("A1", province) > 0


def _compile(app, province, username="canbo", unit_key="A", period_key="2026", **kwargs):
    with app.test_request_context():
        actor = _account(app, province, username)
        report = statutory.compile_unit_report(actor, _unit(province, unit_key),
                                               statutory.period_of(period_key), **kwargs)
        return report.id


def _sign(app, province, approvers, report_id, username="thutruong"):
    with app.test_request_context():
        actor = _account(app, province, username)
        report = db.session.get(StatutoryReport, report_id)
        with approvers.signer(username) as signer:
            statutory.sign_report(actor, report, signer)


def _submit(app, province, report_id, username="canbo"):
    with app.test_request_context():
        statutory.submit_report(_account(app, province, username),
                                db.session.get(StatutoryReport, report_id))


def test_a_unit_compiles_signs_and_submits_its_report_with_numbers_frozen(
        app, province, people, approvers, tmp_path):
    report_id = _compile(app, province, remarks="Thiếu cán bộ quản lý dữ liệu ở trường.")
    with app.test_request_context():
        report = db.session.get(StatutoryReport, report_id)
        assert report.status == REPORT_DRAFT and report.revision == 1
        numbers = report.numbers
        # A's subtree: A's own staff and A1's, each row its own, the total their sum
        expected = _people_in("A", province)
        assert numbers["totals"]["total"] == expected
        by_unit = {row["unit_id"]: row["counts"]["total"] for row in numbers["rows"]}
        assert by_unit[province.units["A1"]] == _people_in("A1", province)
        assert by_unit[province.units["A"]] == expected - _people_in("A1", province)
        assert sum(sum(row["counts"].values()) for row in numbers["by_category"]) == expected
        assert numbers["columns"][0]["label"] == "Tổng số"
        assert numbers["period"]["label"] == "Báo cáo năm 2026"
        assert "staffing" not in numbers and "quality" not in numbers  # not under vinh_phuc
    _sign(app, province, approvers, report_id)
    with app.test_request_context():
        report = db.session.get(StatutoryReport, report_id)
        assert report.status == REPORT_SIGNED
        pdf, name, mimetype = statutory.document_of(_account(app, province, "canbo"),
                                                    report, "pdf")
        workbook, _name, _mimetype = statutory.document_of(_account(app, province, "canbo"),
                                                           report, "xlsx")
        db.session.commit()     # the downloads' audit entries, as the view commits them
        signatures = verify_pdf(pdf, keys.trusted_roots())
    assert [s.field_name for s in signatures] == ["NguoiCoThamQuyen", "CoQuan"]
    assert all(s.valid for s in signatures)
    assert signatures[0].signer_name == "Người ký thutruong"
    assert signatures[1].signer_name == "Người ký seal_A"
    # independent verifiers: poppler's pdfsig and pyHanko
    path = tmp_path / name
    path.write_bytes(pdf)
    if shutil.which("pdfsig"):
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert out.count("Signature Validation: Signature is Valid.") == 2, out
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    reader = PdfFileReader(io.BytesIO(pdf))
    assert len(reader.embedded_signatures) == 2
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(embedded)
        assert status.intact and status.valid
    sheet = load_workbook(io.BytesIO(workbook))["Số lượng, chất lượng"]
    assert sheet.cell(3, 2).value == "Tổng số"
    assert sheet.cell(sheet.max_row, 1).value == "Tổng số"
    assert sheet.cell(sheet.max_row, 2).value == expected

    _submit(app, province, report_id)
    with app.test_request_context():
        report = db.session.get(StatutoryReport, report_id)
        assert report.status == REPORT_SUBMITTED and report.submitted_at is not None
        frozen = dict(report.numbers["totals"])
        # a person more in A after submission: the submitted numbers do not move
        db.session.add(Employee(full_name="Người mới", category="vien_chuc",
                                unit_id=province.units["A"]))
        db.session.commit()
        assert db.session.get(StatutoryReport, report_id).numbers["totals"] == frozen
        actions = set(db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "StatutoryReport")))
        assert {"reports.statutory_compile", "reports.statutory_sign",
                "reports.statutory_submit", "reports.statutory_download"} <= actions


def test_a_correction_is_a_new_revision_that_supersedes_the_submitted_one(
        app, province, people, approvers):
    first = _compile(app, province)
    _sign(app, province, approvers, first)
    _submit(app, province, first)
    with app.test_request_context():
        db.session.add(Employee(full_name="Người mới", category="vien_chuc",
                                unit_id=province.units["A1"]))
        db.session.commit()
    second = _compile(app, province)
    assert second != first
    with app.test_request_context():
        report = db.session.get(StatutoryReport, second)
        assert report.revision == 2 and report.supersedes_id == first
        assert db.session.get(StatutoryReport, first).status == REPORT_SUBMITTED
    # compiled again before signing: the same draft, not a third revision
    assert _compile(app, province) == second
    _sign(app, province, approvers, second)
    _submit(app, province, second)
    with app.test_request_context():
        earlier = db.session.get(StatutoryReport, first)
        later = db.session.get(StatutoryReport, second)
        assert earlier.status == REPORT_SUPERSEDED and later.status == REPORT_SUBMITTED
        assert later.numbers["totals"]["total"] == earlier.numbers["totals"]["total"] + 1
        assert [r.revision for r in statutory.history(province.units["A"], "unit", "2026")] \
            == [2, 1]


def test_who_may_compile_sign_and_submit(app, province, people, approvers):
    with app.test_request_context():
        period = statutory.period_of("2026")
        # a school below the Sở does not report on its own; another unit's is not yours
        for username, unit_key in (("canbo", "A1"), ("canbo", "B"), ("canhan", "A"),
                                   ("quantri", "A")):
            with pytest.raises(DomainError):
                statutory.compile_unit_report(_account(app, province, username),
                                              _unit(province, unit_key), period)
            db.session.rollback()
    report_id = _compile(app, province)
    with app.test_request_context():
        report = db.session.get(StatutoryReport, report_id)
        # an officer does not sign; a head of another unit is not the authority
        for username in ("canbo", "canbo_b"):
            with pytest.raises(DomainError):
                statutory.sign_report(_account(app, province, username), report,
                                      approvers.signer("thutruong"))
            db.session.rollback()
        # a draft is not submitted unsigned
        with pytest.raises(DomainError):
            statutory.submit_report(_account(app, province, "canbo"),
                                    db.session.get(StatutoryReport, report_id))
        db.session.rollback()
        # B's officer neither reads nor submits A's report
        assert statutory.get_report(_account(app, province, "canbo_b"), report_id) is None
        assert statutory.get_report(_account(app, province, "sonoivu"), report_id) is not None
        assert db.session.get(StatutoryReport, report_id).status == REPORT_DRAFT


def test_a_stale_recompile_is_refused_and_changes_nothing(app, province, people, approvers):
    report_id = _compile(app, province)
    with app.test_request_context():
        version = db.session.get(StatutoryReport, report_id).version
    _compile(app, province, remarks="Lần hai")
    with app.test_request_context():
        with pytest.raises(DomainError):
            statutory.compile_unit_report(_account(app, province, "canbo"),
                                          _unit(province, "A"), statutory.period_of("2026"),
                                          remarks="Cũ", lock=version)
        assert db.session.get(StatutoryReport, report_id).numbers["remarks"] == "Lần hai"


def test_a_unit_without_a_seal_cannot_sign(app, province, people, approvers):
    """A's seal withdrawn: nothing is signed, never with another agency's seal."""
    report_id = _compile(app, province)
    with app.test_request_context():
        seal = keys.seal_credential(_unit(province, "A"))
        seal.revoked_at = clock.now()
        db.session.commit()
        with pytest.raises(DomainError, match="Sở Giáo dục"):
            with approvers.signer("thutruong") as signer:
                statutory.sign_report(_account(app, province, "thutruong"),
                                      db.session.get(StatutoryReport, report_id), signer)
        db.session.rollback()
        report = db.session.get(StatutoryReport, report_id)
        assert report.status == REPORT_DRAFT and report.pdf_sha256 is None


def test_so_noi_vu_tracks_submissions_and_compiles_the_province_report(
        app, province, people, approvers):
    report_id = _compile(app, province)
    _sign(app, province, approvers, report_id)
    _submit(app, province, report_id)
    _compile(app, province, username="canbo_b", unit_key="B")     # a draft, not submitted
    with app.test_request_context():
        sonoivu = _account(app, province, "sonoivu")
        period = statutory.period_of("2026")
        standings = {s.unit.id: s for s in statutory.tracking(sonoivu, period,
                                                              today=period.due_on)}
        assert set(standings) == {province.units[k] for k in ("A", "B", "N")}
        assert standings[province.units["A"]].submitted.id == report_id
        assert standings[province.units["B"]].report.status == REPORT_DRAFT
        assert standings[province.units["B"]].submitted is None
        assert not standings[province.units["B"]].overdue   # due today, not past
        late = statutory.tracking(sonoivu, period,
                                  today=period.due_on + datetime.timedelta(days=1))
        assert [s.unit.id for s in late if s.overdue] == sorted(
            [province.units["B"], province.units["N"]],
            key=lambda i: db.session.get(Unit, i).name)
        # a head may not track the province
        with pytest.raises(DomainError):
            statutory.tracking(_account(app, province, "thutruong"), period)
        province_report = statutory.compile_province_report(sonoivu, period)
        numbers = province_report.numbers
        assert numbers["level"] == "province"
        submitted_totals = db.session.get(StatutoryReport, report_id).numbers["totals"]
        assert numbers["totals"] == {k: v for k, v in submitted_totals.items()
                                     if k in numbers["totals"]}
        assert numbers["submitted"] == 1 and numbers["expected"] == 3
        assert sorted(numbers["missing"]) == sorted(["Sở Y tế", "Sở Nội vụ"])
        db.session.commit()
        province_id = province_report.id
    _sign(app, province, approvers, province_id, username="sonoivu")
    with app.test_request_context():
        report = db.session.get(StatutoryReport, province_id)
        assert report.status == REPORT_SIGNED
        pdf, _name, _mime = statutory.document_of(_account(app, province, "sonoivu"), report,
                                                  "pdf")
        assert [s.signer_name for s in verify_pdf(pdf, keys.trusted_roots())] == ["Người ký sonoivu",
                                                            "Người ký seal_N"]
        # a head never reads the province's report
        assert statutory.get_report(_account(app, province, "thutruong"), province_id) is None


def test_the_province_report_needs_a_submission(app, province, people, approvers):
    with app.test_request_context():
        with pytest.raises(DomainError):
            statutory.compile_province_report(_account(app, province, "sonoivu"),
                                              statutory.period_of("2026"))
        assert db.session.scalar(select(func.count()).select_from(StatutoryReport)) == 0


def test_staffing_quotas_refuse_bad_input_and_stale_writes(app, province):
    with app.test_request_context():
        sonoivu = _account(app, province, "sonoivu")
        unit = _unit(province, "A")
        for year, category, quota, source in ((2026, "nope", "3", "QĐ 1"),
                                              ("x", "cong_chuc", "3", "QĐ 1"),
                                              (2026, "cong_chuc", "-2", "QĐ 1"),
                                              (2026, "cong_chuc", "3", "")):
            with pytest.raises(FieldErrors):
                statutory.set_quota(sonoivu, unit, year, category, quota, source)
        row = statutory.set_quota(sonoivu, unit, 2026, "cong_chuc", "12", "QĐ 5/QĐ-UBND")
        assert row.quota == 12
        with pytest.raises(DomainError):     # a form opened before the row existed
            statutory.set_quota(sonoivu, unit, 2026, "cong_chuc", "13", "QĐ 6", lock="")
        assert statutory.quotas_of(2026)[unit.id]["cong_chuc"].quota == 12
        with pytest.raises(DomainError):
            statutory.set_quota(_account(app, province, "canbo"), unit, 2026, "vien_chuc",
                                "1", "QĐ 1")


def _post(client, url, data):
    from tests.conftest import csrf_token

    page = client.get("/reports/statutory/").get_data(as_text=True)
    return client.post(url, data=dict(data, csrf_token=csrf_token(page)))


def test_the_screens_refuse_bad_input_in_vietnamese_and_change_nothing(
        app, province, people, approvers, client):
    from tests.conftest import login
    from tests.security import world as w

    login(client, "canbo", w.PASSWORD)
    response = _post(client, "/reports/statutory/compile", {"period": "1999-Q7"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hãy chọn kỳ báo cáo trong danh sách." in page
    response = _post(client, "/reports/statutory/compile",
                     {"period": "2026", "remarks": "x" * 5000})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "tối đa 4000 ký tự" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatutoryReport)) == 0
    response = _post(client, "/reports/statutory/compile", {"period": "2026",
                                                           "remarks": "Lần một"})
    report_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lần một" in report_page and "Đã lập báo cáo" in report_page
    with app.app_context():
        report = db.session.scalar(select(StatutoryReport))
        report_id, version = report.id, report.version
    # a second tab compiles again; the first tab's stale form is refused
    _post(client, "/reports/statutory/compile", {"period": "2026", "remarks": "Lần hai",
                                                 "version": str(version)})
    response = _post(client, "/reports/statutory/compile",
                     {"period": "2026", "remarks": "Cũ", "version": str(version)})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Người khác đã thay đổi báo cáo này" in page
    with app.app_context():
        assert db.session.get(StatutoryReport, report_id).numbers["remarks"] == "Lần hai"
    # the officer may not sign; a wrong PIN of the head signs nothing
    assert _post(client, "/reports/statutory/%d/sign" % report_id, {}).status_code == 403
    client.get("/logout/")
    login(client, "thutruong", w.PASSWORD)
    response = _post(client, "/reports/statutory/%d/sign" % report_id, {"pin": "0000"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="sign-form"' in page
    with app.app_context():
        assert db.session.get(StatutoryReport, report_id).status == REPORT_DRAFT
    response = _post(client, "/reports/statutory/%d/sign" % report_id, {"pin": PIN})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã ký số báo cáo" in page and 'id="submit-form"' in page
    assert client.get("/reports/statutory/%d/pdf" % report_id).data.startswith(b"%PDF")
    # Sở Nội vụ's quota screen: bad input named, nothing saved
    client.get("/logout/")
    login(client, "sonoivu", w.PASSWORD)
    response = _post(client, "/reports/statutory/quotas",
                     {"unit": str(province.units["A"]), "year": "2026",
                      "category": "cong_chuc", "quota": "mười", "source": "QĐ 1"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hãy nhập biên chế là một số nguyên" in page
    with app.app_context():
        assert statutory.quotas_of(2026) == {}
