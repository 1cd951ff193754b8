"""Transfers (Điều 9 HP, 8 ĐN, 11 VP, 12 HN, 11 ĐNg): each a case with its decision and
scan, its effective date and the steps the profile's regulation asks for.

Every write is one transaction (``_atomic``): the case row is locked and its version
compared with the one the actor saw, so a stale write is refused; a refused step
changes nothing. Deadlines come from the profile (``transfers.*`` rules) through
``app.workdays.services.due_for``; no number of days is written here.

On the effective date the person's unit changes (``org.services.move_person``: the
placement periods, the account that follows its owner, the approver found afresh from
the tree); the person keeps their one record, whose versions are neither copied nor
touched.
"""
import functools
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.accounts import services as accounts
from app.accounts.models import KIND_PERSONAL, STATUS_ACTIVE, STATUS_REVOKED, Account
from app.approval.authority import employing_unit
from app.audit import services as audit
from app.core import clock
from app.core.exceptions import DomainError, FieldErrors
from app.extensions import db
from app.files.store import file_store
from app.hiring import services as hiring
from app.hiring.models import KIND_RECEPTION
from app.leavers import services as leavers
from app.org import services as org_services
from app.org.models import (
    STATUS_SECONDED, STATUS_TRANSFERRED_OUT, STATUS_WORKING, Employee, Unit,
)
from app.policy.profiles import rule, rule_entry
from app.records import attachments, inputs
from app.records.inputs import date as _date, text as _text
from app.security import roles, scope
from app.transfers.models import (
    ACCOUNT, BETWEEN_UNITS, CANCELLED, COMMUNE, DATA_REQUEST, DEPART, DONE, FORWARD,
    HANDOVER, IN_FROM_OUTSIDE, INSIDE_UNIT, KINDS, OPEN, OUT_OF_PROVINCE, RECEIVE,
    RECEIVING, RETURN, SECONDMENT, SENDING, SO_NOI_VU, SUPERIOR, SYNC_DATA_REQUEST,
    SYNC_DEPARTURE, TransferCase, TransferStep, TransferSyncItem,
)
from app.workdays.services import due_date, due_for

KIND_LABELS = {
    BETWEEN_UNITS: _l("Between units of the province"),
    INSIDE_UNIT: _l("Within the unit, to another section"),
    OUT_OF_PROVINCE: _l("Out of the province or to a Party body"),
    IN_FROM_OUTSIDE: _l("In from another province, a ministry or a Party body"),
    SECONDMENT: _l("Secondment"),
    COMMUNE: _l("Commune staff moved by the level above"),
}
STEP_LABELS = {
    HANDOVER: _l("Hand the record over"),
    RECEIVE: _l("Accept the record and give the account"),
    FORWARD: _l("Forward the record to the employing unit"),
    DEPART: _l("Change the status, revoke access, mark for the national sync"),
    ACCOUNT: _l("Give the received person an account"),
    DATA_REQUEST: _l("Ask Sở Nội vụ for the national data"),
    RETURN: _l("Record the end of the secondment"),
}
# the 2012 model (records.who_enters: unit_officer, ĐNg) has no personal accounts
RECEIVE_WITHOUT_ACCOUNT = _l("Accept the record")


def step_labels():
    """{step code: its words} under the active profile."""
    if rule("records.who_enters") == "unit_officer":
        return dict(STEP_LABELS, **{RECEIVE: RECEIVE_WITHOUT_ACCOUNT})
    return STEP_LABELS


SIDE_LABELS = {SENDING: _l("The sending unit"), RECEIVING: _l("The receiving unit"),
               SUPERIOR: _l("The managing body above both units"), SO_NOI_VU: "Sở Nội vụ"}
STATE_LABELS = {OPEN: _l("Open"), DONE: _l("Done"), CANCELLED: _l("Cancelled")}
ACCOUNT_REASSIGN, ACCOUNT_NEW, ACCOUNT_NONE = "reassign", "new", "none"
SCAN_KIND = "quyet_dinh_dieu_dong"


