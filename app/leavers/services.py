"""Leavers (issue 17.4): a status change from the decision, and reinstatement.

A departure (nghỉ hưu, thôi việc, buộc thôi việc, từ trần; the transfers' move out of
the province comes through ``record_departure`` too) is one transaction: the decision
and its scan (checked by records.attachments.check_document, kept in the file store by
SHA-256), the person's new status, the personal account's access revoked, the profile's
term for recording it (ĐNg Điều 11.3), and the audit entries. The record is never
deleted: it stays in the person's last unit, readable by whoever's scope covers that
unit, and the open departure puts it in the unit's archive (thư mục riêng: Điều 9.5 HP,
8.5 ĐN, 11.1.e VP, 12.3 HN, 12.3 ĐNg).

A departure recorded ahead of its effective date (a retirement decision is issued
months before) is written at once, with its term, scan and audit entry, and is the
person's open departure (no second one; the record is listed in the archive as taking
effect on that day), but the person keeps working, signing in and updating the record
until that day: ``apply_due``, run each morning (``flask leavers apply``), then sets the
status and revokes the access. ``StatusChange.applied_on`` says when a change took
effect in the system (None while it waits).

Until its day such a departure can be cancelled (``cancel_departure``: the decision
revoked or put off); it stays in the history, marked cancelled, and is no longer open.

A reinstatement (a re-hire) brings the same person, the same record, back to work from
a decision: status working, access granted again, audited, from the day it is recorded,
so one dated later is refused until its day. A departure still waiting for its day
cannot be reinstated (there is nothing to bring back yet). Every refusal
names the field and changes nothing.
"""
import logging

from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import Account
from app.audit import services as audit
from app.core import clock
from app.core.exceptions import DomainError, FieldErrors
from app.extensions import db
from app.files.store import file_store
from app.leavers.models import DEPARTURE, REINSTATEMENT, StatusChange
from app.org import services as org_services
from app.org.models import (
    LEAVER_STATUSES, STATUS_DECEASED, STATUS_DISMISSED, STATUS_LABELS, STATUS_RESIGNED,
    STATUS_RETIRED, STATUS_SECONDED, STATUS_WORKING,
)
from app.policy.profiles import rule_entry
from app.records import attachments, inputs
from app.records.inputs import date as _date, text as _text
from app.security import roles, scope
from app.workdays.services import due_for

# the profile's term for recording each kind (app/policy/schema.py, section leavers)
TERM_RULES = {STATUS_RETIRED: "leavers.retirement_days",
              STATUS_RESIGNED: "leavers.resignation_days",
              STATUS_DISMISSED: "leavers.dismissal_days",
              STATUS_DECEASED: "leavers.death_days"}
# who can leave: the people in service (a seconded person too, biệt phái)
IN_SERVICE = (STATUS_WORKING, STATUS_SECONDED)
NOTE_LIMIT = 500

log = logging.getLogger(__name__)


class LeaverInvalid(FieldErrors):
    """A refused status change: ``errors`` maps each input's name to its message."""


Scan = attachments.Scan


def status_label(status):
    return STATUS_LABELS.get(status, status)


# ------------------------------------------------------------------ who may

def may_write(actor):
    return bool(scope.user_scopes(actor, "write", roles.LEAVERS))


def may_write_for(actor, employee):
    """Whether the actor records status changes of this person (their unit in scope)."""
    return employee is not None and org_services.unit_in_scope(
        actor, "write", roles.LEAVERS, employee.unit)


def open_departure(employee):
    """The person's departure that no reinstatement has closed, or None."""
    return db.session.scalar(select(StatusChange).where(
        StatusChange.employee_id == employee.id, StatusChange.open_departure()))


def history(employee):
    """The person's status changes, oldest first."""
    return list(db.session.scalars(select(StatusChange).where(
        StatusChange.employee_id == employee.id).order_by(StatusChange.id)))


# ------------------------------------------------------------------ terms

def term_entry(rule_key):
    """The profile's rule for a term (value, counted_in, cite), or {} without one."""
    if not rule_key:
        return {}
    return rule_entry(rule_key)


def due_on(rule_key, effective_date):
    """The last day the unit may record the change: the profile's term from the
    decision's effective date ("kể từ ngày văn bản có hiệu lực", ĐNg Điều 11.3), or None
    where the profile sets no term."""
    return due_for(effective_date, term_entry(rule_key))


# ------------------------------------------------------------------ checking

def checked_scan(scan, errors):
    """``scan`` ((file name, bytes) or a Scan) with its type; refusals into ``errors``."""
    try:
        return attachments.checked_scan(scan)
    except DomainError as exc:
        errors["scan"] = str(exc)
        return None


