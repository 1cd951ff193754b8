"""The national sync's outbox against the stand-in receiver: what an approval queues, what
the sender sends, once and in order, whatever the receiver does (issue 20's list)."""
import contextlib
import datetime as dt

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.core import clock, crypto
from app.extensions import db
from app.org.models import STATUS_RETIRED, Employee
from app.sync import reconcile, services
from app.sync.models import BLOCKED, FAILED, PENDING, SENT, SUPERSEDED, SyncMessage, SyncRecord
from tests.sync.outbox.conftest import (
    IN_WINDOW, approve, change, complete_submission, prepare, rewrite,
)

AFTER = IN_WINDOW + dt.timedelta(minutes=5)


def _messages(app):
    with app.app_context():
        rows = [(m.employee_id, m.message, m.action, m.status, m.id)
                for m in db.session.scalars(select(SyncMessage).order_by(SyncMessage.id))]
        db.session.remove()
    return rows


def _send(app, moment=AFTER):
    """One round of the sender at ``moment`` (None: now, as a request sets times)."""
    with app.app_context(), (clock.freeze(moment) if moment else contextlib.nullcontext()):
        result = services.send_due()
        db.session.remove()
    return result


def _key(app, people, username):
    with app.app_context():
        record = db.session.get(SyncRecord, people.ids[username])
        key = "%s_%s" % (record.org_code, crypto.decrypt_text(record.record_key_enc)) \
            if record else None
        db.session.remove()
    return key


def _approved_first(app, province, people, approvers, username="canhan"):
    version_id = complete_submission(app, province, people, username)
    approve(app, province, approvers, version_id)
    return version_id


def test_an_approved_record_is_queued_once_in_the_approvals_transaction_and_sent_as_one_add(
        app, province, people, approvers, standin):
    prepare(app, province)
    version_id = complete_submission(app, province, people, "canhan")
    assert _messages(app) == []                       # submitted is not ready
    approve(app, province, approvers, version_id)
    [(employee_id, message, action, status, _id)] = _messages(app)
    assert (employee_id, message, action, status) == (people.ids["canhan"], "M0001", "ADD",
                                                      PENDING)
    assert standin.accepted == []                     # written, not sent, until the sender runs

    result = _send(app)
    assert (result.sent, result.retried, result.failed) == (1, 0, 0)
    [accepted] = standin.accepted
    assert (accepted["service"], accepted["action"]) == ("M0001", "ADD")
    key = _key(app, people, "canhan")
    assert accepted["key"] == key and key.startswith("H44_")
    with app.app_context():
        row = db.session.scalar(select(SyncMessage))
        assert row.status == SENT and row.transaction_id == accepted["transaction_id"]
        record = db.session.get(SyncRecord, people.ids["canhan"])
        assert record.version_id == version_id
        # what reconciliation compares: the receiver's digest is the one kept here
        assert standin.record(key)["digest"] == record.digest
        actions = {entry.action for entry in db.session.scalars(select(AuditEntry))}
        assert {"sync.queued", "sync.sent"} <= actions
    assert _send(app).sent == 0                       # nothing twice
    assert len(standin.accepted) == 1


def test_a_change_sends_one_edit_of_the_part_that_changed_and_a_name_the_whole_record(
        app, province, people, approvers, standin):
    prepare(app, province)
    _approved_first(app, province, people, approvers)
    _send(app)
    salary = change(app, province, people, "canhan", {"bac_luong": "4", "he_so_luong": "3.33"})
    approve(app, province, approvers, salary)
    queued = [row for row in _messages(app) if row[3] == PENDING]
    assert [(m, a) for _e, m, a, _s, _i in queued] == [("M0003", "EDIT")]
    _send(app)
    assert [(a["service"], a["action"]) for a in standin.accepted] == [("M0001", "ADD"),
                                                                        ("M0003", "EDIT")]
    key = _key(app, people, "canhan")
    general = standin.record(key)["content"]["LUONG_PHUCAP_CHUCVU"]
    assert general["BacLuong"] == "4"

    renamed = change(app, province, people, "canhan", {"ho_ten": "Đỗ Thị Hằng Nga"})
    approve(app, province, approvers, renamed)
    queued = [row for row in _messages(app) if row[3] == PENDING]
    assert [(m, a) for _e, m, a, _s, _i in queued] == [("M0001", "EDIT")]
    _send(app)
    assert standin.record(key)["content"]["THONGTINCHUNG"]["HoVaTen"] == "Đỗ Thị Hằng Nga"
    # a change the contract does not carry (the form's own notes) sends nothing
    with app.app_context():
        record = db.session.get(SyncRecord, people.ids["canhan"])
        assert standin.record(key)["digest"] == record.digest


