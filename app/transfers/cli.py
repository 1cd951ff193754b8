"""`flask transfers apply`: what the morning job does until the jobs piece schedules it —
every open case whose decision takes effect today or earlier moves the person (their
unit, account and approver follow the tree), so nothing waits for an officer's click."""
import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.core.dates import parse_date_or_none


@click.group("transfers")
def transfers_group():
    """Transfer cases."""


@transfers_group.command("apply")
@click.option("--on", "on_text", default="", help="dd/mm/yyyy (default: today)")
@with_appcontext
def transfers_apply_command(on_text):
    """Apply the transfers whose effective date has come."""
    from app.transfers.services import apply_effective

    on = None
    if on_text:
        on = parse_date_or_none(on_text)
        if on is None:
            raise click.ClickException(_("Write the date as dd/mm/yyyy."))
    click.echo(_("Applied %(n)d transfers whose decision has taken effect.",
                 n=apply_effective(on=on)))


def init_app(app):
    app.cli.add_command(transfers_group)
