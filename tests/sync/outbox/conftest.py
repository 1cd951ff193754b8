"""A province whose approvals reach the national database: the approval tests' province
(tests/approval/conftest.py) with its units coded as QĐ 20/2020 codes, the catalogs the
complete record uses, and the stand-in receiver (app/sync/standin.py) on a port of its
own, its clock the application's, so a test that moves time moves the receiver's too."""
import datetime as dt

import pytest

from app.accounts.models import Account
from app.approval import services as approval
from app.approval.models import KIND_PKCS12
from app.catalogs.services import load_shipped
from app.core import clock
from app.extensions import db
from app.org.models import Employee
from app.records import services as records
from app.records.models import RecordVersion
from tests.approval.conftest import (  # noqa: F401 (fixtures)
    account, approvers, key_files, submitted, test_ca,
)
from tests.conftest import reset_data
from tests.records.conftest import FORM_CATALOGS, people  # noqa: F401 (fixture)
from tests.sync.test_mapping import CODES, MORE_CATALOGS, MORE_FIELDS, MORE_TABLES, _coded
from tests.sync_standin import running_standin

# inside November 2026's approval window (26–30/11 under every profile with one)
IN_WINDOW = dt.datetime(2026, 11, 27, 9, 30)
# the agency A's own national account, and the province's (which owns every code)
CREDENTIALS = "H44.02:hoso_a:mk-a,H44:hoso_tinh:mk-tinh"
ACCOUNTS = {"hoso_a": ("mk-a", ["H44.02"]), "hoso_tinh": ("mk-tinh", ["H44"])}


@pytest.fixture(scope="session")
def receiver():
    """(url, controller) of the stand-in, for the whole run; reset by each test."""
    with running_standin({"ACCOUNTS": ACCOUNTS, "CLOCK": clock.now,
                          "TIMEOUT_SECONDS": 2}) as served:
        yield served


def sync_app(make_app, receiver, profile):
    url, controller = receiver
    controller.reset()
    app = make_app(PROVINCE_PROFILE=profile)
    app.config.update(SYNC_ENDPOINT=url, SYNC_CREDENTIALS=CREDENTIALS, SYNC_TIMEOUT=0.5)
    return app


@pytest.fixture
def app(make_app, receiver, request):
    """Under hai_phong, where the unit's signature makes a record ready (Điều 10.3 HP), or
    the profile a test names (``indirect`` parametrization)."""
    app = sync_app(make_app, receiver, getattr(request, "param", "hai_phong"))
    yield app
    reset_data(app)


@pytest.fixture
def standin(receiver):
    return receiver[1]


def prepare(app, province):
    """Catalogs and unit codes, once per test (before the first record)."""
    with app.app_context():
        load_shipped(names=FORM_CATALOGS + MORE_CATALOGS)
        db.session.remove()
    with app.app_context():
        _coded(province)
        db.session.remove()


def complete_submission(app, province, people, username):
    """``username``'s first record, complete as the national database wants it, submitted."""
    version_id = submitted(app, province, people, username)
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        content = records.read_content(version)
        content["fields"].update(MORE_FIELDS, so_hieu="SH-%04d" % version.employee_id)
        content["tables"].update(MORE_TABLES)
        records.store(version, content)
        db.session.commit()
        db.session.remove()
    return version_id


def rewrite(app, version_id, **fields):
    """A submitted version's ``fields`` changed in place (before its approval)."""
    with app.app_context():
        version = db.session.get(RecordVersion, version_id)
        content = records.read_content(version)
        content["fields"].update(fields)
        records.store(version, content)
        db.session.commit()
        db.session.remove()


def change(app, province, people, username, fields=None, tables=None):
    """A new version of ``username``'s record with ``fields`` / ``tables`` changed,
    submitted; its id."""
    with app.app_context():
        person = db.session.get(Employee, people.ids[username])
        actor = db.session.get(Account, province.accounts[username])
        draft = records.open_draft(actor, person)
        content = records.read_content(draft)
        content["fields"].update(fields or {})
        content["tables"].update(tables or {})
        records.store(draft, content)
        db.session.flush()
        records.submit(actor, draft, draft.lock)
        version_id = draft.id
        db.session.remove()
    return version_id


def approve(app, province, approvers, version_id, username="thutruong", moment=IN_WINDOW,
            second_step=False):
    with app.app_context(), clock.freeze(moment):
        step = approval.approve_second_step if second_step else approval.approve
        step(account(province, username), version_id, approvers.signer(username), KIND_PKCS12)
        db.session.remove()


__all__ = ["CODES", "IN_WINDOW", "approve", "change", "complete_submission", "prepare",
           "rewrite"]
