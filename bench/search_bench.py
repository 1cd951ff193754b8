"""The search page and the overview at province scale, each beside the SQL it sends run
bare, in one run; PASS/FAIL against issue 18.6's targets.

    python -m bench.search_bench [--units 5000] [--employees 200000] [--requests 120]
                                 [--repeat 15] [--seed 1] [--database NAME]

On PostgreSQL (TEST_DATABASE_URL's server, or a throwaway cluster as in the tests): the
province of bench.generate with an approved record per person (or the kept one of
--database / BENCH_DATABASE, bench/database.py), its reporting facts (rebuilt when
missing), the shipped catalogs, and two accounts: Sở Nội vụ over the province and the head
(Thủ trưởng) of the largest Sở, whose scope is that Sở's subtree. Through the app's test
client (the whole view runs: permission check, criteria, queries, audit entry, template):

- **search**: --requests pages of /reports/search/ with varied criteria (one to four of
  category, sex, Party, grade, education, minority, religion, political theory, state
  management, an age range, retiring within N months, a name, a unit of the scope, a later
  page), half as Sở Nội vụ and half as the head; server time p50/p95 (target p95 ≤ 60 ms);
- **overview**: /reports/dashboard/ --repeat times for each account (target ≤ 300 ms,
  p95 as well as median);

and beside each page, **bare**: the same page's reads (captured from that very request)
replayed on one database connection without the app, in turns with the page: what the
page costs above its SQL is the ratio. The app's start-up objects are frozen out of the
garbage collector after the warm-up, as deploy/gunicorn.conf.py does in each worker.
"""
import argparse
import gc
import os
import random
import statistics
import tempfile
import time
from urllib.parse import urlencode

from sqlalchemy import event, func, select

from app import create_app
from app.application.roles_sync import sync_security
from app.catalogs.services import load_shipped
from app.extensions import db
from app.org.models import Employee, Unit
from app.reports import search
from app.reports.models import ReportFact
from app.security import roles
from bench.database import province_database
from bench.http_bench import CSRF_RE, PASSWORD
from bench.report_bench import rebuild_facts

SEARCH_P95_MS = 60
DASHBOARD_MS = 300
ACCOUNTS = (("bench_sonoivu", roles.ROLE_SO_NOI_VU), ("bench_head", roles.ROLE_HEAD))
NAMES = ["nguyen", "tran thi", "van an", "le", "hoang minh", "pham", "thi hoa", "duc",
         "ngo thanh", "vu"]


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# --- the accounts -----------------------------------------------------------------------------

def setup(app):
    """Sở Nội vụ at the root and the head of the largest Sở (made once in a kept
    database); returns {username: (unit id, [unit ids of the scope below it])}."""
    with app.app_context():
        load_shipped()
        db.session.commit()
        sync_security(app.appbuilder)
        root = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        staff = func.count(ReportFact.employee_id)
        largest = db.session.execute(
            select(Unit.id, staff).join(ReportFact, ReportFact.unit_path.startswith(Unit.path))
            .where(Unit.parent_id == root.id).group_by(Unit.id).order_by(staff.desc())
            .limit(1)).first()[0]
        sm = app.appbuilder.sm
        scopes = {}
        for (username, role), unit_id in zip(ACCOUNTS, (root.id, largest)):
            user = sm.find_user(username=username)
            if user is None:
                user = sm.add_user(username=username, first_name="Bench", last_name=username,
                                   email="%s@bench.invalid" % username,
                                   role=sm.find_role(role), password=PASSWORD)
            user.unit_id = unit_id
            user.must_change_password = False   # past the first sign-in
            unit = db.session.get(Unit, unit_id)
            below = db.session.scalars(select(Unit.id).where(
                Unit.path.startswith(unit.path), Unit.id != unit_id).order_by(Unit.id))
            scopes[username] = (unit_id, list(below))
        db.session.commit()
        db.session.remove()
    return scopes


def _client(app, username):
    client = app.test_client()
    page = client.get("/login/")
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    answer = client.post("/login/", data={"username": username, "password": PASSWORD,
                                          "csrf_token": token})
    if answer.status_code != 302 or "/login" in answer.headers.get("Location", ""):
        raise RuntimeError("%s could not sign in" % username)
    return client


