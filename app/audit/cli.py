"""`flask audit verify`: check the audit log's keyed chain and its anchors;
`flask audit anchor`: write the chain's head to the anchor file (at least daily)."""
import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.audit import services


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command():
    """Check the hash chain of the whole audit log; exit 1 on any break."""
    try:
        count, problems = services.verify_chain()
    except services.AnchorFileAltered as error:
        raise click.ClickException(_("Line %(n)s of the anchor file has been altered.",
                                     n=error.args[0]))
    for entry_id, what in problems:
        if what == "hash":
            click.echo(_("Entry %(id)d: its content does not match its hash.", id=entry_id))
        elif what == "anchor":
            click.echo(_("Entry %(id)d, anchored outside the database, is missing or "
                         "different: the log was cut short or rewritten.", id=entry_id))
        elif what == "signed_anchor":
            click.echo(_("Entry %(id)d, named in a signed month's seal, is missing or "
                         "different: the log was cut short or rewritten.", id=entry_id))
        else:
            click.echo(_("Entry %(id)d: the link to the previous entry is broken.", id=entry_id))
    if problems:
        raise click.ClickException(_("The audit log has been altered (%(n)d problems).",
                                     n=len(problems)))
    click.echo(_("The audit log is intact: %(n)d entries.", n=count))


@audit_group.command("anchor")
@with_appcontext
def audit_anchor_command():
    """Write the chain's head to the anchor file, outside the database."""
    anchor = services.anchor_head()
    if anchor is None:
        click.echo(_("The audit log is empty: nothing to anchor."))
        return
    click.echo(_("Anchored entry %(id)d (%(n)d entries).", id=anchor["last_id"],
                 n=anchor["count"]))


def init_app(app):
    app.cli.add_command(audit_group)
