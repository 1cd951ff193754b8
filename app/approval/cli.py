"""`flask approval remind`; `flask signing trust`, `add-seal` and `add-hsm-seal`:
the province's trusted CAs and its agencies' seals, kept by the approval piece."""
import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.core.exceptions import DomainError


@click.group("approval")
def approval_group():
    """Monthly approval."""


@approval_group.command("remind")
@with_appcontext
def approval_remind_command():
    """Remind each approver with waiting versions, once per approval window."""
    from app.approval.reminders import remind_approvers
    from app.extensions import db

    reminded = remind_approvers()
    db.session.commit()
    click.echo(_("Reminded %(n)d approvers.", n=reminded))


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
