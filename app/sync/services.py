"""The national sync: the outbox written with each change, the sender, the dead letters.

What is queued, and when (the profile's ``sync.trigger``):
- ``after_approval`` (HP, ĐN): the unit's signature makes the version ready;
- ``after_so_noi_vu_signature`` (VP) and every profile with Sở Nội vụ's second step (HN):
  Sở Nội vụ's signature does (``approval.services.ready_for_sync``);
- ``monthly_window`` (HN Điều 14.1): queued the same way, sent only in the last five days
  of the month;
- ``none`` (ĐNg, 2012): nothing.
A person's move or status change (transfer, retirement, death …) queues the edit of a
record the receiver already holds, in the transaction of that change (``register_hooks``).

What a message carries is decided when it is written, against the last message written for
the person (or what the receiver acknowledged): the whole record (M0001 ADD) the first time;
then M0001 EDIT when the general part changed (a name, a unit, a status), else an EDIT of
each part M0002–M0006 that changed, nothing when nothing the contract carries did. A
message the receiver would refuse (app/sync/validate.py) is written blocked, with the
reasons, and never sent. No DEL is ever written: a record is never deleted (a leaver's
record says so through its status).
"""
import datetime
import logging
from dataclasses import dataclass, field

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, event, exists, func, inspect, select
from sqlalchemy.orm import aliased, joinedload

from app.approval import services as approval
from app.approval import window
from app.audit import services as audit
from app.core import clock, crypto
from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.extensions import db
from app.org.models import Employee
from app.policy.profiles import rule
from app.records import services as records
from app.records.models import RecordVersion
from app.security import roles, scope
from app.sync import client as wire
from app.sync import mapping, validate
from app.sync.models import (
    APPROVED_CHANGE, BLOCKED, FAILED, MOVED, PENDING, SENT, STATUS_CHANGED, SUPERSEDED,
    SyncMessage, SyncRecord,
)
from app.sync.standin import content_digest

log = logging.getLogger(__name__)
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(minutes=30)
# tries before a message that never got an answer goes to the dead letters: with the waits
# above, about a day of the receiver being down
MAX_ATTEMPTS = 50
ROUND_SIZE = 500
# how long a message taken by a sender is its own (app/sync/client.py's timeout is seconds):
# a sender that died mid-try leaves it due again after this
CLAIM = datetime.timedelta(minutes=5)
# how long the receiver's checks keep the catalogs they read (_checker)
CHECKER_KEPT = datetime.timedelta(minutes=1)

STATE_LABELS = {PENDING: _l("Ready"), BLOCKED: _l("Blocked"), SENT: _l("Sent"),
                FAILED: _l("Failed"), SUPERSEDED: _l("Replaced")}
REASON_LABELS = {APPROVED_CHANGE: _l("Change approved"), MOVED: _l("Unit changed"),
                 STATUS_CHANGED: _l("Status changed")}
MESSAGE_LABELS = {
    mapping.M0001: _l("Whole record (M0001)"),
    mapping.M0002: _l("Recruitment and work history (M0002)"),
    mapping.M0003: _l("Salary, allowances and positions (M0003)"),
    mapping.M0004: _l("Training (M0004)"),
    mapping.M0005: _l("Other information (M0005)"),
    mapping.M0006: _l("Evaluation results (M0006)"),
}
ACTION_LABELS = {mapping.ADD: _l("add"), mapping.EDIT: _l("edit"), mapping.DEL: _l("delete")}


class SyncRefused(DomainError):
    pass


def trigger():
    return rule("sync.trigger") or "none"


def enabled():
    return trigger() != "none"


def sending_today(today=None):
    """Whether the sender sends today: always, but in the last days of the month where the
    profile syncs once a month (HN Điều 14.1: "trong vòng 05 ngày cuối mỗi tháng"; its own
    rule, ``sync.window_last_days_of_month``, though the approval window has the same five
    days under Điều 7)."""
    if trigger() != "monthly_window":
        return True
    today = today or clock.today()
    days = window.last_days_of(today.year, today.month, rule("sync.window_last_days_of_month"))
    return days is not None and days.holds(today)


# --- what a version's document is -------------------------------------------------------------

def whole_record(version, sender_code=None, units=None):
    """The version's HOSO_CBCCVC as M0001 carries it whole."""
    return mapping.message_for(version, mapping.ADD, sender_code=sender_code, units=units)


def _body(document):
    return document["Data"]["Body"]["HOSO_CBCCVC"]