# --- the criteria -----------------------------------------------------------------------------

def criteria_list(app, scopes, count, seed):
    """``count`` (username, query string) pairs of varied criteria, the accounts in turns."""
    rng = random.Random(seed)
    with app.app_context():
        offered = search.options()
        db.session.remove()
    pick = {key: [value for value, _label in offered[key]] for key in offered}
    makers = [
        lambda: {"category": rng.sample(pick["category"], rng.randint(1, 2))},
        lambda: {"sex": rng.choice(pick["sex"])},
        lambda: {"party": rng.choice(pick["party"])},
        lambda: {"grade": rng.choice(GRADES)},
        lambda: {"education": rng.choice(["DH", "THS", "TS", "CD", "TC"])},
        lambda: {"ethnicity": "minority"},
        lambda: {"religion": "any"},
        lambda: {"political_theory": rng.choice(["CC", "TC", "SC", "CN"])},
        lambda: {"state_management": rng.choice(["CV", "CVC", "CVCC"])},
        lambda: dict(zip(("age_from", "age_to"), map(str, sorted(
            rng.sample(range(22, 62), 2))))),
        lambda: {"retiring_months": str(rng.choice([3, 6, 12, 24]))},
        lambda: {"name": rng.choice(NAMES)},
        lambda: {"status": "any"},
    ]
    chosen = []
    usernames = [username for username, _role in ACCOUNTS]
    for index in range(count):
        username = usernames[index % len(usernames)]
        args = {}
        for make in rng.sample(makers, rng.randint(1, 4)):
            args.update(make())
        unit_id, below = scopes[username]
        if rng.random() < 0.3 and below:
            args["unit"] = str(rng.choice(below))
        if rng.random() < 0.15:
            args["page"] = str(rng.randint(2, 5))
        chosen.append((username, "/reports/search/?" + urlencode(args, doseq=True)))
    return chosen


# grades people hold often and rarely (bench/generate.py's weights)
GRADES = ["01.003", "01.002", "01.001", "01.004", "V.07.03.29", "V.08.05.13", "02.007"]


# --- timing ---------------------------------------------------------------------------------

class Recorder:
    """The statements sent while ``on`` (the reads and the settings they run under, for
    the bare replay)."""

    def __init__(self, engine):
        self.sent, self.on = [], False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, parameters, _context, _executemany):
        if self.on:
            self.sent.append((statement, parameters))

    def capture(self, call):
        self.sent, self.on = [], True
        try:
            result = call()
        finally:
            self.on = False
        reads = [(sql, params) for sql, params in self.sent
                 if sql.lstrip().upper().startswith(("SELECT", "WITH", "SET LOCAL"))
                 and "pg_advisory" not in sql]
        return result, len(self.sent), reads


def _bare_ms(connection, reads):
    cursor = connection.cursor()
    started = time.perf_counter()
    for statement, parameters in reads:
        cursor.execute(statement, parameters)
        if cursor.description is not None:     # a SET LOCAL returns nothing
            cursor.fetchall()
    elapsed = (time.perf_counter() - started) * 1000
    cursor.close()
    connection.rollback()
    return elapsed


def measure(app, clients, recorder, connection, pages, repeat=1):
    """[(label, statements, page ms, bare ms)] for each (username, path) of ``pages``,
    each timed ``repeat`` times, the page and its bare reads in turns."""
    found = []
    for username, path in pages:
        client = clients[username]
        answer, statements, reads = recorder.capture(lambda: client.get(path))
        if answer.status_code != 200:
            raise RuntimeError("%s as %s answered %d" % (path, username, answer.status_code))
        for _i in range(repeat):
            started = time.perf_counter()
            answer = client.get(path)
            page_ms = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                raise RuntimeError("%s answered %d" % (path, answer.status_code))
            found.append((username, path, statements, page_ms, _bare_ms(connection, reads)))
    return found


def _summary(rows):
    pages = [row[3] for row in rows]
    bare = [row[4] for row in rows]
    return (statistics.median(pages), _percentile(pages, 0.95), statistics.median(bare),
            _percentile(bare, 0.95), max(row[2] for row in rows))