class TransferInvalid(FieldErrors):
    """A refused request: ``errors`` maps each input's name to its Vietnamese message."""


def _refuse(message, key="__all__"):
    raise TransferInvalid({key: message})


def _atomic(operation):
    @functools.wraps(operation)
    def run(*args, **kwargs):
        try:
            result = operation(*args, **kwargs)
            db.session.commit()
            return result
        except StaleDataError:
            db.session.rollback()
            raise TransferInvalid({"__all__": _(
                "Someone changed this case at the same moment; nothing was saved. Open it "
                "again, then try again.")}) from None
        except Exception:
            db.session.rollback()
            raise

    return run


# ------------------------------------------------------------------ who may

def may_read(actor):
    return bool(scope.user_scopes(actor, "read", roles.TRANSFERS))


def may_write(actor):
    return bool(scope.user_scopes(actor, "write", roles.TRANSFERS))


def _reaches(actor, unit):
    return unit is not None and org_services.unit_in_scope(actor, "write", roles.TRANSFERS,
                                                           unit)


def _province_wide(actor):
    scopes = scope.user_scopes(actor, "write", roles.TRANSFERS)
    return roles.SCOPE_PROVINCE in scopes or roles.SCOPE_SYSTEM in scopes


def may_act(actor, step):
    """Whether the actor may do ``step``: an officer of the unit that must act (or of a
    unit above it), or Sở Nội vụ."""
    if not may_write(actor):
        return False
    if _province_wide(actor):
        return True
    return step.acting_unit is not None and _reaches(actor, step.acting_unit)


def who_acts(step):
    """Who must act on ``step``, in words: the side and the unit."""
    if step is None:
        return ""
    side = SIDE_LABELS.get(step.side, step.side)
    if step.acting_unit is not None:
        return "%s (%s)" % (side, step.acting_unit.name)
    return str(side)


# ------------------------------------------------------------------ the profile's steps

def _common_superior(first, second):
    """The nearest employing unit above both units (the managing body of HN 12.1a and
    ĐNg 11.2), or None (then Sở Nội vụ acts)."""
    if first is None or second is None:
        return None
    shared = [part for part, other in zip(first.path.strip("/").split("/"),
                                          second.path.strip("/").split("/")) if part == other]
    # the units on the shared path, deepest first; the units themselves are not above
    for unit_id in reversed(shared):
        unit = db.session.get(Unit, int(unit_id))
        if unit.id in (first.id, second.id):
            continue
        found = employing_unit(unit)
        if found is not None:
            return found
    return None


def _acting_unit(side, case):
    if side == SENDING:
        return case.from_unit
    if side == RECEIVING:
        return case.to_unit
    if side == SUPERIOR:
        return _common_superior(case.from_unit, case.to_unit)
    return None


@dataclass
class Plan:
    """A step to create: what it is, its rule, its side, and what it counts from."""
    code: str
    rule_key: str = None
    side: str = SENDING
    from_previous: bool = False
    due_on: object = None
    entry: dict = field(default_factory=dict)


def _planned(code, key, default_side, kind):
    entry = rule_entry(key) if key else {}
    if entry.get("applies_to") and kind not in entry["applies_to"]:
        # the text sets this term for other kinds of transfer only (HN 12.2.2a: the
        # account of a person from outside the city): no term here, and the note says why
        entry = dict(entry, value=None, cite=entry.get("note") or entry.get("cite"))
    return Plan(code, key, entry.get("acted_by", default_side),
                entry.get("counted_from") == "previous_step", entry=entry)


