"""Writing and verifying the audit log.

Each entry carries the SHA-256 of its own content and of the entry before it,
so an altered, removed or inserted entry breaks the chain (`flask audit
verify`). Entries are written in the transaction of the action they record:
an action that rolls back leaves no entry, and no entry exists without it.
"""
import datetime
import hashlib
import json

from flask import g, has_request_context, request
from sqlalchemy import select, text

from app.audit.models import AuditEntry
from app.core import clock
from app.extensions import db

GENESIS_HASH = "0" * 64
# pg_advisory_xact_lock key: appends are serialized so the chain stays linear
AUDIT_LOCK_KEY = 0x486F536F  # "HoSo"


def _utc(moment):
    if moment.tzinfo is None:  # SQLite returns what it stored, naive UTC
        return moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc)


def entry_digest(entry):
    content = {
        "at": _utc(entry.at).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "ip_address": entry.ip_address,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "unit_id": entry.unit_id,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _current_actor():
    user = getattr(g, "user", None) if has_request_context() else None
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def record(action, obj=None, object_type=None, object_id=None, unit_id=None,
           details=None, actor=None):
    """Append one entry to the log in the current transaction; returns it."""
    actor = actor or _current_actor()
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
        unit_id = unit_id if unit_id is not None else getattr(obj, "unit_id", None)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    previous = db.session.scalar(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    )
    entry = AuditEntry(
        at=clock.now().astimezone(datetime.timezone.utc),
        actor_id=getattr(actor, "id", None),
        actor_username=getattr(actor, "username", None),
        ip_address=request.remote_addr if has_request_context() else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        unit_id=unit_id,
        details=json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str),
        prev_hash=previous or GENESIS_HASH,
    )
    entry.hash = entry_digest(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


def verify_chain(batch_size=5000):
    """Walk the whole log; returns (number of entries, list of problems)."""
    problems = []
    expected_prev = GENESIS_HASH
    count = 0
    last_id = 0
    while True:
        batch = db.session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id)
            .order_by(AuditEntry.id).limit(batch_size)
        ).all()
        if not batch:
            break
        for entry in batch:
            count += 1
            if entry.prev_hash != expected_prev:
                problems.append((entry.id, "prev_hash"))
            if entry_digest(entry) != entry.hash:
                problems.append((entry.id, "hash"))
            expected_prev = entry.hash
            last_id = entry.id
        db.session.expunge_all()
    return count, problems
