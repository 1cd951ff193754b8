"""The application's commands: `flask deploy`, `flask sync-roles` and `flask seed-demo`
here, and each domain's own (``<domain>/cli.py``: `flask accounts`, `flask audit`,
`flask catalogs`, `flask approval`, `flask signing`), registered by ``init_app``."""
import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

import config
from app.application import demo
from app.application.roles_sync import (security_tables_exist, startup_lock, sync_security,
                                        sync_security_if_needed)
from app.extensions import db


@click.command("deploy")
@with_appcontext
def deploy_command():
    """Each release, before the web processes start: migrate the schema (as
    DATABASE_OWNER_URL when set), sync the roles, load the shipped catalogs.
    Idempotent; one deploy (or starting process) at a time."""
    from flask_migrate import upgrade

    from app.backup.services import alembic_revision, owner_url
    from app.catalogs.services import load_shipped

    appbuilder = current_app.appbuilder
    db.session.remove()
    with startup_lock():
        with db.engine.connect() as connection:
            before = alembic_revision(connection)
        upgrade()
        with db.engine.connect() as connection:
            migrated = alembic_revision(connection) != before
        click.echo(_("The database is at the newest migration."))
        sync_security_if_needed(appbuilder, lock=False)
        click.echo(_("Roles and permissions are in sync."))
        added = load_shipped()
        db.session.remove()
        from app.reports import services as reports

        rebuilt = reports.needs_rebuild()
        if rebuilt:
            # a database migrated to the reporting piece: its facts from the records
            click.echo(_("Reporting data rebuilt: %(n)d people.", n=reports.rebuild()))
        db.session.remove()
        # a migration may have rewritten the facts (CLUSTER, a new column filled)
        if (migrated or rebuilt) and reports.refresh_statistics(owner_url()):
            click.echo(_("Reporting data's statistics refreshed."))
    for name, count in added.items():
        if count:
            click.echo("  %-24s +%d" % (name, count))
    click.echo(_("Catalogs loaded: %(n)d entries added.", n=sum(added.values())))


@click.command("sync-roles")
@with_appcontext
def sync_roles_command():
    """Create the roles and permissions the code declares (idempotent)."""
    appbuilder = current_app.appbuilder
    if not security_tables_exist(appbuilder):
        raise click.ClickException(_("The tables do not exist yet: run `flask db upgrade` first."))
    sync_security(appbuilder)
    click.echo(_("Roles and permissions are in sync."))


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo province (refused in production) and print its accounts."""
    if current_app.config["HOSO_ENV"] == config.PRODUCTION:
        raise click.ClickException(
            _("Demo data is never loaded when HOSO_ENV=production.")
        )
    accounts = demo.seed_demo(current_app.appbuilder)
    click.echo(_("Demo accounts (password %(password)s):", password=demo.DEMO_PASSWORD))
    for username, label in accounts:
        click.echo("  %-14s %s" % (username, label))
    from app.approval.demo import DEMO_PIN, SIGNING_ACCOUNTS

    click.echo(_("Demo signing keys of %(accounts)s: PIN %(pin)s (demo certificates, not "
                 "legally valid).", accounts=", ".join(SIGNING_ACCOUNTS), pin=DEMO_PIN))


def init_app(app):
    from app.accounts import cli as accounts_cli
    from app.approval import cli as approval_cli
    from app.audit import cli as audit_cli
    from app.backup import cli as backup_cli
    from app.catalogs import cli as catalogs_cli
    from app.files import cli as files_cli
    from app.jobs import cli as jobs_cli
    from app.leavers import cli as leavers_cli
    from app.reports import cli as reports_cli
    from app.sync import cli as sync_cli
    from app.transfers import cli as transfers_cli

    for domain_cli in (accounts_cli, approval_cli, audit_cli, backup_cli, catalogs_cli,
                       files_cli, jobs_cli, leavers_cli, reports_cli, sync_cli, transfers_cli):
        domain_cli.init_app(app)
    app.cli.add_command(deploy_command)
    app.cli.add_command(sync_roles_command)
    app.cli.add_command(seed_demo_command)