def section_digests(document):
    # the same canonical JSON digest the receiver computes over a whole record
    return {name: content_digest(value) for name, value in _body(document).items()}


# --- the outbox --------------------------------------------------------------------------------

def _basis(employee_id):
    """What the person's next message is compared with: the last message written for them
    that was or will be sent, else what the receiver acknowledged; None for a person the
    receiver has never been sent. (org code, section digests)."""
    last = db.session.scalar(
        select(SyncMessage).where(SyncMessage.employee_id == employee_id,
                                  SyncMessage.status.in_((PENDING, SENT)))
        .order_by(SyncMessage.id.desc()).limit(1))
    if last is not None:
        return last.org_code, last.section_digests or {}
    acknowledged = db.session.get(SyncRecord, employee_id)
    if acknowledged is not None:
        return acknowledged.org_code, acknowledged.section_digests
    return None


def _unsent(employee):
    """The person's messages not sent, which follow them to their unit's board."""
    rows = list(db.session.scalars(select(SyncMessage).where(
        SyncMessage.employee_id == employee.id,
        SyncMessage.status.in_((BLOCKED, FAILED, PENDING)))))
    for row in rows:
        row.unit_id = employee.unit_id
    return rows


def _settle_earlier(employee):
    """Before a person's new message: a blocked one and a dead letter are replaced by it
    (it is compared with what the receiver acknowledged, so it carries what they would
    have)."""
    for row in _unsent(employee):
        if row.status in (BLOCKED, FAILED):
            row.status = SUPERSEDED


def _message(version, reason, message, action, org_code, digests, status=PENDING,
             problems=None):
    now = clock.now()
    row = SyncMessage(
        employee_id=version.employee_id, unit_id=version.employee.unit_id,
        version_id=version.id, reason=reason, message=message, action=action,
        org_code=org_code, section_digests=digests, status=status,
        problems=problems, idempotency_key=wire.new_idempotency_key(), attempts=0,
        timed_out=0, next_attempt_at=now if status == PENDING else None, created_at=now)
    db.session.add(row)
    return row


def _checker():
    """The receiver's checks for what this app context does (a head's batch of approvals,
    each in its own transaction): each catalog is read once, not once per version. Read
    again after CHECKER_KEPT, so that a long context (a job, a command over the province)
    sees a catalog changed meanwhile."""
    checker = g.get("_sync_checker")
    now = clock.now()
    if checker is None or checker.on != clock.today() or now - g._sync_checker_at > \
            CHECKER_KEPT:
        checker = g._sync_checker = validate.Checker(detached=True)
        g._sync_checker_at = now
    return checker


def _blocked(version, reason, basis, problems):
    row = _message(version, reason, mapping.M0001,
                   mapping.ADD if basis is None else mapping.EDIT,
                   basis[0] if basis else None, None, status=BLOCKED, problems=problems)
    db.session.flush()
    audit.record("sync.blocked", row, details={"employee_id": version.employee_id,
                                               "problems": len(problems)})
    return [row]


def queue_version(version, reason=APPROVED_CHANGE):
    """Write the messages ``version`` needs (in the caller's transaction); returns them.
    Called by the approval's hook for a version that became ready, and by the lifecycle
    for a person the receiver already holds."""
    if not enabled():
        return []
    checker = _checker()
    _settle_earlier(version.employee)
    basis = _basis(version.employee_id)
    found = validate.problems(version, checker)
    if found:
        return _blocked(version, reason, basis,
                        [[problem.label_vi, problem.message_vi, problem.field]
                         for problem in found])
    try:
        if basis is None:
            document = whole_record(version, units=checker.units)
            org_code = document["Data"]["Header"]["Sender_Code"]
            rows = [_message(version, reason, mapping.M0001, mapping.ADD, org_code,
                             section_digests(document))]
        else:
            org_code, before = basis
            document = whole_record(version, sender_code=org_code, units=checker.units)
            after = section_digests(document)
            changed = [name for name in after if before.get(name) != after[name]]
            if not changed:
                return []
            if mapping.THONGTINCHUNG.name in changed:
                parts = [mapping.M0001]
            else:
                parts = [section.message for section in mapping.SECTIONS[1:]
                         if section.name in changed]
            rows = [_message(version, reason, part, mapping.EDIT, org_code, after)
                    for part in parts]
    except mapping.MappingError as error:
        # what the checks above did not foresee: the record waits, blocked, with the reason
        return _blocked(version, reason, basis,
                        [[_("The record"), str(error), "Data"]])
    for row in rows:
        db.session.flush()
        audit.record("sync.queued", row, details={
            "employee_id": version.employee_id, "message": row.message, "action": row.action,
            "reason": reason})
    return rows


