"""Reconciliation: what the province holds as sent against what the receiver holds.

For every record the receiver acknowledged to us (``SyncRecord``) the receiver must hold
the same key with the same content digest; every record it holds under our codes must be
one of ours; and every person with a message not yet acknowledged is behind. The counts
are per employing unit (MaDonviSuDung), ours beside the receiver's.
The receiver is asked once per account: an account owns the codes below its own, so the
province's account answers for every unit.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from app.approval import services as approval
from app.approval.models import STEP_SO_NOI_VU, STEP_UNIT, Approval
from app.audit import services as audit
from app.core import clock, crypto
from app.core.transactions import atomic
from app.extensions import db
from app.org.models import Employee
from app.records.models import APPROVED, RecordVersion
from app.sync import client as wire
from app.sync import mapping
from app.sync.models import (
    BLOCKED, FAILED, PENDING, SyncMessage, SyncReconciliation, SyncRecord,
)
from app.sync.services import SyncRefused

MISSING, EXTRA, DIFFERS, BEHIND, NEVER_QUEUED = "missing", "extra", "differs", "behind", \
    "never_queued"
KIND_LABELS = {
    MISSING: _l("Sent and acknowledged, but the national database no longer holds it"),
    EXTRA: _l("Held by the national database, but not sent from here"),
    DIFFERS: _l("The national database holds other content than was sent"),
    BEHIND: _l("Approved here, not yet acknowledged by the national database"),
    NEVER_QUEUED: _l("Approved and signed here, never queued for the national database "
                     "(flask sync queue-ready)"),
}


@dataclass
class Comparison:
    counts: list = field(default_factory=list)    # [{code, ours, theirs, waiting}]
    rows: list = field(default_factory=list)      # [{kind, key, employee_id}]

    @property
    def differences(self):
        return len(self.rows)


def _accounts_to_ask(known):
    """The account codes whose records together cover every code: a code below another
    account's is answered by that account."""
    codes = sorted(known, key=lambda code: (code.count("."), code))
    asked = []
    for code in codes:
        if not any(code == top or code.startswith(top + ".") for top in asked):
            asked.append(code)
    return asked


def _theirs(client):
    if not client.known:
        raise SyncRefused(_("No account for the national database is configured "
                            "(SYNC_CREDENTIALS): there is nothing to compare with."))
    held = {}
    for account in _accounts_to_ask(client.known):
        answer = client.acknowledged(account)
        if not answer.ok:
            raise SyncRefused(_("The national database could not be compared: %(why)s",
                                why=answer.message))
        for row in answer.data.get("records") or []:
            held[row["key"]] = row
    return held


def _behind():
    """{employee id: its oldest message not yet acknowledged} (pending, failed, blocked)."""
    rows = db.session.execute(
        select(SyncMessage.employee_id, func.min(SyncMessage.id))
        .where(SyncMessage.status.in_((PENDING, FAILED, BLOCKED)))
        .group_by(SyncMessage.employee_id))
    return dict(rows.all())


def _never_queued():
    """The people whose approved version carries the signatures the sync needs and who have
    neither a message nor an acknowledged record (approved before the sync was on)."""
    signed = exists().where(Approval.version_id == RecordVersion.id,
                            Approval.step == STEP_UNIT)
    if approval.second_step_required():
        signed = signed & exists().where(Approval.version_id == RecordVersion.id,
                                         Approval.step == STEP_SO_NOI_VU)
    queued = exists().where(SyncMessage.employee_id == RecordVersion.employee_id)
    acknowledged = exists().where(SyncRecord.employee_id == RecordVersion.employee_id)
    return list(db.session.scalars(
        select(RecordVersion.employee_id).where(RecordVersion.status == APPROVED, signed,
                                                ~queued, ~acknowledged)
        .distinct().order_by(RecordVersion.employee_id)))


def _using_code(units, employee):
    using = units.of(employee)[0]
    return using.code if using is not None and using.code else ""


