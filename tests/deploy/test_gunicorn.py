"""gunicorn as a deployment runs it (deploy/gunicorn.conf.py, three gthread workers)
starts cleanly every time: on a database whose roles nobody synced yet (the workers
would race on the role tables without the start-up lock) and twice more on the synced
one. Each time every worker boots and stays up, /healthz answers, the sign-in page is
in Vietnamese, and the access log holds no query string."""
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import config
from app import create_app
from app.audit.models import AuditEntry
from app.extensions import db
from tests.conftest import environ_for
from tests.deploy.conftest import dispose, migrate_only

GUNICORN = os.path.join(config.BASE_DIR, ".venv", "bin", "gunicorn")
WORKERS = 3
COLD_STARTS = 3
BOOT_TIMEOUT = 120          # seconds for every worker to boot and /healthz to answer
STAYS_UP = 3                # seconds the master and the workers must then stay alive
BOOTED = re.compile(r"Booting worker with pid: (\d+)")
TROUBLE = ("Traceback", "Worker failed to boot", "Shutting down", "exited with code",
           "StaleDataError")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, timeout=10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return None, b""


def _read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


@contextlib.contextmanager
def gunicorn(database_url, log_path):
    """A running gunicorn on a free loopback port; always stopped at the end."""
    port = _free_port()
    env = dict(os.environ, **environ_for(database_url))
    env.update(HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY=str(WORKERS),
               WEB_THREADS="2", PYTHONDONTWRITEBYTECODE="1")
    with open(log_path, "w") as log:
        process = subprocess.Popen([GUNICORN, "-c", "deploy/gunicorn.conf.py"],
                                   cwd=config.BASE_DIR, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process, "http://127.0.0.1:%d" % port
    finally:
        _stop(process)


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
            return
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)     # the master's group: its workers
    process.wait(timeout=10)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a worker that exited and was not reaped yet is a zombie
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def _wait_until_booted(process, base, log_path):
    deadline = time.monotonic() + BOOT_TIMEOUT
    while True:
        log = _read(log_path)
        assert process.poll() is None, "gunicorn exited (%s):\n%s" % (process.returncode, log)
        workers = [int(pid) for pid in BOOTED.findall(log)]
        if len(workers) >= WORKERS and _get(base + "/healthz", timeout=5)[0] == 200:
            return workers
        assert time.monotonic() < deadline, "gunicorn did not boot in %ds:\n%s" % (
            BOOT_TIMEOUT, log)
        time.sleep(0.3)


def _role_syncs(database_url):
    app = create_app(environ=environ_for(database_url))
    with app.app_context():
        count = db.session.query(AuditEntry).filter(AuditEntry.action == "role.sync").count()
        db.session.remove()
    dispose(app)
    return count


def test_three_workers_start_cleanly_every_time(fresh_database, tmp_path):
    url = fresh_database()
    migrate_only(url)            # the roles not synced: the first start's workers must
    for start in range(1, COLD_STARTS + 1):
        log_path = str(tmp_path / ("gunicorn-%d.log" % start))
        with gunicorn(url, log_path) as (process, base):
            workers = _wait_until_booted(process, base, log_path)
            assert len(workers) == WORKERS, _read(log_path)   # none restarted
            time.sleep(STAYS_UP)
            log = _read(log_path)
            assert process.poll() is None, log
            assert all(_alive(pid) for pid in workers), log
            for request in range(12):
                status, body = _get(base + "/healthz")
                assert status == 200 and json.loads(body) == {"status": "ok"}, (request, body)
            status, body = _get(base + "/login/")
            assert status == 200 and "Đăng nhập" in body.decode("utf-8")
            # a search or a return address in the query string never reaches the log
            status, _body = _get(base + "/login/?next=%2Frecords%2F%3Fsearch%3Dnguyen+van+an")
            assert status == 200
            # nor does the external signer's one-time token in a path
            _get(base + "/approval/external/one-time-token-0123")
            time.sleep(0.5)
            log = _read(log_path)
            assert '"GET /login/ HTTP/1.1" 200' in log
            assert "nguyen" not in log and "search" not in log
            assert '"GET /approval/external/- HTTP/1.1"' in log
            assert "one-time-token" not in log
            assert not [line for line in log.splitlines() if any(t in line for t in TROUBLE)], log
        # one worker of the first start synced the roles; nobody did after that
        assert _role_syncs(url) == 1, start
