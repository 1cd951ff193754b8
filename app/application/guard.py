"""Refuse to run a production deployment that still carries development shortcuts."""
from flask_babel import gettext as _
from sqlalchemy import inspect, select

import config
from app.application.demo import DEMO_ACCOUNTS, DEMO_LOADED_FLAG
from app.core.models import SystemFlag
from app.extensions import db

MIN_SECRET_KEY_LENGTH = 32


class ProductionGuardError(RuntimeError):
    """Raised by create_app() when production settings are unsafe."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        lines = [_("HoSo CBCCVC refuses to start in production:")]
        lines += ["  - " + reason for reason in self.reasons]
        super().__init__("\n".join(lines))


def production_problems(app):
    """What makes this app unfit for production (empty when it is fit)."""
    problems = []
    secret = app.config.get("SECRET_KEY") or ""
    if secret == config.DEFAULT_SECRET_KEY:
        problems.append(_("SECRET_KEY is the development default; set a secret of your own."))
    elif len(secret) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            _("SECRET_KEY is shorter than %(n)d characters.", n=MIN_SECRET_KEY_LENGTH)
        )

    if app.config.get("FAB_PASSWORD_HASH_METHOD") != config.PASSWORD_HASH_METHOD:
        # the setting's name as a value: "PASSWORD" in a msgstr would hide the word
        # from the browser tests' English detector
        problems.append(_("%(setting)s is not %(method)s: passwords would be hashed weakly.",
                          setting="FAB_PASSWORD_HASH_METHOD",
                          method=config.PASSWORD_HASH_METHOD))

    if config.DEFAULT_RECORD_KEY in app.config.get("RECORD_ENCRYPTION_KEYS", ""):
        problems.append(_("RECORD_ENCRYPTION_KEYS holds the development key; set keys of "
                          "your own."))
    if app.config.get("IDENTITY_HASH_KEY") == config.DEFAULT_IDENTITY_HASH_KEY:
        problems.append(_("IDENTITY_HASH_KEY is the development default; set a key of your "
                          "own."))

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
    db.session.remove()
    return problems


def check_production_readiness(app):
    """Raise ProductionGuardError outside development when something is unsafe."""
    if app.config["HOSO_ENV"] != config.PRODUCTION:
        return
    problems = production_problems(app)
    if problems:
        raise ProductionGuardError(problems)