def report(args, size, searches, dashboards):
    verdicts = []
    print("Search and overview: %d units, %d people (each with an approved record); the "
          "head's Sở: %d people; load average %.1f (2 cores: other work on the machine "
          "shows in the p95)" % (args.units, args.employees, size, os.getloadavg()[0]))
    print()
    print("| page | requests | statements | page p50 / p95 (ms) | its SQL bare p50 / p95 (ms) "
          "| page / SQL (p50) | target | |")
    print("|---|---|---|---|---|---|---|---|")
    lines = []
    for label, rows, target, on_p95 in (
            ("search, Sở Nội vụ (province)", [r for r in searches if r[0] == "bench_sonoivu"],
             SEARCH_P95_MS, True),
            ("search, head of a Sở (subtree)", [r for r in searches if r[0] == "bench_head"],
             SEARCH_P95_MS, True),
            ("search, both", searches, SEARCH_P95_MS, True),
            ("overview, Sở Nội vụ (province)",
             [r for r in dashboards if r[0] == "bench_sonoivu"], DASHBOARD_MS, True),
            ("overview, head of a Sở (subtree)",
             [r for r in dashboards if r[0] == "bench_head"], DASHBOARD_MS, True)):
        p50, p95, b50, b95, statements = _summary(rows)
        passed = (p95 if on_p95 else p50) <= target
        verdicts.append(passed)
        lines.append("| %s | %d | %d | %.1f / %.1f | %.1f / %.1f | %.1f× | p95 ≤ %d ms | %s |"
                     % (label, len(rows), statements, p50, p95, b50, b95,
                        p50 / b50 if b50 else float("nan"), target,
                        "PASS" if passed else "FAIL"))
    print("\n".join(lines))
    slowest = sorted(searches, key=lambda row: -row[3])[:3]
    print()
    print("Slowest searches: " + "; ".join("%.0f ms (SQL %.0f ms) %s as %s" % (
        row[3], row[4], row[1].split("?", 1)[1], row[0]) for row in slowest))
    return all(verdicts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--employees", type=int, default=200000)
    parser.add_argument("--requests", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE") or None,
                        help="keep the province under this name and reuse it "
                             "(default: BENCH_DATABASE; none: a fresh one, dropped)")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="hoso-bench-")
    environ = {"HOSO_ENV": "development", "SECRET_KEY": "bench-" + "x" * 40, "MAIL_SERVER": "",
               "SIGNING_TRUST_FILE": os.path.join(scratch, "trusted-ca.pem"),
               "AUDIT_ANCHOR_FILE": os.path.join(scratch, "anchors.jsonl")}
    with province_database(args.units, args.employees, environ, records=True,
                           keep=args.database) as (_url, env):
        app = create_app(environ=env)
        with app.app_context():
            rebuild_s, _rows = rebuild_facts(keep=True)
            if rebuild_s is not None:
                print("Reporting facts rebuilt in %.1f s" % rebuild_s)
        scopes = setup(app)
        with app.app_context():
            head_unit = db.session.get(Unit, scopes["bench_head"][0])
            size = db.session.scalar(select(func.count(Employee.id)).where(
                Employee.unit_path.startswith(head_unit.path)))
            engine = db.engine
            db.session.remove()
        clients = {username: _client(app, username) for username, _role in ACCOUNTS}
        recorder = Recorder(engine)
        connection = engine.raw_connection()
        try:
            # warm: the caches a running worker has (templates, roles, catalogs)
            for username in clients:
                clients[username].get("/reports/search/")
                clients[username].get("/reports/dashboard/")
            # as a gunicorn worker once it has built its app (deploy/gunicorn.conf.py's
            # post_worker_init): the start-up objects out of the collector's sight
            gc.freeze()
            searches = measure(app, clients, recorder, connection,
                               criteria_list(app, scopes, args.requests, args.seed))
            dashboards = measure(app, clients, recorder, connection,
                                 [(username, "/reports/dashboard/") for username in clients],
                                 repeat=args.repeat)
        finally:
            connection.close()
    passed = report(args, size, searches, dashboards)
    print()
    print("All targets met." if passed else "Some targets are not met.")


if __name__ == "__main__":
    main()