def plan_of(kind, has_account=True, sync_possible=True, ends_on=None):
    """The steps of a case of ``kind`` under the active profile."""
    if kind == INSIDE_UNIT:
        # Điều 9.2 HP, 8.1 ĐN ("ngay"), 11.1b VP, 11.1 ĐNg
        return [_planned(HANDOVER, "transfers.inside_unit_working_days", SENDING, kind)]
    if kind == BETWEEN_UNITS:
        # Điều 9.3 HP (the old unit hands over, the new one gives the account), 8.4 ĐN
        # (the receiving unit asks Sở Nội vụ), 11.1c VP, 12.1a HN (via the superior),
        # 11.2 ĐNg (the superior moves it, the new unit forwards it)
        plan = [_planned(HANDOVER, "transfers.to_other_unit_working_days", SENDING, kind),
                _planned(RECEIVE, "transfers.receiver_account_working_days", RECEIVING, kind)]
        if rule("transfers.forward_to_employing_unit_days") is not None:
            plan.append(_planned(FORWARD, "transfers.forward_to_employing_unit_days",
                                 RECEIVING, kind))
        return plan
    if kind == COMMUNE:
        # Điều 8.2 ĐN with the 2025 reform: the profile names who acts instead of the
        # district (transfers.commune_moved_by)
        by = rule("transfers.commune_moved_by")
        side = SO_NOI_VU if by == "so_noi_vu" else SUPERIOR
        return [Plan(HANDOVER, "transfers.commune_moved_by", side,
                     entry=rule_entry("transfers.commune_moved_by")),
                Plan(RECEIVE, "transfers.commune_moved_by", side,
                     entry=rule_entry("transfers.commune_moved_by"))]
    if kind == OUT_OF_PROVINCE:
        # Điều 9.5 HP, 8.5 ĐN, 11.1e VP, 12.2.1 HN, 11.3a ĐNg
        return [_planned(DEPART, "transfers.out_status_change_days", SENDING, kind)]
    if kind == IN_FROM_OUTSIDE:
        # Điều 9.1 and 9.4 HP, 8.3-8.4 ĐN, 11.1a and d VP, 12.2.2 HN
        plan = []
        if not has_account:
            plan.append(_planned(ACCOUNT, "transfers.receiver_account_working_days",
                                 RECEIVING, kind))
        if sync_possible:
            plan.append(_planned(DATA_REQUEST, "transfers.data_request_working_days",
                                 RECEIVING, kind))
        return plan
    if kind == SECONDMENT:
        # the decision's end date is the step's due date; the managing unit stays
        return [Plan(RETURN, None, SENDING, due_on=ends_on)]
    raise ValueError(kind)


def _due(plan, event_day):
    entry = plan.entry
    if plan.rule_key is None or isinstance(entry.get("value"), (str, bool)):
        # no term (a secondment's end date; ĐN 8.2 names who acts, not when)
        return plan.due_on
    if entry.get("immediately"):
        return due_date(event_day, 0, entry.get("counted_in", "working_days"))
    return due_for(event_day, entry)


# ------------------------------------------------------------------ checking

def _unit(data, key, errors):
    unit_id = scope.as_id(_text(data, key))
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        errors[key] = _("Choose the unit.")
    elif not unit.is_open:
        errors[key] = _("The unit %(unit)s is closed; choose the unit that took over its "
                        "work.", unit=unit.name)
    else:
        return unit
    return None


def _person(actor, data, errors):
    person_id = scope.as_id(_text(data, "employee_id"))
    employee = db.session.get(Employee, person_id) if person_id else None
    if employee is None or not _reaches(actor, employee.unit):
        # a person outside scope is answered as one who does not exist
        errors["employee_id"] = _("Choose a person of your unit.")
        return None
    return employee


def _scan(scan, errors):
    """The decision's scan checked once (records.attachments.Scan); refusals into
    ``errors``."""
    try:
        return attachments.checked_scan(scan)
    except DomainError as exc:
        errors["scan"] = str(exc)
        return None


def _decision(data, errors):
    _number, _body, decided_on = inputs.decision(data, errors)
    effective_on = _date(data, "effective_on", errors)
    if decided_on and effective_on and effective_on < decided_on:
        errors["effective_on"] = _("The effective date cannot precede the decision date.")
    return decided_on, effective_on