def _decision(data, errors):
    """The decision's number, date, issuing body, effective date and note, checked."""
    cleaned = {}
    cleaned["decision_number"], cleaned["decided_by"], cleaned["decision_date"] = \
        inputs.decision(data, errors)
    cleaned["effective_date"] = _date(data, "effective_date", errors)
    note = _text(data, "note")
    if len(note) > NOTE_LIMIT:
        errors["note"] = _("At most %(n)d characters.", n=NOTE_LIMIT)
    cleaned["note"] = note or None
    return cleaned


def _require_person(actor, employee, errors):
    if employee is None or not may_write_for(actor, employee):
        raise LeaverInvalid({"status": _("You may not change this person's status.")})
    # the person's row held until the commit and read afresh: two status changes at
    # the same moment go one after the other, the second one seeing the first
    db.session.refresh(employee, with_for_update=True)


# ------------------------------------------------------------------ the account

def _revoke_access(actor, employee, change):
    """The personal account stops working, in this transaction."""
    if employee.account_id is None:
        return None
    return accounts.revoke_in_transaction(
        actor, db.session.get(Account, employee.account_id), reason="leaver",
        status=change.status_to, status_change_id=change.id)


def _grant_access(actor, employee, change):
    """The personal account works again, in this transaction."""
    if employee.account_id is None:
        return None
    return accounts.grant_in_transaction(
        actor, db.session.get(Account, employee.account_id), reason="reinstated",
        status_change_id=change.id)


def _store(scan):
    return file_store().put(scan.content)


# ------------------------------------------------------------------ departures

def record_departure_in_transaction(actor, employee, status, effective_date, decision_number,
                                    decision_date, decided_by, scan, note=None,
                                    term_rule=None):
    """Record a departure in the caller's transaction; returns the StatusChange.

    ``status``: one of org.models.LEAVER_STATUSES, or another status that takes the
    person out of service (the transfers' move out of the province, with its own
    ``term_rule``, e.g. "transfers.out_status_change_days"). ``scan``: (file name,
    bytes) of the decision. Raises LeaverInvalid and leaves the session for the
    caller to roll back."""
    errors = {}
    _require_person(actor, employee, errors)
    if not status or status == STATUS_WORKING or len(status) > 32:
        errors["status"] = _("Choose what the decision is.")
    scan = checked_scan(scan, errors)
    cleaned = _decision({"decision_number": decision_number, "decision_date": decision_date,
                         "decided_by": decided_by, "effective_date": effective_date,
                         "note": note}, errors)
    if cleaned["decision_date"] and cleaned["effective_date"] and \
            cleaned["effective_date"] < cleaned["decision_date"] and \
            status != STATUS_DECEASED:
        errors["effective_date"] = _("The decision takes effect on or after its date.")
    waiting = open_departure(employee)
    if waiting is not None and waiting.is_pending:
        errors["status"] = _("%(name)s's departure (%(status)s) is recorded already and "
                             "takes effect on %(day)s.", name=employee.full_name,
                             status=status_label(waiting.status_to),
                             day=waiting.effective_date.strftime("%d/%m/%Y"))
    elif employee.status not in IN_SERVICE or waiting is not None:
        errors["status"] = _("%(name)s is not working (status: %(status)s); reinstate the "
                             "person first.", name=employee.full_name,
                             status=status_label(employee.status))
    if errors:
        raise LeaverInvalid(errors)
    term_rule = term_rule or TERM_RULES.get(status)
    entry = term_entry(term_rule)
    now = clock.now()
    # in force already (today or before): applied now; later: waits for apply_due
    applies_now = cleaned["effective_date"] <= now.date()
    change = StatusChange(
        employee_id=employee.id, kind=DEPARTURE, status_from=employee.status,
        status_to=status, unit_id=employee.unit_id,
        effective_date=cleaned["effective_date"],
        decision_number=cleaned["decision_number"], decision_date=cleaned["decision_date"],
        decided_by=cleaned["decided_by"], note=cleaned["note"],
        scan_sha256=_store(scan), scan_content_type=scan.content_type,
        scan_filename=scan.filename, scan_size=len(scan.content),
        term_rule=term_rule if entry.get("value") is not None else None,
        term_days=entry.get("value"), term_counted_in=entry.get("counted_in", "working_days")
        if entry.get("value") is not None else None,
        term_cite=entry.get("cite") if entry.get("value") is not None else None,
        due_on=due_for(cleaned["effective_date"], entry) if entry else None,
        account_id=employee.account_id, recorded_by=actor.id, recorded_at=now,
        applied_on=now.date() if applies_now else None)
    db.session.add(change)
    if applies_now:
        employee.status = status
    db.session.flush()
    if applies_now:
        _revoke_access(actor, employee, change)
    audit.record("leavers.depart", employee, unit_id=employee.unit_id, actor=actor, details={
        "status_change_id": change.id, "status": status, "status_from": change.status_from,
        "effective_date": change.effective_date.isoformat(),
        "decision_number": change.decision_number, "sha256": change.scan_sha256,
        "due_on": change.due_on.isoformat() if change.due_on else None,
        "scheduled": not applies_now})
    return change


