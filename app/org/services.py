"""Operations on the org tree: creating and correcting units, their heads and
deputies, and restructuring them under a decision.

Every restructuring (rename, move, merge, consolidate, split, dissolve, new
code) is one transaction: it records the decision, closes the periods that end
on the effective date and opens the ones that begin, moves the staff with the
decision as their reason, writes its audit entries and commits; or it raises
OrgError with a Vietnamese message and changes nothing. Units are closed, never
deleted, and point to their successor.

History queries (``tree_as_of``, ``subtree_ids_as_of``, ``staff_as_of``,
``code_as_of``) read the dated periods, so a report for a past date sees the
tree, the codes and the staff as they were.
"""
import functools
from dataclasses import dataclass

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.core import clock
from app.core.exceptions import DomainError
from app.core.text import fold
from app.core.transactions import atomic
from app.extensions import db
from app.org import codes
from app.org.models import (
    Employee, EmployeePlacement, CONSOLIDATE, DISSOLVE, LEADER_DEPUTY, LEADER_HEAD, MERGE, MOVE, PART_CLOSED, PART_CREATED,
    PART_SOURCE, PART_TARGET, RECODE, RENAME, SPLIT, UNIT_TYPES, OrgRestructuring,
    RestructuringPart, Unit, UnitCode, UnitLeader, UnitState,
)
from app.security import roles, scope


# What a restructuring tells the layers above the org tree (docs/architecture.md):
# they connect to these signals (app.accounts does, for the accounts that follow
# people and units); the org tree never imports them. Receivers run inside the
# restructuring's transaction.
_signals = Namespace()
# sender: the employee; to_unit: the unit they now work in
staff_moved = _signals.signal("org.staff-moved")
# sender: the closed unit; successor (a Unit or None), restructuring, actor
unit_closed = _signals.signal("org.unit-closed")


class OrgError(DomainError):
    """A refused change to the tree; the message is for the user."""


def _fail(message, **values):
    raise OrgError(message % values if values else message)


def _atomic(operation):
    """One transaction (core.transactions.atomic). A unit is written with the
    version it was read at (``Unit.version``): when another change to it
    committed in between, the whole operation is refused with a message."""
    run = atomic(operation)

    @functools.wraps(operation)
    def guarded(*args, **kwargs):
        try:
            return run(*args, **kwargs)
        except StaleDataError:
            raise OrgError(_("Someone changed one of these units at the same moment; nothing "
                             "was saved. Look at the units again, then try again.")) from None

    return guarded


@dataclass
class Decision:
    """The decision (quyết định) a restructuring is made under."""

    number: str
    signed_on: object          # datetime.date
    effective_on: object       # datetime.date
    note: str = ""

    def check(self):
        if not (self.number or "").strip():
            _fail(_("The decision number is required."))
        if self.signed_on is None or self.effective_on is None:
            _fail(_("The decision date and the effective date are required."))
        if self.effective_on < self.signed_on:
            _fail(_("The effective date cannot precede the decision date."))
        if self.effective_on > clock.today():
            # the tree of today must be today's: a future change is entered on its day
            _fail(_("The effective date is in the future; enter the change on that day."))


# ---------------------------------------------------------------- the tree today

def place(unit):
    """Set the unit's path (and its descendants') from its parent; flushed ids only."""
    old_path = unit.path
    unit.path = "%s%d/" % (unit.parent.path if unit.parent else "/", unit.id)
    if old_path and old_path != "/" and old_path != unit.path:
        if unit.path.startswith(old_path):
            _fail(_("A unit cannot be moved below itself."))
        for child in db.session.scalars(
            select(Unit).where(Unit.path.startswith(old_path), Unit.id != unit.id)
        ):
            child.path = unit.path + child.path[len(old_path):]


def register_hooks():
    """What the org tree gives the security layer below it: the subtree condition."""
    scope.use_unit_subtree(subtree_condition)


def subtree_condition(unit_column, unit):
    """An SQL condition: ``unit_column`` is ``unit`` or one of its descendants."""
    return unit_column.in_(select(Unit.id).where(Unit.path.startswith(unit.path)))


