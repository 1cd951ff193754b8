"""One transaction per service call that writes several rows."""
import functools

from app.extensions import db


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