def _on_ready(version):
    queue_version(version, APPROVED_CHANGE)


def queue_lifecycle(employee, reason):
    """A move or status change of a person the receiver holds (or will): the edit of the
    general part, built from the person's approved version as it stands now."""
    if not enabled():
        return []
    unsent = _unsent(employee)
    if _basis(employee.id) is None:
        if reason == STATUS_CHANGED and not any(row.status == FAILED for row in unsent):
            # the receiver never held the person: their departure has nothing to tell it
            # (a dead letter may have been stored there, its answer lost: the departure
            # waits for the whole record that goes when it is sent again)
            _departure_done(employee.id, clock.now())
        return []
    version = records.approved_version(employee)
    if version is None or not approval.ready_for_sync(version):
        return []
    return queue_version(version, reason)


# --- the lifecycle's changes, seen at each flush --------------------------------------------

_PENDING_KEY = "sync_lifecycle"


def _after_flush(session, _context):
    for obj in session.dirty:
        if not isinstance(obj, Employee):
            continue
        state = inspect(obj)
        reason = None
        if state.attrs.status.history.has_changes():
            reason = STATUS_CHANGED
        elif state.attrs.unit_id.history.has_changes():
            reason = MOVED
        if reason:
            session.info.setdefault(_PENDING_KEY, {}).setdefault(obj.id, reason)


def _before_commit(session):
    if session.in_nested_transaction():
        return           # a savepoint's release: the outer commit writes the messages
    # the commit's own flush comes after this hook: flush first, so the listener above has
    # seen every change the commit holds
    if session.new or session.dirty or session.deleted:
        session.flush()
    pending = session.info.pop(_PENDING_KEY, None)
    if not pending or not enabled():
        return
    with session.no_autoflush:
        for employee_id, reason in sorted(pending.items()):
            employee = session.get(Employee, employee_id)
            if employee is not None:
                queue_lifecycle(employee, reason)


def _after_rollback(session, previous_transaction):
    # a savepoint rolled back keeps the outer transaction's changes, and their messages
    if not previous_transaction.nested:
        session.info.pop(_PENDING_KEY, None)


def register_hooks():
    """The approval's ready hook and the session listeners for moves and status changes
    (idempotent)."""
    approval.on_ready_for_sync(_on_ready)
    for name, listener in (("after_flush", _after_flush), ("before_commit", _before_commit),
                           ("after_soft_rollback", _after_rollback)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)


# --- the sender -------------------------------------------------------------------------------

def backoff(attempts):
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)


@dataclass
class Round:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    waiting: bool = False       # outside the monthly window
    stopped: str = ""           # why the round stopped early (the receiver is down)
    ids: list = field(default_factory=list)


def _earlier_unsent():
    """"The person has an earlier message not yet sent" (pending, or a dead letter)."""
    earlier = aliased(SyncMessage)
    return exists().where(earlier.employee_id == SyncMessage.employee_id,
                          earlier.id < SyncMessage.id, earlier.status.in_((PENDING, FAILED)))


def _due(now, limit):
    """(id, person, account code) of the messages to try now, oldest first: pending and due, and the
    person's oldest unsent one (a person's messages go in order; a dead letter holds the
    ones after it)."""
    return db.session.execute(
        select(SyncMessage.id, SyncMessage.employee_id, SyncMessage.org_code).where(
            SyncMessage.status == PENDING, SyncMessage.next_attempt_at <= now,
            ~_earlier_unsent())
        .order_by(SyncMessage.id).limit(limit)).all()


def _acknowledge(row, version, answer, now):
    document = whole_record(version, sender_code=row.org_code)
    found = db.session.get(SyncRecord, row.employee_id)
    if found is None:
        found = SyncRecord(employee_id=row.employee_id)
        db.session.add(found)
    general = _body(document)[mapping.THONGTINCHUNG.name]
    key = general.get("SoHieuCBCCVC_BNDP") or ""
    found.org_code, found.version_id = row.org_code, version.id
    found.record_key_hash, found.record_key_enc = crypto.keyed_hash(key), crypto.encrypt_text(key)
    found.unit_code = general.get("MaDonviSuDung")
    found.digest = content_digest(_body(document))
    found.section_digests = section_digests(document)
    found.transaction_id, found.acknowledged_at = answer.transaction_id, now


