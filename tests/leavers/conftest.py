"""Helpers of the leavers' tests: the small province of tests/security/world.py, each
person with a record and a personal account, under the profile a test asks for."""
import datetime

import pytest

from app.accounts.models import Account
from app.extensions import db
from app.org.models import Employee
from app.records.models import RecordVersion
from tests.conftest import reset_data
from tests.security import world

# a PDF the attachment checks accept (tests/records/test_attachments.py)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SCAN = ("qd-nghi-huu.pdf", PDF)
# the day the tests run on (a Tuesday); the decision of ``decision()`` takes effect on it
TODAY = datetime.datetime(2026, 11, 10, 9, 0)


def decision(**changes):
    """A good retirement decision of the unit, as typed on the screen."""
    data = {"status": "nghi_huu", "decision_number": "45/QĐ-SGDĐT",
            "decision_date": "02/11/2026", "decided_by": "Sở Giáo dục",
            "effective_date": "10/11/2026", "note": ""}
    data.update(changes)
    return data


@pytest.fixture
def leavers_app(make_app, request):
    """(app, world) under the profile named by ``indirect`` parametrization (else
    hai_phong), the world's people with records (world.build_records)."""
    app = make_app(PROVINCE_PROFILE=getattr(request, "param", None) or "hai_phong")
    built = world.build(app)
    world.build_records(app, built)
    yield app, built
    reset_data(app)


def actor(world_, username):
    return db.session.get(Account, world_.accounts[username])


def person(world_, username):
    return db.session.get(Employee, world_.employees[username])


def set_birth(world_, username, born, sex):
    """The person's record says born ``born`` (ISO) and ``sex`` ("nam"/"nu")."""
    version = db.session.get(RecordVersion, world_.versions[username])
    content = dict(version.content)
    content["fields"] = dict(content.get("fields") or {}, ngay_sinh=born, gioi_tinh=sex)
    version.content = content
    db.session.commit()
