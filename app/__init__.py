"""HoSo CBCCVC: the provincial records system of cán bộ, công chức, viên chức."""
import os

from flask import Flask
from flask_appbuilder import AppBuilder

import config
from app.extensions import csrf, db, migrate

MIGRATIONS_DIR = os.path.join(config.BASE_DIR, "migrations")


def create_app(overrides=None, environ=None):
    """Build one application.

    ``environ`` replaces os.environ as the source of settings and ``overrides``
    is applied last, so tests can build several apps in one process.
    """
    settings = config.from_environ(environ)
    settings.update(overrides or {})
    app = Flask(__name__, instance_path=config.instance_dir(settings["PROVINCE_PROFILE"]))
    app.config.from_mapping(settings)
    # a request larger than one attachment and its form is refused before it is read
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = app.config["ATTACHMENT_MAX_BYTES"] + 256 * 1024
    if app.config["HOSO_ENV"] not in config.ENVIRONMENTS:
        raise ValueError(
            "HOSO_ENV must be one of %s, not %r"
            % (", ".join(config.ENVIRONMENTS), app.config["HOSO_ENV"])
        )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    # before AppBuilder: its REST APIs exempt themselves from the form token
    csrf.init_app(app)

    from app import models  # noqa: F401  (registers every table on the metadata)
    from app.accounts.security_manager import HoSoSecurityManager
    from app.application import cli, errors, headers, health, register_hooks
    from app.application.guard import check_production_readiness
    from app.application.home import HoSoIndexView
    from app.application.menu import register_menu
    from app.application.roles_sync import sync_security_if_migrated
    from app.core import dates, i18n
    from app.policy import profiles

    register_hooks()
    profiles.init_app(app)
    _add_domain_templates(app)
    with app.app_context():
        appbuilder = AppBuilder(
            indexview=HoSoIndexView,
            security_manager_class=HoSoSecurityManager,
            base_template="hoso/base.html",
        )
        appbuilder.init_app(app, db.session)
        register_menu(appbuilder)
        dates.init_app(app)
        i18n.init_app(app)
        cli.init_app(app)
        errors.init_app(app)
        headers.init_app(app)
        health.init_app(app)
        check_production_readiness(app)
        sync_security_if_migrated(appbuilder)
    return app


def _add_domain_templates(app):
    """Each domain keeps its templates in app/<domain>/templates."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    folders = [os.path.join(app.root_path, domain, "templates")
               for domain in sorted(os.listdir(app.root_path))]
    app.jinja_loader = ChoiceLoader(
        [app.jinja_loader] + [FileSystemLoader(f) for f in folders if os.path.isdir(f)]
    )