def _open_case_of(employee):
    return db.session.scalar(select(TransferCase.id).where(
        TransferCase.employee_id == employee.id, TransferCase.state == OPEN).limit(1))


def _check_units(kind, actor, employee, to_unit, errors):
    """The kind's own rules on the two ends."""
    if employee is None:
        return
    from_unit = employee.unit
    if kind in (BETWEEN_UNITS, INSIDE_UNIT, SECONDMENT, COMMUNE) and to_unit is not None:
        if to_unit.id == from_unit.id:
            errors["to_unit_id"] = _("The person already works in this unit.")
            return
        same = employing_unit(to_unit) is not None and \
            employing_unit(to_unit) == employing_unit(from_unit)
        if kind == INSIDE_UNIT and not same:
            errors["to_unit_id"] = _("Choose a section of the same employing unit; a move "
                                     "to another unit is a transfer between units.")
        if kind in (BETWEEN_UNITS, COMMUNE) and same:
            errors["to_unit_id"] = _("This section belongs to the same employing unit; "
                                     "choose a transfer within the unit.")
    if kind == COMMUNE:
        if rule("transfers.commune_moved_by") is None:
            errors["kind"] = _("The province's rules have no separate procedure for commune "
                               "staff; choose a transfer between units.")
        elif employing_unit(from_unit) is None or \
                employing_unit(from_unit).unit_type != "ubnd_xa" or to_unit is None or \
                employing_unit(to_unit) is None or \
                employing_unit(to_unit).unit_type != "ubnd_xa":
            errors["to_unit_id"] = _("Both the person's unit and the new unit must be "
                                     "communes.")


# ------------------------------------------------------------------ opening a case

@dataclass
class Opened:
    case: TransferCase
    account: Account = None
    password: str = field(default=None, repr=False)


def _store_scan(scan):
    return scan.filename[-255:], file_store().put(scan.content), scan.content_type


def _new_case(actor, kind, employee, from_unit, to_unit, data, decided_on, effective_on,
              ends_on, scan):
    filename, digest, content_type = _store_scan(scan)
    case = TransferCase(
        kind=kind, employee_id=employee.id, from_unit_id=getattr(from_unit, "id", None),
        to_unit_id=getattr(to_unit, "id", None),
        outside_body=_text(data, "outside_body")[:255] or None,
        decision_number=_text(data, "decision_number"), decision_date=decided_on,
        decided_by=_text(data, "decided_by"), scan_sha256=digest,
        scan_content_type=content_type, scan_filename=filename, effective_on=effective_on,
        ends_on=ends_on, state=OPEN, note=_text(data, "note")[:2000] or None,
        created_by=actor.id, created_at=clock.now())
    case.employee, case.from_unit, case.to_unit = employee, from_unit, to_unit
    db.session.add(case)
    db.session.flush()
    return case


def _add_steps(case, plans):
    for position, plan in enumerate(plans, 1):
        acting = _acting_unit(plan.side, case)
        # no unit above both: Sở Nội vụ acts for the superior
        side = plan.side if (acting is not None or plan.side == SO_NOI_VU) else SO_NOI_VU
        # a term that runs from the step before is set when that step is done
        due = _due(plan, case.effective_on) if (not plan.from_previous or position == 1) \
            else None
        step = TransferStep(case_id=case.id, position=position, code=plan.code, side=side,
                            acting_unit_id=getattr(acting, "id", None),
                            rule_key=plan.rule_key, cite=plan.entry.get("cite"),
                            due_on=due)
        step.acting_unit = acting
        db.session.add(step)
        case.steps.append(step)
    db.session.flush()


