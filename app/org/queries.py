"""What the unit and restructuring screens read, built in one call per page part.

Views call these and render what they return; they run no query themselves
(tests/test_views_run_no_queries.py). Loading one unit by id is
``scope.get_or_404`` in the view; what is read about it is here.
"""
from sqlalchemy import select

from app.extensions import db
from app.org import services
from app.org.models import (
    Employee, EmployeePlacement, OrgRestructuring, Unit, UnitCode, UnitLeader, UnitState,
)
from app.security import scope

# how many people the leader form offers to choose from
CHOICES_LIMIT = 500
# restructurings listed at once, newest first
RESTRUCTURINGS_LIMIT = 50
# people shown as having come to a unit through a restructuring or transfer
PLACEMENTS_LIMIT = 100


def unit_page(actor, unit):
    """What a unit's page shows (its form aside): codes, names and parents over time,
    leaders, staff count, restructurings, people who came to it; and whether the
    actor may change it (``can_write``)."""
    states = periods(UnitState, unit)
    return dict(
        can_write=scope.allows(actor, "write", unit),
        leaders=services.leaders(unit), all_leaders=periods(UnitLeader, unit),
        codes=periods(UnitCode, unit), states=states, events=services.history(unit),
        staff_count=services.staff_count(unit), placements_in=placements_in(unit),
        names=unit_names(state.parent_id for state in states if state.parent_id))


def periods(model, unit):
    """The dated periods of ``model`` (states, codes, leaders) of the unit, oldest
    first, the one "since records began" (no start date) before the others."""
    return list(db.session.scalars(select(model).where(model.unit_id == unit.id)
                                   .order_by(model.valid_from.is_not(None), model.valid_from,
                                             model.id)))


def placements_in(unit):
    """People who came to the unit through a restructuring or transfer, newest first."""
    return list(db.session.scalars(
        select(EmployeePlacement).where(EmployeePlacement.unit_id == unit.id,
                                        EmployeePlacement.reason.is_not(None))
        .order_by(EmployeePlacement.valid_from.desc(), EmployeePlacement.id.desc())
        .limit(PLACEMENTS_LIMIT)))


def unit_names(ids):
    """{unit id: name} of the given units."""
    ids = list(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())


def leader_candidates(actor, unit, limit=CHOICES_LIMIT):
    """The people of the unit and the units below it whom the actor may read, by name:
    who can be made its head or deputy."""
    return list(db.session.scalars(scope.restrict(
        select(Employee).where(Employee.unit_path.startswith(unit.path)), actor, "read",
        model=Employee).order_by(Employee.full_name, Employee.id).limit(limit)))


def leader_of(unit, leader_id):
    """The appointment ``leader_id`` if it is one of the unit's, else None."""
    leader_id = scope.as_id(leader_id)
    if leader_id is None:
        return None
    return db.session.scalar(select(UnitLeader).where(UnitLeader.id == leader_id,
                                                      UnitLeader.unit_id == unit.id))


def restructurings(actor, limit=RESTRUCTURINGS_LIMIT):
    """The latest restructurings, newest first, each only if the actor may read every
    unit it involved."""
    events = db.session.scalars(select(OrgRestructuring).order_by(
        OrgRestructuring.effective_on.desc(), OrgRestructuring.id.desc()).limit(limit))
    return [event for event in events
            if all(scope.allows(actor, "read", part.unit) for part in event.parts)]


def restructurable_units(actor):
    """The open units the actor may restructure, in tree order."""
    return list(db.session.scalars(scope.restrict(
        select(Unit).where(Unit.valid_to.is_(None)), actor, "restructure",
        model=Unit).order_by(Unit.path)))


def open_children(unit):
    """The open units directly below ``unit``, by name."""
    return list(db.session.scalars(select(Unit).where(
        Unit.parent_id == unit.id, Unit.valid_to.is_(None)).order_by(Unit.name)))
