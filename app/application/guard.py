"""Refuse to run a deployment that still carries development shortcuts.

Every check runs in production and on any bind address other than loopback,
whatever HOSO_ENV says: only a developer's own machine (development, listening on
127.0.0.1) may run with the public development keys and the demo. HOSO_ENV=test
checks the keys alone (the test suite gives keys of its own, and builds apps that
trust a demo CA, load the demo and hash passwords cheaply on purpose)."""
from flask_babel import gettext as _
from sqlalchemy import inspect, select, text

import config
from app.application.demo import DEMO_ACCOUNTS, DEMO_LOADED_FLAG
from app.core.models import SystemFlag
from app.extensions import db

MIN_SECRET_KEY_LENGTH = 32


class ProductionGuardError(RuntimeError):
    """Raised by create_app() when production settings are unsafe."""

    def __init__(self, reasons, title=None):
        self.reasons = list(reasons)
        lines = [title or _("HoSo CBCCVC refuses to start in production:")]
        lines += ["  - " + reason for reason in self.reasons]
        super().__init__("\n".join(lines))


def key_problems(app):
    """The development (public) or weak keys among the app's secrets."""
    problems = []
    secret = app.config.get("SECRET_KEY") or ""
    if secret == config.DEFAULT_SECRET_KEY:
        problems.append(_("SECRET_KEY is the development default; set a secret of your own."))
    elif len(secret) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            _("SECRET_KEY is shorter than %(n)d characters.", n=MIN_SECRET_KEY_LENGTH)
        )
    if config.DEFAULT_RECORD_KEY in app.config.get("RECORD_ENCRYPTION_KEYS", ""):
        problems.append(_("RECORD_ENCRYPTION_KEYS holds the development key; set keys of "
                          "your own."))
    if app.config.get("IDENTITY_HASH_KEY") == config.DEFAULT_IDENTITY_HASH_KEY:
        problems.append(_("IDENTITY_HASH_KEY is the development default; set a key of your "
                          "own."))
    return problems


def production_problems(app):
    """What makes this app unfit for production (empty when it is fit)."""
    problems = key_problems(app)
    if app.config.get("FAB_PASSWORD_HASH_METHOD") != config.PASSWORD_HASH_METHOD:
        # the setting's name as a value: "PASSWORD" in a msgstr would hide the word
        # from the browser tests' English detector
        problems.append(_("%(setting)s is not %(method)s: passwords would be hashed weakly.",
                          setting="FAB_PASSWORD_HASH_METHOD",
                          method=config.PASSWORD_HASH_METHOD))

    from app.approval.keys import trusted_roots
    from app.signing import pki

    demo = [pki.subject_name(c) for c in trusted_roots() if pki.is_demo(c)]
    if demo:
        problems.append(_("SIGNING_TRUST_FILE trusts the demo CA (%(names)s): signatures made "
                          "with demo keys would count.", names=", ".join(demo)))

    inspector = inspect(db.engine)
    if inspector.has_table(SystemFlag.__tablename__):
        flag = db.session.get(SystemFlag, DEMO_LOADED_FLAG)
        if flag is not None:
            problems.append(_("The demo province's data is loaded in this database."))
    user_model = app.appbuilder.sm.user_model
    if inspector.has_table(user_model.__tablename__):
        found = db.session.scalars(
            select(user_model.username).where(user_model.username.in_(DEMO_ACCOUNTS))
        ).all()
        if found:
            problems.append(
                _("Demo accounts exist: %(names)s.", names=", ".join(sorted(found)))
            )
    problems += database_role_problems()
    db.session.remove()
    return problems


# what the app's PostgreSQL role must not be able to do to the audit log
AUDIT_REWRITES = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER")


def database_role_problems():
    """The app's PostgreSQL role must own nothing and may only read and append the
    audit log (migration d6f8b0c2e4a6): a superuser or the owner could disable its
    triggers and rewrite it (docs/security.md)."""
    if db.engine.dialect.name != "postgresql":
        return []
    role = db.session.execute(text(
        "SELECT current_user AS name, rolsuper AS superuser FROM pg_roles "
        "WHERE rolname = current_user")).one()
    if role.superuser:
        return [_("DATABASE_URL connects as %(role)s, a superuser: it could rewrite the "
                  "audit log. Connect as the app's role (hoso_app) and run the migrations "
                  "as the owner (DATABASE_OWNER_URL).", role=role.name)]
    audit_table = db.session.execute(text(
        "SELECT tableowner = current_user AS owned FROM pg_tables "
        "WHERE schemaname = current_schema() AND tablename = 'audit_entry'")).first()
    if audit_table is None:   # not migrated yet: the migrations' owner comes first
        return []
    rewrites = [privilege for privilege in AUDIT_REWRITES if db.session.scalar(text(
        "SELECT has_table_privilege('audit_entry', :privilege)"), {"privilege": privilege})]
    if audit_table.owned or rewrites:
        return [_("DATABASE_URL connects as %(role)s, which owns or may change the audit "
                  "log: connect as the app's role (hoso_app), which may only read it and "
                  "append to it.", role=role.name)]
    return []


def checks_for(app):
    """Which checks this app gets: "all", "keys" or None (a developer's machine)."""
    environment = app.config["HOSO_ENV"]
    if environment == config.PRODUCTION or not config.is_loopback(app.config.get("BIND_HOST")):
        return "all"
    if environment == config.TEST:
        return "keys"
    return None


def check_production_readiness(app):
    """Raise ProductionGuardError when something is unsafe, everywhere but on a
    developer's machine (development on a loopback address)."""
    checks = checks_for(app)
    if checks is None:
        return
    problems = production_problems(app) if checks == "all" else key_problems(app)
    if not problems:
        return
    if app.config["HOSO_ENV"] == config.PRODUCTION:
        raise ProductionGuardError(problems)
    raise ProductionGuardError(problems, title=_(
        "HoSo CBCCVC refuses to start with HOSO_ENV=%(env)s on %(host)s: outside a "
        "developer's own machine the production checks apply:",
        env=app.config["HOSO_ENV"], host=app.config.get("BIND_HOST")))
