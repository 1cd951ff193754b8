"""Who approves whose record (DESIGN §9 "Who approves").

A person's approver is the head of the nearest employing unit (đơn vị trực
tiếp sử dụng) at or above the person's unit: a phòng or bộ phận never
approves, and a Sở's head approves the Sở's own staff, not its subordinate
units' (Điều 5 HP). The head's own record goes where the profile's
``approval.head_record_approver`` says: under ``deputy`` (Điều 7.1 ĐN) and
where the text is silent (null), to a deputy of that unit, and with no deputy
to the head of the next employing unit above; under ``superior_head``,
straight to the head of the next employing unit above. A written delegation
lets a named person approve for the head during its period, where the
profile allows delegation. Nobody approves their own record.
"""
from dataclasses import dataclass

from sqlalchemy import select

from app.approval.models import (
    BASIS_DELEGATE, BASIS_DEPUTY, BASIS_HEAD, BASIS_UPPER_HEAD, Delegation,
)
from app.core import clock
from app.extensions import db
from app.org.models import LEADER_DEPUTY, LEADER_HEAD, Unit, UnitLeader
from app.policy.profiles import rule

DELEGATING = "head_or_delegate"
# approval.head_record_approver's first choice for the head's own record (also when null);
# "superior_head" sends it to the head above
DEPUTY = "deputy"


@dataclass(frozen=True)
class Authority:
    employee_id: int        # the approver
    basis: str              # BASIS_* of app.approval.models
    unit_id: int            # the employing unit whose approval this is
    delegation_id: int = None


def delegation_allowed():
    return rule("approval.approver") == DELEGATING


def deputies_approve_the_head():
    """Whether the head's own record goes to a deputy of the unit first."""
    return (rule("approval.head_record_approver") or DEPUTY) == DEPUTY


def employing_unit(unit):
    """The nearest open employing unit at or above ``unit``."""
    while unit is not None and not (unit.is_employing and unit.is_open):
        unit = unit.parent
    return unit


class Leadership:
    """The heads, deputies and delegations of units on one day, each unit's read
    once: ``load`` reads those of many units in two statements (a queue of a
    thousand versions asks once per employing unit, not once per version)."""

    def __init__(self, on=None):
        self.on = on or clock.today()
        self._leaders = {}        # unit id -> {position: [employee ids, by appointment]}
        self._delegations = {}    # unit id -> [Delegation in force], by id

    def load(self, unit_ids):
        missing = sorted({unit_id for unit_id in unit_ids if unit_id not in self._leaders})
        if not missing:
            return
        for unit_id in missing:
            self._leaders[unit_id], self._delegations[unit_id] = {}, []
        for row in db.session.execute(
                select(UnitLeader.unit_id, UnitLeader.position, UnitLeader.employee_id)
                .where(UnitLeader.unit_id.in_(missing), UnitLeader.holds_on(self.on))
                .order_by(UnitLeader.id)):
            self._leaders[row.unit_id].setdefault(row.position, []).append(row.employee_id)
        if delegation_allowed():
            for delegation in db.session.scalars(select(Delegation).where(
                    Delegation.unit_id.in_(missing), Delegation.revoked_at.is_(None),
                    Delegation.holds_on(self.on)).order_by(Delegation.id)):
                self._delegations[delegation.unit_id].append(delegation)

    def leaders(self, unit, position):
        self.load([unit.id])
        return list(self._leaders[unit.id].get(position, ()))

    def head(self, unit):
        heads = self.leaders(unit, LEADER_HEAD)
        return heads[0] if heads else None

    def delegations(self, unit):
        """The unit's delegations in force, given by its current head."""
        head = self.head(unit)
        if head is None or not delegation_allowed():
            return []
        return [d for d in self._delegations[unit.id] if d.delegator_id == head]


def head_of(unit, on=None):
    return Leadership(on).head(unit)


def active_delegations(unit, on=None):
    """The unit's delegations in force on ``on``, given by its current head."""
    return Leadership(on).delegations(unit)


def approvers_of(employee, on=None, leadership=None):
    """Everyone who may approve ``employee``'s record on ``on``, as Authorities
    (``leadership``: the units' leaders already read, for many people at once)."""
    leadership = leadership or Leadership(on)
    unit = employing_unit(employee.unit)
    climbed = False
    to_deputies = deputies_approve_the_head()
    while unit is not None:
        head = leadership.head(unit)
        if head is not None and head != employee.id:
            found = [Authority(head, BASIS_UPPER_HEAD if climbed else BASIS_HEAD, unit.id)]
            found.extend(Authority(d.delegate_id, BASIS_DELEGATE, unit.id, d.id)
                         for d in leadership.delegations(unit) if d.delegate_id != employee.id)
            return found
        if head == employee.id and to_deputies:
            deputies = [d for d in leadership.leaders(unit, LEADER_DEPUTY) if d != employee.id]
            if deputies:
                return [Authority(d, BASIS_DEPUTY, unit.id) for d in deputies]
        # no head, the head's own record without a deputy, or under superior_head:
        # the next unit above
        unit = employing_unit(unit.parent)
        climbed = True
    return []


def authority_of(approver_employee_id, employee, on=None, leadership=None):
    """The approver's authority over ``employee``'s record, or None."""
    for authority in approvers_of(employee, on, leadership):
        if authority.employee_id == approver_employee_id:
            return authority
    return None


def _ancestor_ids(path):
    """The ids in a unit path "/<root id>/…/<own id>/", the unit's own included."""
    return [int(part) for part in (path or "").split("/") if part.isdigit()]


def authorities_over(approver_employee_id, employees, on=None):
    """{employee id: the approver's Authority over that employee's record, or None},
    for many employees at once: the units above them are read in one statement, and
    the leaders and delegations of all those units in two more, whatever the number
    of employees."""
    employees = list(employees)
    unit_ids = set()
    for employee in employees:
        unit_ids.add(employee.unit_id)
        unit_ids.update(_ancestor_ids(employee.unit_path))
    # in the session from here on: each employee's unit and its parents are found there
    units = db.session.scalars(select(Unit).where(Unit.id.in_(sorted(unit_ids)))).all()
    leadership = Leadership(on)
    leadership.load(unit.id for unit in units if unit.is_employing and unit.is_open)
    return {employee.id: authority_of(approver_employee_id, employee, on, leadership)
            for employee in employees}