def is_within(unit, ancestor):
    """Whether ``unit`` lies in the subtree of ``ancestor``."""
    return unit is not None and ancestor is not None and unit.path.startswith(ancestor.path)


def unit_in_scope(actor, action, resource, unit):
    """Whether the actor's roles grant ``action`` on ``resource`` for ``unit``: province
    or system wide, in the actor's subtree, or the actor's own unit."""
    scopes = scope.user_scopes(actor, action, resource)
    if roles.SCOPE_PROVINCE in scopes or roles.SCOPE_SYSTEM in scopes:
        return True
    if roles.SCOPE_SUBTREE in scopes and is_within(unit, actor.unit):
        return True
    return roles.SCOPE_OWN in scopes and unit is not None and unit.id == actor.unit_id


def _check_name(name):
    name = " ".join((name or "").split())
    if not name:
        _fail(_("The unit's name is required."))
    return name


def _check_type(unit_type):
    if unit_type not in UNIT_TYPES:
        _fail(_("Choose the unit's type from the list."))
    return unit_type


def _check_code(code, unit=None):
    """The code parsed (None when empty); refused when another open unit bears it."""
    code = (code or "").strip().upper()
    if not code:
        return None
    try:
        parsed = codes.parse(code)
    except codes.CodeError as error:
        raise OrgError(str(error)) from error
    with db.session.no_autoflush:  # a form may have set the code on the unit already
        other = db.session.scalar(select(Unit).where(
            Unit.code == parsed.text, Unit.valid_to.is_(None),
            Unit.id != (unit.id if unit is not None and unit.id else -1)))
    if other is not None:
        _fail(_("The code %(code)s already belongs to %(unit)s."), code=parsed.text,
              unit=other.name)
    return parsed


def create_unit(name, parent=None, is_employing=True, unit_type="bo_phan", code=None,
                valid_from=None, restructuring=None):
    """Add a unit under ``parent`` (a root when None) with its first periods;
    the caller commits."""
    unit = Unit(name=name, parent=parent, is_employing=bool(is_employing), unit_type=unit_type,
                code=code, valid_from=valid_from, path="/")
    return register_unit(unit, restructuring)


def register_unit(unit, restructuring=None):
    """Check a new unit (built here or by a form) and open its first periods."""
    unit.name = _check_name(unit.name)
    _check_type(unit.unit_type)
    if unit.parent is not None and not unit.parent.is_open:
        _fail(_("%(unit)s is closed; choose an open parent unit."), unit=unit.parent.name)
    parsed = _check_code(unit.code, unit)
    unit.code = None  # set again with its period below
    unit.is_employing = bool(unit.is_employing)
    unit.search_name, unit.path = fold(unit.name), "/"
    db.session.add(unit)
    db.session.flush()  # the id goes into the path
    place(unit)
    db.session.add(UnitState(unit_id=unit.id, name=unit.name, parent_id=unit.parent_id,
                             unit_type=unit.unit_type, is_employing=unit.is_employing,
                             valid_from=unit.valid_from,
                             restructuring_id=getattr(restructuring, "id", None)))
    if parsed is not None:
        _open_code(unit, parsed, unit.valid_from, restructuring)
    return unit


def _open_code(unit, parsed, valid_from, restructuring=None):
    unit.code = parsed.text
    db.session.add(UnitCode(unit_id=unit.id, code=parsed.text, form=parsed.form,
                            valid_from=valid_from,
                            restructuring_id=getattr(restructuring, "id", None)))


def _open_period(model, unit_id, **filters):
    return db.session.scalar(select(model).where(
        model.unit_id == unit_id, model.valid_to.is_(None), *[
            getattr(model, key) == value for key, value in filters.items()]))


def require_unchanged(unit):
    """Nobody changed the unit since its form was shown: the form carried the
    version it showed into ``unit.version``; the unit's row is locked until the
    transaction ends (``SELECT … FOR UPDATE``) and its version compared."""
    with db.session.no_autoflush:
        current = db.session.scalar(select(Unit.version).where(Unit.id == unit.id)
                                    .with_for_update())
    if unit.version is None or unit.version != current:
        _fail(_("Someone changed this unit after you opened it; nothing was saved. Reload "
                "the page to see their change, then make yours again."))