@_atomic
def open_case(actor, data, scan):
    """Enter a transfer from its decision; returns Opened (for a person received from
    outside, the account made by the hiring and its password to show once)."""
    if not may_write(actor):
        _refuse(_("You are not allowed to do this."))
    errors = {}
    kind = _text(data, "kind")
    if kind not in KINDS:
        errors["kind"] = _("Choose the kind of transfer.")
    checked_scan = _scan(scan, errors)
    if kind == IN_FROM_OUTSIDE:
        return _receive_from_outside(actor, data, scan, checked_scan, errors)
    decided_on, effective_on = _decision(data, errors)
    employee = _person(actor, data, errors)
    if employee is not None:
        if employee.status != STATUS_WORKING:
            errors["employee_id"] = _("This person is not working in the unit now.")
        elif _open_case_of(employee):
            errors["employee_id"] = _("This person already has an open transfer case; "
                                      "finish or cancel it first.")
        elif (waiting := leavers.open_departure(employee)) is not None:
            # a departure recorded ahead of its day: the person leaves, not moves
            errors["employee_id"] = _(
                "%(name)s leaves on %(day)s (%(status)s, recorded from the decision); a "
                "transfer cannot be entered for them.", name=employee.full_name,
                day=waiting.effective_date.strftime("%d/%m/%Y"),
                status=leavers.status_label(waiting.status_to))
    to_unit = None
    if kind in (BETWEEN_UNITS, INSIDE_UNIT, SECONDMENT, COMMUNE):
        to_unit = _unit(data, "to_unit_id", errors)
    elif kind == OUT_OF_PROVINCE and not _text(data, "outside_body"):
        errors["outside_body"] = _("Say where the person goes.")
    ends_on = None
    if kind == SECONDMENT:
        ends_on = _date(data, "ends_on", errors)
        if ends_on and effective_on and ends_on <= effective_on:
            errors["ends_on"] = _("The secondment ends after it starts.")
    if kind in KINDS:
        _check_units(kind, actor, employee, to_unit, errors)
    if errors:
        raise TransferInvalid(errors)
    case = _new_case(actor, kind, employee, employee.unit, to_unit, data, decided_on,
                     effective_on, ends_on, checked_scan)
    _add_steps(case, plan_of(kind, ends_on=ends_on))
    audit.record("transfer.open", case, unit_id=case.from_unit_id, actor=actor, details={
        "kind": kind, "employee_id": employee.id, "to_unit_id": case.to_unit_id,
        "decision": case.decision_number, "effective_on": effective_on.isoformat(),
        "scan_sha256": case.scan_sha256})
    if effective_on <= clock.today():
        _apply(actor, case)
    return Opened(case)


def _receive_from_outside(actor, data, scan, checked_scan, errors):
    """In from another province, a ministry or a Party body: the person entered through
    the hiring's reception (its checks, its record, its account where the actor makes
    them), and the data requested from the national database where a sync is possible
    (Điều 9.1 and 9.4 HP, 8.3-8.4 ĐN, 11.1a and d VP, 12.2.2 HN)."""
    if not _text(data, "outside_body"):
        errors["outside_body"] = _("Say where the person comes from.")
    hire_data = dict(data, kind=KIND_RECEPTION, unit_id=_text(data, "to_unit_id"),
                     start_date=_text(data, "effective_on"))
    try:
        with db.session.begin_nested():
            # the scan checked once: the hiring takes it as checked
            hired = hiring.hire_in_transaction(
                actor, hire_data, checked_scan or scan)
    except hiring.HiringInvalid as exc:
        merged = dict(exc.errors)
        if "unit_id" in merged:
            merged["to_unit_id"] = merged.pop("unit_id")
        if "start_date" in merged:
            merged["effective_on"] = merged.pop("start_date")
        merged.update(errors)
        raise TransferInvalid(merged) from None
    if errors:
        raise TransferInvalid(errors)
    employee, record = hired.employee, hired.hiring
    sync_possible = _text(data, "sync_possible") in ("1", "on", "true", "yes")
    case = _new_case(actor, IN_FROM_OUTSIDE, employee, None, employee.unit, data,
                     record.decision_date, record.start_date, None, checked_scan)
    _add_steps(case, plan_of(IN_FROM_OUTSIDE, has_account=hired.account is not None,
                             sync_possible=sync_possible))
    case.applied_on = record.start_date
    audit.record("transfer.open", case, unit_id=case.to_unit_id, actor=actor, details={
        "kind": IN_FROM_OUTSIDE, "employee_id": employee.id, "hiring_id": record.id,
        "sync_possible": sync_possible, "account": getattr(hired.account, "username", None),
        "scan_sha256": case.scan_sha256})
    _close_if_done(case)
    return Opened(case, hired.account, hired.password)


