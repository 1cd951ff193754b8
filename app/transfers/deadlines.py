"""The deadlines transfer cases run: each open case's next step with a due date, for
whoever must act on it (the sending or receiving unit's officers, the superior, Sở Nội
vụ), in the actor's scope. ``deadlines`` is the source app/deadlines lists."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core.deadlines import Deadline
from app.extensions import db
from app.security import scope
from app.transfers import services
from app.transfers.models import OPEN, TransferCase, TransferStep

LIMIT = 500


def deadlines(actor, limit=LIMIT):
    """[Deadline] of the next steps the actor may do (open cases in scope)."""
    if not services.may_write(actor):
        return []
    query = scope.restrict(select(TransferCase), actor, "read", model=TransferCase).where(
        TransferCase.state == OPEN).options(
        joinedload(TransferCase.employee), joinedload(TransferCase.from_unit),
        joinedload(TransferCase.to_unit),
        selectinload(TransferCase.steps).joinedload(TransferStep.acting_unit)).order_by(
        TransferCase.effective_on, TransferCase.id).limit(limit)
    found, labels = [], services.step_labels()
    for case in db.session.scalars(query).unique():
        step = case.next_step
        if step is None or not services.may_act(actor, step):
            continue
        # who acts: the unit, or Sở Nội vụ in words (a step of its own has no unit)
        acting = step.acting_unit.name if step.acting_unit is not None else \
            services.who_acts(step)
        found.append(Deadline(
            "transfers." + step.code, str(labels[step.code]), case.employee_id,
            case.employee.full_name, acting,
            step.due_on, case.effective_on, step.cite or "", "TransferView.case",
            {"pk": case.id}))
    return found
