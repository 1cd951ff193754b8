"""Loading the demo province (idempotent; refused in production by the CLI)."""
from flask_babel import force_locale

from app.core.demo import DEMO_ACCOUNTS, DEMO_LOADED_FLAG, DEMO_PASSWORD
from app.core.models import SystemFlag
from app.extensions import db
from app.security.sync import sync_security


def _ensure_user(sm, username, first_name, last_name, role, kind="staff", unit=None):
    """A demo account, already past the first-login password change."""
    user = sm.find_user(username=username)
    if user is None:
        user = sm.add_user(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email="%s@demo.hoso.invalid" % username,
            role=role,
            password=DEMO_PASSWORD,
        )
        user.kind, user.unit, user.must_change_password = kind, unit, False
        db.session.commit()
    return user


def seed_demo(appbuilder):
    """Create the demo accounts that exist so far; returns (username, label) pairs.

    The catalogs/profiles piece adds the demo tree, employees and the other
    four role accounts here.
    """
    sync_security(appbuilder)
    sm = appbuilder.sm
    admin_role = sm.find_role(sm.auth_role_admin)
    _ensure_user(sm, "quantri", "Thành", "Lê Văn", admin_role)
    if db.session.get(SystemFlag, DEMO_LOADED_FLAG) is None:
        db.session.add(SystemFlag(name=DEMO_LOADED_FLAG, value="vinh_phuc"))
    db.session.commit()
    with force_locale("vi"):
        return [
            (username, str(DEMO_ACCOUNTS[username]))
            for username in DEMO_ACCOUNTS
            if sm.find_user(username=username) is not None
        ]