def record_departure(actor, employee, status, effective_date, decision_number, decision_date,
                     decided_by, scan, note=None, term_rule=None):
    """Record a departure and commit (one transaction); returns the StatusChange.
    The public service of the leavers, called by the screen and by app/transfers."""
    try:
        change = record_departure_in_transaction(
            actor, employee, status, effective_date, decision_number, decision_date,
            decided_by, scan, note=note, term_rule=term_rule)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return change


def depart(actor, employee, data, scan):
    """The screen's departure: ``data`` as typed (status among the four kinds, dates
    dd/mm/yyyy); every refusal at once, per field."""
    errors = {}
    status = _text(data, "status")
    if status not in LEAVER_STATUSES:
        errors["status"] = _("Choose what the decision is.")
    checked = checked_scan(scan, errors)
    cleaned = _decision(data, errors)
    if errors:
        db.session.rollback()
        raise LeaverInvalid(errors)
    return record_departure(actor, employee, status, cleaned["effective_date"],
                            cleaned["decision_number"], cleaned["decision_date"],
                            cleaned["decided_by"], checked, note=cleaned["note"])


def retirements_put_off(employee_ids):
    """The people among these whose retirement decision was cancelled before its day (the
    working time extended, NĐ 135/2020 Điều 4): the forecast's date no longer calls for
    one, until a new decision is recorded."""
    if not employee_ids:
        return set()
    return set(db.session.scalars(select(StatusChange.employee_id).where(
        StatusChange.employee_id.in_(list(employee_ids)), StatusChange.kind == DEPARTURE,
        StatusChange.status_to == STATUS_RETIRED, StatusChange.cancelled_at.is_not(None))))


def may_cancel(departure):
    """Whether a departure can still be cancelled: recorded ahead, and its day to come."""
    return departure is not None and departure.is_pending and \
        departure.effective_date > clock.today()


def cancel_departure(actor, employee, change_id, reason):
    """Withdraw a departure recorded ahead of its effective date, before that day (its
    decision revoked or put off: a retirement deferred, a resignation withdrawn): the
    person never left, nothing of their status or access changes. The departure stays in
    the history, marked cancelled with who, when and why; audited. A departure in effect
    is undone by a reinstatement. (A move out of the province is never waiting: its
    transfer step is done from the effective day.)"""
    try:
        errors = {}
        _require_person(actor, employee, errors)
        departure = open_departure(employee)
        if not may_cancel(departure) or str(departure.id) != str(change_id or ""):
            raise LeaverInvalid({"status": _(
                "Only a departure that has not taken effect yet can be cancelled; a person "
                "who has left is reinstated instead.")})
        reason = (reason or "").strip()
        if not reason:
            errors["reason"] = _("Say why the departure is cancelled (the decision that "
                                 "revoked or put it off).")
        elif len(reason) > NOTE_LIMIT:
            errors["reason"] = _("At most %(n)d characters.", n=NOTE_LIMIT)
        if errors:
            raise LeaverInvalid(errors)
        departure.cancelled_at, departure.cancelled_by = clock.now(), actor.id
        departure.cancel_reason = reason
        db.session.flush()
        audit.record("leavers.cancel", employee, unit_id=employee.unit_id, actor=actor,
                     details={"status_change_id": departure.id,
                              "status": departure.status_to,
                              "effective_date": departure.effective_date.isoformat()})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return departure


# ------------------------------------------------------------------ reinstatement

