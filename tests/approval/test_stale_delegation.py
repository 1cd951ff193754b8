"""No lost update on a delegation (issue 14, item 2): withdrawing one names the
version it was shown at; over a change made meanwhile it is refused with the
Vietnamese message and changes nothing; two withdrawals at once, one wins."""
import datetime as dt
import threading

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.approval import delegations
from app.approval.models import Delegation
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from tests.approval.conftest import account
from tests.records.test_attachments import PDF

STALE_MSGID = ("Someone changed this delegation after you opened it; nothing was saved. "
               "Reload the page to see it as it is now.")


def _stale_message():
    with force_locale("vi"):
        return gettext(STALE_MSGID)


def _delegation(app, province, people):
    with app.app_context():
        today = clock.today()
        row = delegations.delegate(account(province, "thutruong"), province.units["A"],
                                   people.ids["photruong"], today,
                                   today + dt.timedelta(days=10), "15/UQ-SGD", PDF,
                                   "uy-quyen.pdf")
        result = row.id, row.version
        db.session.remove()
    return result


def _stored(app, delegation_id):
    with app.app_context():
        row = db.session.get(Delegation, delegation_id)
        result = row.revoked_at, row.version
        db.session.remove()
    return result


def test_a_stale_withdrawal_is_refused_and_changes_nothing(app, province, people, approvers):
    delegation_id, seen = _delegation(app, province, people)
    with app.app_context():
        head = account(province, "thutruong")
        # the first tab withdraws it
        delegations.revoke(head, db.session.get(Delegation, delegation_id), seen)
        withdrawn = _stored(app, delegation_id)
        assert withdrawn[0] is not None and withdrawn[1] == seen + 1
        # the second tab, opened before, is told someone changed it (not "already withdrawn")
        with pytest.raises(DomainError) as refusal:
            delegations.revoke(head, db.session.get(Delegation, delegation_id), seen)
        assert str(refusal.value) == _stale_message()
        assert _stored(app, delegation_id) == withdrawn
        # with what it is now, the refusal says why
        with pytest.raises(DomainError, match="đã|already"):
            delegations.revoke(head, db.session.get(Delegation, delegation_id), seen + 1)
        assert _stored(app, delegation_id) == withdrawn
        # only the head who may delegate for the unit withdraws
        with pytest.raises(DomainError):
            delegations.revoke(account(province, "photruong"),
                               db.session.get(Delegation, delegation_id), seen + 1)
        db.session.remove()


def test_two_withdrawals_at_once_one_gets_through(app, province, people, approvers):
    delegation_id, seen = _delegation(app, province, people)
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def withdraw(index):
        with app.app_context():
            head = account(province, "thutruong")
            row = db.session.get(Delegation, delegation_id)
            barrier.wait()
            try:
                delegations.revoke(head, row, seen)
                outcomes[index] = "withdrawn"
            except DomainError as error:
                outcomes[index] = str(error)
            db.session.remove()

    threads = [threading.Thread(target=withdraw, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with app.app_context():
        assert sorted(outcomes) == sorted(["withdrawn", _stale_message()])
    revoked_at, version = _stored(app, delegation_id)
    assert revoked_at is not None and version == seen + 1
    with app.app_context():
        assert db.session.scalar(select(Delegation.version)) == seen + 1