def _departure_done(employee_id, now, marked_by=None):
    """A transfer out's mark for the sync (app/transfers) is done (at ``now``) once the
    general part, which carries the status as it was when the message was built, left:
    the marks made by then (``marked_by``, the moment it was built); or at once for a
    person the receiver never held."""
    from app.transfers.models import SYNC_DEPARTURE, TransferSyncItem

    for item in db.session.scalars(select(TransferSyncItem).where(
            TransferSyncItem.employee_id == employee_id,
            TransferSyncItem.kind == SYNC_DEPARTURE, TransferSyncItem.done_at.is_(None),
            TransferSyncItem.created_at <= (marked_by or now))):
        item.done_at = now


def _locked_due(message_id, now):
    """The message, locked for this sender, if it is still due and still the person's
    next: a second sender working from an older list skips it."""
    return db.session.scalar(select(SyncMessage).where(
        SyncMessage.id == message_id, SyncMessage.status == PENDING,
        SyncMessage.next_attempt_at <= now, ~_earlier_unsent())
        .with_for_update(skip_locked=True, of=SyncMessage))


@dataclass
class _Claim:
    """What one try needs, read under the message's lock before it was let go."""
    attempts: int
    action: str
    message: str
    org_code: str
    idempotency_key: str
    document: dict = None
    built_at: datetime.datetime = None     # the moment its document was built
    # an ADD whose answer was lost: the record's key there and the same record as an EDIT
    key_there: str = None
    as_edit: dict = None


def _claim(message_id, now):
    """Take the message for this sender and commit: the try counted and the next one put
    past CLAIM, so that a second sender leaves it alone and a sender that dies mid-try
    leaves it due again. No row lock is held while the receiver answers: a head's approval
    or a move that writes the person's messages does not wait for the national database.
    The documents are built after the commit, from the approved version (which never
    changes), and their reads end before the call. Returns a _Claim, an Answer (a DEL,
    refused here), or None (no longer due)."""
    row = _locked_due(message_id, now)
    if row is None:
        db.session.rollback()
        return None
    if row.action == mapping.DEL:
        # never written; refused here too, so no person who exists is ever deleted there
        row.status, row.last_error = FAILED, _("A deletion is never sent.")
        db.session.commit()
        return wire.Answer(wire.REFUSED, row.last_error)
    row.attempts += 1
    row.next_attempt_at = now + CLAIM
    claim = _Claim(row.attempts, row.action, row.message, row.org_code, row.idempotency_key)
    version_id, lost_add = row.version_id, row.action == mapping.ADD and row.timed_out
    db.session.commit()
    version = db.session.get(RecordVersion, version_id)
    claim.built_at = clock.now()
    claim.document = mapping.message_for(version, claim.action, claim.message,
                                         sender_code=claim.org_code)
    if lost_add:
        claim.key_there = "%s_%s" % (claim.org_code, mapping.record_key(version))
        claim.as_edit = mapping.message_for(version, mapping.EDIT, claim.message,
                                            sender_code=claim.org_code)
    db.session.rollback()
    return claim


def _exists_there(client, claim, refusal):
    """Whether the receiver holds the record already (after an ADD whose answer was lost):
    asked where the receiver answers reads (the stand-in does), else read from its refusal
    ("Hồ sơ … đã tồn tại")."""
    found = client.fetch(claim.org_code, claim.key_there)
    if found.ok or found.outcome == wire.REFUSED:
        return found.ok
    return "đã tồn tại" in refusal.message


def _try(client, claim):
    """Send the claimed message (no transaction open); returns (answer, the action and
    idempotency key it was stored under)."""
    answer = client.send(claim.message, claim.org_code, claim.document, claim.idempotency_key)
    if answer.outcome == wire.REFUSED and claim.as_edit is not None \
            and _exists_there(client, claim, answer):
        # an ADD whose answer was lost was stored: the receiver now refuses the ADD (the
        # key exists), so the same record goes as an EDIT, under a key of its own
        edit_key = wire.new_idempotency_key()
        edited = client.send(claim.message, claim.org_code, claim.as_edit, edit_key)
        if edited.ok:
            return edited, mapping.EDIT, edit_key
        if edited.transient:
            return edited, claim.action, claim.idempotency_key
    return answer, claim.action, claim.idempotency_key


