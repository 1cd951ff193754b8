"""Keeping the reporting facts (app/reports/models.py) equal to the records.

One path writes them: ``refresh(connection, employee_ids)`` reads each person's unit and
status and their latest approved version and upserts the row, and beside it the row of
its quality's wide text (ReportFactQuality). The session's
``after_flush`` calls it for every person whose record was approved, or whose unit, status
or category changed, or who was entered, in the flush that wrote the change, so the
facts commit or roll back with it; `flask reports rebuild` calls it for everyone. Because
both run the same function, the rebuild equals the incremental path (a test replays a
lifecycle and compares).

The listener reads through the flush's own connection (Core statements: no autoflush,
no ORM objects), so it sees the rows the flush just wrote.
"""
from sqlalchemy import create_engine, delete, event, func, inspect, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.audit import services as audit
from app.core import clock
from app.extensions import db
from app.org.models import Employee, Unit
from app.records.models import APPROVED, RecordVersion
from app.reports import facts, quality
from app.reports.models import QUALITY_COLUMNS, ReportFact, ReportFactQuality

# people per statement: the IN list of a refresh, the batch of a rebuild
BATCH = 1000
# what makes a person's facts stale
EMPLOYEE_ATTRIBUTES = ("status", "unit_id", "category", "full_name", "national_id_hash")


def _facts_query(employee_ids):
    latest = select(RecordVersion.employee_id,
                    func.max(RecordVersion.number).label("number")).where(
        RecordVersion.status == APPROVED,
        RecordVersion.employee_id.in_(employee_ids)).group_by(
        RecordVersion.employee_id).subquery()
    return select(Employee.id, Employee.unit_id, func.coalesce(Employee.unit_path, Unit.path),
                  Employee.category, Employee.status, RecordVersion.id,
                  RecordVersion.content, RecordVersion.sensitive, RecordVersion.decided_at,
                  Employee.full_name, Employee.national_id_hash,
                  RecordVersion.completeness).select_from(Employee).join(
        Unit, Unit.id == Employee.unit_id).outerjoin(
        latest, latest.c.employee_id == Employee.id).outerjoin(
        RecordVersion, (RecordVersion.employee_id == latest.c.employee_id)
        & (RecordVersion.number == latest.c.number)).where(Employee.id.in_(employee_ids))


def rows_for(connection, employee_ids):
    """The ReportFact rows (dicts) of these people, from the database as it is now, each
    with its ReportFactQuality columns (``refresh`` writes those beside it)."""
    now = clock.now()
    rows, checked = [], []
    for employee_id, unit_id, path, category, status, version_id, content, sensitive, \
            decided_at, name, id_hash, completeness in connection.execute(
                _facts_query(list(employee_ids))):
        row = dict(facts.record_facts(content) if version_id else facts.EMPTY)
        row.update(employee_id=employee_id, version_id=version_id, unit_id=unit_id,
                   unit_path=path or "", category=category, status=status,
                   completeness=completeness, refreshed_at=now)
        rows.append(row)
        checked.append((row, content if version_id else None, sensitive, decided_at, name,
                        id_hash))
    # Đúng, Đủ, Sạch and the open version's days (app/reports/quality.py)
    quality.quality_columns(connection, checked)
    return rows


def _quality_of(rows):
    """Take ReportFactQuality's columns out of the fact rows; returns those rows (one
    per fact)."""
    return [dict({name: row.pop(name, None) for name in QUALITY_COLUMNS},
                 employee_id=row["employee_id"]) for row in rows]


def _upsert(connection, table, rows):
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
    columns = {name: statement.excluded[name] for name in rows[0] if name != "employee_id"}
    # executemany: the statement is compiled once (and cached), the rows sent in batches
    connection.execute(statement.on_conflict_do_update(index_elements=["employee_id"],
                                                       set_=columns), rows)


def refresh(connection, employee_ids):
    """Write the facts of these people (in the caller's transaction); returns how many."""
    employee_ids = sorted(set(employee_ids))
    written = 0
    for start in range(0, len(employee_ids), BATCH):
        batch = employee_ids[start:start + BATCH]
        rows = rows_for(connection, batch)
        if rows:
            beside = _quality_of(rows)
            before = quality.keys_of(connection, batch)
            _upsert(connection, ReportFact.__table__, rows)
            _upsert(connection, ReportFactQuality.__table__, beside)
            # the duplicates a row starts or ends, on every row sharing its keys
            quality.mark_duplicates(connection, before, beside)
            written += len(rows)
    return written


def rebuild(actor=None):
    """Every person's facts again from the records, in one transaction; returns how
    many rows. For a new installation, after a bulk load, or to check the incremental
    path."""
    connection = db.session.connection()
    connection.execute(delete(ReportFactQuality.__table__))
    connection.execute(delete(ReportFact.__table__))
    ids = list(db.session.scalars(select(Employee.id).order_by(Employee.id)))
    written = refresh(connection, ids)
    audit.record("reports.rebuild", object_type="ReportFact", actor=actor,
                 details={"rows": written})
    db.session.commit()
    return written


def refresh_statistics(owner_url):
    """VACUUM ANALYZE the facts' two tables (PostgreSQL; nothing elsewhere), as their
    owner (``owner_url``: the app's role owns nothing, and VACUUM skips a table its
    caller does not own): after a migration rewrote them or a rebuild replaced every row,
    the planner's statistics and the visibility map (which lets a count answer from an
    index alone) are those of the old rows until autovacuum comes, which it does only
    once enough rows change."""
    db.session.remove()
    if db.engine.dialect.name != "postgresql":
        return False
    engine = create_engine(owner_url, poolclass=NullPool)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in (ReportFact.__table__, ReportFactQuality.__table__):
                connection.execute(text("VACUUM ANALYZE %s" % table.name))
    finally:
        engine.dispose()
    return True


def needs_rebuild():
    """Whether people exist but no facts do (a database migrated to this piece)."""
    return db.session.scalar(select(ReportFact.employee_id).limit(1)) is None and \
        db.session.scalar(select(Employee.id).limit(1)) is not None


# --- the incremental path -------------------------------------------------------------------

def _changed(obj, attribute):
    return inspect(obj).attrs[attribute].history.has_changes()


def stale_people(session):
    """The ids of the people whose facts this flush changes."""
    stale = set()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, RecordVersion):
            # a new version (a draft opened: a change's term starts) or a new state
            if obj in session.new or _changed(obj, "status"):
                stale.add(obj.employee_id)
        elif isinstance(obj, Employee):
            if obj in session.new or any(_changed(obj, name) for name in EMPLOYEE_ATTRIBUTES):
                stale.add(obj.id)
    stale.discard(None)
    return stale


def _after_flush(session, _flush_context):
    stale = stale_people(session)
    if quality.catalogs_changed(session):
        # a code that was an orphan may be one of its catalog's now (Sạch)
        stale |= quality.people_with_orphans(session.connection())
    if stale:
        refresh(session.connection(), stale)


def register_hooks():
    """Listen to every session's flushes (idempotent)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
