"""The audit log: append-only, each entry chained to the previous by hash."""
from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Index, Integer, String, Text

from app.security import roles
from app.security.scope import scoped


def _own_entries(user):
    return AuditEntry.actor_id == user.id


@scoped(roles.AUDIT_LOG, own=_own_entries, subtree="unit_id")
class AuditEntry(Model):
    __tablename__ = "audit_entry"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False)
    actor_id = Column(Integer, nullable=True)        # no FK: entries outlive anything
    actor_username = Column(String(128), nullable=True)
    ip_address = Column(String(64), nullable=True)
    action = Column(String(64), nullable=False)      # e.g. account.create, account.read
    object_type = Column(String(64), nullable=True)
    object_id = Column(String(64), nullable=True)
    unit_id = Column(Integer, nullable=True)
    # JSON: what changed (field names, non-sensitive values), never passwords
    details = Column(Text, nullable=False, default="{}")
    prev_hash = Column(String(64), nullable=False)
    hash = Column(String(64), nullable=False, unique=True)

    __table_args__ = (
        Index("ix_audit_entry_object", "object_type", "object_id"),
        Index("ix_audit_entry_actor", "actor_id"),
        {"extend_existing": True},
    )
