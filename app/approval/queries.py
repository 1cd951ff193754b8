"""What the approval screens read, and what approval adds to the records' pages.

The views of app/approval/views.py and app/approval/api.py call one function
per page and render what it returns; they run no query themselves
(tests/test_views_run_no_queries.py). Reads are audited here, in the same
transaction as the page, and committed with it.

The records sit below the approval layer (docs/architecture.md): the person's
page shows the approval panel and the signed copy through the hooks of
app/records/queries.py, which ``register_hooks`` fills at start-up.
"""
from sqlalchemy import select

from app.approval import delegations, exports, keys, month_seal, services, window
from app.audit import services as audit
from app.core.transactions import commit_read
from app.extensions import db
from app.org.models import Employee, Unit
from app.records import attachments
from app.records import queries as record_queries
from app.records import services as records
from app.records.models import SUBMITTED
from app.security import roles, scope


def _may(actor, action):
    return bool(scope.user_scopes(actor, action, roles.APPROVAL))


def queue_page(actor):
    """The head's queue (or, for Sở Nội vụ, the versions awaiting the second step)
    with the window's banner (where the profile has no approval: a sentence saying
    so, and an empty queue); the listing is audited and committed."""
    second_step = _may(actor, "second_step") and services.second_step_required()
    entries = queue(actor, second_step=second_step)
    audit.record("approval.queue", object_type="RecordVersion",
                 details={"count": len(entries), "second_step": second_step})
    commit_read()
    return {"entries": entries, "second_step": second_step, "window": window.current(),
            "in_window": window.in_window(), "approval_required": services.approval_required(),
            "may_approve": _may(actor, "approve") or second_step,
            "headed_units": delegations.units_headed(actor)}


def queue(actor, second_step=False):
    """``services.queue``, with the second step's people and units loaded in two
    statements (the page shows both)."""
    entries = services.queue(actor, second_step=second_step)
    if second_step:
        _load_people(entry.version for entry in entries)
    return entries


def _load_people(versions):
    """The versions' employees and their units, in two statements (the queue shows
    both)."""
    ids = {version.employee_id for version in versions}
    if ids:
        employees = db.session.scalars(select(Employee).where(Employee.id.in_(sorted(ids)))).all()
        unit_ids = sorted({employee.unit_id for employee in employees})
        db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))).all()


def review_page(actor, version):
    """One version's review: its changes against the approved version, its
    documents, the actor's authority and the signatures; the read is audited and
    committed.

    Sở Nội vụ, where the profile gives it the second step, compares with the last
    version it approved itself (the unit's approvals since are what it signs now);
    for its first approval of a record it reads the whole record, item by item
    (``items``), and decides on the page (``may_second``)."""
    employee = version.employee
    second_step = _may(actor, "second_step") and services.second_step_required()
    if second_step:
        base = services.last_signed_by_so_noi_vu(version)
    else:
        approved = records.approved_version(employee)
        base = approved if approved is not None and approved.id != version.id else None
    changes = records.diff(records.read_content(base), records.read_content(version))
    page = {"employee": employee, "changes": changes, "base": base,
            "second_step": second_step,
            "items": records.by_item(changes) if second_step and base is None else None,
            "may_second": second_step and services.second_step_pending(actor, version),
            "states": services.awaiting_second_step([version]),
            "documents": attachments.of_versions([version]),
            "authority": services.authority_for(actor, version),
            "verdicts": services.verdicts(version), "window": window.current(),
            "approval_required": services.approval_required(),
            "overdue": window.is_overdue(version)}
    records.audit_read(version, "record.read")
    commit_read()
    return page


def checked_signatures(version):
    """The version's approvals checked against its stored data (its signatures page
    and the API); the check is audited and committed."""
    verdicts = services.verdicts(version)
    services.audit_verify(version)
    commit_read()
    return verdicts


def seals_page(actor, unit):
    """The unit's signed monthly lists, each checked, and the month to sign next."""
    return {"checks": month_seal.verify_chain(unit), "closed": month_seal.last_closed_window(),
            "may_seal": _may(actor, "approve") and month_seal.may_seal(actor, unit)}


def sealed_list(unit, month):
    """(the unit's signed list of ``month``, its PDF), or None when that month has
    none; the download is audited and committed."""
    seal = next((s for s in month_seal.seals_of(unit) if s.month == month), None)
    if seal is None:
        return None
    audit.record("approval.seal_read", seal, unit_id=unit.id, details={"month": seal.month})
    commit_read()
    return seal, month_seal.content_of(seal)


def person_panel(actor, employee, approved, open_version):
    """The approval part of the person's page: the approved version's signatures
    checked against the stored data, and what the viewer may decide or sign."""
    verdicts = services.verdicts(approved)
    return {
        "verdicts": verdicts,
        "altered": any(not verdict.intact for verdict in verdicts),
        "may_decide": open_version is not None and open_version.status == SUBMITTED
        and services.authority_for(actor, open_version) is not None,
        "credentials": keys.credentials_of(actor),
        "may_sign_export": approved is not None
        and bool(scope.user_scopes(actor, "sign_export", roles.APPROVAL)),
        "signed_copy": exports.latest(employee),
    }


def register_hooks():
    audit.use_anchor_source(month_seal.signed_audit_anchors)
    record_queries.add_person_panel(person_panel)
    record_queries.use_signed_copies(exports.latest, exports.content_of)
    record_queries.use_version_states(services.awaiting_second_step)
