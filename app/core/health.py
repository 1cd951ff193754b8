"""Whether the database answers: what a load balancer's health check asks
(``GET /healthz``, app/application/health.py). One statement, nothing read."""
import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

logger = logging.getLogger(__name__)


def database_answers():
    """True when ``SELECT 1`` comes back; False (and a log line naming the error's
    kind, never its text) when it fails."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError as error:
        logger.warning("health check: the database does not answer (%s)",
                       type(error).__name__)
        db.session.rollback()
        return False
