"""Helpers of the calendar's tests: the small province of tests/security/world.py."""
import contextlib

import pytest
from sqlalchemy import event

from app.accounts.models import Account
from app.extensions import db
from tests.conftest import login, reset_data
from tests.security import world


@pytest.fixture
def calendar_app(make_app):
    """(app, world) under the default profile."""
    app = make_app()
    built = world.build(app)
    yield app, built
    reset_data(app)


def actor(world_, username):
    return db.session.get(Account, world_.accounts[username])


def signed_in(app, username):
    client = app.test_client()
    assert login(client, username, world.PASSWORD).status_code == 200
    return client


@contextlib.contextmanager
def statements():
    """The SQL statements run within the block (a list, filled as they run)."""
    seen = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
