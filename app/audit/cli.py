"""`flask audit verify`: check the audit log's hash chain."""
import click
from flask.cli import with_appcontext
from flask_babel import gettext as _


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


def init_app(app):
    app.cli.add_command(audit_group)