def compare(client):
    """The comparison (no write): what differs, and the counts per code."""
    theirs = _theirs(client)
    # keys compared by their keyed hash: the số định danh is never held here in clear
    theirs = {(row.get("org_Code") or "", crypto.keyed_hash(
        row.get("SoHieuCBCCVC_BNDP") or key[len(row.get("org_Code") or "") + 1:])): (key, row)
        for key, row in theirs.items()}
    ours = {(record.org_code, record.record_key_hash): record
            for record in db.session.scalars(select(SyncRecord))}
    behind = _behind()
    result = Comparison()
    counts = {}

    def count(code):
        return counts.setdefault(code, {"code": code, "ours": 0, "theirs": 0, "waiting": 0})

    for ours_key, record in ours.items():
        count(record.unit_code or record.org_code)["ours"] += 1
        key = "%s_%s" % (record.org_code, crypto.decrypt_text(record.record_key_enc))
        key, held = theirs.get(ours_key, (key, None))
        if held is None:
            result.rows.append({"kind": MISSING, "key": key, "employee_id": record.employee_id})
        elif held.get("digest") != record.digest and record.employee_id not in behind:
            result.rows.append({"kind": DIFFERS, "key": key,
                                "employee_id": record.employee_id})
    for their_key, (key, held) in theirs.items():
        count(held.get("MaDonviSuDung") or held.get("org_Code") or "")["theirs"] += 1
        if their_key not in ours:
            result.rows.append({"kind": EXTRA, "key": key, "employee_id": None})
    if behind:
        units = mapping.Units()
        people = {employee.id: employee for employee in db.session.scalars(
            select(Employee).where(Employee.id.in_(list(behind))))}
        for employee_id in sorted(behind):
            count(_using_code(units, people[employee_id]))["waiting"] += 1
            result.rows.append({"kind": BEHIND, "key": None, "employee_id": employee_id})
    never = _never_queued()
    if never:
        units = mapping.Units()
        for employee in db.session.scalars(select(Employee).where(Employee.id.in_(never))):
            count(_using_code(units, employee))["waiting"] += 1
            result.rows.append({"kind": NEVER_QUEUED, "key": None,
                                "employee_id": employee.id})
    result.counts = sorted(counts.values(), key=lambda row: row["code"])
    result.rows.sort(key=lambda row: (row["kind"], row["key"] or "", row["employee_id"] or 0))
    return result


@atomic
def reconcile(actor=None, client=None):
    """Compare now and keep the comparison (the screen's history); returns the row."""
    own_client = client is None
    client = client or wire.Client()
    try:
        result = compare(client)
    finally:
        if own_client:
            client.close()
    row = SyncReconciliation(run_at=clock.now(), run_by=getattr(actor, "id", None),
                             differences=result.differences, counts=result.counts,
                             rows=crypto.encrypt_json(result.rows))
    db.session.add(row)
    db.session.flush()
    audit.record("sync.reconcile", row, actor=actor,
                 details={"differences": result.differences})
    return row


def latest(limit=20):
    return list(db.session.scalars(select(SyncReconciliation)
                                   .order_by(SyncReconciliation.id.desc()).limit(limit)))


def rows_of(reconciliation):
    """The differences of a kept comparison, each with the person's name where known."""
    rows = crypto.decrypt_json(reconciliation.rows) or []
    ids = sorted({row["employee_id"] for row in rows if row.get("employee_id")})
    names = dict(db.session.execute(select(Employee.id, Employee.full_name).where(
        Employee.id.in_(ids))).all()) if ids else {}
    for row in rows:
        row["name"] = names.get(row.get("employee_id"))
        row["label"] = KIND_LABELS.get(row["kind"], row["kind"])
    return rows


def work(today, period):
    """The daily job: compare, keep the comparison, and say what it found."""
    row = reconcile()
    return _l("%(n)d differences with the national database", n=row.differences)


@dataclass
class ReconciliationPage:
    runs: list
    shown: object
    rows: list


def page(actor, run_id=None):
    """The last comparisons and one of them (the newest, or ``run_id``) with its
    differences; the read is audited (the rows name people)."""
    runs = latest()
    shown = next((run for run in runs if run.id == run_id), None) if run_id else None
    if shown is None and run_id:
        shown = db.session.get(SyncReconciliation, run_id)
    shown = shown or (runs[0] if runs else None)
    rows = rows_of(shown) if shown is not None else []
    audit.record("sync.reconciliation_read", shown, actor=actor,
                 object_type="SyncReconciliation",
                 details={"differences": shown.differences if shown else None})
    return ReconciliationPage(runs=runs, shown=shown, rows=rows)
