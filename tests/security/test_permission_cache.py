"""Permission checks from memory (app/accounts/security_manager.py): one read per set
of roles per process; this process's role sync forgets at once, another process's
change is seen within PERMISSIONS_RECHECK_SECONDS, and new roles of an account are
a new set of roles."""
from sqlalchemy import select

from app.accounts import security_manager
from app.accounts.models import Account
from app.application.roles_sync import sync_security
from app.extensions import db
from app.security import roles
from tests.security import world as w
from tests.security.test_page_statements import counted_statements

MANAGE = ("can_manage", roles.ACCOUNT)


def _may_manage(app, username):
    user = db.session.scalar(select(Account).where(Account.username == username))
    return app.appbuilder.sm._has_view_access(user, *MANAGE)


def _grant_by_hand(app, role_name):
    """What another process's sync (or someone with SQL) does: the process is not told."""
    sm = app.appbuilder.sm
    role = sm.find_role(role_name)
    granted = sm.add_permission_view_menu(*MANAGE)
    role.permissions.append(granted)
    db.session.commit()


def test_permissions_are_read_once_per_set_of_roles(app, province):
    security_manager.permissions_changed()
    with app.app_context():
        with counted_statements(app) as statements:
            assert _may_manage(app, "canbo") is True
            assert _may_manage(app, "canhan") is False
        first = [s for s in statements if "ab_permission_view" in s]
        with counted_statements(app) as statements:
            for _ in range(20):
                _may_manage(app, "canbo"), _may_manage(app, "canhan")
        assert [s for s in statements if "ab_permission_view" in s] == []
        # the check for "did another process change the roles" ran once, with the two loads
        assert len(first) == 3, first
        db.session.remove()


def test_another_process_change_is_seen_after_the_recheck_time(app, province, monkeypatch):
    security_manager.permissions_changed()
    try:
        with app.app_context():
            assert _may_manage(app, "canhan") is False
            _grant_by_hand(app, roles.ROLE_PERSONAL)
            # within the recheck time the process still answers from memory
            assert _may_manage(app, "canhan") is False
            monkeypatch.setattr(security_manager, "PERMISSIONS_RECHECK_SECONDS", 0)
            assert _may_manage(app, "canhan") is True
            monkeypatch.undo()
            # this process's sync puts the table back and forgets at once
            sync_security(app.appbuilder)
            assert _may_manage(app, "canhan") is False
            db.session.remove()
    finally:
        with app.app_context():
            sync_security(app.appbuilder)
            db.session.remove()


def test_new_roles_of_an_account_count_at_once(app, province):
    security_manager.permissions_changed()
    with app.app_context():
        assert _may_manage(app, "canhan") is False
        user = db.session.scalar(select(Account).where(Account.username == "canhan"))
        user.roles.append(app.appbuilder.sm.find_role(roles.ROLE_OFFICER))
        db.session.commit()
        assert _may_manage(app, "canhan") is True
        db.session.remove()


def test_a_page_as_another_role_set_loads_only_that_set(app, province):
    from tests.conftest import login

    security_manager.permissions_changed()
    for username in ("canbo", "sonoivu"):
        client = app.test_client()
        login(client, username, w.PASSWORD)
        with counted_statements(app) as statements:
            assert client.get("/records/").status_code == 200
        assert len([s for s in statements if "ab_permission_view" in s]) <= 2
        with counted_statements(app) as statements:
            assert client.get("/records/").status_code == 200
        assert [s for s in statements if "ab_permission_view" in s] == []