def reinstate(actor, employee, data, scan):
    """Bring a leaver back to work on the same record from the decision (a re-hire):
    status working, access granted again, the departure closed; one transaction."""
    try:
        errors = {}
        _require_person(actor, employee, errors)
        departure = open_departure(employee)
        if departure is not None and departure.is_pending:
            raise LeaverInvalid({"status": _(
                "%(name)s's departure takes effect on %(day)s; until then the person is "
                "working and there is nothing to reinstate.", name=employee.full_name,
                day=departure.effective_date.strftime("%d/%m/%Y"))})
        if departure is None or employee.status == STATUS_WORKING:
            raise LeaverInvalid({"status": _("%(name)s is working; there is nothing to "
                                             "reinstate.", name=employee.full_name)})
        if departure.status_to == STATUS_DECEASED:
            raise LeaverInvalid({"status": _("A deceased person cannot be reinstated; "
                                             "correct a wrong entry with Sở Nội vụ.")})
        checked = checked_scan(scan, errors)
        cleaned = _decision(data, errors)
        if cleaned["effective_date"] and cleaned["effective_date"] < departure.effective_date:
            errors["effective_date"] = _("The reinstatement takes effect after the "
                                         "departure (%(day)s).", day=departure.effective_date
                                         .strftime("%d/%m/%Y"))
        elif cleaned["effective_date"] and cleaned["effective_date"] > clock.today():
            # applied as it is recorded (access granted, the person working): a decision
            # of a later day is recorded on that day, not before
            errors["effective_date"] = _("The reinstatement takes effect on %(day)s: record "
                                         "it on that day or later.",
                                         day=cleaned["effective_date"].strftime("%d/%m/%Y"))
        if errors:
            raise LeaverInvalid(errors)
        change = StatusChange(
            employee_id=employee.id, kind=REINSTATEMENT, status_from=employee.status,
            status_to=STATUS_WORKING, unit_id=employee.unit_id,
            effective_date=cleaned["effective_date"],
            decision_number=cleaned["decision_number"],
            decision_date=cleaned["decision_date"], decided_by=cleaned["decided_by"],
            note=cleaned["note"], scan_sha256=_store(checked),
            scan_content_type=checked.content_type, scan_filename=checked.filename,
            scan_size=len(checked.content), account_id=employee.account_id,
            recorded_by=actor.id, recorded_at=clock.now(), applied_on=clock.today())
        db.session.add(change)
        db.session.flush()
        departure.reinstated_by_id = change.id
        employee.status = STATUS_WORKING
        _grant_access(actor, employee, change)
        audit.record("leavers.reinstate", employee, unit_id=employee.unit_id, actor=actor,
                     details={"status_change_id": change.id, "departure_id": departure.id,
                              "status_from": change.status_from,
                              "effective_date": change.effective_date.isoformat(),
                              "decision_number": change.decision_number,
                              "sha256": change.scan_sha256})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return change


# ------------------------------------------------------------------ on their day

def pending_due(on):
    """The departures recorded ahead of their effective date whose day has come by
    ``on``, oldest first."""
    return list(db.session.scalars(select(StatusChange).where(
        StatusChange.open_departure(), StatusChange.applied_on.is_(None),
        StatusChange.effective_date <= on)
        .order_by(StatusChange.effective_date, StatusChange.id)))


def _apply(actor, change_id, today):
    """Apply one waiting departure in the caller's savepoint: the person's status and
    access, applied_on, audited. False when another run applied it meanwhile."""
    change = db.session.get(StatusChange, change_id)
    if change is None:
        return False
    # the person's row first, as every status change does (_require_person), then the
    # change read afresh under it: two runs at once apply it once
    employee = change.employee
    db.session.refresh(employee, with_for_update=True)
    db.session.refresh(change)
    if not change.is_pending:
        return False
    # the status it leaves is the one of today (a secondment may have ended meanwhile)
    status_from = change.status_from = employee.status
    employee.status = change.status_to
    change.applied_on = today
    db.session.flush()
    _revoke_access(actor, employee, change)
    audit.record("leavers.apply", employee, unit_id=employee.unit_id, actor=actor, details={
        "status_change_id": change.id, "status": change.status_to,
        "status_from": status_from, "effective_date": change.effective_date.isoformat(),
        "applied_on": today.isoformat()})
    return True


def apply_due(actor=None, on=None):
    """Apply every departure waiting for its effective date that has come by ``on``
    (today by default): the person's status set, their account's access revoked,
    ``applied_on`` today, audited per person ("leavers.apply"). Each in its own
    savepoint: one that fails is logged and left for the next run, the others go on.
    Committed; returns how many were applied. The daily job (``flask leavers apply``).
    A day after today is refused: it would end people's access before their day."""
    today = clock.today()
    on = on or today
    if on > today:
        raise LeaverInvalid({"on": _("The departures are applied on their day, not "
                                     "ahead: give today or an earlier day.")})
    applied = 0
    try:
        for change_id in [change.id for change in pending_due(on)]:
            try:
                with db.session.begin_nested():
                    if _apply(actor, change_id, today):
                        applied += 1
            except Exception:  # noqa: BLE001 - one person's failure stops nobody else
                log.exception("leavers: the departure %s could not be applied", change_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return applied