def handed_over(actor, opened):
    """After the commit: a new account's password goes to its owner (mail) or stays on
    ``opened`` to be shown once."""
    if opened.account is not None and opened.password is not None:
        opened.password = accounts.hand_over_password(actor, opened.account, opened.password,
                                                      created=True)
    return opened


# ------------------------------------------------------------------ the effective date

def _reason(case):
    return (_("Transfer under decision %(number)s of %(day)s", number=case.decision_number,
              day=case.decision_date.strftime("%d/%m/%Y")))[:255]


def _apply(actor, case):
    """What happens on the effective date: the unit changes (the approver follows the
    tree), or a secondment's status is set. Once."""
    if case.applied_on is not None or case.state != OPEN:
        return
    employee = case.employee
    if case.kind in (BETWEEN_UNITS, INSIDE_UNIT, COMMUNE):
        from_unit_id = employee.unit_id
        try:
            org_services.move_person(employee, case.to_unit, case.effective_on,
                                     _reason(case))
        except org_services.OrgError as exc:
            # the new unit closed meanwhile, or the person moved later than this
            raise TransferInvalid({"to_unit_id": str(exc)}) from None
        details = {"from_unit_id": from_unit_id, "to_unit_id": case.to_unit_id}
    elif case.kind == SECONDMENT:
        employee.status = STATUS_SECONDED
        details = {"status": STATUS_SECONDED}
    else:
        return
    case.applied_on = case.effective_on
    audit.record("transfer.apply", case, unit_id=case.to_unit_id or case.from_unit_id,
                 actor=actor, details=dict(details, employee_id=employee.id,
                                           on=case.effective_on.isoformat()))


@_atomic
def apply_effective(actor=None, on=None):
    """Apply every open case whose effective date has come (the jobs issue runs this
    each morning); returns how many were applied. A case that cannot be applied is left
    for its officer, who meets the refusal on the case's next step."""
    on = on or clock.today()
    cases = list(db.session.scalars(select(TransferCase).where(
        TransferCase.state == OPEN, TransferCase.applied_on.is_(None),
        TransferCase.effective_on <= on).order_by(TransferCase.id).with_for_update()))
    applied = 0
    for case in cases:
        try:
            with db.session.begin_nested():
                _apply(actor, case)
            applied += 1
        except TransferInvalid:
            # this case waits for the officer (its new unit closed, say); the others go on
            continue
    return applied


# ------------------------------------------------------------------ acting on a step

def _locked(case, seen_version):
    if scope.as_id(seen_version) is None:
        _refuse(_("The page did not say which version of the case it showed; open the "
                  "case again."))
    db.session.refresh(case, with_for_update=True)
    if str(case.version) != str(seen_version).strip():
        _refuse(_("Someone changed this case after you opened it; nothing was saved. Open "
                  "it again to see their change."))
    if case.state != OPEN:
        _refuse(_("This case is closed."))


def _close_if_done(case):
    if case.next_step is None:
        case.state, case.closed_at = DONE, clock.now()


def _revoke(actor, account):
    accounts.revoke_in_transaction(actor, account, reason="transfer")


def makes_received_account(actor, unit):
    """Whether the actor makes the account of a person received from outside into
    ``unit``: as any personal account, or by the profile's own rule for them
    (transfers.receiver_creates_account, Điều 11.1a VP)."""
    if accounts.may(actor, "create_personal") and accounts.unit_reachable(
            actor, "create_personal", unit):
        return True
    return org_services.unit_in_scope(actor, "create_received", roles.TRANSFERS, unit)


