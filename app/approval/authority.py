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
from app.org.models import LEADER_DEPUTY, LEADER_HEAD, UnitLeader
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


def _leaders(unit_id, position, on):
    return [row.employee_id for row in db.session.scalars(select(UnitLeader).where(
        UnitLeader.unit_id == unit_id, UnitLeader.position == position,
        UnitLeader.holds_on(on)).order_by(UnitLeader.id))]


def head_of(unit, on=None):
    heads = _leaders(unit.id, LEADER_HEAD, on or clock.today())
    return heads[0] if heads else None


def active_delegations(unit, on=None):
    """The unit's delegations in force on ``on``, given by its current head."""
    on = on or clock.today()
    head = head_of(unit, on)
    if head is None or not delegation_allowed():
        return []
    return list(db.session.scalars(select(Delegation).where(
        Delegation.unit_id == unit.id, Delegation.delegator_id == head,
        Delegation.revoked_at.is_(None), Delegation.holds_on(on))))


def approvers_of(employee, on=None):
    """Everyone who may approve ``employee``'s record on ``on``, as Authorities."""
    on = on or clock.today()
    unit = employing_unit(employee.unit)
    climbed = False
    to_deputies = deputies_approve_the_head()
    while unit is not None:
        head = head_of(unit, on)
        if head is not None and head != employee.id:
            found = [Authority(head, BASIS_UPPER_HEAD if climbed else BASIS_HEAD, unit.id)]
            found.extend(Authority(d.delegate_id, BASIS_DELEGATE, unit.id, d.id)
                         for d in active_delegations(unit, on) if d.delegate_id != employee.id)
            return found
        if head == employee.id and to_deputies:
            deputies = [d for d in _leaders(unit.id, LEADER_DEPUTY, on) if d != employee.id]
            if deputies:
                return [Authority(d, BASIS_DEPUTY, unit.id) for d in deputies]
        # no head, the head's own record without a deputy, or under superior_head:
        # the next unit above
        unit = employing_unit(unit.parent)
        climbed = True
    return []


def authority_of(approver_employee_id, employee, on=None):
    """The approver's authority over ``employee``'s record, or None."""
    for authority in approvers_of(employee, on):
        if authority.employee_id == approver_employee_id:
            return authority
    return None
