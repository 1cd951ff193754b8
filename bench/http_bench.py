"""The main pages served by gunicorn on a generated province, against the same pages'
queries run bare, and a bounded load test; every figure a ratio or a count of the same run.

    python -m bench.http_bench [--units 5000] [--employees 200000] [--repeat 40]
                               [--workers 5] [--threads 2] [--users 50] [--load-seconds 120]

On PostgreSQL (TEST_DATABASE_URL's server, or a throwaway cluster as in the tests): a fresh
database, migrated and filled by bench.generate with an approved record for every person;
two officers (Sở Nội vụ, and a unit officer of the largest Sở); then gunicorn
(deploy/gunicorn.conf.py) on a free loopback port. For each main page:

- **statements**: the SQL statements the page sends, counted in-process (the app's test
  client, the same code gunicorn runs);
- **bare**: those statements' reads replayed on one database connection, without the app
  (the floor a page can reach), median and p95 of --repeat runs;
- **served**: the page over HTTP from gunicorn (loopback, so what the client waits is the
  server's time plus a fraction of a millisecond), median and p95 of --repeat requests.

Then the load test: --users simulated officers, each signing in once and then opening a
main page every 1-3 s (think time), for --load-seconds; requests per second, p50/p95,
errors, and the peak resident memory of each gunicorn worker. The load generator runs on
the same 2 cores as the server, so it is a floor on what the server would do alone.
"""
import argparse
import contextlib
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import requests
from sqlalchemy import event, func, select

from app import create_app
from app.application.roles_sync import sync_security
from app.extensions import db
from app.org.models import Employee, Unit
from app.security import roles
from bench.database import province_database

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "Bench@2026-mat-khau"
CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
# who looks at what: (label, account, path); {person} is a person of the largest Sở
PAGES = [
    ("records list, Sở Nội vụ", "bench_sonoivu", "/records/"),
    ("records list, a Sở's officer", "bench_canbo", "/records/"),
    ("search \"nguyen\", province", "bench_sonoivu", "/records/?q=nguyen"),
    ("search \"nguyen van an\", a Sở", "bench_canbo", "/records/?q=nguyen+van+an"),
    ("search rare name, province", "bench_sonoivu", "/records/?q=khong+thi+yen"),
    ("a person's record page", "bench_canbo", "/records/person/{person}"),
    ("a person's record PDF", "bench_canbo", "/records/person/{person}/pdf"),
    ("org tree, province", "bench_sonoivu", "/unit-tree/"),
]
# the load test's mix (the PDF less often, as in real use)
LOAD_MIX = [0, 1, 1, 2, 3, 4, 5, 5, 5, 6, 7]


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the province's people and accounts -----------------------------------------------------

def setup(app):
    """Sở Nội vụ's account and the largest Sở's officer; returns a person of that Sở."""
    with app.app_context():
        sync_security(app.appbuilder)
        root = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        staff = func.count(Employee.id)
        largest = db.session.execute(
            select(Unit.id, staff).join(Employee, Employee.unit_path.startswith(Unit.path))
            .where(Unit.parent_id == root.id).group_by(Unit.id).order_by(staff.desc())
            .limit(1)).first()
        sm = app.appbuilder.sm
        for username, role, unit_id in (("bench_sonoivu", roles.ROLE_SO_NOI_VU, root.id),
                                        ("bench_canbo", roles.ROLE_OFFICER, largest[0])):
            user = sm.add_user(username=username, first_name="Bench", last_name=username,
                               email="%s@bench.invalid" % username,
                               role=sm.find_role(role), password=PASSWORD)
            user.unit_id = unit_id
            user.must_change_password = False   # past the first sign-in
        person = db.session.scalar(select(Employee.id).where(
            Employee.unit_id == largest[0]).order_by(Employee.id).limit(1))
        if person is None:   # the Sở itself employs nobody directly: anyone below it
            unit_path = db.session.get(Unit, largest[0]).path
            person = db.session.scalar(select(Employee.id).where(
                Employee.unit_path.startswith(unit_path)).order_by(Employee.id).limit(1))
        db.session.commit()
        db.session.remove()
    return person, largest[1]


