"""The national sync in the demo (issue 20, "done when"): canhan's change, approved as her
province's profile asks, puts one message in the outbox; the runner's sender delivers it to
the stand-in receiver; the board shows it sent; reconciliation finds no difference."""
import datetime as dt

import pytest
from sqlalchemy import select

import config
from app.approval import keys, window
from app.approval import services as approval
from app.approval.demo import DEMO_PIN
from app.approval.models import KIND_PKCS12
from app.core import clock
from app.extensions import db
from app.jobs.runner import send_sync
from app.org.models import Employee
from app.records import services as records
from app.sync import reconcile, services
from app.sync.models import PENDING, SENT, SyncMessage
from app.sync.standin import accounts_from_credentials
from tests.application.test_demo_lifecycle import _account, demo_app  # noqa: F401
from tests.sync_standin import running_standin


@pytest.fixture
def national(demo_app):
    accounts = accounts_from_credentials(config.parse_sync_credentials(
        config.DEV_SYNC_CREDENTIALS))
    with running_standin({"ACCOUNTS": accounts, "CLOCK": clock.now}) as (url, standin):
        demo_app.config.update(SYNC_ENDPOINT=url,
                               SYNC_CREDENTIALS=config.DEV_SYNC_CREDENTIALS)
        yield demo_app, standin


def _sign(username, step, version_id):
    account = _account(username)
    with keys.unlocked(keys.credentials_of(account)[0], DEMO_PIN) as signer:
        step(account, version_id, signer, KIND_PKCS12)


@pytest.mark.parametrize("demo_app", ["vinh_phuc", "hai_phong"], indirect=True)
def test_approving_canhans_change_reaches_the_stand_in_once_and_reconciles(national):
    app, standin = national
    today = clock.today()
    with app.app_context():
        in_window = dt.datetime.combine(window.window_of(today.year, today.month).start,
                                        dt.time(9))
    with app.test_request_context(), clock.freeze(in_window):
        canhan = _account("canhan")
        person = db.session.scalar(select(Employee).where(Employee.account_id == canhan.id))
        draft = records.open_draft(canhan, person)
        records.save(canhan, draft, {"dien_thoai": "0912 345 678"}, {}, draft.lock)
        records.submit(canhan, draft, draft.lock)
        _sign("thutruong", approval.approve, draft.id)
        if app.config["PROVINCE_PROFILE"] == "vinh_phuc":
            # Điều 12.4 VP: Sở Nội vụ's signature first
            assert db.session.scalars(select(SyncMessage)).all() == []
            _sign("sonoivu", approval.approve_second_step, draft.id)
        [message] = db.session.scalars(select(SyncMessage)).all()
        assert (message.status, message.problems) == (PENDING, None)
        assert (message.message, message.action) == ("M0001", "ADD")
        version_id = draft.id
        db.session.remove()

    with clock.freeze(in_window + dt.timedelta(minutes=1)):
        send_sync(app)                       # the runner's sender, as make run schedules it
    [accepted] = standin.accepted
    assert (accepted["service"], accepted["action"]) == ("M0001", "ADD")

    with app.test_request_context():
        sonoivu = _account("sonoivu")
        assert services.board_counts(sonoivu)[SENT] == 1
        [message] = db.session.scalars(select(SyncMessage)).all()
        assert message.status == SENT and message.version_id == version_id
        run = reconcile.reconcile(sonoivu)
        assert run.differences == 0, reconcile.rows_of(run)
        assert sum(count["ours"] for count in run.counts) == 1
