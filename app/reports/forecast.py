"""The monthly forecast to the units' data officers (issue 19; the job "monthly_forecast"
of app/jobs/registry.py): who retires and whose regular salary step falls due in the
coming months, so the unit prepares the decisions in time.

- Retirements: Nghị định 135/2020/NĐ-CP (app/leavers/retirement.py), the people the
  retirement page lists (app/leavers/queries.retiring: the latest record's birth date and
  sex, anyone whose departure is recorded already left out).
- Regular salary steps (nâng bậc lương thường xuyên): Nghị định 204/2004/NĐ-CP Điều 7
  khoản 1 điểm a, Thông tư 03/2021/TT-BNV Điều 2 khoản 1: one step after 3 years (36
  months) in the step for the grades that require a college degree or more (salary
  tables A0–A3: chuyên viên and above, and cán sự since Thông tư 2/2021/TT-BNV), after 2
  years (24 months) for those that require less and for service staff (tables B and C:
  nhân viên); none at the grade's last step (thâm niên vượt khung instead). Counted from
  the day the current step is paid from (item 30 of the form, "Ngày hưởng":
  ReportFact.salary_since, of the approved record), the table and its number of steps
  from the grade's catalog entry (``attrs.salary_type``) and the salary tables
  (loai_luong ``attrs.bac_count``). A grade whose table the catalog does not give is
  left out (nothing to count with).
- Early raises (nâng bậc lương trước thời hạn): of the two, the one a retirement notice
  opens (Thông tư 08/2013/TT-BNV Điều 3: someone notified of their retirement, not at
  the last step, whose next regular step would fall due within 12 months after the day
  they retire, may be raised that step up to 12 months early) is read from the records:
  the people retiring within the horizon whose next step falls in those 12 months are
  listed as candidates (whether they completed their duties and had no discipline is the
  unit's to check). The other (outstanding achievement, within the unit's yearly quota)
  rests on evaluations the records do not hold in a form a rule can read: not forecast.

One notice a month per officer (kind ``KIND_FORECAST``: the officer may turn its mail
off), over the officer's own scope. Runs in the job's transaction and never commits.
"""
import datetime
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.catalogs import services as catalogs
from app.core.dates import add_months, format_date
from app.extensions import db
from app.leavers import queries as leavers
from app.notify import services as notify
from app.org.models import Employee, Unit
from app.reports import statistics
from app.reports.models import ReportFact
from app.reports.reminders import accounts_with, already_notified
from app.security import roles

LINK = "/leavers/retiring"
# the horizon: what falls within the next 6 months (a retirement is announced to
# the person 6 months ahead; a step's decision is prepared in the same time)
HORIZON_MONTHS = 6
# Thông tư 03/2021/TT-BNV Điều 2.1: months in a step before the next, by salary table
# (its code's first letter: A0–A3, B, C1–C3)
STEP_MONTHS = {"A": 36, "B": 24, "C": 24}
# Thông tư 08/2013/TT-BNV Điều 3: a step due at most this many months after the
# retirement may be given early, on the retirement notice
EARLY_AT_RETIREMENT_MONTHS = 12
# people written out one by one per list; the rest are counted
LISTED = 20


@dataclass
class StepDue:
    name: str
    unit: str
    step: int
    due_on: datetime.date


def salary_tables(on):
    """{grade code: (months in a step, steps in the table)} of the grades whose salary
    table the ngạch and chức danh nghề nghiệp catalogs give."""
    steps = {entry.code: int((entry.attrs or {}).get("bac_count") or 0)
             for entry in catalogs.entries("loai_luong", on=on, include_retired=True)}
    found = {}
    for name in ("ngach", "chuc_danh_nghe_nghiep"):
        for entry in catalogs.entries(name, on=on, include_retired=True):
            table = (entry.attrs or {}).get("salary_type") or ""
            months = STEP_MONTHS.get(table[:1])
            if months and steps.get(table):
                found[entry.code] = (months, steps[table])
    return found