def test_a_timeout_after_the_receiver_stored_the_record_sends_no_duplicate(
        app, province, people, approvers, standin):
    prepare(app, province)
    _approved_first(app, province, people, approvers)
    standin.set(timeout=1.5)                  # stored, and the answer comes after 1.5 s
    result = _send(app)
    assert (result.sent, result.retried) == (0, 1)
    assert len(standin.accepted) == 1         # the receiver did store it
    with app.app_context():
        row = db.session.scalar(select(SyncMessage))
        assert row.status == PENDING and row.timed_out == 1
        retry_at = row.next_attempt_at
        db.session.remove()
    standin.set(timeout=False)
    assert _send(app, AFTER).sent == 0         # not before its back-off
    result = _send(app, retry_at + dt.timedelta(seconds=1))
    assert result.sent == 1
    assert len(standin.accepted) == 1          # the same idempotency key: the first answer
    assert len(standin.records) == 1


def test_an_add_whose_answer_was_lost_becomes_an_edit_where_the_receiver_forgot_the_key(
        app, province, people, approvers, standin):
    prepare(app, province)
    _approved_first(app, province, people, approvers)
    standin.set(timeout=1.5)
    _send(app)
    standin.set(timeout=False)
    with standin.receiver.lock:
        standin.receiver.idempotent.clear()   # a receiver that keeps no idempotency keys
    result = _send(app, AFTER + dt.timedelta(hours=1))
    assert result.sent == 1
    assert [(a["service"], a["action"]) for a in standin.accepted] == [("M0001", "ADD"),
                                                                        ("M0001", "EDIT")]
    assert len(standin.records) == 1
    assert [row[2:4] for row in _messages(app)] == [("EDIT", SENT)]


def test_the_receiver_down_for_an_hour_gets_everything_once_and_in_order(
        app, province, people, approvers, standin):
    prepare(app, province)
    first = _approved_first(app, province, people, approvers)
    second = complete_submission(app, province, people, "giaovien")
    approve(app, province, approvers, second)
    changed = change(app, province, people, "canhan", {"bac_luong": "5", "he_so_luong": "3.66"})
    approve(app, province, approvers, changed)
    assert first
    written = [(e, m, a) for e, m, a, _s, _i in _messages(app)]
    assert len(written) == 3
    standin.set(down_until=(AFTER + dt.timedelta(hours=1)).replace(tzinfo=clock.PROVINCE_TZ)
                .isoformat())
    moment = AFTER
    rounds = 0
    while moment < AFTER + dt.timedelta(hours=3):
        result = _send(app, moment)
        rounds += 1
        if rounds == 1:
            # one try, and the round stops: the others are not hammered
            assert (result.sent, result.retried, bool(result.stopped)) == (0, 1, True)
        if moment < AFTER + dt.timedelta(hours=1):
            assert result.sent == 0 and result.retried <= 1
        moment += dt.timedelta(minutes=5)
    assert {row[3] for row in _messages(app)} == {SENT}
    accepted = [(a["key"], a["service"], a["action"]) for a in standin.accepted]
    assert len(accepted) == 3 == len(set(a["transaction_id"] for a in standin.accepted))
    canhan = _key(app, people, "canhan")
    assert [a[1:] for a in accepted if a[0] == canhan] == [("M0001", "ADD"), ("M0003", "EDIT")]
    # nothing was tried more often than the back-off allows: at most one try per round
    with app.app_context():
        tries = db.session.scalar(select(func.sum(SyncMessage.attempts)))
    assert tries <= rounds + 3


def test_a_code_outside_its_catalog_blocks_the_record_with_the_reason_and_sends_nothing(
        app, province, people, approvers, standin, client):
    prepare(app, province)
    version_id = complete_submission(app, province, people, "canhan")
    rewrite(app, version_id, dan_toc="99")
    approve(app, province, approvers, version_id)
    [(_e, message, _a, status, _i)] = _messages(app)
    assert status == BLOCKED
    with app.app_context():
        row = db.session.scalar(select(SyncMessage))
        assert any("Dân tộc" in label and "99" in text for label, text, _f in row.problems)
        db.session.remove()
    assert _send(app).sent == 0 and standin.accepted == []

    # the unit's officer sees why on the board, in Vietnamese, field by field
    from tests.conftest import login
    from tests.security import world as w

    login(client, "canbo", w.PASSWORD)
    page = client.get("/sync/?state=blocked")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "sync-problems" in html and "Dân tộc" in html and "99" in html

    # corrected and approved again: the corrected version is sent, the blocked one replaced
    fixed = change(app, province, people, "canhan", {"dan_toc": "01"})
    approve(app, province, approvers, fixed)
    assert [row[2:4] for row in _messages(app)] == [("ADD", SUPERSEDED), ("ADD", PENDING)]
    assert _send(app).sent == 1
    assert [a["action"] for a in standin.accepted] == ["ADD"]


