"""GET /healthz, for a load balancer: public, no session, not audited, one statement;
503 with a machine's JSON when the database does not answer."""
import config
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app import create_app
from app.audit.models import AuditEntry
from app.extensions import db
from tests.conftest import environ_for, login
from tests.deploy.conftest import dispose, statements
from tests.security import world as w


def _last_entry(app):
    with app.app_context():
        value = db.session.query(db.func.max(AuditEntry.id)).scalar() or 0
        db.session.remove()
    return value


def test_the_database_answers_ok_to_anyone_without_a_session(app):
    client = app.test_client()
    before = _last_entry(app)
    with statements() as seen:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert seen == ["SELECT 1"]
    assert _last_entry(app) == before


def test_a_signed_in_person_gets_the_same_and_nothing_is_audited(app, province):
    client = app.test_client()
    login(client, "canbo", w.PASSWORD)
    before = _last_entry(app)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert _last_entry(app) == before


def test_a_database_that_does_not_answer_is_a_503(fresh_database, pg_server_url):
    url = fresh_database()
    app = create_app(environ=environ_for(url))
    server = create_engine(config.normalize_database_url(pg_server_url), poolclass=NullPool)
    name = url.rpartition("/")[2]
    try:
        assert app.test_client().get("/healthz").status_code == 200
        with server.connect() as connection:
            connection.execute(text('ALTER DATABASE "%s" ALLOW_CONNECTIONS false' % name))
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = :name"), {"name": name})
            connection.commit()
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        body = response.get_json()
        assert body == {"status": "unavailable", "database": "unreachable"}
        assert response.get_data(as_text=True).isascii()        # for machines, untranslated
    finally:
        with server.connect() as connection:
            connection.execute(text('ALTER DATABASE "%s" ALLOW_CONNECTIONS true' % name))
            connection.commit()
        server.dispose()
        dispose(app)
