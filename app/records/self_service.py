"""Self-service windows: the unit opens, for a period, the editing of their
own record to its people (everyone below the unit or chosen people) and for
chosen parts of the form; outside a window a person reads their record but
does not change it. Which parts a person may ever change is the profile's
``records.field_owners``; a window can only narrow that.
"""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import services as audit
from app.core import clock
from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.extensions import db
from app.policy.profiles import rule
from app.records import form
from app.org.models import Employee
from app.records.models import SelfServiceWindow
from app.security import roles, scope

LONGEST_DAYS = 366


def person_groups():
    """The owner groups the profile lets a person change at all."""
    owners = rule("records.field_owners")
    return [group for group in form.OWNER_GROUPS if owners[group] in ("individual", "both")]


def may_open(actor):
    return bool(scope.user_scopes(actor, "self_service", roles.RECORD))


def windows_in_scope(actor):
    return list(db.session.scalars(scope.restrict(
        select(SelfServiceWindow), actor, "self_service", model=SelfServiceWindow)
        .order_by(SelfServiceWindow.closes_on.desc(), SelfServiceWindow.id.desc()).limit(100)))


@atomic
def open_window(actor, unit, opens_on, closes_on, groups=(), employee_ids=(), note=None):
    if not may_open(actor) or unit is None or not scope.allows(actor, "read", unit):
        raise DomainError(_("You may not open self-service for this unit."))
    today = clock.today()
    if opens_on is None or closes_on is None:
        raise DomainError(_("Enter the first and the last day as dd/mm/yyyy."))
    if closes_on < opens_on:
        raise DomainError(_("The last day comes before the first."))
    if closes_on < today:
        raise DomainError(_("The period is already over."))
    if (closes_on - opens_on).days >= LONGEST_DAYS:
        raise DomainError(_("A window lasts at most a year."))
    allowed = person_groups()
    groups = list(dict.fromkeys(groups))
    refused = [group for group in groups if group not in allowed]
    if refused:
        raise DomainError(_("Under the province's rules people do not change these parts "
                            "themselves: %(parts)s.", parts=", ".join(refused)))
    employee_ids = sorted(set(int(pk) for pk in employee_ids))
    if employee_ids:
        inside = set(db.session.scalars(select(Employee.id).where(
            Employee.id.in_(employee_ids), Employee.unit_path.startswith(unit.path))))
        if inside != set(employee_ids):
            raise DomainError(_("Some chosen people do not work in this unit."))
    window = SelfServiceWindow(unit_id=unit.id, opens_on=opens_on, closes_on=closes_on,
                               groups=groups, employee_ids=employee_ids,
                               note=(note or "").strip()[:255] or None, opened_by=actor.id,
                               opened_at=clock.now())
    db.session.add(window)
    db.session.flush()
    audit.record("record.self_service_open", window, details={
        "opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat(),
        "groups": groups, "people": len(employee_ids)})
    return window


@atomic
def close_window(actor, window):
    """End a window early: from today on it no longer opens anything."""
    if not may_open(actor) or not scope.allows(actor, "self_service", window):
        raise DomainError(_("You may not close this window."))
    yesterday = clock.today() - timedelta(days=1)
    if window.closes_on > yesterday:
        window.closes_on = max(yesterday, window.opens_on - timedelta(days=1))
    audit.record("record.self_service_close", window)
    return window


def open_groups(employee, on=None):
    """The parts of the form a person may change in their record today:
    what the windows covering them open, within the profile's limits."""
    on = on or clock.today()
    ancestors = [int(part) for part in (employee.unit_path or "").strip("/").split("/") if part]
    if not ancestors:
        return set()
    windows = db.session.scalars(select(SelfServiceWindow).where(
        SelfServiceWindow.unit_id.in_(ancestors), SelfServiceWindow.opens_on <= on,
        SelfServiceWindow.closes_on >= on))
    allowed, opened = set(person_groups()), set()
    for window in windows:
        if window.employee_ids and employee.id not in window.employee_ids:
            continue
        opened |= set(window.groups or allowed)
    return opened & allowed