def _sign_in(session, base, username):
    page = session.get(base + "/login/", timeout=30)
    token = CSRF_RE.search(page.text).group(1)
    answer = session.post(base + "/login/", data={"username": username, "password": PASSWORD,
                                                  "csrf_token": token}, timeout=60)
    answer.raise_for_status()
    if "/login/" in answer.url:
        raise RuntimeError("%s could not sign in" % username)


# --- statements, in-process ------------------------------------------------------------------

def _client_signed_in(app, username):
    client = app.test_client()
    page = client.get("/login/")
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    client.post("/login/", data={"username": username, "password": PASSWORD,
                                 "csrf_token": token})
    return client


def statements_of(app, pages):
    """label -> (statements sent, the reads among them as (sql, parameters))."""
    found = {}
    clients = {}
    sent = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        sent.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    for label, username, path in pages:
        client = clients.get(username) or clients.setdefault(
            username, _client_signed_in(app, username))
        client.get(path)                     # warm: the caches a running worker has
        event.listen(engine, "before_cursor_execute", record)
        try:
            del sent[:]
            status = client.get(path).status_code
        finally:
            event.remove(engine, "before_cursor_execute", record)
        if status != 200:
            raise RuntimeError("%s answered %d in-process" % (path, status))
        reads = [(sql, params) for sql, params in sent
                 if sql.lstrip().upper().startswith(("SELECT", "WITH"))
                 and "pg_advisory" not in sql]
        found[label] = (len(sent), reads)
    return found


def bare_times(app, reads, repeat):
    """Milliseconds to run a page's reads on one connection, ``repeat`` times."""
    with app.app_context():
        connection = db.engine.raw_connection()
    try:
        times = []
        for _i in range(repeat):
            cursor = connection.cursor()
            started = time.perf_counter()
            for statement, parameters in reads:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
            cursor.close()
            connection.rollback()
        return times
    finally:
        connection.close()


# --- gunicorn ------------------------------------------------------------------------------

@contextlib.contextmanager
def gunicorn(environ, workers, threads):
    port = _free_port()
    env = dict(os.environ, **environ, HOST="127.0.0.1", PORT=str(port),
               WEB_CONCURRENCY=str(workers), WEB_THREADS=str(threads))
    log = tempfile.NamedTemporaryFile(prefix="hoso-gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-c",
         os.path.join(ROOT, "deploy", "gunicorn.conf.py"), "--workers", str(workers),
         "--threads", str(threads), "--bind", "127.0.0.1:%d" % port],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = "http://127.0.0.1:%d" % port
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited: see %s" % log.name)
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer: see %s" % log.name)
            time.sleep(0.5)
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def worker_pids(master):
    with open("/proc/%d/task/%d/children" % (master, master)) as handle:
        return [int(pid) for pid in handle.read().split()]


def _memory_kib(pid, field):
    with open("/proc/%d/status" % pid) as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def served_times(base, pages, repeat):
    """label -> milliseconds of ``repeat`` requests of the page over HTTP."""
    sessions = {}
    found = {}
    for label, username, path in pages:
        session = sessions.get(username)
        if session is None:
            session = sessions[username] = requests.Session()
            _sign_in(session, base, username)
        session.get(base + path, timeout=60)   # warm this worker's caches
        times = []
        for _i in range(repeat):
            started = time.perf_counter()
            answer = session.get(base + path, timeout=60)
            times.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise RuntimeError("%s answered %d" % (path, answer.status_code))
        found[label] = times
    return found


# --- the load test ---------------------------------------------------------------------------

