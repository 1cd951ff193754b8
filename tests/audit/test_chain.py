"""The audit log is append-only and its hash chain shows any alteration."""
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.extensions import db
from tests.accounts.conftest import account
from tests.conftest import APP_ROLE


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
    engine = create_engine(app.config["DATABASE_OWNER_URL"])
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


def test_the_apps_role_may_only_read_and_append_the_audit_log(app):
    entry_id = _write_entries(app, 1)[0]
    with app.app_context():
        assert db.session.scalar(text("SELECT current_user")) == APP_ROLE
        assert not db.session.scalar(text(
            "SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles "
            "WHERE rolname = current_user"))
        for statement in ("UPDATE audit_entry SET action = 'x' WHERE id = :id",
                          "DELETE FROM audit_entry WHERE id = :id",
                          "TRUNCATE audit_entry",
                          # what a superuser did to rewrite the chain
                          "ALTER TABLE audit_entry DISABLE TRIGGER USER",
                          "DROP TRIGGER audit_entry_no_change ON audit_entry",
                          "SET session_replication_role = replica",
                          "CREATE TABLE audit_copy (id integer)"):
            with pytest.raises(DBAPIError, match="permission denied|must be owner"):
                db.session.execute(text(statement), {"id": entry_id})
            db.session.rollback()
        # granting itself more is a no-op (PostgreSQL warns, grants nothing)
        db.session.execute(text("GRANT UPDATE, DELETE, TRUNCATE ON audit_entry TO %s"
                                % APP_ROLE))
        for privilege in ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER"):
            assert not db.session.scalar(text(
                "SELECT has_table_privilege('audit_entry', :p)"), {"p": privilege})
        db.session.rollback()
        assert db.session.get(AuditEntry, entry_id).action == "unit.read"
        # and the app's ordinary work goes on: it reads and appends
        audit.record("unit.read", object_type="Unit", object_id=1)
        db.session.commit()
        db.session.remove()


def test_the_database_refuses_even_its_owner_to_change_or_delete_an_entry(app):
    entry_id = _write_entries(app, 1)[0]
    engine = create_engine(app.config["DATABASE_OWNER_URL"])
    for statement in ("UPDATE audit_entry SET action = 'x' WHERE id = :id",
                      "DELETE FROM audit_entry WHERE id = :id",
                      "TRUNCATE audit_entry"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement), {"id": entry_id})
    engine.dispose()
    with app.app_context():
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


def _entry_row(app, entry_id):
    with app.app_context():
        row = dict(db.session.execute(text("SELECT * FROM audit_entry WHERE id = :id"),
                                      {"id": entry_id}).mappings().one())
        db.session.remove()
    return row


def _reinsert(app, rows):
    for row in rows:
        columns = ", ".join(row)
        _as_superuser(app, "INSERT INTO audit_entry (%s) VALUES (%s)" % (
            columns, ", ".join(":" + k for k in row)), **row)


def test_a_removed_entry_with_the_chain_recomputed_is_detected(app):
    """Whoever deletes an entry and recomputes the following hashes has no key: the
    recomputed entries no longer carry the keyed hash."""
    import hashlib

    ids = _write_entries(app)
    originals = [_entry_row(app, i) for i in ids[1:]]
    _as_superuser(app, "DELETE FROM audit_entry WHERE id = :id", id=ids[1])
    # the attacker's chain: the entry after the removed one linked to the one before,
    # rehashed the only way they can (the unkeyed SHA-256 of the old scheme)
    with app.app_context():
        before = db.session.get(AuditEntry, ids[0]).hash
        later = db.session.get(AuditEntry, ids[2])
        later.prev_hash = before
        forged = hashlib.sha256(audit._canonical(later)).hexdigest()
        db.session.rollback()
        db.session.remove()
    _as_superuser(app, "UPDATE audit_entry SET prev_hash = :p, hash = :h WHERE id = :id",
                  p=before, h=forged, id=ids[2])
    try:
        _count, problems = _verify(app)
        assert (ids[2], "hash") in problems
    finally:
        _as_superuser(app, "DELETE FROM audit_entry WHERE id = :id", id=ids[2])
        _reinsert(app, originals)
    assert _verify(app)[1] == []


def test_the_last_entries_cut_off_after_an_anchor_are_detected(app):
    ids = _write_entries(app, 5)
    runner = app.test_cli_runner()
    anchored = runner.invoke(args=["audit", "anchor"])
    assert anchored.exit_code == 0 and "%d" % ids[-1] in anchored.output
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    tail = [_entry_row(app, i) for i in ids[-3:]]
    _as_superuser(app, "DELETE FROM audit_entry WHERE id >= :first", first=ids[-3])
    try:
        _count, problems = _verify(app)
        assert problems == [(ids[-1], "anchor")]
        result = runner.invoke(args=["audit", "verify"])
        assert result.exit_code == 1 and "bị cắt bớt hoặc bị viết lại" in result.output
    finally:
        _reinsert(app, tail)
    assert _verify(app)[1] == []


def test_an_altered_anchor_file_is_reported(app, tmp_path):
    _write_entries(app, 1)
    with app.app_context():
        anchor = audit.anchor_head()
        db.session.remove()
    path = app.config["AUDIT_ANCHOR_FILE"]
    with open(path, encoding="utf-8") as handle:
        lines = handle.readlines()
    try:
        lines[-1] = lines[-1].replace('"count": %d' % anchor["count"],
                                      '"count": %d' % (anchor["count"] - 1))
        with open(path, "w", encoding="utf-8") as handle:
            handle.writelines(lines)
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 1 and "tệp neo" in result.output
    finally:
        with open(path, "w", encoding="utf-8") as handle:
            handle.writelines(lines[:-1])


def test_simultaneous_requests_on_sqlite_keep_one_chain(database_url, tmp_path):
    """make run's SQLite: the development server's threads append at once (a page and
    its favicon) and each entry still links to the one before."""
    import threading

    from app import create_app
    from tests.conftest import environ_for, migrate_to_head

    url = "sqlite:///%s" % (tmp_path / "chain.db")
    migrate_to_head(url)
    sqlite_app = create_app(environ=environ_for(
        url, AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.jsonl")))
    start = threading.Barrier(4)

    def append(n):
        with sqlite_app.app_context():
            start.wait()
            for i in range(15):
                audit.record("unit.read", object_type="Unit", object_id="%d-%d" % (n, i))
                db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with sqlite_app.app_context():
        count, problems = audit.verify_chain()
        db.session.remove()
        db.engine.dispose()
    assert count >= 60 and problems == []
