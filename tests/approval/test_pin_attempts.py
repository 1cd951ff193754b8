"""Guessing a signing PIN is stopped and noticed (issue 14, item 5): every wrong PIN is
audited, and after PIN_MAX_FAILURES within PIN_FAILURE_WINDOW_MINUTES the account's
keys unlock nothing, the right PIN included, until the window has passed."""
import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.approval import keys
from app.approval.models import Approval
from app.audit.models import AuditEntry
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from tests.approval.conftest import PIN, submitted
from tests.approval.test_approval import OUTSIDE_WINDOW
from tests.conftest import csrf_token, login
from tests.security.world import PASSWORD


def _entries(action, actor_id):
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.actor_id == actor_id).order_by(AuditEntry.id)))


def _later(minutes):
    return clock.freeze(OUTSIDE_WINDOW + dt.timedelta(minutes=minutes))


def test_pin_guessing_is_stopped_and_audited(app, province, people, approvers):
    head = province.accounts["thutruong"]
    with app.app_context():
        credential = db.session.get(keys.SigningCredential, approvers.credential["thutruong"])
        limit = app.config["PIN_MAX_FAILURES"]
        with _later(0):
            for guess in range(limit):
                with pytest.raises(DomainError):
                    keys.signer_for(credential, "%04d" % guess)
        failures = _entries(keys.PIN_FAILED, head)
        assert len(failures) == limit
        assert [json.loads(e.details)["failures"] for e in failures] == list(range(1, limit + 1))
        assert all(e.object_id == str(credential.id) for e in failures)
        # the right PIN, too soon: refused without trying it, and audited
        with _later(10), pytest.raises(DomainError) as refused:
            keys.signer_for(credential, PIN)
        assert "PIN" in str(refused.value) and "5" in str(refused.value)
        assert len(_entries(keys.PIN_REFUSED, head)) == 1
        assert len(_entries(keys.PIN_FAILED, head)) == limit
        # once the window has passed, the right PIN opens the key again
        with _later(16):
            assert keys.signer_for(credential, PIN).signer_name
        # another signer is not affected by the head's failures
        deputy = db.session.get(keys.SigningCredential, approvers.credential["photruong"])
        with _later(1):
            assert keys.signer_for(deputy, PIN).signer_name


def test_pin_guessing_through_the_approval_page(app, province, people, approvers, client):
    version_id = submitted(app, province, people, "canhan")
    login(client, "thutruong", PASSWORD)
    page = client.get("/approval/").get_data(as_text=True)

    def approve(pin):
        return client.post("/approval/approve", data={
            "csrf_token": csrf_token(page), "version": str(version_id), "pin": pin},
            follow_redirects=True)

    with _later(0):
        for guess in range(app.config["PIN_MAX_FAILURES"]):
            assert approve("%04d" % guess).status_code == 200
    with _later(5):
        body = approve(PIN).get_data(as_text=True)
    assert "PIN" in body
    with app.app_context():
        assert db.session.scalar(select(Approval.id)) is None
        failures = _entries(keys.PIN_FAILED, province.accounts["thutruong"])
        assert len(failures) == 5 and all(e.ip_address == "127.0.0.1" for e in failures)
        assert len(_entries(keys.PIN_REFUSED, province.accounts["thutruong"])) == 1
    with _later(20):
        approve(PIN)
    with app.app_context():
        assert db.session.scalar(select(Approval.id)) is not None
