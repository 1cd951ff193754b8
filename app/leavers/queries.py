"""What the leavers' screens read (views run no query of their own): the archive of a
unit, the people retiring within N months, the person's panel, the person a form is for.
Reads of people's data are audited here and committed with the page."""
import datetime
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.core import clock
from app.core.dates import add_months
from app.extensions import db
from app.leavers import retirement, services
from app.leavers.models import StatusChange
from app.org.models import Employee, Unit
from app.records import queries as record_queries
from app.records import services as records
from app.records.models import RecordVersion
from app.security import roles, scope
from app.workdays.services import due_for

PAGE = 50
MONTHS_DEFAULT, MONTHS_MAX = 12, 60
# how many people the retirement list shows at most (a unit's, not the province's)
RETIRING_LIMIT = 500
# the oldest working age the forecast looks at (years): anyone older is listed as due
OLDEST = 70
IN_SERVICE = services.IN_SERVICE


def may_read(actor):
    return bool(scope.user_scopes(actor, "read", roles.LEAVERS))


def unit_choices(actor):
    """[(id as text, name)] of the units the actor reads, in tree order."""
    units = db.session.scalars(scope.restrict(select(Unit), actor, "read", model=Unit)
                               .order_by(Unit.path))
    return [(str(unit.id), unit.name) for unit in units]


def chosen_unit(actor, unit_id):
    """The unit the actor chose to look at, if in scope, else None (= everything)."""
    return scope.get_in_scope(Unit, unit_id, actor, "read") if unit_id else None


def person(actor, pk, action="write"):
    """The person whose status the actor would change; None when there is no such
    person or it lies outside the actor's scope (a 404, as for one that does not exist)."""
    employee = scope.get_in_scope(Employee, pk, actor, "read")
    if employee is None or not services.may_write_for(actor, employee):
        return None
    return employee


# ------------------------------------------------------------------ the archive

@dataclass
class ArchiveRow:
    change: StatusChange
    employee: Employee
    state: str               # "on_time", "late" or "no_term"
    recorded_on: datetime.date

    @property
    def pending(self):
        """Recorded ahead of its effective date: the person works until that day."""
        return self.change.is_pending


def _state(change):
    recorded = change.recorded_at.date()
    if change.due_on is None:
        return "no_term", recorded
    return ("late" if recorded > change.due_on else "on_time"), recorded


def archive_page(actor, unit, page=0):
    """The open departures (the archive, thư mục riêng) of the actor's scope, or of
    ``unit``'s subtree, newest first, each with the deadline it was recorded against;
    audited. Returns (rows, more). A departure recorded ahead of its effective date is
    listed too (``row.pending``: the screen says when it takes effect)."""
    query = scope.restrict(select(StatusChange), actor, "read", model=StatusChange).where(
        StatusChange.open_departure())
    if unit is not None:
        query = query.join(Employee, Employee.id == StatusChange.employee_id).where(
            Employee.unit_path.startswith(unit.path))
    query = query.options(joinedload(StatusChange.employee).joinedload(Employee.unit)) \
        .order_by(StatusChange.effective_date.desc(), StatusChange.id.desc()) \
        .offset(page * PAGE).limit(PAGE + 1)
    changes = list(db.session.scalars(query).unique())
    audit.record("leavers.archive", object_type="StatusChange", actor=actor,
                 unit_id=unit.id if unit is not None else None, details={"page": page})
    rows = [ArchiveRow(change, change.employee, *_state(change)) for change in changes[:PAGE]]
    return rows, len(changes) > PAGE


# ------------------------------------------------------------------ retirement forecast

@dataclass
class RetiringRow:
    employee: Employee
    birth_date: datetime.date
    sex: str
    forecast: retirement.Retirement
    due_on: datetime.date      # the status change's deadline (the profile's term), or None
    overdue: bool
    # the departure recorded ahead of its effective date, waiting for it (only with
    # ``retiring(..., with_pending=True)``), else None
    pending: StatusChange = None


def _birth_and_sex(fields):
    try:
        born = datetime.date.fromisoformat(fields.get("ngay_sinh") or "")
    except ValueError:
        return None, None
    return born, fields.get("gioi_tinh")


