"""The leaver deadlines (issue 17.5): a retirement the forecast says has come, or comes
within HORIZON_DAYS, whose status change the unit must record within the profile's term
from the day it takes effect (ĐNg Điều 11.3.b: 15 days; the other profiles set none, so
they hold no such deadline). For app/deadlines' board: ``deadlines(actor)``. Once the
retirement's decision is recorded (applied, or waiting for its effective date) it is no
longer a deadline: queries.retiring leaves the person out; nor once a retirement decision
was cancelled before its day (the working time extended), until a new one is recorded.

Resignations, dismissals and deaths are known only from their decision, which is the
status change itself: their term is shown on the archive (recorded on time or late).
"""
import datetime

from flask_babel import gettext as _

from app.core import clock
from app.core.deadlines import Deadline
from app.leavers import queries, services

# how far ahead a coming retirement is listed
HORIZON_DAYS = 60
LIMIT = 500


def deadlines(actor, limit=LIMIT):
    """[Deadline] of the retirements the actor records, in the actor's scope."""
    if not services.may_write(actor):
        return []
    entry = services.term_entry(services.TERM_RULES["nghi_huu"])
    if not entry or entry.get("value") is None:
        return []
    horizon = clock.today() + datetime.timedelta(days=HORIZON_DAYS)
    found = []
    rows = queries.retiring(actor, None, horizon, limit=limit)
    put_off = services.retirements_put_off([row.employee.id for row in rows])
    for row in rows:
        if row.employee.id in put_off or not services.may_write_for(actor, row.employee):
            continue
        found.append(Deadline(
            kind="leavers.retirement", what=_("Record the retirement from the decision"),
            employee_id=row.employee.id, employee_name=row.employee.full_name,
            unit_name=row.employee.unit.name, due_on=row.due_on,
            since=row.forecast.pension_from, cite=entry.get("cite", ""),
            endpoint="LeaversView.depart_form", args={"pk": row.employee.id}))
    return found
