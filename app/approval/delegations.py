"""Written delegations of approval (ủy quyền bằng văn bản, Điều 7 ĐN, Điều 8 VP).

The head of an employing unit names a person of the unit (or below it) who
approves for the head from one day to another; the signed delegation letter
is attached. A delegation ends by itself after its last day, and only where
the profile's approver rule allows delegation. The head may withdraw it
before then; a delegation is written with the version it was read at
(``Delegation.version``), so a withdrawal over a change made meanwhile is refused.
"""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.accounts.models import Account
from app.approval import authority
from app.approval.models import Delegation
from app.audit import services as audit
from app.core import clock
from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.extensions import db
from app.files.store import file_store
from app.org.models import LEADER_HEAD, Unit, UnitLeader
from app.org.services import is_within
from app.records import services as records
from app.records.attachments import check_document
from app.org.models import Employee
from app.security import roles, scope

MAX_DAYS = 366


def units_headed(actor, on=None):
    """The open employing units whose head the actor is today."""
    me = records.own_employee(actor)
    if me is None:
        return []
    return list(db.session.scalars(select(Unit).join(UnitLeader, UnitLeader.unit_id == Unit.id)
                                   .where(UnitLeader.employee_id == me.id,
                                          UnitLeader.position == LEADER_HEAD,
                                          UnitLeader.holds_on(on or clock.today()),
                                          Unit.is_employing.is_(True),
                                          Unit.valid_to.is_(None))))


def _may_approve(person):
    account = db.session.get(Account, person.account_id) if person.account_id else None
    return account is not None and bool(scope.user_scopes(account, "approve", roles.APPROVAL))


def candidates(actor, unit):
    """Who the head of ``unit`` may delegate to: people of the unit and below
    whose account may approve (a deputy, usually), the head excepted."""
    me = records.own_employee(actor)
    people = db.session.scalars(select(Employee).where(
        Employee.unit_path.startswith(unit.path), Employee.account_id.is_not(None),
        Employee.id != (me.id if me else None)).order_by(Employee.full_name).limit(2000))
    return [person for person in people if _may_approve(person)]


def in_scope(actor):
    return list(db.session.scalars(scope.restrict(select(Delegation), actor, "read",
                                                  model=Delegation)
                                   .order_by(Delegation.valid_from.desc(), Delegation.id.desc())))


def withdrawable(actor, rows, on=None):
    """The ids of those of ``rows`` the actor may withdraw on ``on`` (today): not
    withdrawn, not ended, of a unit the actor heads (what ``revoke`` asks)."""
    on = on or clock.today()
    headed = {unit.id for unit in units_headed(actor, on)}
    return {row.id for row in rows
            if row.unit_id in headed and row.revoked_at is None
            and (row.valid_to is None or row.valid_to > on)}


@atomic
def delegate(actor, unit_id, delegate_id, valid_from, last_day, document_number, document,
             filename):
    """Record the head's delegation; refused as a whole with a clear message."""
    if not authority.delegation_allowed():
        raise DomainError(_("The province profile does not provide for delegating approval."))
    unit = next((u for u in units_headed(actor) if u.id == unit_id), None)
    if unit is None:
        raise DomainError(_("Only the head of a unit delegates its approvals."))
    person = db.session.get(Employee, delegate_id) if delegate_id else None
    if person is None or person.account_id is None or not is_within(person.unit, unit):
        raise DomainError(_("Choose a person of the unit, with an account, to delegate to."))
    head = records.own_employee(actor)
    if person.id == head.id:
        raise DomainError(_("Choose someone other than yourself."))
    if not _may_approve(person):
        raise DomainError(_("%(name)s's account cannot approve: ask the administrator to give "
                            "it the head's role (Thủ trưởng) first.", name=person.full_name))
    if valid_from is None or last_day is None:
        raise DomainError(_("Give the first and the last day of the delegation (dd/mm/yyyy)."))
    if last_day < valid_from or last_day < clock.today():
        raise DomainError(_("The last day must be after the first day and not in the past."))
    if (last_day - valid_from).days >= MAX_DAYS:
        raise DomainError(_("A delegation lasts at most one year; make a new one after it."))
    number = (document_number or "").strip()
    if not number:
        raise DomainError(_("Give the number of the delegation letter."))
    content_type = check_document(document)
    row = Delegation(unit_id=unit.id, delegator_id=head.id, delegate_id=person.id,
                     valid_from=valid_from, valid_to=last_day + timedelta(days=1),
                     document_number=number[:64],
                     document_sha256=file_store().put(document), document_type=content_type,
                     document_name=(filename or "uy-quyen")[-255:], created_by=actor.id,
                     created_at=clock.now())
    db.session.add(row)
    db.session.flush()
    audit.record("approval.delegate", row, unit_id=unit.id,
                 details={"delegate_id": person.id, "from": valid_from.isoformat(),
                          "last_day": last_day.isoformat(), "sha256": row.document_sha256})
    return row


def _stale():
    return DomainError(_("Someone changed this delegation after you opened it; nothing was "
                         "saved. Reload the page to see it as it is now."))


@atomic
def revoke(actor, delegation, seen_version):
    """The head who may delegate for the unit withdraws a delegation before its
    last day. ``seen_version``: the delegation's version the screen showed; the
    row is locked (``SELECT … FOR UPDATE``) and refused when it moved on."""
    if delegation.unit_id not in {unit.id for unit in units_headed(actor)}:
        raise DomainError(_("Only the head of a unit delegates its approvals."))
    db.session.refresh(delegation, with_for_update=True)
    if seen_version is None or seen_version != delegation.version:
        raise _stale()
    if delegation.revoked_at is not None:
        raise DomainError(_("This delegation has already been withdrawn."))
    delegation.revoked_at = clock.now()
    try:
        db.session.flush()
    except StaleDataError:
        raise _stale() from None
    audit.record("approval.delegation_revoke", delegation, unit_id=delegation.unit_id,
                 details={"delegate_id": delegation.delegate_id})
    return delegation
