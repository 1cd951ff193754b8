"""What the transfer screens read (views run no query of their own)."""
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.audit import services as audit
from app.core import clock
from app.extensions import db
from app.org import services as org_services
from app.org.models import STATUS_WORKING, Employee, Unit
from app.security import scope
from app.transfers import services
from app.transfers.models import CANCELLED, DONE, OPEN, TransferCase, TransferStep

DONE_SHOWN = 50
PEOPLE_LIMIT = 500

# functions (actor, case) -> {template name: value}: the higher layers' parts of the case's
# page (app.sync adds the pull from the national database), each included by its template
_CASE_PANELS = []


def add_case_panel(panel):
    """Register a panel of the transfer case's page (a higher layer's part of it)."""
    if panel not in _CASE_PANELS:
        _CASE_PANELS.append(panel)


def case_panels(actor, case):
    panels = {}
    for panel in _CASE_PANELS:
        panels.update(panel(actor, case))
    return panels


@dataclass
class BoardRow:
    case: TransferCase
    step: TransferStep         # the next step, None when the case is closed
    who: str                   # who must act next, in words
    overdue: bool
    mine: bool                 # whether the reader may do the next step
    panels: dict = field(default_factory=dict)   # the higher layers' (case page only)


def _loaded(query):
    return query.options(
        joinedload(TransferCase.employee), joinedload(TransferCase.from_unit),
        joinedload(TransferCase.to_unit),
        selectinload(TransferCase.steps).joinedload(TransferStep.acting_unit))


def _row(actor, case, today):
    step = case.next_step if case.state == OPEN else None
    return BoardRow(case, step, services.who_acts(step),
                    bool(step is not None and step.due_on and step.due_on < today),
                    bool(step is not None and services.may_act(actor, step)))


def board(actor, unit_id=None, today=None):
    """The transfer board of the actor's scope (or of one unit in it: its cases as
    sending or receiving unit): {"overdue", "due", "done"} lists of BoardRow, and the
    unit chosen. Audited."""
    today = today or clock.today()
    unit = scope.get_in_scope(Unit, unit_id, actor, "read") if unit_id else None
    query = scope.restrict(select(TransferCase), actor, "read", model=TransferCase)
    if unit is not None:
        query = query.where(org_services.subtree_condition(TransferCase.from_unit_id, unit) |
                            org_services.subtree_condition(TransferCase.to_unit_id, unit))
    opened = list(db.session.scalars(_loaded(query.where(TransferCase.state == OPEN))
                                     .order_by(TransferCase.effective_on, TransferCase.id))
                  .unique())
    closed = list(db.session.scalars(_loaded(query.where(
        TransferCase.state.in_((DONE, CANCELLED)))).order_by(
        TransferCase.closed_at.desc(), TransferCase.id.desc()).limit(DONE_SHOWN)).unique())
    rows = [_row(actor, case, today) for case in opened]

    def due_key(row):
        return (row.step.due_on is None if row.step else True,
                row.step.due_on if row.step and row.step.due_on else today, row.case.id)

    audit.record("transfer.list", object_type="TransferCase", actor=actor,
                 unit_id=unit.id if unit is not None else None,
                 details={"unit_id": unit.id if unit is not None else None})
    return {"overdue": sorted((r for r in rows if r.overdue), key=due_key),
            "due": sorted((r for r in rows if not r.overdue), key=due_key),
            "done": [_row(actor, case, today) for case in closed], "unit": unit,
            "today": today}


def case_for(actor, case_id):
    """The case with its steps if the actor may read it, else None; audited."""
    case_id = scope.as_id(case_id)
    if case_id is None:
        return None
    case = db.session.scalar(_loaded(scope.restrict(
        select(TransferCase).where(TransferCase.id == case_id), actor, "read",
        model=TransferCase)))
    if case is None:
        return None
    audit.record("transfer.read", case, unit_id=case.from_unit_id or case.to_unit_id,
                 actor=actor, details={"employee_id": case.employee_id})
    row = _row(actor, case, clock.today())
    row.panels = case_panels(actor, case)
    return row


def case_to_write(actor, case_id):
    """The case the actor would act on (read scope; the service checks the step), or
    None."""
    return scope.get_in_scope(TransferCase, case_id, actor, "read")


def form_choices(actor):
    """The people the actor may transfer and the units: (people, units) as
    [(id as text, label)]."""
    people = db.session.scalars(scope.restrict(select(Employee), actor, "read",
                                               model=Employee)
                                .where(Employee.status == STATUS_WORKING)
                                .options(joinedload(Employee.unit))
                                .order_by(Employee.full_name, Employee.id)
                                .limit(PEOPLE_LIMIT))
    people = [(str(p.id), "%s — %s" % (p.full_name, p.unit.name)) for p in people
              if services._reaches(actor, p.unit)]
    units = [(str(u.id), u.name) for u in db.session.scalars(
        select(Unit).where(Unit.valid_to.is_(None)).order_by(Unit.path))]
    return people, units
