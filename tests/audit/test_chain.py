"""The audit log is append-only and its hash chain shows any alteration."""
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.extensions import db
from tests.accounts.conftest import account


def _write_entries(app, n=3):
    with app.app_context():
        ids = []
        for i in range(n):
            ids.append(audit.record("unit.read", object_type="Unit", object_id=i,
                                    details={"lần": i, "ghi_chú": "Sở Nội vụ"}).id)
        db.session.commit()
        db.session.remove()
    return ids


def _verify(app):
    with app.app_context():
        result = audit.verify_chain()
        db.session.remove()
    return result


def _as_superuser(app, statement, **params):
    """What someone with direct database access could do, triggers aside."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER USER"))
        connection.execute(text(statement), params)
        connection.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER USER"))
    engine.dispose()


def test_entries_chain_and_verify(app):
    ids = _write_entries(app)
    count, problems = _verify(app)
    assert count >= 3 and problems == []
    with app.app_context():
        entries = [db.session.get(AuditEntry, i) for i in ids]
        assert entries[1].prev_hash == entries[0].hash
        assert entries[2].prev_hash == entries[1].hash
        assert all(e.hash == audit.entry_digest(e) for e in entries)
        db.session.remove()


def test_the_database_refuses_to_change_or_delete_an_entry(app):
    entry_id = _write_entries(app, 1)[0]
    with app.app_context():
        for statement in ("UPDATE audit_entry SET action = 'x' WHERE id = :id",
                          "DELETE FROM audit_entry WHERE id = :id"):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement), {"id": entry_id})
            db.session.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("TRUNCATE audit_entry"))
        db.session.rollback()
        assert db.session.get(AuditEntry, entry_id).action == "unit.read"
        db.session.remove()


def test_an_altered_entry_is_reported_by_the_cli(app):
    ids = _write_entries(app)
    original = None
    with app.app_context():
        original = db.session.get(AuditEntry, ids[1]).details
        db.session.remove()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    _as_superuser(app, "UPDATE audit_entry SET details = :d WHERE id = :id",
                  d='{"lần": 99}', id=ids[1])
    try:
        result = runner.invoke(args=["audit", "verify"])
        assert result.exit_code == 1
        assert "Bản ghi nhật ký %d: nội dung không khớp với mã băm." % ids[1] in result.output
        _count, problems = _verify(app)
        assert problems == [(ids[1], "hash")]
    finally:
        _as_superuser(app, "UPDATE audit_entry SET details = :d WHERE id = :id",
                      d=original, id=ids[1])
    assert _verify(app)[1] == []


def test_a_removed_entry_breaks_the_chain(app):
    ids = _write_entries(app)
    with app.app_context():
        row = db.session.execute(text("SELECT * FROM audit_entry WHERE id = :id"),
                                 {"id": ids[1]}).mappings().one()
        db.session.remove()
    _as_superuser(app, "DELETE FROM audit_entry WHERE id = :id", id=ids[1])
    try:
        _count, problems = _verify(app)
        assert problems == [(ids[2], "prev_hash")]
    finally:
        columns = ", ".join(row.keys())
        _as_superuser(app, "INSERT INTO audit_entry (%s) VALUES (%s)" % (
            columns, ", ".join(":" + k for k in row.keys())), **row)
    assert _verify(app)[1] == []


def test_entries_never_hold_passwords(app, province, client):
    from tests.conftest import login
    from tests.security import world as w

    login(client, "canbo", "sai-mat-khau")
    login(client, "canbo", w.PASSWORD)
    with app.app_context():
        from app.accounts import services

        temporary = services.reset_password(account("canbo"), account("giaovien"))
        text_of_log = " ".join(e.details for e in db.session.query(AuditEntry))
        assert "sai-mat-khau" not in text_of_log and w.PASSWORD not in text_of_log
        assert temporary not in text_of_log
        db.session.remove()


def test_the_log_has_no_edit_or_delete_screen(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert {e for e in endpoints if e.startswith("AuditLogView.")} == {
        "AuditLogView.list", "AuditLogView.show"}
