"""The demo's statutory reports (issue 18, "done when"): most agencies have submitted
their signed report on the period now due, one has an unsigned draft, one nothing;
giamdoc compiles, signs and submits Sở Giáo dục và Đào tạo's, and sonoivu compiles the
province's report from the submissions, signed by Sở Nội vụ and its seal."""
import pytest

from app.application.demo_reports import LEFT_FOR_THE_DEMO, NOT_BEGUN, NOT_SIGNED
from app.approval import keys
from app.approval.demo import DEMO_PIN
from app.extensions import db
from app.reports import statutory
from app.reports.models import REPORT_DRAFT, REPORT_SIGNED, StatutoryReport
from app.signing.pdf import verify_pdf
from tests.application.test_demo_lifecycle import _account, demo_app  # noqa: F401


@pytest.mark.parametrize("demo_app", ["vinh_phuc", "ha_noi"], indirect=True)
def test_the_demo_province_compiles_its_report_from_the_signed_submissions(demo_app):
    app = demo_app
    with app.test_request_context():
        sonoivu = _account("sonoivu")
        period = statutory.next_period()
        standings = {s.unit.name: s for s in statutory.tracking(sonoivu, period)}
        assert standings[NOT_BEGUN].report is None
        assert standings[NOT_SIGNED].report.status == REPORT_DRAFT
        assert standings[LEFT_FOR_THE_DEMO].report is None
        submitted = [name for name, s in standings.items() if s.submitted]
        assert len(submitted) == len(standings) - 3 > 5
        for name in submitted:
            pdf = statutory.document_of(sonoivu, standings[name].submitted, "pdf")[0]
            signatures = verify_pdf(pdf, keys.trusted_roots())
            assert len(signatures) == 2 and all(s.valid for s in signatures), name
        if app.config["PROVINCE_PROFILE"] == "ha_noi":
            assert "quality" in standings[submitted[0]].submitted.numbers
            assert "staffing" in standings[submitted[0]].submitted.numbers

        # the director of Sở Giáo dục và Đào tạo compiles, signs and submits its report
        giamdoc = _account("giamdoc")
        unit = statutory.reporting_unit_of(giamdoc)
        assert unit.name == LEFT_FOR_THE_DEMO
        report = statutory.compile_unit_report(giamdoc, unit, period)
        credential = keys.credentials_of(giamdoc)[0]
        with keys.unlocked(credential, DEMO_PIN) as signer:
            statutory.sign_report(giamdoc, db.session.get(StatutoryReport, report.id), signer)
        statutory.submit_report(giamdoc, db.session.get(StatutoryReport, report.id))

        province = statutory.compile_province_report(sonoivu, period)
        numbers = province.numbers
        assert numbers["submitted"] == len(submitted) + 1
        assert sorted(numbers["missing"]) == sorted([NOT_BEGUN, NOT_SIGNED])
        expected = sum(s.numbers["totals"]["total"] for s in statutory.submissions_of(period))
        assert numbers["totals"]["total"] == expected
        credential = keys.credentials_of(sonoivu)[0]
        with keys.unlocked(credential, DEMO_PIN) as signer:
            statutory.sign_report(sonoivu, db.session.get(StatutoryReport, province.id), signer)
        signed = db.session.get(StatutoryReport, province.id)
        assert signed.status == REPORT_SIGNED
        pdf = statutory.document_of(sonoivu, signed, "pdf")[0]
        assert [s.valid for s in verify_pdf(pdf, keys.trusted_roots())] == [True, True]