def correct_unit(unit):
    """Check a fix of what was entered wrong (a form has set the new values on
    ``unit``, the version it showed included): no decision, no new period; the
    caller commits. A change that law makes (a new name, a new code) is a
    restructuring."""
    require_unchanged(unit)
    with db.session.no_autoflush:
        state = _open_period(UnitState, unit.id)
        current = _open_period(UnitCode, unit.id)
    if not unit.is_open or state is None:
        _fail(_("%(unit)s is closed; its history cannot be edited."), unit=unit.name)
    unit.name = _check_name(unit.name)
    _check_type(unit.unit_type)
    unit.is_employing = bool(unit.is_employing)
    unit.search_name = fold(unit.name)
    if (unit.parent.id if unit.parent is not None else None) != state.parent_id:
        _fail(_("Moving a unit is a restructuring; use the restructuring screen."))
    state.name, state.unit_type, state.is_employing = (unit.name, unit.unit_type,
                                                       unit.is_employing)
    parsed = _check_code(unit.code, unit)
    if parsed is None and current is not None:
        _fail(_("A code cannot be removed; a new code is a restructuring."))
    if parsed is not None and current is None:
        unit.code = None
        _open_code(unit, parsed, unit.valid_from)
    elif parsed is not None:
        current.code, current.form, unit.code = parsed.text, parsed.form, parsed.text
    return unit


# ---------------------------------------------------------------- heads and deputies

def leaders(unit, on=None):
    """The unit's head and deputies on a date (today by default), head first."""
    on = on or clock.today()
    rows = db.session.scalars(select(UnitLeader).where(
        UnitLeader.unit_id == unit.id, UnitLeader.holds_on(on)))
    return sorted(rows, key=lambda row: (row.position != LEADER_HEAD, row.employee.full_name))


@_atomic
def appoint_leader(actor, unit, employee, position, since, decision_number=""):
    """Make ``employee`` the head (replacing the current one) or a deputy of ``unit``."""
    _require(actor, "write", unit)
    if position not in (LEADER_HEAD, LEADER_DEPUTY):
        _fail(_("Choose head or deputy."))
    if not unit.is_open:
        _fail(_("%(unit)s is closed; choose an open unit."), unit=unit.name)
    if employee is None or not is_within(employee.unit, unit):
        _fail(_("A head or deputy must work in the unit or a unit below it."))
    if since is None:
        _fail(_("The start date is required."))
    for row in _open_leaders(unit):
        if row.employee_id == employee.id:
            _end_period(row, since)
        elif position == LEADER_HEAD and row.position == LEADER_HEAD:
            _end_period(row, since)
    row = UnitLeader(unit_id=unit.id, employee_id=employee.id, position=position,
                     valid_from=since, decision_number=(decision_number or "").strip() or None)
    db.session.add(row)
    db.session.flush()
    audit.record("unit.leader_appoint", unit, unit_id=unit.id,
                 details={"employee_id": employee.id, "position": position,
                          "since": since.isoformat()}, actor=actor)
    return row


@_atomic
def end_leader(actor, leader, on):
    _require(actor, "write", leader.unit)
    if leader.valid_to is not None:
        _fail(_("This appointment has already ended."))
    _end_period(leader, on)
    audit.record("unit.leader_end", leader.unit, unit_id=leader.unit_id,
                 details={"employee_id": leader.employee_id, "on": on.isoformat()},
                 actor=actor)


def _open_leaders(unit):
    return list(db.session.scalars(select(UnitLeader).where(
        UnitLeader.unit_id == unit.id, UnitLeader.valid_to.is_(None))))


def _end_period(row, on):
    if row.valid_from is not None and on < row.valid_from:
        _fail(_("The date %(date)s precedes the start of the period it would end."),
              date=on.strftime("%d/%m/%Y"))
    row.valid_to = on


# ---------------------------------------------------------------- restructuring

def _require(actor, action, unit):
    if not scope.allows(actor, action, unit):
        _fail(_("%(unit)s is outside your scope."), unit=unit.name)


