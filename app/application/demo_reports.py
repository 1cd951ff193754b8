"""The demo's statutory reports (issue 18): the staffing quotas Sở Nội vụ gave for the
year, and the agencies' reports on the period now due, as a province would hold them a few
weeks before the date: most agencies have compiled, signed and submitted theirs, one has a
draft its head has not signed, one has not begun; Sở Giáo dục và Đào tạo's is left for its
director (`giamdoc`) to compile, sign and submit, and the province's report for `sonoivu`
to compile from the submissions.

Each submission goes through the services: compiled and submitted by the agency's own
account (an agency account the demo makes for it), signed by a key the demo's CA issues in
the name of the agency's head, then with the agency's seal."""
import secrets

from sqlalchemy import func, select

from app.approval import authority, keys
from app.approval.demo import DEMO_PIN
from app.extensions import db
from app.org.models import Employee, Unit
from app.reports import statistics, statutory
from app.reports.models import QUOTA_CATEGORIES
from app.security import roles
from app.signing import pki
from app.signing.providers import Pkcs12Signer

LEFT_FOR_THE_DEMO = "Sở Giáo dục và Đào tạo"      # giamdoc compiles, signs and submits it
NOT_SIGNED = "Sở Xây dựng"                        # a draft waiting for its head
NOT_BEGUN = "UBND xã Lập Thạch"                   # nothing yet
QUOTA_DECISION = "Quyết định số 2816/QĐ-UBND ngày 20/12/%d của UBND tỉnh"
AGENCY_ACCOUNT = "coquan_%s"


def _agency_account(sm, unit):
    """The agency's own account (tài khoản cơ quan), which compiles and submits."""
    username = AGENCY_ACCOUNT % (unit.code or str(unit.id)).lower().replace(".", "_")
    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(username=username, first_name=unit.name, last_name="",
                           email="%s@demo.hoso.invalid" % username,
                           role=sm.find_role(roles.ROLE_OFFICER),
                           password=_secret_password())
        user.kind, user.unit, user.must_change_password = "agency", unit, False
        db.session.flush()
    return user


def _secret_password():
    # nobody signs in as these accounts: the demo acts through them
    return secrets.token_urlsafe(18) + "@A1"


def _present(unit):
    """{quota category: people in service} of the unit's own staff."""
    counts = {key: 0 for key in QUOTA_CATEGORIES}
    for category, people in db.session.execute(
            select(Employee.category, func.count()).where(
                Employee.unit_id == unit.id,
                Employee.status.in_(statistics.IN_SERVICE))
            .group_by(Employee.category)):
        counts[statutory.QUOTA_OF_CATEGORY.get(category, "hop_dong")] += people
    return counts


def seed_quotas(sonoivu, year):
    """A quota for each unit's categories: what it employs, give or take a post or two."""
    units, quotas = statutory.quota_page(sonoivu, year)
    for number, (unit, _agency) in enumerate(units):
        for category, people in _present(unit).items():
            if people and category not in quotas.get(unit.id, {}):
                statutory.set_quota(sonoivu, unit, year, category, people + (number % 3) - 1
                                    if people > 1 else people, QUOTA_DECISION % (year - 1))


def seed_reports(sm):
    """The period's reports of every agency but the ones named above; nothing when the
    period already has any (a second load adds nothing)."""
    sonoivu = sm.find_user(username="sonoivu")
    period = statutory.next_period()
    if sonoivu is None or period is None or statutory.submissions_of(period):
        return
    seed_quotas(sonoivu, period.year)
    ca_key, ca_cert = pki.make_ca()
    keys.add_trusted_root(ca_cert)
    for unit in statutory.reporting_units():
        if unit.name in (LEFT_FOR_THE_DEMO, NOT_BEGUN):
            continue
        account = _agency_account(sm, unit)
        db.session.commit()
        report = statutory.compile_unit_report(account, unit, period,
                                               remarks="Không có vướng mắc.")
        head = authority.head_of(unit)
        if unit.name == NOT_SIGNED or head is None:
            continue
        name = db.session.get(Employee, head).full_name
        key, cert = pki.issue(ca_key, ca_cert, name, organization=unit.name)
        signer = Pkcs12Signer.load(pki.to_pkcs12(key, cert, [ca_cert], DEMO_PIN), DEMO_PIN)
        with signer:
            statutory.sign_for(account, db.session.get(type(report), report.id), signer,
                               db.session.get(Unit, unit.id))
        db.session.commit()
        statutory.submit_report(account, report)