def _salary_rows(actor, tables, *conditions):
    f = ReportFact
    query = statistics.restrict_facts(
        select(f.employee_id, f.grade_code, f.salary_step, f.salary_since,
               Employee.full_name, Unit.name.label("unit_name"))
        .join(Employee, Employee.id == f.employee_id).join(Unit, Unit.id == f.unit_id),
        actor).where(
        f.status.in_(statistics.IN_SERVICE), f.grade_code.in_(list(tables)),
        f.salary_step.is_not(None), f.salary_since.is_not(None), *conditions)
    for row in db.session.execute(query):
        months, steps = tables[row.grade_code]
        if row.salary_step < steps:     # at the table's last step: no regular step beyond
            yield row, StepDue(row.full_name, row.unit_name, row.salary_step + 1,
                               add_months(row.salary_since, months))


def steps_due(actor, horizon, tables):
    """[StepDue] of the people in service in the actor's scope whose next regular step
    falls on or before ``horizon`` (a step already due and not yet entered included),
    soonest first."""
    if not tables:
        return []
    shortest = min(months for months, _steps in tables.values())
    found = [step for _row, step in _salary_rows(
        actor, tables, ReportFact.salary_since <= add_months(horizon, -shortest))
        if step.due_on <= horizon]
    found.sort(key=lambda item: (item.due_on, item.name))
    return found


def early_at_retirement(actor, retiring, tables):
    """[(StepDue, retirement's last day)] of the people of ``retiring`` (leavers'
    RetiringRow, not retired yet) whose next regular step falls due after they retire but
    within EARLY_AT_RETIREMENT_MONTHS of it: candidates for the early step a retirement
    notice opens (Thông tư 08/2013/TT-BNV Điều 3)."""
    last_days = {row.employee.id: row.forecast.last_day for row in retiring}
    if not tables or not last_days:
        return []
    found = []
    for row, step in _salary_rows(actor, tables,
                                  ReportFact.employee_id.in_(list(last_days))):
        last_day = last_days[row.employee_id]
        if last_day < step.due_on <= add_months(last_day, EARLY_AT_RETIREMENT_MONTHS):
            found.append((step, last_day))
    found.sort(key=lambda pair: (pair[1], pair[0].name))
    return found


def forecast_of(actor, today, horizon, tables):
    """(subject, body) of the officer's forecast, or None when nothing falls due."""
    retiring = leavers.retiring(actor, None, horizon)
    steps = steps_due(actor, horizon, tables)
    early = early_at_retirement(
        actor, [row for row in retiring if row.forecast.last_day >= today], tables)
    if not retiring and not steps:
        return None
    name = " ".join(part for part in (actor.last_name, actor.first_name) if part)
    return notify.render_mail(
        "forecast", person_name=name or actor.username, month=today.strftime("%m/%Y"),
        today=format_date(today), until=format_date(horizon), months=HORIZON_MONTHS,
        retiring=[{"name": row.employee.full_name, "unit": row.employee.unit.name,
                   "last_day": format_date(row.forecast.last_day),
                   "passed": row.forecast.last_day < today} for row in retiring[:LISTED]],
        retiring_count=len(retiring), retiring_more=max(len(retiring) - LISTED, 0),
        steps=[{"name": item.name, "unit": item.unit, "step": item.step,
                "due": format_date(item.due_on), "passed": item.due_on < today}
               for item in steps[:LISTED]],
        steps_count=len(steps), steps_more=max(len(steps) - LISTED, 0),
        early=[{"name": step.name, "unit": step.unit, "step": step.step,
                "due": format_date(step.due_on), "retires": format_date(last_day)}
               for step, last_day in early[:LISTED]],
        early_more=max(len(early) - LISTED, 0), link=LINK)


def work(today, period):
    """Send the month's forecasts to every unit's data officers; returns what it did."""
    horizon = add_months(today, HORIZON_MONTHS)
    tables = salary_tables(today)
    sent = 0
    with force_locale("vi"):
        for account in accounts_with((roles.ROLE_OFFICER,), today):
            if account.unit_id is None:
                continue
            found = forecast_of(account, today, horizon, tables)
            if found is None:
                continue
            subject, body = found
            if already_notified(account, subject, notify.KIND_FORECAST):
                continue
            notify.notify(account, subject, body, link=LINK, kind=notify.KIND_FORECAST)
            sent += 1
    return _l("%(n)d officers sent the retirements and salary steps to come", n=sent)
