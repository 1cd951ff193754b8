"""Accounts on the server's command line (issue 14): `flask accounts create-admin` and
`flask accounts reset-password` hold to the screens' password policy, are audited as
the command line's, and a reset ends the account's sessions; Flask-AppBuilder's own
`flask fab create-admin`, `create-user` and `reset-password` refuse and name ours."""
import json
import os
import subprocess
import sys

import pytest
from flask.cli import FlaskGroup
from werkzeug.security import check_password_hash

import config
from app.accounts import passwords
from app.accounts.models import Account
from app.audit.models import AuditEntry
from app.extensions import db
from app.security import roles
from tests.accounts.conftest import account
from tests.conftest import environ_for, login
from tests.security import world as w

STRONG = "Quan#Tri2026moi"
WEAK = "a"
NEW_ADMIN = ["--username", "an.lv", "--first-name", "An", "--last-name", "Lê Văn",
             "--email", "an.lv@snv.gov.vn"]
PAGE = "/my-account/"


def _flask(app, *args, input=None):
    """`flask <args>` as typed on the server, on this app."""
    return app.test_cli_runner().invoke(args=list(args), input=input)


def _typed_twice(password):
    return "%s\n%s\n" % (password, password)


def _entries(action, username):
    return db.session.query(AuditEntry).filter_by(
        action=action, object_id=str(account(username).id)).order_by(AuditEntry.id).all()


def _policy_refusals(app, password, username):
    """What the screens say of this password (the command line says the same)."""
    with app.app_context():
        return passwords.password_problems(password, username)


def _snapshot(app):
    """Every account's name, password hash and session generation."""
    with app.app_context():
        rows = {a.username: (a.password, a.session_generation)
                for a in db.session.query(Account)}
        db.session.remove()
    return rows


def test_create_admin_refuses_a_weak_password_and_creates_nothing(app, province):
    before = _snapshot(app)
    result = _flask(app, "accounts", "create-admin", *NEW_ADMIN, "--password", WEAK)
    assert result.exit_code == 1
    problems = _policy_refusals(app, WEAK, "an.lv")
    assert problems and all(problem in result.output for problem in problems)
    assert _snapshot(app) == before


def test_create_admin_makes_an_administrator_who_signs_in_with_that_password(app, client):
    result = _flask(app, "accounts", "create-admin", *NEW_ADMIN, input=_typed_twice(STRONG))
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = account("an.lv")
        assert [role.name for role in admin.roles] == [roles.ROLE_ADMIN]
        assert admin.kind == "staff" and not admin.must_change_password
        [entry] = _entries("account.create", "an.lv")
        assert (entry.actor_id, entry.actor_username) == (None, "command line")
        assert json.loads(entry.details)["password_to"] == "command_line"
        assert STRONG not in entry.details
    login(client, "an.lv", STRONG)
    assert client.get(PAGE).status_code == 200


def test_create_admin_refuses_a_taken_username(app, province):
    taken = ["--username", "quantri"] + NEW_ADMIN[2:]
    result = _flask(app, "accounts", "create-admin", *taken, "--password", STRONG)
    assert result.exit_code == 1 and "quantri" in result.output


def test_reset_password_refuses_a_weak_password_and_changes_nothing(app, province):
    client = app.test_client()
    login(client, "quantri", w.PASSWORD)
    before = _snapshot(app)
    result = _flask(app, "accounts", "reset-password", "--username", "quantri",
                    input=_typed_twice(WEAK))
    assert result.exit_code == 1
    assert all(problem in result.output for problem in _policy_refusals(app, WEAK, "quantri"))
    assert _snapshot(app) == before
    assert client.get(PAGE).status_code == 200
    with app.app_context():
        assert not _entries("account.reset_password", "quantri")


def test_the_administrators_password_reset_on_the_command_line_ends_its_sessions(
        app, province):
    """The admin's own account is reset here or by a second admin (standing.py)."""
    signed_in = app.test_client()
    login(signed_in, "quantri", w.PASSWORD)
    assert signed_in.get(PAGE).status_code == 200
    result = _flask(app, "accounts", "reset-password", "--username", "quantri",
                    input=_typed_twice(STRONG))
    assert result.exit_code == 0, result.output
    # the session opened before the reset is over
    ended = signed_in.get(PAGE)
    assert ended.status_code == 302 and "/login/" in ended.headers["Location"]
    with app.app_context():
        assert check_password_hash(account("quantri").password, STRONG)
        [entry] = _entries("account.reset_password", "quantri")
        assert (entry.actor_id, entry.actor_username) == (None, "command line")
        assert json.loads(entry.details) == {"password_to": "command_line"}
    assert "/login/" in login(app.test_client(), "quantri", w.PASSWORD).request.path
    fresh = app.test_client()
    login(fresh, "quantri", STRONG)
    assert fresh.get(PAGE).status_code == 200


def test_reset_password_of_an_unknown_username_is_refused(app, province):
    result = _flask(app, "accounts", "reset-password", "--username", "khong.co.ai",
                    "--password", STRONG)
    assert result.exit_code == 1 and "khong.co.ai" in result.output


FAB_COMMANDS = {
    "create-admin": ["--username", "admin2", "--firstname", "A", "--lastname", "B",
                     "--email", "admin2@fab.org", "--password", WEAK],
    "create-user": ["--role", roles.ROLE_ADMIN, "--username", "user2", "--firstname", "A",
                    "--lastname", "B", "--email", "user2@fab.org", "--password", WEAK],
    "reset-password": ["--username", "quantri", "--password", WEAK],
}


@pytest.mark.parametrize("command", FAB_COMMANDS)
def test_fabs_own_account_commands_refuse_and_name_ours(app, province, command):
    before = _snapshot(app)
    # through the app's commands, and through the `flask` command itself, which
    # finds `fab` among the installed plugins
    flask_command = FlaskGroup(create_app=lambda: app)
    for result in (_flask(app, "fab", command, *FAB_COMMANDS[command]),
                   app.test_cli_runner().invoke(flask_command,
                                                ["fab", command, *FAB_COMMANDS[command]])):
        assert result.exit_code == 1
        assert "flask accounts create-admin" in result.output or \
            "flask accounts reset-password" in result.output
    assert _snapshot(app) == before


def test_a_new_flask_process_refuses_fabs_create_admin(app, database_url):
    """A new process picks FAB's command before the app is built: refused all the same."""
    environ = dict(os.environ, **environ_for(database_url))
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app:create_app", "fab", "create-admin",
         *FAB_COMMANDS["create-admin"]],
        cwd=config.BASE_DIR, env=environ, capture_output=True, text=True, timeout=180)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "flask accounts create-admin" in done.stderr
    with app.app_context():
        assert not db.session.query(Account).filter_by(username="admin2").count()
