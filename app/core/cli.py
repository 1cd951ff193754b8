"""Command-line tasks: `flask sync-roles`, `flask seed-demo`, `flask catalogs load`,
`flask audit verify`, `flask approval remind`, `flask signing trust`, `add-seal` and `add-hsm-seal`."""
import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

import config
from app.core import demo_seed
from app.core.demo import DEMO_PASSWORD
from app.core.exceptions import DomainError
from app.security.sync import security_tables_exist, sync_security


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
    accounts = demo_seed.seed_demo(current_app.appbuilder)
    click.echo(_("Demo accounts (password %(password)s):", password=DEMO_PASSWORD))
    for username, label in accounts:
        click.echo("  %-14s %s" % (username, label))
    from app.approval.demo import DEMO_PIN, SIGNING_ACCOUNTS

    click.echo(_("Demo signing keys of %(accounts)s: PIN %(pin)s (demo certificates, not "
                 "legally valid).", accounts=", ".join(SIGNING_ACCOUNTS), pin=DEMO_PIN))


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command():
    """Check the hash chain of the whole audit log; exit 1 on any break."""
    from app.audit.services import verify_chain

    count, problems = verify_chain()
    for entry_id, what in problems:
        if what == "hash":
            click.echo(_("Entry %(id)d: its content does not match its hash.", id=entry_id))
        else:
            click.echo(_("Entry %(id)d: the link to the previous entry is broken.", id=entry_id))
    if problems:
        raise click.ClickException(_("The audit log has been altered (%(n)d problems).",
                                     n=len(problems)))
    click.echo(_("The audit log is intact: %(n)d entries.", n=count))


@click.group("catalogs")
def catalogs_group():
    """Catalogs (danh mục)."""


@catalogs_group.command("load")
@with_appcontext
def catalogs_load_command():
    """Add the shipped catalog entries the database lacks (edits are kept)."""
    from app.catalogs.services import load_shipped

    added = load_shipped()
    for name, count in added.items():
        click.echo("  %-24s +%d" % (name, count))
    click.echo(_("Catalogs loaded: %(n)d entries added.", n=sum(added.values())))


@click.group("approval")
def approval_group():
    """Monthly approval."""


@approval_group.command("remind")
@with_appcontext
def approval_remind_command():
    """Remind each approver with waiting versions, once per approval window."""
    from app.approval.reminders import remind_approvers

    click.echo(_("Reminded %(n)d approvers.", n=remind_approvers()))


@click.group("signing")
def signing_group():
    """The province's trusted CAs and its agencies' seals."""


@signing_group.command("trust")
@click.argument("certificate", type=click.File("rb"))
@with_appcontext
def signing_trust_command(certificate):
    """Trust a CA (PEM or DER): signatures chaining to it count."""
    from app.approval.keys import add_trusted_root
    from app.signing import pki

    cert = pki.load_cert(certificate.read())
    add_trusted_root(cert)
    click.echo(_("Trusted: %(name)s.", name=pki.subject_name(cert)))


def _open_unit(unit_code):
    from sqlalchemy import select

    from app.extensions import db
    from app.org.models import Unit

    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code,
                                                Unit.valid_to.is_(None)))
    if unit is None:
        raise click.ClickException(_("No open unit has the code %(code)s.", code=unit_code))
    return unit


def _registered(register, unit):
    from app.extensions import db

    try:
        register()
    except DomainError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(_("Seal registered for %(unit)s.", unit=unit.name))


@signing_group.command("add-seal")
@click.argument("unit_code")
@click.argument("key_file", type=click.File("rb"))
@click.option("--passphrase", prompt=True, hide_input=True,
              envvar="HOSO_SEAL_PASSPHRASE", help="The key file's passphrase.")
@with_appcontext
def signing_add_seal_command(unit_code, key_file, passphrase):
    """Register a unit's seal (the agency's PKCS#12), held by the server."""
    from app.approval.keys import register_seal

    unit = _open_unit(unit_code)
    data = key_file.read()
    _registered(lambda: register_seal(unit, data, passphrase,
                                      _("Seal of %(unit)s", unit=unit.name)), unit)


@signing_group.command("add-hsm-seal")
@click.argument("unit_code")
@click.argument("token_label")
@click.argument("key_label")
@click.option("--pin", prompt=True, hide_input=True, envvar="HOSO_HSM_PIN",
              help="The HSM's PIN, kept encrypted with the record keys.")
@with_appcontext
def signing_add_hsm_seal_command(unit_code, token_label, key_label, pin):
    """Register a unit's seal whose key stays in the HSM (PKCS11_LIBRARY)."""
    from app.approval.keys import register_hsm_seal

    unit = _open_unit(unit_code)
    _registered(lambda: register_hsm_seal(unit, token_label, key_label, pin,
                                          _("Seal of %(unit)s", unit=unit.name)), unit)


def init_app(app):
    app.cli.add_command(approval_group)
    app.cli.add_command(signing_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(catalogs_group)
    app.cli.add_command(sync_roles_command)
    app.cli.add_command(seed_demo_command)