def load_test(base, pages, users, seconds, master, seed=1):
    """``users`` threads, each signed in, opening pages with 1-3 s of think time."""
    latencies, errors, lock = [], [], threading.Lock()
    stop = threading.Event()
    peak = {}

    def user(number):
        rng = random.Random(seed * 1000 + number)
        session = requests.Session()
        username = "bench_sonoivu" if number % 2 else "bench_canbo"
        try:
            _sign_in(session, base, username)
        except Exception as error:   # noqa: BLE001 - counted, the test goes on
            with lock:
                errors.append("sign-in: %s" % error)
            return
        mine = [page for page in (pages[i] for i in LOAD_MIX) if page[1] == username] or pages
        while not stop.is_set():
            _label, _who, path = rng.choice(mine)
            started = time.perf_counter()
            try:
                answer = session.get(base + path, timeout=60)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if answer.status_code != 200:
                        errors.append("%s: %d" % (path, answer.status_code))
            except requests.RequestException as error:
                with lock:
                    errors.append("%s: %s" % (path, type(error).__name__))
            stop.wait(rng.uniform(1.0, 3.0))

    def watch():
        while not stop.wait(0.5):
            with contextlib.suppress(OSError):
                for pid in worker_pids(master):
                    peak[pid] = max(peak.get(pid, 0), _memory_kib(pid, "VmRSS"))

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    elapsed = time.monotonic() - started
    watcher.join(timeout=5)
    for pid in worker_pids(master):
        with contextlib.suppress(OSError):
            peak[pid] = max(peak.get(pid, 0), _memory_kib(pid, "VmHWM"))
    return {"requests": len(latencies), "per_second": len(latencies) / elapsed,
            "p50": _percentile(latencies, 0.5) if latencies else None,
            "p95": _percentile(latencies, 0.95) if latencies else None,
            "errors": errors, "peak_mib": sorted(kib / 1024 for kib in peak.values())}


# --- the report ------------------------------------------------------------------------------

def report(statements, bare, served, load, args, unit_size):
    print("%d units, %d employees (each with an approved record); the largest Sở: %d people"
          % (args.units, args.employees, unit_size))
    print("gunicorn: %d workers x %d threads; %d requests a page" % (
        args.workers, args.threads, args.repeat))
    print()
    print("| page | statements | bare p50 / p95 (ms) | served p50 / p95 (ms) | served / bare "
          "(p50) |")
    print("|---|---|---|---|---|")
    for label, _who, _path in PAGES:
        count, _reads = statements[label]
        b50, b95 = statistics.median(bare[label]), _percentile(bare[label], 0.95)
        s50, s95 = statistics.median(served[label]), _percentile(served[label], 0.95)
        print("| %s | %d | %.1f / %.1f | %.1f / %.1f | %.1f× |" % (
            label, count, b50, b95, s50, s95, s50 / b50 if b50 else float("nan")))
    if load is not None:
        print()
        print("Load: %d users, think time 1-3 s, %d s" % (args.users, args.load_seconds))
        print("| requests/s | p50 (ms) | p95 (ms) | errors | peak memory per worker (MiB) |")
        print("|---|---|---|---|---|")
        print("| %.1f | %.0f | %.0f | %d | %s |" % (
            load["per_second"], load["p50"] or 0, load["p95"] or 0, len(load["errors"]),
            ", ".join("%.0f" % m for m in load["peak_mib"])))
        for error in load["errors"][:10]:
            print("  error:", error)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--employees", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=40)
    # deploy/gunicorn.conf.py's defaults on this 2-core machine (2 x cores + 1, 2 threads)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--load-seconds", type=int, default=120)
    args = parser.parse_args()
    environ = {"HOSO_ENV": "development", "SECRET_KEY": "bench-" + "x" * 40, "MAIL_SERVER": "",
               "SIGNING_TRUST_FILE": os.path.join(tempfile.mkdtemp(prefix="hoso-bench-"),
                                                  "trusted-ca.pem"),
               "AUDIT_ANCHOR_FILE": os.path.join(tempfile.mkdtemp(prefix="hoso-bench-"),
                                                 "anchors.jsonl")}
    with province_database(args.units, args.employees, environ, records=True) as (_url, env):
        app = create_app(environ=env)
        person, unit_size = setup(app)
        pages = [(label, who, path.format(person=person)) for label, who, path in PAGES]
        statements = statements_of(app, pages)
        bare = {label: bare_times(app, statements[label][1], args.repeat)
                for label, _who, _path in pages}
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with gunicorn(env, args.workers, args.threads) as (base, master):
            served = served_times(base, pages, args.repeat)
            load = load_test(base, pages, args.users, args.load_seconds, master) \
                if args.users and args.load_seconds else None
    report(statements, bare, served, load, args, unit_size)


if __name__ == "__main__":
    main()
