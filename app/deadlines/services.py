"""The deadlines an actor must meet or chase, from every domain that holds some, in the
order they fall due (overdue first)."""
from app.audit import services as audit
from app.core import clock
from app.core.deadlines import DUE_SOON, OPEN, OVERDUE
from app.hiring import deadlines as hiring_deadlines
from app.leavers import deadlines as leaver_deadlines
from app.records import deadlines as record_deadlines
from app.transfers import deadlines as transfer_deadlines

# each: actor -> [Deadline] in the actor's scope
SOURCES = [hiring_deadlines.deadlines, record_deadlines.update_deadlines,
           transfer_deadlines.deadlines, leaver_deadlines.deadlines]
STATES = (OVERDUE, DUE_SOON, OPEN)


def of(actor, today=None):
    """(today, [(state, deadline)]) for the actor, overdue first, then by due date."""
    today = today or clock.today()
    found = [deadline for source in SOURCES for deadline in source(actor)]
    found.sort(key=lambda d: (STATES.index(d.state(today)), d.due_on or today.max,
                              d.employee_name))
    return today, [(deadline.state(today), deadline) for deadline in found]


def counts(pairs):
    """{state: how many} of ``of``'s list."""
    result = dict.fromkeys(STATES, 0)
    for state, _deadline in pairs:
        result[state] += 1
    return result


def board(actor):
    """``of`` for the board, audited: it lists people in the actor's scope."""
    today, pairs = of(actor)
    audit.record("deadline.list", object_type="Deadline", actor=actor,
                 details={"count": len(pairs)})
    return today, pairs
