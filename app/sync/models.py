"""The national sync's outbox and what the receiver acknowledged.

``SyncMessage`` is one message to send (M0001–M0006 with its action), written in the
transaction of the change that makes it due: a version's approval (its last signature the
profile asks for), a move or a status change of a person already sent. The sender (app/sync/
services.py, run by the jobs' runner) sends a person's messages in the order they were
written, each with an idempotency key kept across retries, so a retry never stores a record
twice. A message the receiver's own rules would refuse is written ``blocked`` with the
reasons, field by field, and is never sent; a message that failed for good waits in the
dead letters (``failed``) until an officer sends it again.

``SyncRecord`` is, per person, what the receiver holds: the record's key, the account
code it lives under, the version last acknowledged and the digest of its content, which
reconciliation compares with the receiver's.

Neither table holds the record's content: the document is built from the approved version
when it is sent, so no personal data waits here in clear (the record key, a số định danh,
is kept hashed and encrypted).
"""
from flask_appbuilder import Model
from sqlalchemy import (
    JSON, Column, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text, select,
)
from sqlalchemy.orm import relationship

from app.org.models import Employee, own_record
from app.security import roles
from app.security.scope import scoped

# a message's states
BLOCKED = "blocked"          # the receiver's rules would refuse it: never sent
PENDING = "pending"          # to send (again, after a transient failure)
SENT = "sent"                # acknowledged (err_code 0)
FAILED = "failed"            # refused, or out of tries: a dead letter
SUPERSEDED = "superseded"    # a blocked message replaced by a later approval's
STATES = (BLOCKED, PENDING, SENT, FAILED, SUPERSEDED)

# why a message was written
APPROVED_CHANGE = "approved"   # a version approved (and signed by Sở Nội vụ where asked)
MOVED = "moved"                # the person's unit changed (a transfer, a restructuring)
STATUS_CHANGED = "status"      # retired, resigned, dismissed, deceased, transferred out …
REASONS = (APPROVED_CHANGE, MOVED, STATUS_CHANGED)


def _own(user):
    return SyncMessage.employee_id.in_(
        select(Employee.id).where(own_record(user)).scalar_subquery())


@scoped(roles.SYNC, own=_own, subtree="unit_id")
class SyncMessage(Model):
    __tablename__ = "sync_message"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    # the person's unit when the message was written: the board's scope
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    version_id = Column(Integer, ForeignKey("record_version.id"), nullable=False)
    reason = Column(String(16), nullable=False)
    message = Column(String(8), nullable=False)          # M0001 … M0006
    action = Column(String(8), nullable=False)           # ADD | EDIT | DEL
    org_code = Column(String(64), nullable=True)         # the envelope's org_Code
    # {section name: sha256 of its document}: what the next change is compared with
    section_digests = Column(JSON, nullable=True)
    status = Column(String(16), nullable=False)
    problems = Column(JSON, nullable=True)     # [[label, message, field], …] when blocked
    idempotency_key = Column(String(64), nullable=False)
    attempts = Column(SmallInteger, nullable=False, default=0)
    next_attempt_at = Column(DateTime(timezone=True), nullable=True)
    timed_out = Column(SmallInteger, nullable=False, default=0)   # tries without an answer
    last_error = Column(String(1000), nullable=True)
    transaction_id = Column(String(64), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False)
    sent_at = Column(DateTime(timezone=True), nullable=True)
    requeued_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    requeued_at = Column(DateTime(timezone=True), nullable=True)
    row_version = Column(Integer, nullable=False, default=1)

    employee = relationship(Employee, lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (
        Index("ix_sync_message_due", "status", "next_attempt_at"),
        Index("ix_sync_message_employee", "employee_id", "id"),
        Index("ix_sync_message_unit", "unit_id", "status"),
        Index("uq_sync_message_idempotency", "idempotency_key", unique=True),
    )


class SyncRecord(Model):
    """What the receiver acknowledged for one person (one row per person sent)."""
    __tablename__ = "sync_record"

    employee_id = Column(Integer, ForeignKey("employee.id"), primary_key=True)
    org_code = Column(String(64), nullable=False)
    # SoHieuCBCCVC_BNDP is the số định danh cá nhân (NĐ 27/2026): kept as its keyed hash
    # (to compare with the receiver's keys) and encrypted (to show it to Sở Nội vụ)
    record_key_hash = Column(String(64), nullable=False)
    record_key_enc = Column(Text, nullable=False)
    unit_code = Column(String(64), nullable=True)     # MaDonviSuDung, as last sent
    version_id = Column(Integer, ForeignKey("record_version.id"), nullable=False)
    digest = Column(String(64), nullable=False)
    section_digests = Column(JSON, nullable=False)
    transaction_id = Column(String(64), nullable=True)
    acknowledged_at = Column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        Index("uq_sync_record_key", "org_code", "record_key_hash", unique=True),
    )


