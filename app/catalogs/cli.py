"""`flask catalogs load`: add the shipped catalog entries the database lacks."""
import click
from flask.cli import with_appcontext
from flask_babel import gettext as _


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


def init_app(app):
    app.cli.add_command(catalogs_group)