def _send_one(client, message_id, now):
    """Try one message: claimed in a transaction of its own, sent with none open, its
    answer written in a third; returns the answer (None: skipped)."""
    claim = _claim(message_id, now)
    if not isinstance(claim, _Claim):
        return claim
    answer, action, idempotency_key = _try(client, claim)
    row = db.session.get(SyncMessage, message_id, with_for_update=True,
                         populate_existing=True)
    if row is None or row.status != PENDING or row.attempts != claim.attempts:
        # our claim ran out and another sender tried it since: its answer is the one kept
        db.session.rollback()
        return answer
    if answer.ok:
        row.action, row.idempotency_key = action, idempotency_key
        row.status, row.sent_at, row.transaction_id = SENT, now, answer.transaction_id
        row.last_error, row.next_attempt_at = None, None
        _acknowledge(row, db.session.get(RecordVersion, row.version_id), answer, now)
        if row.message == mapping.M0001:
            _departure_done(row.employee_id, now, marked_by=claim.built_at)
        audit.record("sync.sent", row, details={"employee_id": row.employee_id,
                                                "message": row.message, "action": row.action,
                                                "transaction_id": answer.transaction_id})
    elif answer.transient and row.attempts < MAX_ATTEMPTS:
        if answer.outcome == wire.TIMEOUT:
            row.timed_out += 1
        row.last_error = answer.message[:1000]
        row.next_attempt_at = now + backoff(row.attempts)
    else:
        _dead(row, answer.message, answer.transaction_id)
    db.session.commit()
    return answer


def _dead(row, message, transaction_id=None):
    row.status, row.last_error, row.next_attempt_at = FAILED, message[:1000], None
    row.transaction_id = transaction_id
    audit.record("sync.failed", row, details={"employee_id": row.employee_id,
                                              "message": row.message,
                                              "transaction_id": transaction_id})


def _fail_unexpectedly(message_id, error):
    """A message whose sending raised (a bug, a record the mapping cannot read): a dead
    letter with the error's kind, so the round goes on and the officer sees it."""
    db.session.rollback()
    row = db.session.get(SyncMessage, message_id)
    if row is not None and row.status == PENDING:
        # the try was counted when it was claimed
        _dead(row, _("The message could not be sent (%(error)s).",
                     error=type(error).__name__))
        db.session.commit()
    log.exception("national sync: message %s failed", message_id)


def send_due(now=None, limit=ROUND_SIZE, client=None):
    """The sender's round: every message due, in order; stops at the first sign that the
    receiver is down (the rest wait for the next round), and holds the messages of an
    account the receiver does not let in. Returns a Round."""
    result = Round()
    if not enabled():
        return result
    now = now or clock.now()
    if not sending_today(clock.today()):
        result.waiting = True
        return result
    own_client = client is None
    client = client or wire.Client()
    held, tried, held_accounts = set(), set(), set()
    try:
        # passes until nothing more is due: a person's next message is due once the one
        # before it was sent, in the same round
        while len(tried) < limit and not result.stopped:
            due = [(message_id, employee_id, org_code) for message_id, employee_id, org_code
                   in _due(now, limit) if message_id not in tried and employee_id not in held
                   and org_code not in held_accounts]
            db.session.rollback()
            if not due:
                break
            for message_id, employee_id, org_code in due:
                if employee_id in held or org_code in held_accounts:
                    continue
                tried.add(message_id)
                try:
                    answer = _send_one(client, message_id, now)
                except Exception as error:      # noqa: BLE001 (one message, not the round)
                    _fail_unexpectedly(message_id, error)
                    result.failed += 1
                    held.add(employee_id)
                    continue
                if answer is None:
                    continue
                result.ids.append(message_id)
                if answer.ok:
                    result.sent += 1
                    continue
                held.add(employee_id)
                if not answer.transient:
                    result.failed += 1
                    continue
                result.retried += 1
                if answer.outcome in wire.ACCOUNT_TROUBLE:
                    held_accounts.add(org_code)
                elif answer.outcome == wire.UNAVAILABLE:
                    result.stopped = answer.message
                    break
    finally:
        if own_client:
            client.close()
        db.session.rollback()
    return result


# --- the dead letters ---------------------------------------------------------------------------

def may_requeue(actor):
    return bool(scope.user_scopes(actor, "requeue", roles.SYNC))


