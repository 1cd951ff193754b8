"""`flask leavers apply [--on dd/mm/yyyy]`: the daily job that applies the departures
recorded ahead of their effective date (a retirement decision issued months before)
once that day has come: the person's status changes and their account's access is
revoked (app/leavers/services.apply_due). Audited per person, with the command line
as the actor."""
import datetime

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _


def _day(value):
    try:
        return datetime.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise click.BadParameter(_("Give a day as dd/mm/yyyy.")) from None


@click.group("leavers")
def leavers_group():
    """Leavers: departures applied on their effective date."""


@leavers_group.command("apply")
@click.option("--on", "on", default=None, metavar="DD/MM/YYYY",
              help="Apply what takes effect by this day (today by default; not later).")
@with_appcontext
def leavers_apply_command(on):
    """Apply every departure whose effective date has come."""
    from app.leavers import services

    day = _day(on) if on else None
    try:
        applied = services.apply_due(on=day)
    except services.LeaverInvalid as exc:
        raise click.ClickException("; ".join(str(m) for m in exc.errors.values()))
    click.echo(_("Applied %(n)d departures that took effect.", n=applied))


def init_app(app):
    app.cli.add_command(leavers_group)
