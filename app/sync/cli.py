"""`flask sync send | board | reconcile | queue-ready`: the national sync by hand (the
jobs' runner sends every minute and reconciles every morning)."""
import click
from flask.cli import with_appcontext
from flask_babel import gettext as _


@click.group("sync")
def sync_group():
    """The national sync (CSDLQG về CBCCVC)."""


@sync_group.command("send")
@with_appcontext
def sync_send_command():
    """Send every message due now, in order."""
    from app.sync import services

    if not services.enabled():
        raise click.ClickException(_("This province's profile has no national sync."))
    result = services.send_due()
    if result.waiting:
        click.echo(_("Outside the monthly sync window: the messages wait for it."))
    click.echo(_("%(sent)d sent, %(retried)d to try again, %(failed)d failed.",
                 sent=result.sent, retried=result.retried, failed=result.failed))
    if result.stopped:
        click.echo(_("Stopped: %(why)s", why=result.stopped))


@sync_group.command("board")
@with_appcontext
def sync_board_command():
    """How many messages are ready, blocked, sent and failed (the whole province)."""
    from app.sync import services

    for state, count in services.board_counts().items():
        click.echo("%-10s %d" % (services.STATE_LABELS[state], count))


@sync_group.command("reconcile")
@with_appcontext
def sync_reconcile_command():
    """Compare what was sent with what the national database holds."""
    from app.sync import reconcile, services

    try:
        row = reconcile.reconcile()
    except services.SyncRefused as refusal:
        raise click.ClickException(str(refusal))
    for count in row.counts:
        click.echo(_("%(code)s: %(ours)d sent here, %(theirs)d held there, %(waiting)d "
                     "waiting", **count))
    # the people by their id only: this output ends up in logs (the screen names them)
    for difference in reconcile.rows_of(row):
        click.echo("%-13s %-8s %s" % (difference["kind"], difference.get("employee_id") or "",
                                      difference["label"]))
    click.echo(_("%(n)d differences.", n=row.differences))


@sync_group.command("queue-ready")
@with_appcontext
def sync_queue_ready_command():
    """Queue every approved record that is ready and was never queued (going live)."""
    from app.sync import services

    click.echo(_("%(n)d messages queued.", n=services.queue_ready()))


def init_app(app):
    app.cli.add_command(sync_group)
