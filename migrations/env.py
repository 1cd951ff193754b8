"""Alembic environment: one schema, the same on SQLite and PostgreSQL.

The target is Flask-AppBuilder's Model.metadata, which holds FAB's security
tables and ours (flask-sqlalchemy's own db.metadata is a different object).
"""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from flask_appbuilder import Model
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

import app.models  # noqa: F401  (every table on the metadata)

config = context.config
if config.config_file_name is not None:
    # keep the loggers of the process that runs us (pytest, the app)
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_metadata = Model.metadata


def _engine():
    # the schema's owner runs the migrations; the app's own role owns nothing
    owner_url = current_app.config.get("DATABASE_OWNER_URL")
    if owner_url:
        return create_engine(owner_url, poolclass=NullPool)
    return current_app.extensions["migrate"].db.engine


def _configure_args():
    args = dict(current_app.extensions["migrate"].configure_args)
    args.update(
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: batch mode rebuilds the table.
        render_as_batch=True,
    )
    return args


def run_migrations_offline():
    url = _engine().url.render_as_string(hide_password=False)
    context.configure(url=url, literal_binds=True, **_configure_args())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty(context_, revision, directives):
        # `flask db migrate` with no model change writes no empty revision
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    args = _configure_args()
    args.setdefault("process_revision_directives", skip_empty)
    with _engine().connect() as connection:
        context.configure(connection=connection, **args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
