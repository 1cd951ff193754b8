"""Writing and verifying the audit log.

Each entry carries an HMAC-SHA256 of its own content and of the entry before it,
keyed with AUDIT_CHAIN_KEY, a key kept outside the database: an altered, removed
or inserted entry breaks the chain (`flask audit verify`), and whoever can write
the table cannot compute a chain that verifies. Entries written before the chain
was keyed (plain SHA-256) are accepted only as the log's first entries.

Anchors (`flask audit anchor`, at least daily) write the head of the chain to a
file outside the database (AUDIT_ANCHOR_FILE), each line with its own HMAC: a log
cut short before its last anchor, or recomputed, no longer reaches the anchored
entry.

Higher layers may add anchors of their own (``use_anchor_source``): the approval
layer's month seals carry the chain's head inside a signed PDF, so truncating the log
shows even where the anchor file was lost with the server.

Entries are written in the transaction of the action they record: an action that
rolls back leaves no entry, and no entry exists without it.
"""
import datetime
import hashlib
import hmac
import json
import os
import threading

from flask import current_app, g, has_request_context, request
from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.orm import Session, selectinload

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


# SQLite has no advisory lock: the appends of one process (the development server's
# threads) are serialised here, from the append to the end of its transaction, so
# that two requests never chain to the same entry
_SQLITE_APPENDS = threading.Lock()


def _chain_key():
    return current_app.config["AUDIT_CHAIN_KEY"].encode("utf-8")


def _canonical(entry):
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
    return json.dumps(content, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def entry_digest(entry):
    """The entry's keyed hash (HMAC-SHA256 with AUDIT_CHAIN_KEY)."""
    return hmac.new(_chain_key(), _canonical(entry), hashlib.sha256).hexdigest()


def legacy_digest(entry):
    """The unkeyed SHA-256 of the entries written before the chain was keyed."""
    return hashlib.sha256(_canonical(entry)).hexdigest()


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
        return _append(actor, action, object_type, object_id, unit_id, details)
    session = db.session()
    if not session.info.get("audit_append_lock"):
        # held until this transaction ends (below), so that the entry is committed
        # before another transaction of this process reads the head
        _SQLITE_APPENDS.acquire()
        session.info["audit_append_lock"] = True
    return _append(actor, action, object_type, object_id, unit_id, details)


@event.listens_for(Session, "after_transaction_end")
def _release_sqlite_appends(session, transaction):
    if transaction.parent is None and session.info.pop("audit_append_lock", False):
        _SQLITE_APPENDS.release()


def _append(actor, action, object_type, object_id, unit_id, details):
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
    """Walk the whole log and check it against the anchors; returns (number of
    entries, list of (entry id, problem)): "hash" (content altered, or an entry
    recomputed without the key), "prev_hash" (an entry removed or inserted before
    it), "anchor" (the log no longer reaches an anchored entry: cut short or
    rewritten)."""
    problems = []
    expected_prev = GENESIS_HASH
    count = 0
    last_id = 0
    keyed_seen = False
    hashes_at = {}
    anchors = {anchor["last_id"]: anchor for anchor in read_anchors()}
    signed = {}
    for source in _anchor_sources:
        for anchor in source():
            signed.setdefault(anchor["last_id"], anchor)
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
            if entry_digest(entry) == entry.hash:
                keyed_seen = True
            elif keyed_seen or legacy_digest(entry) != entry.hash:
                problems.append((entry.id, "hash"))
            if entry.id in anchors or entry.id in signed:
                hashes_at[entry.id] = (entry.hash, count)
            expected_prev = entry.hash
            last_id = entry.id
        db.session.expunge_all()
    for kind, found in (("anchor", anchors), ("signed_anchor", signed)):
        for anchor_id, anchor in found.items():
            if hashes_at.get(anchor_id) != (anchor["last_hash"], anchor["count"]):
                problems.append((anchor_id, kind))
    return count, problems


# functions returning anchors ({last_id, last_hash, count}) kept elsewhere, registered
# by higher layers (the approval layer's signed month seals)
_anchor_sources = []


def use_anchor_source(source):
    """Register a function returning anchors that verify_chain also checks."""
    if source not in _anchor_sources:
        _anchor_sources.append(source)


def chain_head():
    """The chain's head now: {last_id, last_hash, count}, or None for an empty log."""
    head = db.session.execute(select(AuditEntry.id, AuditEntry.hash)
                              .order_by(AuditEntry.id.desc()).limit(1)).first()
    if head is None:
        return None
    count = db.session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.id <= head.id))
    return {"last_id": head.id, "last_hash": head.hash, "count": count}


# --- anchors outside the database -----------------------------------------------------------

def _anchor_mac(anchor):
    fields = "%(at)s|%(last_id)d|%(last_hash)s|%(count)d" % anchor
    return hmac.new(_chain_key(), fields.encode("utf-8"), hashlib.sha256).hexdigest()


def anchor_head():
    """Append the chain's head (its last entry and the number of entries) to the
    anchor file; returns the anchor, or None for an empty log."""
    head = chain_head()
    if head is None:
        return None
    anchor = dict(at=clock.now().astimezone(datetime.timezone.utc).isoformat(), **head)
    anchor["mac"] = _anchor_mac(anchor)
    path = current_app.config["AUDIT_ANCHOR_FILE"]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(anchor, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return anchor


class AnchorFileAltered(RuntimeError):
    """A line of the anchor file does not carry its own HMAC."""


def read_anchors():
    """The anchors of the file (none when it does not exist yet); raises
    AnchorFileAltered for a line whose HMAC does not match."""
    path = current_app.config["AUDIT_ANCHOR_FILE"]
    if not os.path.exists(path):
        return []
    anchors = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                anchor = json.loads(line)
                valid = hmac.compare_digest(anchor["mac"], _anchor_mac(anchor))
            except (ValueError, KeyError, TypeError):
                valid = False
            if not valid:
                raise AnchorFileAltered(number)
            anchors.append(anchor)
    return anchors


def load_relations(model, items, relations):
    """Load ``relations`` of the loaded ``items`` of ``model`` for the audited list
    views (views.AuditedReadsMixin): one statement for the rows' keys and one per
    relation, instead of one per row and relation when the list shows them."""
    if not items:
        return
    (key,) = inspect(model).primary_key
    db.session.scalars(select(model).where(key.in_([getattr(item, key.key) for item in items]))
                       .options(*(selectinload(getattr(model, name)) for name in relations))
                       ).all()