def test_a_refusal_is_a_dead_letter_that_holds_the_persons_later_messages_until_requeued(
        app, province, people, approvers, standin, client):
    prepare(app, province)
    _approved_first(app, province, people, approvers)
    later = change(app, province, people, "canhan", {"bac_luong": "6", "he_so_luong": "3.99"})
    approve(app, province, approvers, later)
    standin.set(err_code_1="Hệ thống đang bảo trì dữ liệu danh mục")
    result = _send(app)
    assert (result.failed, result.sent) == (1, 0)
    assert standin.accepted == []              # the EDIT was held behind the dead letter
    standin.set(err_code_1=False)
    assert _send(app).sent == 0                # and still is
    with app.app_context():
        dead = db.session.scalar(select(SyncMessage).where(SyncMessage.status == FAILED))
        assert "bảo trì" in dead.last_error
        dead_id, seen = dead.id, dead.row_version
        # B's officer does not reach A's message
        from app.accounts.models import Account

        with pytest.raises(services.SyncRefused):
            services.requeue(db.session.get(Account, province.accounts["canbo_b"]), dead_id,
                             seen)
        db.session.remove()

    from tests.conftest import csrf_token, login
    from tests.security import world as w

    login(client, "canbo", w.PASSWORD)
    page = client.get("/sync/?state=failed")
    assert "bảo trì" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    stale = client.post("/sync/requeue", data={"message": dead_id, "seen": seen + 7,
                                               "csrf_token": token}, follow_redirects=True)
    assert "mở lại bảng đồng bộ" in stale.get_data(as_text=True)
    assert [row[3] for row in _messages(app)] == [FAILED, PENDING]
    client.post("/sync/requeue", data={"message": dead_id, "seen": seen, "csrf_token": token})
    result = _send(app, None)       # requeued now: due from this moment
    assert result.sent == 2
    assert [(a["service"], a["action"]) for a in standin.accepted] == [("M0001", "ADD"),
                                                                        ("M0003", "EDIT")]


def test_a_later_approval_replaces_a_dead_letter_with_what_the_receiver_lacks(
        app, province, people, approvers, standin):
    prepare(app, province)
    _approved_first(app, province, people, approvers)
    standin.set(err_code_1="Hệ thống đang bảo trì dữ liệu danh mục")
    assert _send(app).failed == 1
    standin.set(err_code_1=False)
    later = change(app, province, people, "canhan", {"bac_luong": "6", "he_so_luong": "3.99"})
    approve(app, province, approvers, later)
    # nothing was acknowledged: the new message is the whole record, as an ADD
    assert [row[1:4] for row in _messages(app)] == [("M0001", "ADD", SUPERSEDED),
                                                    ("M0001", "ADD", PENDING)]
    assert _send(app).sent == 1
    key = _key(app, people, "canhan")
    assert standin.record(key)["content"]["LUONG_PHUCAP_CHUCVU"]["BacLuong"] == "6"


def test_the_outbox_is_written_in_the_approvals_transaction(
        app, province, people, approvers, monkeypatch):
    """If writing the message fails, the approval is not made either (and the other way
    round: no message without its signature)."""
    from app.approval.models import Approval
    from app.records.models import SUBMITTED, RecordVersion
    from app.sync import validate

    prepare(app, province)
    version_id = complete_submission(app, province, people, "canhan")

    def broken(*args, **kwargs):
        raise RuntimeError("the outbox cannot be written")

    monkeypatch.setattr(validate, "problems", broken)
    with pytest.raises(RuntimeError):
        approve(app, province, approvers, version_id)
    with app.app_context():
        assert db.session.get(RecordVersion, version_id).status == SUBMITTED
        assert db.session.scalars(select(Approval)).all() == []
        db.session.remove()
    assert _messages(app) == []


