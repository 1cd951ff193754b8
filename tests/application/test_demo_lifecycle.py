"""The demo's lifecycle under each profile (issue 17, "done when"): the same examples,
loaded under another PROVINCE_PROFILE, show that regulation's transfer steps, who acts on
each and by when, its hiring terms and approvers, in the deadlines of who must act.

Loaded today (its demo keys are made now, so the clock is not frozen): the transfer between
two schools took effect three working days before."""
import pytest
from sqlalchemy import func, select

from app.accounts.models import Account
from app.application.demo import seed_demo
from app.application.demo_lifecycle import working_days_before
from app.core import clock
from app.deadlines import services as deadlines
from app.extensions import db
from app.hiring.models import Hiring
from app.leavers.models import StatusChange
from app.org.models import STATUS_RETIRED, Employee
from app.records import services as records
from app.reports.models import ReportFact
from app.transfers.models import BETWEEN_UNITS, COMMUNE, TransferCase
from app.workdays.services import due_date
from tests.conftest import reset_data

def expected(profile, effective):
    """The between-units case's steps as (code, who acts, due) and the hiring's (account
    term, first-entry term) in working days, under ``profile``."""
    def _wd(days):
        return due_date(effective, days)

    def _days(days):
        return due_date(effective, days, "calendar_days")

    return {
        # Điều 9.3 HP: the old unit hands over within 05 working days; the new one gives the
        # account within 05 working days of receiving it (dated when the hand-over is done)
        "hai_phong": ([("handover", "sending_unit", _wd(5)), ("receive", "receiving_unit", None)],
                      (None, None)),
        # Điều 8.4 ĐN: the receiving unit asks for the record within 10 working days;
        # Điều 6.3-6.4: account and first entry within 05 working days each
        "dong_nai": ([("handover", "receiving_unit", _wd(10)),
                      ("receive", "receiving_unit", None)], (5, 5)),
        # Điều 11.1c VP: the old unit within 10 working days, the new one 10 more
        "vinh_phuc": ([("handover", "sending_unit", _wd(10)),
                       ("receive", "receiving_unit", None)], (None, None)),
        # Điều 12.1a HN: through the managing body above, and the account moves with the
        # record: no term (the 10 working days of 12.2.2a are for people from outside)
        "ha_noi": ([("handover", "superior", None), ("receive", "receiving_unit", None)],
                   (None, None)),
        # Điều 11.2 ĐNg: the body above within 15 days, the new unit forwards within 30
        # days of the effective date (days, not working days)
        "da_nang": ([("handover", "superior", _days(15)), ("receive", "receiving_unit", None),
                     ("forward", "receiving_unit", _days(30))], (None, 45)),
    }[profile]


PROFILES = ["hai_phong", "dong_nai", "vinh_phuc", "ha_noi", "da_nang"]


@pytest.fixture
def demo_app(make_app, request):
    app = make_app(PROVINCE_PROFILE=request.param)
    with app.app_context():
        seed_demo(app.appbuilder)
        db.session.remove()
    yield app
    reset_data(app)


def _account(username):
    return db.session.scalar(select(Account).where(Account.username == username))


@pytest.mark.parametrize("demo_app", PROFILES, indirect=True)
def test_the_demo_shows_each_profiles_steps_terms_and_approvers(demo_app):
    profile = demo_app.config["PROVINCE_PROFILE"]
    with demo_app.app_context():
        effective = working_days_before(clock.today(), 3)
        steps, (account_days, entry_days) = expected(profile, effective)
        case = db.session.scalar(select(TransferCase).where(TransferCase.kind == BETWEEN_UNITS))
        assert case.effective_on == effective
        assert [(s.code, s.side, s.due_on) for s in case.steps] == steps
        assert all(s.cite for s in case.steps if s.rule_key), "each step cites its article"
        # the person moved on the effective date; the approver is the new school's head
        assert case.employee.unit.name == "Trường THPT Chuyên Vĩnh Phúc"
        # Điều 8.2 ĐN after the 2025 reform: commune staff moved by Sở Nội vụ, only there
        commune = db.session.scalar(select(TransferCase).where(TransferCase.kind == COMMUNE))
        assert (commune is not None) == (profile == "dong_nai")
        if commune is not None:
            assert {s.side for s in commune.steps} == {"so_noi_vu"}
        hired = db.session.scalar(select(Hiring).where(Hiring.decision_number == "318/QĐ-SGDĐT"))
        assert (hired.account_term_days, hired.first_entry_term_days) == (account_days,
                                                                          entry_days)
        # da_nang's 2012 model has no approver (its officer's save is the act)
        assert records.approval_required() == (profile != "da_nang")
        # the step that runs is on the deadlines of the Sở's officer who must act on it
        _today, pairs = deadlines.of(_account("quanlydulieu"))
        running = [d for _state, d in pairs if d.kind == "transfers." + steps[0][0]
                   and d.employee_id == case.employee_id]
        assert [d.due_on for d in running] == [steps[0][2]]
        # the archive: everyone whose retirement has come retired on its day, once
        retired = db.session.scalar(select(func.count()).select_from(StatusChange).where(
            StatusChange.status_to == STATUS_RETIRED))
        # the reports read the demo's trainings (items 32.2-32.6) as levels
        for column in (ReportFact.political_theory, ReportFact.state_management,
                       ReportFact.it_level, ReportFact.language_level):
            assert len(set(db.session.scalars(select(column))) - {None}) >= 2, column
        assert retired > 0 and retired == db.session.scalar(
            select(func.count()).select_from(Employee).where(Employee.status == STATUS_RETIRED))
        db.session.remove()
