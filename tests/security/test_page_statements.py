"""How many SQL statements a page sends (never how long it takes).

FAB checks a permission with one query per check, and a page's menu makes a
check per entry: the security manager reads the roles' permissions once per
request instead (app/accounts/security_manager.py).
"""
import contextlib

import pytest
from sqlalchemy import event

from app.extensions import db
from tests.conftest import login
from tests.security import world as w

# measured: 13, 12 and 6 (the menu alone makes about 25 permission checks, which
# cost a query each before)
MAX_STATEMENTS = {"/records/": 18, "/unit-tree/": 18, "/notices/": 10}


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


@pytest.mark.parametrize("url", sorted(MAX_STATEMENTS))
def test_a_page_reads_the_permissions_once_not_per_menu_entry(app, province, client, url):
    login(client, "canbo", w.PASSWORD)
    client.get(url)  # the first request of a session may load more
    with counted_statements(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    permission_reads = [s for s in statements if "ab_permission_view_role" in s]
    assert len(permission_reads) <= 1, permission_reads
    assert len(statements) <= MAX_STATEMENTS[url], "\n".join(statements)