def test_a_move_to_another_unit_sends_the_whole_record_with_its_new_unit(
        app, province, people, approvers, standin):
    from app.org.models import Unit

    prepare(app, province)
    _approved_first(app, province, people, approvers)
    _send(app)
    with app.app_context():
        person = db.session.get(Employee, people.ids["canhan"])
        person.unit_id = province.units["B"]
        db.session.commit()
        b_code = db.session.get(Unit, province.units["B"]).code
        db.session.remove()
    queued = [row for row in _messages(app) if row[3] == PENDING]
    assert [(m, a) for _e, m, a, _s, _i in queued] == [("M0001", "EDIT")]
    assert _send(app, None).sent == 1
    key = _key(app, people, "canhan")
    assert standin.record(key)["content"]["THONGTINCHUNG"]["MaDonviSuDung"] == b_code
    assert len(standin.records) == 1           # the same record, under the same key


def test_two_senders_at_once_send_each_message_once_and_in_order(
        app, province, people, approvers, standin):
    import threading

    prepare(app, province)
    _approved_first(app, province, people, approvers)
    for step in ("4", "5"):
        approve(app, province, approvers, change(app, province, people, "canhan",
                                                 {"bac_luong": step}))
    approve(app, province, approvers, complete_submission(app, province, people, "giaovien"))
    standin.set(slow=0.2)                      # each answer takes a while: rounds overlap
    results = []

    def round_():
        results.append(_send(app))

    threads = [threading.Thread(target=round_) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    standin.set(slow=0)
    _send(app)                                  # what a held person still had waiting
    assert {row[3] for row in _messages(app)} == {SENT}
    sent = [(a["key"], a["service"], a["action"]) for a in standin.accepted]
    assert len(sent) == 4 == len(set(a["transaction_id"] for a in standin.accepted))
    canhan = _key(app, people, "canhan")
    assert [s[1:] for s in sent if s[0] == canhan] == [("M0001", "ADD"), ("M0003", "EDIT"),
                                                      ("M0003", "EDIT")]
    assert sum(r.sent for r in results) >= 1


def test_the_sender_holds_no_lock_while_the_receiver_answers(
        app, province, people, approvers, standin):
    """An approval or a move writes the person's messages: it must not wait for the
    national database. While the receiver handles the message, another connection
    writes the message's row (giving up after a second) and gets through."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.pool import NullPool

    prepare(app, province)
    _approved_first(app, province, people, approvers)
    [(_employee, _message, _action, _status, message_id)] = _messages(app)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    receiver, seen = standin.receiver, []
    receive = receiver.receive

    def receive_while_written(*args, **kwargs):
        with engine.connect() as connection:
            connection.execute(text("SET lock_timeout = '1s'"))
            try:
                connection.execute(text("UPDATE sync_message SET unit_id = unit_id "
                                        "WHERE id = :id"), {"id": message_id})
                seen.append("written")
            except OperationalError as error:
                seen.append(type(error.orig).__name__)
            connection.rollback()
        return receive(*args, **kwargs)

    receiver.receive = receive_while_written
    try:
        assert _send(app).sent == 1
    finally:
        del receiver.receive
        engine.dispose()
    assert seen == ["written"]
    assert {row[3] for row in _messages(app)} == {SENT}


def test_a_retirement_sends_the_status_as_an_edit_and_never_a_deletion(
        app, province, people, approvers, standin):
    prepare(app, province)
    _approved_first(app, province, people, approvers)
    _send(app)
    with app.app_context():
        person = db.session.get(Employee, people.ids["canhan"])
        person.status = STATUS_RETIRED
        db.session.commit()
        db.session.remove()
    queued = [row for row in _messages(app) if row[3] == PENDING]
    assert [(m, a) for _e, m, a, _s, _i in queued] == [("M0001", "EDIT")]
    assert _send(app, None).sent == 1          # written now, outside any frozen time
    key = _key(app, people, "canhan")
    assert standin.record(key)["content"]["THONGTINCHUNG"]["TinhTrangCongTac"] == \
        STATUS_RETIRED
    assert "DEL" not in {a["action"] for a in standin.accepted}
    # a person the receiver never held queues nothing when their status changes
    with app.app_context():
        other = db.session.get(Employee, people.ids["giaovien"])
        other.status = STATUS_RETIRED
        db.session.commit()
        db.session.remove()
    assert len(_messages(app)) == 2


def _transfer_out(app, province, people, username):
    """``username``'s person moved out of the province (the case's one step acted);
    returns the departure's TransferSyncItem's done_at."""
    from app.accounts.models import Account
    from app.transfers import services as transfers
    from app.transfers.models import OUT_OF_PROVINCE, TransferCase, TransferSyncItem
    from tests.transfers.conftest import MONDAY, SCAN, at, decision

    with app.app_context(), at(MONDAY):
        officer = db.session.get(Account, province.accounts["canbo"])
        case = transfers.open_case(officer, decision(
            kind=OUT_OF_PROVINCE, employee_id=str(people.ids[username]),
            outside_body="Sở Giáo dục và Đào tạo tỉnh Bắc Ninh"), SCAN).case
        case = db.session.get(TransferCase, case.id)
        transfers.act(officer, case, case.next_step.id, case.version, {})
        done_at = db.session.scalar(select(TransferSyncItem.done_at).where(
            TransferSyncItem.employee_id == people.ids[username]))
        db.session.remove()
    return done_at


def _departure_done(app, people, username):
    from app.transfers.models import TransferSyncItem

    with app.app_context():
        done_at = db.session.scalar(select(TransferSyncItem.done_at).where(
            TransferSyncItem.employee_id == people.ids[username]))
        db.session.remove()
    return done_at


def test_a_transfer_out_of_the_province_sends_the_departure_as_an_edit(
        app, province, people, approvers, standin):
    from tests.transfers.conftest import MONDAY

    prepare(app, province)
    _approved_first(app, province, people, approvers)
    _send(app)
    assert _transfer_out(app, province, people, "canhan") is None
    queued = [row for row in _messages(app) if row[3] == PENDING]
    assert [(m, a) for _e, m, a, _s, _i in queued] == [("M0001", "EDIT")]
    moment = dt.datetime.combine(MONDAY, dt.time(10))
    assert _send(app, moment).sent == 1
    key = _key(app, people, "canhan")
    assert standin.record(key)["content"]["THONGTINCHUNG"]["TinhTrangCongTac"] == \
        "chuyen_cong_tac"
    assert [a["action"] for a in standin.accepted] == ["ADD", "EDIT"]
    assert _departure_done(app, people, "canhan") is not None


def test_the_departure_of_a_person_the_receiver_never_held_is_done_at_once(
        app, province, people, approvers, standin):
    """Nothing to tell the national database of someone it never had: the departure's
    mark is done in the move's own transaction, not left open for ever."""
    prepare(app, province)
    _approved_first(app, province, people, approvers)
    _send(app)
    before = len(_messages(app))
    assert _transfer_out(app, province, people, "giaovien") is not None
    assert len(_messages(app)) == before


