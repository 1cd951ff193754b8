"""How many SQL statements a page sends (never how long it takes).

Every main page is built twice, with 5 and with 60 of what it lists (people with a
record waiting for approval, units each under a unit of its own, accounts each in
a unit of its own): the count must not grow with what the page shows (no statement
per row), and stays under a small bound. The menu's permission checks are answered
from memory (app/accounts/security_manager.py), the rows a read loaded are not
reloaded after its audit entry commits (core.transactions.commit_read), and a FAB
list loads the relations it shows once per page (audit.views.AuditedReadsMixin).
"""
import contextlib
import datetime as dt

import pytest
from sqlalchemy import event

from app.core import clock
from app.extensions import db
from app.org.models import LEADER_HEAD, Employee, Unit, UnitLeader
from app.org.services import create_unit
from app.records.models import SUBMITTED, RecordVersion
from app.records.services import empty_content
from app.security import roles
from app.sync.models import SyncMessage
from tests.conftest import add_account, login
from tests.records.conftest import people  # noqa: F401  (fixture)
from tests.security import world as w

# page -> (who asks, the URL, at most this many statements). Measured with 5 and with
# 60 rows alike: records list 7 (Sở Nội vụ and officer), search 8, a person's page 13,
# queue 12, tree 6, units 8, accounts 11, audit log 6 (before: 159/160, 162, 25, 676,
# 11, 37, 62 and 37 with 60 rows).
PAGES = {
    "records list, Sở Nội vụ": ("sonoivu", "/records/", 9),
    "records list, unit officer": ("canbo", "/records/", 9),
    "records search": ("sonoivu", "/records/?q=nguyen", 10),
    "a person's record": ("canbo", "/records/person/{last_person}", 15),
    "approval queue": ("thutruong", "/approval/", 14),
    "org tree": ("sonoivu", "/unit-tree/", 8),
    "unit list": ("sonoivu", "/units/list/", 10),
    "account list": ("sonoivu", "/accounts/list/", 13),
    "audit log": ("sonoivu", "/audit/list/", 8),
    # the home page's panels, a count and the first few of each (app/application/
    # home_queries.py): measured 6, 6 and 4; the whole record 8 (and one per catalog
    # its coded values name, never one per value)
    "home, head": ("thutruong", "/", 8),
    # the deadlines panel runs one statement per source with work for the role
    # (hiring, records, transfers, leavers), whatever the number of rows
    "home, unit officer": ("canbo", "/", 9),
    # the deadlines panel: one statement per source that has work for the role
    "home, Sở Nội vụ": ("sonoivu", "/", 8),
    "the whole record": ("canbo", "/records/person/{last_person}/record", 10),
    # exploitation (app/reports): a page of results with its count and every catalog
    # in one statement, the setting that keeps the page off parallel workers (measured
    # 10; 28 when each catalog was read for the form, the checks and the words), and the
    # yearly breakdown in one statement (measured 10)
    "search, Sở Nội vụ": ("sonoivu", "/reports/search/?status=any", 11),
    "quantity and quality, Sở Nội vụ": ("sonoivu", "/reports/breakdown/", 12),
    # the overview: one statement for the category, pyramid, education, ngạch and
    # completeness panels, one each for the units and the retirements, the unit's
    # children and the grade catalogs, whatever the number of people (measured 12)
    "overview, Sở Nội vụ": ("sonoivu", "/reports/dashboard/", 13),
    # data quality: the unit, its children and one grouped statement over the facts
    # (the terms' calendar once a year); the inspection the same over the root's
    # children, whatever the number of people and units (measured 9 and 8)
    "data quality, Sở Nội vụ": ("sonoivu", "/reports/quality/", 11),
    "inspection, Sở Nội vụ": ("sonoivu", "/reports/inspection/", 10),
    # statutory reports (measured 3, 9 and 5): the unit's revisions on the period; Sở
    # Nội vụ's tracking reads the reporting units and every report of the period in one
    # statement each; the quotas screen the units and the year's quotas
    "statutory reports, unit officer": ("canbo", "/reports/statutory/", 6),
    "reports of the units, Sở Nội vụ": ("sonoivu", "/reports/statutory/province", 11),
    "staffing quotas, Sở Nội vụ": ("sonoivu", "/reports/statutory/quotas", 7),
    # the national sync's board: its counts, one page of messages with their people and
    # units, and what the ready ones wait for, one statement each
    "national sync board, Sở Nội vụ": ("sonoivu", "/sync/", 9),
    "national sync board, unit officer": ("canbo", "/sync/", 9),
}
SMALL, LARGE = 5, 60