class SyncReconciliation(Model):
    """One comparison of what the province holds as sent with what the receiver holds:
    counts per unit code and the records that differ. The rows name record keys (the số
    định danh under NĐ 27/2026), so they are stored encrypted (``core.crypto``)."""
    __tablename__ = "sync_reconciliation"

    id = Column(Integer, primary_key=True)
    run_at = Column(DateTime(timezone=True), nullable=False)
    run_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True)
    differences = Column(Integer, nullable=False)
    counts = Column(JSON, nullable=False)     # [{code, ours, theirs, waiting}, …]
    rows = Column(Text, nullable=False)       # encrypted JSON: [{kind, key, employee_id}, …]
    problem = Column(String(1000), nullable=True)    # why it could not compare (down …)

    __table_args__ = (Index("ix_sync_reconciliation_run", "run_at"),)


# a pull's states (the pull on transfer-in, app/sync/pull.py)
PULL_FETCHED = "fetched"        # the receiver returned the record: the unit checks it
PULL_NOT_FOUND = "not_found"    # the receiver holds no record under the key
PULL_FAILED = "failed"          # the receiver answered with something that is no record
PULL_APPLIED = "applied"        # a draft of the record was made from it
PULL_DISMISSED = "dismissed"    # the unit set it aside
PULL_STATES = (PULL_FETCHED, PULL_NOT_FOUND, PULL_FAILED, PULL_APPLIED, PULL_DISMISSED)


def _pull_own(user):
    return SyncPull.employee_id.in_(
        select(Employee.id).where(own_record(user)).scalar_subquery())


@scoped(roles.SYNC, own=_pull_own, subtree="unit_id")
class SyncPull(Model):
    """One read of a received person's record from the national database (the "request
    from the national database" of a transfer in from outside): what came back, kept
    encrypted for the receiving unit to check, and what the unit did with it. Nothing of
    it reaches the record but through a draft the unit makes and submits as usual.

    The record key names the số định danh cá nhân (NĐ 27/2026): it is kept as its keyed
    hash (look-ups) and encrypted (the screen), never in clear."""
    __tablename__ = "sync_pull"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("transfer_case.id"), nullable=False)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    # the receiving unit: the pull's scope
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    # the previous agency's unit code (org_Code of the key), as the officer entered it
    org_code = Column(String(64), nullable=False)
    record_key_hash = Column(String(64), nullable=False)
    record_key = Column(Text, nullable=False)             # encrypted
    fetched_at = Column(DateTime(timezone=True), nullable=False)
    fetched_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    status = Column(String(16), nullable=False)
    content = Column(Text, nullable=True)                 # encrypted JSON: HOSO_CBCCVC
    message = Column(String(1000), nullable=True)         # the receiver's words
    applied_version_id = Column(Integer, ForeignKey("record_version.id"), nullable=True)
    decided_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    decided_at = Column(DateTime(timezone=True), nullable=True)
    row_version = Column(Integer, nullable=False, default=1)

    employee = relationship(Employee, lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (
        Index("ix_sync_pull_case", "case_id", "id"),
        Index("ix_sync_pull_unit", "unit_id", "status"),
        Index("ix_sync_pull_key", "record_key_hash"),
    )