def _open_units(actor, units):
    for unit in units:
        if unit is None:
            _fail(_("Choose the units."))
        if not unit.is_open:
            _fail(_("%(unit)s is closed; choose an open unit."), unit=unit.name)
        _require(actor, "restructure", unit)


def _begin(actor, kind, decision, parts):
    decision.check()
    event = OrgRestructuring(kind=kind, decision_number=decision.number.strip(),
                             decision_date=decision.signed_on,
                             effective_on=decision.effective_on,
                             note=(decision.note or "").strip() or None,
                             created_by_id=getattr(actor, "id", None),
                             created_at=clock.now().replace(tzinfo=None))
    db.session.add(event)
    db.session.flush()
    for unit, part in parts:
        _add_part(event, unit, part)
    return event


def _add_part(event, unit, part):
    db.session.add(RestructuringPart(restructuring_id=event.id, unit_id=unit.id, part=part))


def _finish(actor, event, units):
    db.session.flush()
    # the people moved are the placements that name this restructuring
    moved = db.session.scalar(select(func.count()).select_from(EmployeePlacement).where(
        EmployeePlacement.restructuring_id == event.id))
    audit.record("unit.restructure", event, object_type="OrgRestructuring",
                 unit_id=units[0].id if units else None,
                 details={"kind": event.kind, "decision": event.decision_number,
                          "effective_on": event.effective_on.isoformat(),
                          "units": [unit.id for unit in units], "staff_moved": moved},
                 actor=actor)
    return event


def _change_state(unit, event, **changes):
    """Close the unit's current period on the effective date and open one with ``changes``."""
    on = event.effective_on
    state = _open_period(UnitState, unit.id)
    if state.valid_from is not None and on < state.valid_from:
        _fail(_("%(unit)s changed on %(date)s; a restructuring cannot take effect before "
                "that."), unit=unit.name, date=state.valid_from.strftime("%d/%m/%Y"))
    values = {key: getattr(state, key) for key in ("name", "parent_id", "unit_type",
                                                   "is_employing")}
    values.update(changes)
    if state.valid_from == on:
        # a second change on the same day amends that day's period
        for key, value in values.items():
            setattr(state, key, value)
    else:
        state.valid_to = on
        db.session.add(UnitState(unit_id=unit.id, valid_from=on, restructuring_id=event.id,
                                 **values))
    if "name" in changes:
        unit.name, unit.search_name = changes["name"], fold(changes["name"])
    if "parent_id" in changes and changes["parent_id"] != unit.parent_id:
        unit.parent = db.session.get(Unit, changes["parent_id"])
        db.session.flush()
        place(unit)


def _move_children(unit, new_parent, event):
    for child in list(db.session.scalars(select(Unit).where(
            Unit.parent_id == unit.id, Unit.valid_to.is_(None)))):
        _change_state(child, event, parent_id=new_parent.id)
        _add_part(event, child, PART_SOURCE)


def staff_of(unit):
    """The people whose current unit is ``unit`` (not its subtree)."""
    return list(db.session.scalars(select(Employee).where(Employee.unit_id == unit.id)
                                   .order_by(Employee.full_name, Employee.id)))


def staff_count(unit):
    """How many people work in ``unit`` itself (not its subtree), counted in SQL."""
    return db.session.scalar(select(func.count()).select_from(Employee).where(
        Employee.unit_id == unit.id))


def _move_staff(employees, to_unit, event, reason):
    on = event.effective_on
    for employee in employees:
        placement = db.session.scalar(select(EmployeePlacement).where(
            EmployeePlacement.employee_id == employee.id, EmployeePlacement.valid_to.is_(None)))
        if placement is None:
            # loaded without its history: its unit so far held "since records began"
            placement = EmployeePlacement(employee_id=employee.id, unit_id=employee.unit_id)
            db.session.add(placement)
        if placement.valid_from is not None and on < placement.valid_from:
            _fail(_("%(person)s moved on %(date)s; a restructuring cannot take effect "
                    "before that."), person=employee.full_name,
                  date=placement.valid_from.strftime("%d/%m/%Y"))
        if placement.valid_from == on:
            placement.unit_id, placement.reason = to_unit.id, reason
            placement.restructuring_id = event.id
        else:
            placement.valid_to = on
            db.session.add(EmployeePlacement(employee_id=employee.id, unit_id=to_unit.id,
                                             valid_from=on, reason=reason,
                                             restructuring_id=event.id))
        employee.unit_id = to_unit.id
        staff_moved.send(employee, to_unit=to_unit)
    db.session.flush()
    for employee in employees:
        db.session.refresh(employee, ["unit_path"])  # set by the database trigger