def test_the_departure_of_a_person_whose_record_is_a_dead_letter_waits_for_it(
        app, province, people, approvers, standin):
    """A dead letter may have been stored there with its answer lost: the departure's
    mark stays open, and is done once the record, sent again, carries the new status."""
    from app.accounts.models import Account
    from tests.transfers.conftest import MONDAY

    prepare(app, province)
    _approved_first(app, province, people, approvers)
    standin.set(err_code_1="Hệ thống đang bảo trì dữ liệu danh mục")
    assert _send(app).failed == 1
    standin.set(err_code_1=False)
    assert _transfer_out(app, province, people, "canhan") is None
    with app.app_context():
        dead = db.session.scalar(select(SyncMessage).where(SyncMessage.status == FAILED))
        services.requeue(db.session.get(Account, province.accounts["canbo"]), dead.id,
                         dead.row_version)
        db.session.remove()
    assert _send(app, dt.datetime.combine(MONDAY, dt.time(10))).sent == 1
    key = _key(app, people, "canhan")
    assert standin.record(key)["content"]["THONGTINCHUNG"]["TinhTrangCongTac"] == \
        "chuyen_cong_tac"
    assert _departure_done(app, people, "canhan") is not None


def test_reconciliation_finds_nothing_when_all_is_sent_and_names_each_difference(
        app, province, people, approvers, standin):
    prepare(app, province)
    _approved_first(app, province, people, approvers)
    with app.app_context():
        assert [row["kind"] for row in reconcile.rows_of(reconcile.reconcile())] == \
            [reconcile.BEHIND]
    _send(app)
    with app.app_context():
        run = reconcile.reconcile()
        assert run.differences == 0
        assert run.counts == [{"code": "H44.02", "ours": 1, "theirs": 1, "waiting": 0}]
        key = _key(app, people, "canhan")
        # the receiver changed its copy, and holds one we never sent
        with standin.receiver.lock:
            standin.receiver.records[key]["content"]["THONGTINCHUNG"]["HoVaTen"] = "Khác"
            extra = dict(standin.receiver.records[key], key="H44_KHAC",
                         SoHieuCBCCVC_BNDP="KHAC")
            standin.receiver.records["H44_KHAC"] = extra
        kinds = sorted(row["kind"] for row in reconcile.rows_of(reconcile.reconcile()))
        assert kinds == [reconcile.DIFFERS, reconcile.EXTRA]
        db.session.remove()