def _new_account(actor, employee, unit, data, errors, received=False):
    """A new personal account for the person in ``unit``, linked; the old one (if any)
    revoked and unlinked. Returns (account, password). ``received``: the account step
    of a person received from outside, whom the receiving unit may make by its rule."""
    granted_by = None
    if not (accounts.may(actor, "create_personal")
            and accounts.unit_reachable(actor, "create_personal", unit)):
        if not (received and makes_received_account(actor, unit)):
            errors["account_mode"] = _("Under the province's rules you do not create "
                                       "personal accounts; re-assign the person's account.")
            return None, None
        granted_by = ("create_received", roles.TRANSFERS)
    old = db.session.get(Account, employee.account_id) if employee.account_id else None
    if old is not None:
        employee.account_id = None
        db.session.flush()
    last, first = hiring._names(employee.full_name)
    details = {"username": _text(data, "username").lower() or
               hiring.suggested_username(employee.full_name),
               "first_name": first, "last_name": last, "email": _text(data, "email"),
               "unit_id": unit.id}
    try:
        with db.session.begin_nested():
            account, password = accounts.create_account(actor, KIND_PERSONAL, details,
                                                        commit=False, granted_by=granted_by)
    except accounts.AccountError as exc:
        errors[exc.field if exc.field in ("username", "email") else "account_mode"] = \
            exc.message
        return None, None
    except IntegrityError:
        errors["username"] = _("The username or the e-mail address was taken a moment ago; "
                               "choose another.")
        return None, None
    _revoke(actor, old)
    employee.account_id = account.id
    return account, password


def _give_account(actor, case, data, errors):
    """The receiving unit's account for the person: the same personal account moved to
    the new unit (it followed its owner on the effective date), or a new one."""
    employee, unit = case.employee, case.to_unit
    mode = _text(data, "account_mode") or ACCOUNT_REASSIGN
    if mode == ACCOUNT_NEW:
        return mode, _new_account(actor, employee, unit, data, errors)
    if mode == ACCOUNT_NONE:
        # the 2012 model (ĐNg) has no personal accounts
        if rule("records.who_enters") != "unit_officer":
            errors["account_mode"] = _("Give the person an account: re-assign theirs or "
                                       "make a new one.")
        return mode, (None, None)
    if mode != ACCOUNT_REASSIGN:
        errors["account_mode"] = _("Choose how the person gets an account.")
        return mode, (None, None)
    account = db.session.get(Account, employee.account_id) if employee.account_id else None
    if account is None:
        errors["account_mode"] = _("The person has no account to re-assign; make a new one.")
        return mode, (None, None)
    if account.unit_id != unit.id:
        account.unit_id = unit.id
    if account.status == STATUS_REVOKED:
        account.status, account.active = STATUS_ACTIVE, True
    audit.record("account.update", account, unit_id=unit.id, actor=actor,
                 details={"reason": "transfer", "case_id": case.id})
    return mode, (account, None)


def _depart(actor, case):
    """Out of the province or to a Party body: the leavers' departure (status changed,
    access revoked, the record in the archive, the term of
    ``transfers.out_status_change_days``), and the departure marked for the national
    sync. The case's own decision and scan are the departure's."""
    scan = attachments.Scan(case.scan_filename, file_store().get(case.scan_sha256),
                            case.scan_content_type)
    try:
        leavers.record_departure_in_transaction(
            actor, case.employee, STATUS_TRANSFERRED_OUT,
            case.effective_on.strftime("%d/%m/%Y"), case.decision_number,
            case.decision_date.strftime("%d/%m/%Y"), case.decided_by, scan,
            note=case.outside_body, term_rule="transfers.out_status_change_days")
    except leavers.LeaverInvalid as exc:
        _refuse("; ".join(str(message) for message in exc.errors.values()))
    _mark_for_sync(case, SYNC_DEPARTURE)


def _mark_for_sync(case, kind):
    db.session.add(TransferSyncItem(case_id=case.id, employee_id=case.employee_id, kind=kind,
                                    created_at=clock.now()))