def start_placement(employee, on, reason):
    """A newly entered person (a hiring, a reception) works in their unit from ``on``,
    not "since records began": the placement the insert opened is dated, so a report for
    an earlier day does not count them."""
    db.session.execute(update(EmployeePlacement).where(
        EmployeePlacement.employee_id == employee.id, EmployeePlacement.valid_to.is_(None),
        EmployeePlacement.valid_from.is_(None)).values(valid_from=on, reason=reason[:255]))


def move_person(employee, to_unit, on, reason):
    """Move one person to ``to_unit`` from ``on`` in the caller's transaction (a transfer,
    app/transfers): the open placement ends, one opens with ``reason``, the person's
    unit changes and ``staff_moved`` tells the layers above (accounts follow)."""
    if to_unit is None or not to_unit.is_open:
        _fail(_("%(unit)s is closed; choose an open unit."),
              unit=to_unit.name if to_unit is not None else "?")
    placement = db.session.scalar(select(EmployeePlacement).where(
        EmployeePlacement.employee_id == employee.id, EmployeePlacement.valid_to.is_(None)))
    if placement is None:
        placement = EmployeePlacement(employee_id=employee.id, unit_id=employee.unit_id)
        db.session.add(placement)
    if placement.valid_from is not None and on < placement.valid_from:
        _fail(_("%(person)s moved on %(date)s; a transfer cannot take effect before that."),
              person=employee.full_name, date=placement.valid_from.strftime("%d/%m/%Y"))
    if placement.valid_from == on:
        placement.unit_id, placement.reason = to_unit.id, reason
    else:
        placement.valid_to = on
        db.session.add(EmployeePlacement(employee_id=employee.id, unit_id=to_unit.id,
                                         valid_from=on, reason=reason))
    employee.unit_id = to_unit.id
    staff_moved.send(employee, to_unit=to_unit)
    db.session.flush()
    db.session.refresh(employee, ["unit_path"])  # set by the database trigger


def _close(actor, unit, event, successor):
    """Close a unit: its periods end on the effective date (its accounts are settled
    by the receivers of ``unit_closed``)."""
    on = event.effective_on
    if db.session.scalar(select(Unit.id).where(Unit.parent_id == unit.id,
                                               Unit.valid_to.is_(None)).limit(1)):
        _fail(_("%(unit)s still has open units below it."), unit=unit.name)
    if db.session.scalar(select(Employee.id).where(Employee.unit_id == unit.id).limit(1)):
        _fail(_("%(unit)s still has staff; say where they go."), unit=unit.name)
    state = _open_period(UnitState, unit.id)
    if state.valid_from is not None and on <= state.valid_from:
        _fail(_("%(unit)s changed on %(date)s; it can close only after that."),
              unit=unit.name, date=state.valid_from.strftime("%d/%m/%Y"))
    state.valid_to = on
    for period in [_open_period(UnitCode, unit.id)] + _open_leaders(unit):
        if period is not None:
            period.valid_to = max(on, period.valid_from or on)
    unit.valid_to, unit.successor = on, successor
    unit_closed.send(unit, successor=successor, restructuring=event, actor=actor)
    _add_part(event, unit, PART_CLOSED)


def _reason(event):
    from app.org.models import RESTRUCTURING_KINDS

    return _("%(kind)s under decision %(number)s of %(date)s") % {
        "kind": RESTRUCTURING_KINDS[event.kind], "number": event.decision_number,
        "date": event.decision_date.strftime("%d/%m/%Y")}


@_atomic
def rename(actor, unit, new_name, decision):
    _open_units(actor, [unit])
    new_name = _check_name(new_name)
    if new_name == unit.name:
        _fail(_("The new name is the same as the current one."))
    event = _begin(actor, RENAME, decision, [(unit, PART_SOURCE)])
    _change_state(unit, event, name=new_name)
    return _finish(actor, event, [unit])


