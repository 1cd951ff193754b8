"""A province-sized PostgreSQL database for one bench run, dropped afterwards, or kept
under a name and reused by the next run (report_bench's and search_bench's --database,
or BENCH_DATABASE for those two)."""
import contextlib
import os

import psycopg2
from flask_migrate import upgrade
from psycopg2 import sql

from app import MIGRATIONS_DIR, create_app
from app.extensions import db
from bench.generate import generate
from tests import pgserver

# a kept database's name starts with this, so that it is never a test database
KEPT_PREFIX = "hoso_bench_"


def _kept(server, name, n_units, n_employees, records):
    """(URL, whether it already holds this province) of the kept database ``name``,
    made when missing; one holding another province is refused."""
    if not name.startswith(KEPT_PREFIX):
        name = KEPT_PREFIX + name
    url = server.rpartition("/")[0] + "/" + name
    conn = psycopg2.connect(server)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        exists = cur.fetchone() is not None
        if not exists:
            cur.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0")
                        .format(sql.Identifier(name)))
    conn.close()
    if not exists:
        return url, False
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('employee') IS NOT NULL")
        counts = (0, 0, 0)
        if cur.fetchone()[0]:
            cur.execute("SELECT (SELECT count(*) FROM org_unit), (SELECT count(*) FROM employee),"
                        " (SELECT count(*) FROM record_version)")
            counts = cur.fetchone()
    conn.close()
    if counts[:2] == (0, 0):
        return url, False
    if counts[:2] != (n_units, n_employees) or (records and counts[2] < n_employees):
        raise RuntimeError("the kept database %s holds %d units, %d employees and %d records, "
                           "not this province: drop it or name another" % ((name,) + counts))
    return url, True


@contextlib.contextmanager
def province_database(n_units, n_employees, environ, records=False, keep=None):
    """TEST_DATABASE_URL's server (or a throwaway cluster as in the tests): a fresh
    database, migrated and filled by bench.generate; yields its URL and the apps'
    environment (``environ`` plus the URL). With ``keep`` a database of that name
    (hoso_bench_…) is made and filled the first time, then migrated and reused as it is,
    and never dropped."""
    server = os.environ.get("TEST_DATABASE_URL", pgserver.DEFAULT_SERVER_URL)
    cluster = None
    if not pgserver.server_answers(server):
        if keep:
            raise RuntimeError("a kept bench database needs a running server")
        cluster = pgserver.ThrowawayCluster().start()
        server = cluster.url
    if keep:
        url, filled = _kept(server, keep, n_units, n_employees, records)
    else:
        url, filled = pgserver.create_database(server, prefix="hoso_bench"), False
    environ = dict(environ, DATABASE_URL=url)
    try:
        app = create_app(environ=environ)
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            # nothing of this app holds a connection (or a lock) while the data goes in
            db.session.remove()
            db.engine.dispose()
        if not filled:
            key = app.config["RECORD_ENCRYPTION_KEYS"].split(",")[0].strip()
            generate(url, n_units, n_employees, records=records, record_key=key,
                     identity_key=app.config["IDENTITY_HASH_KEY"])
        yield url, environ
    finally:
        if not keep:
            pgserver.drop_database(server, url)
        if cluster:
            cluster.stop()