@dataclass
class Acted:
    case: TransferCase
    step: TransferStep
    account: Account = None
    password: str = field(default=None, repr=False)


@_atomic
def act(actor, case, step_id, seen_version, data=None):
    """Do the case's next step (``step_id``, the one the page showed); refused as a
    whole with a message, changing nothing."""
    data = data or {}
    if case is None or not may_write(actor):
        _refuse(_("You are not allowed to do this."))
    _locked(case, seen_version)
    step = case.next_step
    if step is None or scope.as_id(step_id) != step.id:
        _refuse(_("This step is not the case's next one; open the case again."))
    if not may_act(actor, step):
        _refuse(_("%(who)s must do this step.", who=who_acts(step)))
    today = clock.today()
    if today < case.effective_on and step.code != DATA_REQUEST:
        _refuse(_("The decision takes effect on %(day)s; this step is done from that day.",
                  day=case.effective_on.strftime("%d/%m/%Y")))
    _apply(actor, case)
    errors, account, password = {}, None, None
    details = {"step": step.code}
    if step.code == RECEIVE or step.code == ACCOUNT:
        if step.code == ACCOUNT:
            mode, (account, password) = ACCOUNT_NEW, _new_account(
                actor, case.employee, case.to_unit, data, errors, received=True)
        else:
            mode, (account, password) = _give_account(actor, case, data, errors)
        details["account_mode"] = mode
        details["account"] = account.username if account is not None else None
    elif step.code == DEPART:
        _depart(actor, case)
    elif step.code == DATA_REQUEST:
        _mark_for_sync(case, SYNC_DATA_REQUEST)
    elif step.code == RETURN:
        if today < (case.ends_on or today):
            _refuse(_("The secondment ends on %(day)s.",
                      day=case.ends_on.strftime("%d/%m/%Y")))
        case.employee.status = STATUS_WORKING
    if errors:
        raise TransferInvalid(errors)
    note = _text(data, "note")
    step.done_at, step.done_on, step.done_by = clock.now(), today, actor.id
    step.note = note[:500] or None
    # the next step's term runs from this one where the profile says so
    following = next((s for s in case.steps if s.position == step.position + 1), None)
    if following is not None and following.due_on is None and following.rule_key:
        plan = _planned(following.code, following.rule_key, following.side, case.kind)
        if plan.from_previous:
            following.due_on = _due(plan, today)
    _close_if_done(case)
    case.updated_at = clock.now()  # the case row is written: its version moves on
    db.session.flush()
    audit.record("transfer.step", case, unit_id=step.acting_unit_id or case.to_unit_id or
                 case.from_unit_id, actor=actor,
                 details=dict(details, step_id=step.id, case_state=case.state,
                              late=bool(step.due_on and today > step.due_on)))
    return Acted(case, step, account, password)


def handed_over_step(actor, acted):
    if acted.account is not None and acted.password is not None:
        acted.password = accounts.hand_over_password(actor, acted.account, acted.password,
                                                     created=True)
    return acted


@_atomic
def cancel(actor, case, seen_version, reason):
    """Cancel a case entered by mistake, before its effective date changed anything."""
    if case is None or not may_write(actor):
        _refuse(_("You are not allowed to do this."))
    _locked(case, seen_version)
    if not (_province_wide(actor) or _reaches(actor, case.from_unit) or
            _reaches(actor, case.to_unit)):
        _refuse(_("You are not allowed to do this."))
    reason = (reason or "").strip()
    if not reason:
        _refuse(_("Say why the case is cancelled."), "reason")
    if case.applied_on is not None or any(step.done_at for step in case.steps):
        _refuse(_("The transfer has already taken effect; a new decision undoes it."))
    case.state, case.closed_at = CANCELLED, clock.now()
    case.updated_at = case.closed_at
    case.note = ((case.note or "") + "\n" + reason).strip()[:2000]
    audit.record("transfer.cancel", case, unit_id=case.from_unit_id or case.to_unit_id,
                 actor=actor, details={"reason": reason[:255]})
    return case