@_atomic
def recode(actor, unit, new_code, decision):
    _open_units(actor, [unit])
    parsed = _check_code(new_code, unit)
    if parsed is None:
        _fail(_("The identifier code is empty."))
    if parsed.text == unit.code:
        _fail(_("The new code is the same as the current one."))
    event = _begin(actor, RECODE, decision, [(unit, PART_SOURCE)])
    current = _open_period(UnitCode, unit.id)
    if current is not None:
        _end_period(current, event.effective_on)
    _open_code(unit, parsed, event.effective_on, event)
    return _finish(actor, event, [unit])


@_atomic
def move(actor, unit, new_parent, decision):
    _open_units(actor, [unit, new_parent])
    if new_parent.id == unit.parent_id:
        _fail(_("%(unit)s is already directly under %(parent)s."), unit=unit.name,
              parent=new_parent.name)
    if is_within(new_parent, unit):
        _fail(_("A unit cannot be moved below itself."))
    event = _begin(actor, MOVE, decision, [(unit, PART_SOURCE), (new_parent, PART_TARGET)])
    _change_state(unit, event, parent_id=new_parent.id)
    return _finish(actor, event, [unit, new_parent])


def _absorb(actor, target, sources, event):
    """Children and staff of each source go to ``target``; the sources close."""
    reason = _reason(event)
    for source in sources:
        _move_children(source, target, event)
        _move_staff(staff_of(source), target, event, reason)
        _close(actor, source, event, successor=target)


@_atomic
def merge(actor, absorbing, absorbed, decision):
    """Sáp nhập: ``absorbing`` takes over the ``absorbed`` units, which close."""
    absorbed = _distinct(absorbed)
    _open_units(actor, [absorbing] + absorbed)
    if not absorbed or absorbing in absorbed:
        _fail(_("Choose the unit that absorbs and at least one other unit to absorb."))
    for unit in absorbed:
        if is_within(absorbing, unit):
            _fail(_("%(unit)s lies below %(other)s and cannot absorb it."),
                  unit=absorbing.name, other=unit.name)
    event = _begin(actor, MERGE, decision,
                   [(absorbing, PART_TARGET)] + [(unit, PART_SOURCE) for unit in absorbed])
    _absorb(actor, absorbing, absorbed, event)
    return _finish(actor, event, [absorbing] + absorbed)


@_atomic
def consolidate(actor, units, name, unit_type, parent, code, decision, is_employing=True):
    """Hợp nhất: the ``units`` close and a new unit takes their place."""
    units = _distinct(units)
    _open_units(actor, units + [parent])
    if len(units) < 2:
        _fail(_("Choose at least two units to consolidate."))
    if any(is_within(parent, unit) for unit in units):
        _fail(_("The new unit cannot be placed below a unit that closes."))
    event = _begin(actor, CONSOLIDATE, decision, [(unit, PART_SOURCE) for unit in units])
    new_unit = create_unit(name, parent, is_employing, unit_type, code,
                           valid_from=event.effective_on, restructuring=event)
    _add_part(event, new_unit, PART_CREATED)
    _absorb(actor, new_unit, units, event)
    return _finish(actor, event, [new_unit] + units)


@dataclass
class SplitPart:
    """A unit a split creates, and what goes to it."""

    name: str
    unit_type: str
    code: str = ""
    employees: tuple = ()
    children: tuple = ()
    is_employing: bool = True


