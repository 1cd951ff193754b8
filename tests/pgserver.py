"""A PostgreSQL server for the test suite.

The server at TEST_DATABASE_URL (default 127.0.0.1:5432, user postgres) when
it answers; otherwise a throwaway cluster started here from Debian's
PostgreSQL binaries (installed when missing). Never a silent skip: when
neither works, the suite fails and says why.
"""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import psycopg2
from psycopg2 import errors, sql

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class PostgresUnavailable(RuntimeError):
    pass


def server_answers(url, timeout=3):
    try:
        psycopg2.connect(url, connect_timeout=timeout).close()
        return True
    except psycopg2.OperationalError:
        return False


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_bin_dir():
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]),
        reverse=True,
    )
    return os.path.dirname(candidates[0]) if candidates else None


def _install_postgres():
    if os.geteuid() != 0:
        raise PostgresUnavailable(
            "No PostgreSQL answers and its binaries are missing; "
            "install Debian's postgresql (make test does it)."
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"],
        check=True,
        env=env,
    )


class ThrowawayCluster:
    """initdb + pg_ctl in a temporary folder, on a free loopback port."""

    def __init__(self):
        self.bin_dir = _postgres_bin_dir()
        if self.bin_dir is None:
            _install_postgres()
            self.bin_dir = _postgres_bin_dir()
        self.root = tempfile.mkdtemp(prefix="hoso-pg-")
        self.data_dir = os.path.join(self.root, "data")
        self.port = _free_port()
        self.url = "postgresql://postgres@127.0.0.1:%d/postgres" % self.port

    def _run(self, *args):
        command = [os.path.join(self.bin_dir, args[0]), *args[1:]]
        if os.geteuid() == 0:
            # initdb refuses to run as root: run as the postgres system user
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self):
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", self.data_dir, "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C")
        options = "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off" % (
            self.port, self.root)
        self._run("pg_ctl", "-D", self.data_dir, "-o", options, "-w",
                  "-l", os.path.join(self.root, "server.log"), "start")
        deadline = time.monotonic() + 30
        while not server_answers(self.url, timeout=1):
            if time.monotonic() > deadline:
                raise PostgresUnavailable("The throwaway cluster did not start.")
            time.sleep(0.2)
        return self

    def stop(self):
        try:
            self._run("pg_ctl", "-D", self.data_dir, "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _with_database(url, name):
    base, _, _ = url.rpartition("/")
    return "%s/%s" % (base, name)


def create_database(server_url, prefix="hoso_test"):
    """A new, empty database on the server; returns its URL."""
    name = "%s_%s" % (prefix, uuid.uuid4().hex[:12])
    conn = psycopg2.connect(server_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0")
                    .format(sql.Identifier(name)))
    conn.close()
    return _with_database(server_url, name)


def ensure_role(server_url, role):
    """A login role on the server, made when missing (roles are the server's, shared by
    every database on it); another process making it at the same moment is fine."""
    conn = psycopg2.connect(server_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            if cur.fetchone() is None:
                try:
                    cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
                except (errors.DuplicateObject, errors.UniqueViolation):
                    pass
    finally:
        conn.close()


def drop_database(server_url, database_url):
    name = database_url.rpartition("/")[2]
    conn = psycopg2.connect(server_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                    .format(sql.Identifier(name)))
    conn.close()
