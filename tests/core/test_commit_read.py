"""core.transactions.commit_read: a read's audit entry is committed without the
rows the read loaded expiring (the page renders from them); a write still expires
everything, and the session's own setting is never changed."""
import pytest
from sqlalchemy import select

from app.audit import services as audit
from app.audit.models import AuditEntry
from app.core.transactions import commit_read
from app.extensions import db
from app.org.models import Unit
from tests.security.test_page_statements import counted_statements


def test_a_read_is_committed_and_what_it_loaded_stays_loaded(app, province):
    with app.app_context():
        units = db.session.scalars(select(Unit).order_by(Unit.id)).all()
        entry = audit.record("unit.tree", object_type="Unit")
        commit_read()
        with counted_statements(app) as statements:
            names = [unit.name for unit in units]
        assert statements == [] and "Sở Giáo dục" in names
        # what the transaction inserted expires as after any commit
        with counted_statements(app) as statements:
            assert entry.action == "unit.tree"
        assert len(statements) == 1
        assert db.session().expire_on_commit is True
        entry_id = entry.id
        db.session.remove()
        assert db.session.get(AuditEntry, entry_id) is not None   # committed
        db.session.remove()


def test_a_transaction_that_changed_a_row_commits_like_a_write(app, province):
    with app.app_context():
        units = db.session.scalars(select(Unit).order_by(Unit.id)).all()
        units[1].name = "Sở Giáo dục và Đào tạo"
        db.session.flush()          # written before the read's own entry
        audit.record("unit.tree", object_type="Unit")
        commit_read()
        with counted_statements(app) as statements:
            [unit.name for unit in units]
        assert statements, "a write expires everything"
        db.session.remove()


def test_a_failed_commit_leaves_the_session_as_it_was(app, province, monkeypatch):
    with app.app_context():
        session = db.session()

        def refuse():
            raise RuntimeError("the database went away")

        audit.record("unit.tree", object_type="Unit")
        monkeypatch.setattr(session, "commit", refuse)
        with pytest.raises(RuntimeError):
            commit_read()
        assert session.expire_on_commit is True
        monkeypatch.undo()
        db.session.rollback()
        db.session.remove()
