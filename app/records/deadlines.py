"""The deadline a change runs: once a change to an approved record is started, it is
to be completed and submitted within the profile's ``records.update_after_change_
working_days`` (Điều 6.5 ĐN, 7.3 VP, 6.3 HN, 10.2.b ĐNg; 03 working days under the
Nghị định 27/2026 overlay), counted from the day the draft was opened, the first day
the change is on record. A record's first entry is the hiring's deadline, not this one.
"""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core import clock
from app.core.deadlines import Deadline
from app.extensions import db
from app.org.models import Employee
from app.policy.profiles import rule_entry
from app.records.models import DRAFT, RecordVersion
from app.security import scope
from app.workdays.services import due_for

LIMIT = 500


def update_deadlines(actor, limit=LIMIT):
    """The open drafts of changes, in the actor's scope (the person's own), oldest first."""
    entry = rule_entry("records.update_after_change_working_days")
    if entry.get("value") is None:
        return []
    query = scope.restrict(select(RecordVersion), actor, "read", model=RecordVersion).where(
        RecordVersion.status == DRAFT, RecordVersion.base_id.is_not(None)).options(
        joinedload(RecordVersion.employee).joinedload(Employee.unit)).order_by(
        RecordVersion.created_at, RecordVersion.id).limit(limit)
    found = []
    for version in db.session.scalars(query).unique():
        since = version.created_at.astimezone(clock.PROVINCE_TZ).date()
        found.append(Deadline(
            "records.update", _("Complete and submit the change to the record"),
            version.employee_id, version.employee.full_name, version.employee.unit.name,
            due_for(since, entry), since, entry.get("cite", ""), "RecordView.person",
            {"pk": version.employee_id}))
    return found