@atomic
def requeue(actor, message_id, seen_version):
    """Send a dead letter again (an officer of its unit, Sở Nội vụ): from the next round,
    with its tries counted afresh and its idempotency key kept."""
    row = scope.get_in_scope(SyncMessage, message_id, actor, "requeue")
    if row is None:
        raise SyncRefused(_("This message does not exist or is not yours to send again."))
    if str(row.row_version) != str(seen_version):
        raise SyncRefused(_("Someone changed this message meanwhile; open the board again."))
    if row.status != FAILED:
        raise SyncRefused(_("Only a failed message can be sent again."))
    row.status, row.attempts, row.next_attempt_at = PENDING, 0, clock.now()
    row.requeued_by, row.requeued_at = actor.id, clock.now()
    audit.record("sync.requeue", row, actor=actor,
                 details={"employee_id": row.employee_id, "message": row.message})
    return row


# --- the board ------------------------------------------------------------------------------------

BOARD_STATES = (PENDING, BLOCKED, SENT, FAILED)


def board_counts(actor=None):
    """{state: messages in the actor's scope} (the whole province without an actor: the
    command line's board)."""
    query = select(SyncMessage.status, func.count()).where(
        SyncMessage.status.in_(BOARD_STATES)).group_by(SyncMessage.status)
    if actor is not None:
        query = scope.restrict(query, actor, "read", model=SyncMessage)
    counts = dict.fromkeys(BOARD_STATES, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


@dataclass
class BoardPage:
    state: str              # the state shown (an unknown one is the ready ones)
    counts: dict
    rows: list
    more: bool
    behind: dict            # {message id: earlier message id it waits for}
    waiting_window: bool    # HN: outside the monthly window, nothing leaves
    enabled: bool


def board_page(actor, state=PENDING, page=1):
    """What the board shows: the counts, one page of one state, and why a ready message
    waits (another of the person's before it, or the monthly window)."""
    state = state if state in BOARD_STATES else PENDING
    rows, more = board(actor, state, page)
    return BoardPage(state=state, counts=board_counts(actor), rows=rows, more=more,
                     behind=waiting_behind(rows), waiting_window=not sending_today(),
                     enabled=enabled())


def board(actor, state=PENDING, page=1, per_page=50):
    """The messages of one state in the actor's scope, newest first (the pending ones
    oldest first, the order they go in)."""
    query = scope.restrict(select(SyncMessage).where(SyncMessage.status == state)
                           .options(joinedload(SyncMessage.employee).joinedload(Employee.unit)),
                           actor, "read", model=SyncMessage)
    order = SyncMessage.id.asc() if state == PENDING else SyncMessage.id.desc()
    page = max(int(page or 1), 1)
    rows = list(db.session.scalars(query.order_by(order).offset((page - 1) * per_page)
                                   .limit(per_page + 1)))
    audit.record("sync.board_read", object_type="SyncMessage", actor=actor,
                 details={"state": state, "page": page, "rows": min(len(rows), per_page)})
    return rows[:per_page], len(rows) > per_page


def waiting_behind(rows):
    """{message id: id of the person's earlier message still unsent} for pending rows."""
    pending = [row for row in rows if row.status == PENDING]
    if not pending:
        return {}
    earlier = aliased(SyncMessage)
    found = db.session.execute(
        select(SyncMessage.id, func.min(earlier.id)).join(
            earlier, and_(earlier.employee_id == SyncMessage.employee_id,
                          earlier.id < SyncMessage.id,
                          earlier.status.in_((PENDING, FAILED))))
        .where(SyncMessage.id.in_([row.id for row in pending])).group_by(SyncMessage.id))
    return dict(found.all())


BATCH = 100


def never_queued():
    """The people with no message and nothing acknowledged (ids, in order)."""
    queued = exists().where(SyncMessage.employee_id == Employee.id)
    acknowledged = exists().where(SyncRecord.employee_id == Employee.id)
    return list(db.session.scalars(select(Employee.id).where(~queued, ~acknowledged)
                                   .order_by(Employee.id)))


def queue_ready():
    """Queue the approved records that are ready and were never queued: what a province
    going live (or a profile switching the sync on) sends first. A transaction per hundred
    people (the audit log's lock is not held for the whole province). Returns the count."""
    if not enabled():
        return 0
    ids = never_queued()
    db.session.rollback()
    count = 0
    for start in range(0, len(ids), BATCH):
        try:
            for employee_id in ids[start:start + BATCH]:
                version = records.approved_version(db.session.get(Employee, employee_id))
                if version is not None and approval.ready_for_sync(version):
                    count += len(queue_version(version))
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return count
