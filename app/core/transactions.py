"""One transaction per service call that writes several rows; and the commit of a
page's read.

A write commits with ``atomic`` (or ``db.session.commit()``): every loaded object
expires, so what database triggers maintain (the unit path copied onto employees,
for one) is read afresh. A read commits its audit entry with ``commit_read``
before the page renders: the rows the read loaded stay loaded, so the template
does not reload them one statement at a time.
"""
import functools
import weakref

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

# session.info key: what this transaction's flushes wrote (see _note_writes)
_WRITTEN = "hoso_written"


def atomic(operation):
    """Commit once at the end; on a refusal, roll back whatever was touched."""

    @functools.wraps(operation)
    def run(*args, **kwargs):
        try:
            result = operation(*args, **kwargs)
            db.session.commit()
            return result
        except Exception:
            db.session.rollback()
            raise

    return run


def commit_read():
    """Commit the read's audit entry (and whatever else the transaction inserted)
    without expiring the rows the read loaded, so that the page renders from them.

    Only what the transaction inserted expires, as after any commit. A transaction
    that updated or deleted a row is no read: it commits like a write, everything
    expiring (a trigger may have changed rows it did not name). The session's own
    ``expire_on_commit`` stays as it is for every other commit.
    """
    session = db.session()
    session.flush()
    written = session.info.get(_WRITTEN) or _Written()
    if written.changed:
        session.commit()
        return
    inserted = [instance for instance in (ref() for ref in written.inserted)
                if instance is not None]
    expire_on_commit = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit
    for instance in inserted:
        if instance in session:
            session.expire(instance)


class _Written:
    __slots__ = ("inserted", "changed")

    def __init__(self):
        # the objects the transaction inserted, weakly held (the rows of a long import
        # may be let go before it commits)
        self.inserted = []
        self.changed = False    # whether it updated or deleted any row


@event.listens_for(Session, "after_flush")
def _note_writes(session, _flush_context):
    """What each flush wrote, kept until the transaction ends (after_flush still sees
    the flush's new, dirty and deleted objects)."""
    written = session.info.get(_WRITTEN)
    if written is None:
        written = session.info[_WRITTEN] = _Written()
    written.inserted.extend(weakref.ref(instance) for instance in session.new)
    if session.deleted or any(session.is_modified(instance) for instance in session.dirty):
        written.changed = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session, transaction):
    if transaction.parent is None:
        session.info.pop(_WRITTEN, None)