def retiring_page(actor, unit, months):
    """The people in service in the actor's scope (or ``unit``'s subtree) whose
    retirement (NĐ 135/2020) falls within ``months`` months, or has passed without a
    status change, soonest first, with the profile's deadline for recording it; audited.
    Someone whose departure is recorded ahead of its effective date is listed with it
    (``row.pending``) instead of a deadline. The birth date and sex come from each
    record's latest version (both public fields of the form, stored in clear)."""
    rows = retiring(actor, unit, add_months(clock.today(), months), with_pending=True)
    audit.record("leavers.retiring", object_type="Employee", actor=actor,
                 unit_id=unit.id if unit is not None else None, details={"months": months})
    return rows


def retiring(actor, unit, horizon, limit=RETIRING_LIMIT, with_pending=False):
    """``retiring_page``'s rows up to the day ``horizon``, not audited (the caller is).
    The people whose departure is recorded already are left out (their status changed,
    or the decision waits for its effective date: nothing is left to record); with
    ``with_pending`` the waiting ones are listed, with their departure."""
    today = clock.today()
    latest = select(RecordVersion.employee_id,
                    func.max(RecordVersion.number).label("n")).where(
        RecordVersion.status != records.DISCARDED).group_by(RecordVersion.employee_id) \
        .subquery()
    born = RecordVersion.content[("fields", "ngay_sinh")].as_string()
    # the youngest who can retire by the horizon is 55; the oldest looked at is OLDEST
    youngest = add_months(horizon, -55 * 12 + 1).isoformat()
    oldest = datetime.date(today.year - OLDEST, 1, 1).isoformat()
    query = scope.restrict(select(Employee), actor, "read", model=Employee) \
        .join(latest, latest.c.employee_id == Employee.id) \
        .join(RecordVersion, (RecordVersion.employee_id == latest.c.employee_id)
              & (RecordVersion.number == latest.c.n)) \
        .outerjoin(StatusChange, (StatusChange.employee_id == Employee.id)
                   & StatusChange.open_departure()) \
        .where(Employee.status.in_(IN_SERVICE), born <= youngest, born >= oldest) \
        .add_columns(born, RecordVersion.content[("fields", "gioi_tinh")].as_string(),
                     StatusChange)
    if not with_pending:
        query = query.where(StatusChange.id.is_(None))
    if unit is not None:
        query = query.where(Employee.unit_path.startswith(unit.path))
    query = query.options(joinedload(Employee.unit)).order_by(born).limit(limit)
    entry = services.term_entry(services.TERM_RULES["nghi_huu"])
    rows = []
    for employee, birth_text, sex, departure in db.session.execute(query):
        birth, sex = _birth_and_sex({"ngay_sinh": birth_text, "gioi_tinh": sex})
        forecast = retirement.retirement(birth, sex)
        if forecast is None or forecast.last_day > horizon:
            continue
        if departure is not None:
            # recorded, waiting for its day: no deadline left to meet
            rows.append(RetiringRow(employee, birth, sex, forecast, None, False, departure))
            continue
        # retired from the day after the last day (Điều 3.2): the term runs from it
        due = due_for(forecast.pension_from, entry) if entry else None
        rows.append(RetiringRow(employee, birth, sex, forecast, due,
                                due is not None and today > due))
    rows.sort(key=lambda row: (row.forecast.last_day, row.employee.full_name))
    return rows


# ------------------------------------------------------------------ the person's panel

def person_panel(actor, employee, approved, open_version):
    """The leavers' part of the person's page: the status, its history, the open
    departure and the retirement forecast (records.queries.add_person_panel)."""
    if not may_read(actor):
        return {"leavers_panel": None}
    changes = services.history(employee)
    shown = open_version or approved
    birth, sex = _birth_and_sex(((shown.content or {}).get("fields") or {})
                                if shown is not None else {})
    forecast = retirement.retirement(birth, sex) if birth else None
    departure = next((change for change in reversed(changes) if change.is_open_departure),
                     None)
    # a departure recorded ahead of its effective date: the person works until then
    pending = departure if departure is not None and departure.is_pending else None
    return {"leavers_panel": {
        "status": employee.status, "status_label": services.status_label(employee.status),
        "history": list(reversed(changes)), "departure": departure, "pending": pending,
        "cancellable": services.may_cancel(pending),
        "forecast": forecast,
        "may_write": services.may_write_for(actor, employee),
        "labels": services.status_label}}


def register_hooks():
    """The person's page shows the leavers' panel (called by app.application)."""
    record_queries.add_person_panel(person_panel)