@pytest.mark.parametrize("app", ["vinh_phuc"], indirect=True)
def test_under_vinh_phuc_only_so_noi_vus_signature_queues(app, province, people, approvers):
    prepare(app, province)
    version_id = complete_submission(app, province, people, "canhan")
    approve(app, province, approvers, version_id)
    assert _messages(app) == []
    approve(app, province, approvers, version_id, username="sonoivu", second_step=True)
    assert [row[1:4] for row in _messages(app)] == [("M0001", "ADD", PENDING)]


@pytest.mark.parametrize("app", ["ha_noi"], indirect=True)
def test_under_ha_noi_messages_wait_for_the_monthly_window(app, province, people, approvers):
    prepare(app, province)
    version_id = complete_submission(app, province, people, "canhan")
    approve(app, province, approvers, version_id)
    approve(app, province, approvers, version_id, username="sonoivu", second_step=True)
    assert [row[3] for row in _messages(app)] == [PENDING]
    outside = _send(app, dt.datetime(2026, 12, 10, 9, 0))
    assert outside.waiting and outside.sent == 0
    # the sync's own five days (Điều 14.1), not the approval window's (Điều 7): with the
    # approvals in the last three days, the 28th still sends
    profile = app.extensions["hoso_profile"]
    assert profile["sync"]["window_last_days_of_month"]["value"] == 5
    profile["approval"]["window_last_days_of_month"]["value"] = 3
    inside = _send(app, dt.datetime(2026, 12, 28, 9, 0))
    with app.app_context():
        assert [m.last_error for m in db.session.scalars(select(SyncMessage))] == [None]
    assert inside.sent == 1


def test_going_live_queues_what_was_approved_before_and_the_commands_say_so(
        app, province, people, approvers, standin, monkeypatch):
    prepare(app, province)
    monkeypatch.setattr(services, "enabled", lambda: False)
    _approved_first(app, province, people, approvers)      # approved before the sync was on
    monkeypatch.undo()
    assert _messages(app) == []
    with app.app_context():
        name = db.session.get(Employee, people.ids["canhan"]).full_name
        db.session.remove()
    runner = app.test_cli_runner()
    with clock.freeze(AFTER):
        before = runner.invoke(args=["sync", "reconcile"])
        assert before.exit_code == 0, before.output
        # the person by id: this output goes to logs
        assert reconcile.NEVER_QUEUED in before.output and name not in before.output
        queued = runner.invoke(args=["sync", "queue-ready"])
        assert queued.exit_code == 0 and "1" in queued.output
        assert [row[1:4] for row in _messages(app)] == [("M0001", "ADD", PENDING)]
        sent = runner.invoke(args=["sync", "send"])
        assert sent.exit_code == 0, sent.output
        after = runner.invoke(args=["sync", "reconcile"])
        assert after.exit_code == 0 and reconcile.NEVER_QUEUED not in after.output
        assert "0 " in after.output.splitlines()[-1]
    assert len(standin.accepted) == 1


def test_the_receivers_checks_read_a_changed_catalog_after_a_minute(app, province):
    """A long context (a job, a command over the province) keeps the checks' catalogs a
    minute at most: an entry added meanwhile is known after it."""
    from app.catalogs.models import Catalog, CatalogEntry

    prepare(app, province)
    start = dt.datetime(2026, 11, 27, 9, 30)
    with app.app_context():
        with clock.freeze(start):
            checker = services._checker()
            before = set(checker.catalog("dan_toc"))
            dan_toc = db.session.scalar(select(Catalog).where(Catalog.name == "dan_toc"))
            db.session.add(CatalogEntry(catalog_id=dan_toc.id, code="99", name="Thử"))
            db.session.commit()
            assert services._checker() is checker and "99" not in checker.catalog("dan_toc")
        with clock.freeze(start + services.CHECKER_KEPT + dt.timedelta(seconds=1)):
            again = services._checker()
            assert again is not checker
            assert set(again.catalog("dan_toc")) == before | {"99"}
        db.session.remove()