@contextlib.contextmanager
def counted_statements(app):
    with app.app_context():
        engine = db.engine
    statements = []

    def count(_conn, _cursor, statement, _params, _context, _executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_rows(app, province, start, count):
    """``count`` more of everything the pages list: a unit under a unit of its own
    (so that no two listed units share a parent), in it a person named Nguyễn with a
    submitted version (waiting for A's head: the units employ nobody) and an
    account. Returns the last person's id."""
    with app.app_context():
        a = db.session.get(Unit, province.units["A"])
        now = clock.now()
        for i in range(start, start + count):
            office = create_unit("Phòng %03d" % i, a, is_employing=False)
            team = create_unit("Tổ %03d" % i, office, is_employing=False)
            person = Employee(full_name="Nguyễn Văn %03d" % i, category="cong_chuc",
                              unit_id=team.id)
            db.session.add(person)
            db.session.flush()
            version = RecordVersion(employee_id=person.id, number=1, status=SUBMITTED,
                                    content=empty_content(), lock=0, completeness=0,
                                    created_at=now, updated_at=now, submitted_at=now)
            db.session.add(version)
            db.session.flush()
            # a message waiting for the national database (the sync's board lists them)
            db.session.add(SyncMessage(
                employee_id=person.id, unit_id=team.id, version_id=version.id,
                reason="approved", message="M0001", action="ADD", status="pending",
                idempotency_key="page-%d" % i, attempts=0, timed_out=0,
                next_attempt_at=now, created_at=now))
            province.units["team%d" % i] = team.id
        db.session.commit()
        last = person.id
        db.session.remove()
    for i in range(start, start + count):
        add_account(app, "nhanvien%03d" % i, role=roles.ROLE_PERSONAL, password=w.PASSWORD,
                    unit_id=province.units["team%d" % i], kind="personal")
    return last


def head_of_a(app, province, people):  # noqa: F811
    with app.app_context():
        db.session.add(UnitLeader(unit_id=province.units["A"], employee_id=people.ids["thutruong"],
                                  position=LEADER_HEAD,
                                  valid_from=clock.today() - dt.timedelta(days=30)))
        db.session.commit()
        db.session.remove()


def statements_of(app, username, url):
    client = app.test_client()
    login(client, username, w.PASSWORD)
    client.get(url)  # the first request of a session (and of the process) may read more
    with counted_statements(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return statements, response.get_data(as_text=True)


def test_no_page_sends_a_statement_per_row(app, province, people):  # noqa: F811
    head_of_a(app, province, people)
    counts = {}
    for size, start in ((SMALL, 0), (LARGE - SMALL, SMALL)):
        last_person = add_rows(app, province, start, size)
        total = start + size
        for name, (username, url, _bound) in PAGES.items():
            statements, page = statements_of(app, username, url.format(last_person=last_person))
            counts[name, total] = len(statements)
            if name == "approval queue":   # the queue lists every waiting version
                assert page.count('name="version"') == total
    report = "\n".join("%-28s %3d %3d" % (name, counts[name, SMALL], counts[name, LARGE])
                       for name in PAGES)
    print("\nstatements per page (%d rows, %d rows)\n%s" % (SMALL, LARGE, report))
    for name, (_username, _url, bound) in PAGES.items():
        assert counts[name, LARGE] <= counts[name, SMALL] + 1, report
        assert counts[name, LARGE] <= bound, report


@pytest.mark.parametrize("url", ["/records/", "/unit-tree/", "/notices/"])
def test_a_page_reads_no_permission_once_the_process_knows_the_roles(app, province, client,
                                                                     url):
    login(client, "canbo", w.PASSWORD)
    client.get(url)
    with counted_statements(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    assert [s for s in statements if "ab_permission_view" in s] == []
    # the account comes with its roles, groups and unit, in one statement
    assert not [s for s in statements if s.startswith(("SELECT ab_role.", "SELECT ab_group."))]