@_atomic
def split(actor, source, parts, decision, keep_source=False):
    """Chia tách. ``keep_source``: parts are separated from a unit that stays
    (tách); otherwise the unit divides into the parts and closes (chia), and
    every person and unit below it must go to one of them."""
    _open_units(actor, [source])
    if not parts or (not keep_source and len(parts) < 2):
        _fail(_("A unit divides into at least two new units."))
    staff_ids = {employee.id for employee in staff_of(source)}
    child_ids = set(db.session.scalars(select(Unit.id).where(
        Unit.parent_id == source.id, Unit.valid_to.is_(None))))
    given_staff = [e.id for part in parts for e in part.employees]
    given_children = [u.id for part in parts for u in part.children]
    if len(given_staff) != len(set(given_staff)) or \
            len(given_children) != len(set(given_children)):
        _fail(_("A person or a unit is assigned to two new units."))
    if not set(given_staff) <= staff_ids or not set(given_children) <= child_ids:
        _fail(_("Only the staff and units of %(unit)s can be assigned."), unit=source.name)
    if not keep_source and (set(given_staff) != staff_ids or set(given_children) != child_ids):
        _fail(_("Every person and unit of %(unit)s must go to one of the new units."),
              unit=source.name)
    event = _begin(actor, SPLIT, decision, [(source, PART_SOURCE)])
    reason = _reason(event)
    parent = source if keep_source else source.parent
    created = []
    for part in parts:
        unit = create_unit(part.name, parent, part.is_employing, part.unit_type, part.code,
                           valid_from=event.effective_on, restructuring=event)
        _add_part(event, unit, PART_CREATED)
        for child in part.children:
            _change_state(child, event, parent_id=unit.id)
        _move_staff(list(part.employees), unit, event, reason)
        created.append(unit)
    if not keep_source:
        _close(actor, source, event, successor=None)
    return _finish(actor, event, [source] + created)


@_atomic
def dissolve(actor, unit, staff_to, decision, children_to=None):
    """Giải thể: the unit closes; its staff and units below it go elsewhere."""
    _open_units(actor, [unit])
    staff = staff_of(unit)
    has_children = db.session.scalar(select(Unit.id).where(
        Unit.parent_id == unit.id, Unit.valid_to.is_(None)).limit(1)) is not None
    children_to = children_to or unit.parent
    if staff and staff_to is None:
        _fail(_("%(unit)s still has staff; say where they go."), unit=unit.name)
    for target in ([staff_to] if staff else []) + ([children_to] if has_children else []):
        _open_units(actor, [target])
        if is_within(target, unit):
            _fail(_("Staff and units cannot go to a unit that closes."))
    event = _begin(actor, DISSOLVE, decision, [(unit, PART_SOURCE)])
    if has_children:
        _move_children(unit, children_to, event)
    if staff:
        _add_part(event, staff_to, PART_TARGET)
        _move_staff(staff, staff_to, event, _reason(event))
    _close(actor, unit, event, successor=None)
    return _finish(actor, event, [unit])


def _distinct(units):
    seen, result = set(), []
    for unit in units or []:
        if unit is not None and unit.id not in seen:
            seen.add(unit.id)
            result.append(unit)
    return result


# ---------------------------------------------------------------- history

def tree_as_of(on):
    """{unit id: UnitState} of the units that existed on ``on``."""
    return {state.unit_id: state for state in db.session.scalars(
        select(UnitState).where(UnitState.holds_on(on)))}


def subtree_ids_as_of(unit_id, on):
    """The ids of the unit and of every unit below it on ``on`` (empty if it did not exist)."""
    states = select(UnitState.unit_id, UnitState.parent_id).where(
        UnitState.holds_on(on)).cte("states")
    tree = select(states.c.unit_id).where(states.c.unit_id == unit_id).cte(
        "tree", recursive=True)
    tree = tree.union_all(select(states.c.unit_id).join(tree, states.c.parent_id ==
                                                        tree.c.unit_id))
    return set(db.session.scalars(select(tree.c.unit_id)))


def staff_as_of(unit_id, on, subtree=True):
    """The ids of the people working on ``on`` in the unit (and below it)."""
    unit_ids = subtree_ids_as_of(unit_id, on) if subtree else {unit_id}
    if not unit_ids:
        return set()
    return set(db.session.scalars(select(EmployeePlacement.employee_id).where(
        EmployeePlacement.unit_id.in_(unit_ids), EmployeePlacement.holds_on(on))))


def code_as_of(unit_id, on):
    row = db.session.scalar(select(UnitCode).where(UnitCode.unit_id == unit_id,
                                                   UnitCode.holds_on(on)))
    return row.code if row is not None else None


