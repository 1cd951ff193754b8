"""The five profiles end to end (issue 17, item 7): one scenario per regulation, each
built on an app under its own profile (``PROFILE`` of the test module) with the small
province of tests/security/world.py, its records (tests/records/conftest.py) and its
heads with real signing keys (tests/approval/conftest.py).

The scenarios call the services directly, as a view would, and a page where what the
user sees is the point: the hiring, the first entry, the approval of each regulation, then
its transfers and leavers (app/transfers, app/leavers) with their terms on the deadlines.
"""
import datetime as dt

import pytest

from app.accounts.models import Account
from app.catalogs.services import load_shipped
from app.deadlines import services as deadlines
from app.extensions import db
from app.hiring import services as hiring
from app.org.models import Employee
from app.records import services as records
from app.transfers import services as transfers
from app.transfers.models import TransferCase
from tests.approval.conftest import approvers, key_files, test_ca  # noqa: F401 (fixtures)
from tests.conftest import reset_data
from tests.hiring.conftest import SCAN, hire_data
from tests.records.conftest import COMPLETE, FAMILY_ROW, people  # noqa: F401 (fixture)
from tests.transfers.conftest import SCAN as SCAN_DECISION, decision

# inside and outside November 2026's approval window (26–30/11 under every profile with one)
IN_WINDOW = dt.datetime(2026, 11, 27, 9, 30)
OUTSIDE_WINDOW = dt.datetime(2026, 11, 10, 9, 30)
# the new teacher of every scenario: hired into A (headed by thutruong, deputy photruong)
NEW_ID = "025301000123"


@pytest.fixture
def app(make_app, request):
    """An app under the test module's PROFILE, with the catalogs a hiring names."""
    app = make_app(PROVINCE_PROFILE=request.module.PROFILE)
    with app.app_context():
        load_shipped(names=["ngach", "chuc_danh_nghe_nghiep"])
        db.session.remove()
    yield app
    reset_data(app)


def account(province, username):
    return db.session.get(Account, province.accounts[username])


def hire_teacher(app, province, by="canbo", **changes):
    """``by`` enters a new teacher of unit A from the recruitment decision (with its
    scan); returns the Hired with its rows re-read (employee, hiring, account)."""
    with app.app_context():
        hired = hiring.hire(account(province, by), hire_data(province, unit="A", **changes),
                            SCAN)
        result = {"employee_id": hired.employee.id, "hiring_id": hired.hiring.id,
                  "account_id": hired.account.id if hired.account else None,
                  "password": hired.password}
        db.session.remove()
    return result


# what the person declares in the first entry (their part of the form), the identity
# the decision gave kept as it is
PERSON_PART = {key: value for key, value in COMPLETE.items()
               if key not in ("so_dinh_danh", "ho_ten", "gioi_tinh", "ngay_sinh")}
PERSON_PART["so_cccd"] = NEW_ID
PERSON_TABLES = {"gia_dinh_ban_than": [FAMILY_ROW]}


def first_entry(actor, employee):
    """The first entry of a hired person's record by ``actor`` (the person, or the
    unit's officer where it enters everything); returns the open draft, complete."""
    draft = records.open_draft(actor, employee)
    records.save(actor, draft, PERSON_PART, PERSON_TABLES, draft.lock)
    assert records.missing_required(records.read_content(draft), employee.category) == []
    return draft


def employee(ids):
    return db.session.get(Employee, ids["employee_id"])


def person_account(ids):
    return db.session.get(Account, ids["account_id"])


# --- the transfer steps of the scenarios (app/transfers, app/deadlines) ----------------

def open_transfer(province, username, kind, **data):
    """``username`` opens a transfer case of ``kind`` from the decision; returns its id."""
    return transfers.open_case(account(province, username), decision(kind=kind, **data),
                               SCAN_DECISION).case.id


def act_step(province, who, case_id, **data):
    """``who`` does the case's next step, as the case page shows it."""
    case = db.session.get(TransferCase, case_id)
    return transfers.act(account(province, who), case, case.next_step.id, case.version,
                         data)


def steps_of(case_id):
    case = db.session.get(TransferCase, case_id)
    return [(s.code, s.side, s.acting_unit_id, s.due_on) for s in case.steps]


def transfer_deadlines(actor):
    """(kind, employee, due date, acting unit) of the transfer steps on the actor's
    deadlines board (app/deadlines)."""
    _today, pairs = deadlines.of(actor)
    return [(d.kind, d.employee_name, d.due_on, d.unit_name) for _state, d in pairs
            if d.kind.startswith("transfers.")]
