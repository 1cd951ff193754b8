"""`flask reports rebuild`: the reporting facts again from the records (a new
installation, a bulk load, or a check of the incremental path)."""
import click
from flask.cli import with_appcontext
from flask_babel import gettext as _


@click.group("reports")
def reports_group():
    """Reports and the data they read."""


@reports_group.command("rebuild")
@click.option("--if-empty", is_flag=True, help="only when no facts are stored yet")
@with_appcontext
def reports_rebuild_command(if_empty):
    """Write every person's reporting facts again from their approved record."""
    from app.reports import services

    if if_empty and not services.needs_rebuild():
        click.echo(_("The reporting data is in place."))
        return
    click.echo(_("Reporting data rebuilt: %(n)d people.", n=services.rebuild()))


def init_app(app):
    app.cli.add_command(reports_group)
