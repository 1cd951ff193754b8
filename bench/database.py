"""A province-sized PostgreSQL database for one bench run, dropped afterwards."""
import contextlib
import os

from flask_migrate import upgrade

from app import MIGRATIONS_DIR, create_app
from app.extensions import db
from bench.generate import generate
from tests import pgserver


@contextlib.contextmanager
def province_database(n_units, n_employees, environ, records=False):
    """TEST_DATABASE_URL's server (or a throwaway cluster as in the tests): a fresh
    database, migrated and filled by bench.generate; yields its URL and the apps'
    environment (``environ`` plus the URL)."""
    server = os.environ.get("TEST_DATABASE_URL", pgserver.DEFAULT_SERVER_URL)
    cluster = None
    if not pgserver.server_answers(server):
        cluster = pgserver.ThrowawayCluster().start()
        server = cluster.url
    url = pgserver.create_database(server, prefix="hoso_bench")
    environ = dict(environ, DATABASE_URL=url)
    try:
        app = create_app(environ=environ)
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            # nothing of this app holds a connection (or a lock) while the data goes in
            db.session.remove()
            db.engine.dispose()
        generate(url, n_units, n_employees, records=records)
        yield url, environ
    finally:
        pgserver.drop_database(server, url)
        if cluster:
            cluster.stop()