def name_as_of(unit_id, on):
    row = db.session.scalar(select(UnitState).where(UnitState.unit_id == unit_id,
                                                    UnitState.holds_on(on)))
    return row.name if row is not None else None


def history(unit):
    """The restructurings the unit took part in, newest first."""
    return list(db.session.scalars(
        select(OrgRestructuring).join(RestructuringPart)
        .where(RestructuringPart.unit_id == unit.id)
        .order_by(OrgRestructuring.effective_on.desc(), OrgRestructuring.id.desc())
        .distinct()))


# ---------------------------------------------------------------- the tree view

SEARCH_LIMIT = 200   # matches shown at once; more asks for a narrower search


@dataclass
class TreeEntry:
    """One unit as the tree screen shows it (today's or a past date's)."""

    id: int
    parent_id: object
    name: str
    unit_type: str
    code: object = None
    closed_on: object = None
    path: str = ""
    sort_name: str = ""


def tree_entries(user, on=None, include_closed=False):
    """{id: TreeEntry} of the units the user may read, today or as they were on ``on``.

    Plain rows, not ORM objects: the province's tree is thousands of units."""
    readable = scope.restrict(select(Unit), user, "read", model=Unit)
    if on is None:
        if not include_closed:
            readable = readable.where(Unit.valid_to.is_(None))
        rows = db.session.execute(readable.with_only_columns(
            Unit.id, Unit.parent_id, Unit.name, Unit.unit_type, Unit.code, Unit.valid_to,
            Unit.path, Unit.search_name))
        return {row[0]: TreeEntry(*row) for row in rows}
    paths = dict(db.session.execute(readable.with_only_columns(Unit.id, Unit.path)).all())
    codes = dict(db.session.execute(select(UnitCode.unit_id, UnitCode.code).where(
        UnitCode.holds_on(on))).all())
    states = db.session.execute(select(
        UnitState.unit_id, UnitState.parent_id, UnitState.name, UnitState.unit_type).where(
        UnitState.holds_on(on)))
    return {uid: TreeEntry(uid, parent_id, name, unit_type, codes.get(uid), None, paths[uid],
                           fold(name))
            for uid, parent_id, name, unit_type in states if uid in paths}


def search_units(user, text, include_closed=False, limit=SEARCH_LIMIT):
    """Units in the user's scope whose name (accents ignored) or code matches,
    in tree order, at most ``limit``."""
    query = scope.restrict(select(Unit), user, "read", model=Unit)
    if not include_closed:
        query = query.where(Unit.valid_to.is_(None))
    folded = fold(text)
    query = query.where(or_(Unit.search_name.contains(folded, autoescape=True),
                            Unit.code.startswith(text.strip().upper(), autoescape=True)))
    return list(db.session.scalars(query.order_by(Unit.path).limit(limit)))


def tree_nodes(entries, roots=None, depth=2, keep=None):
    """Nested nodes for the tree screen: each {entry, children, child_count, lazy}.

    ``roots`` default to the entries whose parent is not shown. Children are
    filled ``depth`` levels down; below that a node is ``lazy`` (the screen
    fetches its children when opened). ``keep``: show only these ids (search
    results and the units above them), fully expanded.
    """
    children = {}
    for entry in entries.values():
        if entry.parent_id in entries and (keep is None or entry.id in keep):
            children.setdefault(entry.parent_id, []).append(entry)
    for siblings in children.values():
        siblings.sort(key=lambda e: (e.closed_on is not None, e.sort_name))
    if roots is None:
        roots = sorted((e for e in entries.values() if e.parent_id not in entries
                        and (keep is None or e.id in keep)), key=lambda e: e.path)

    def node(entry, level):
        below = children.get(entry.id, [])
        expand = keep is not None or level < depth
        return {"entry": entry, "child_count": len(below), "lazy": bool(below) and not expand,
                "children": [node(child, level + 1) for child in below] if expand else []}

    return [node(entry, 0) for entry in roots]


def ancestors_of(entries, ids):
    """The ids and the shown units above them."""
    kept = set()
    for uid in ids:
        while uid in entries and uid not in kept:
            kept.add(uid)
            uid = entries[uid].parent_id
    return kept
