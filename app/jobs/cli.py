"""`flask scheduler run`; `flask jobs list | run NAME [--on dd/mm/yyyy]`; `flask mail send`."""
import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.core.dates import format_datetime, parse_date_or_none


@click.group("scheduler")
def scheduler_group():
    """The scheduled jobs' runner."""


@scheduler_group.command("run")
@with_appcontext
def scheduler_run_command():
    """Run the jobs on their schedule until stopped (Ctrl-C)."""
    import logging

    from app.jobs.runner import build_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # the jobs' own lines, not APScheduler's for every tick
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = build_scheduler(current_app._get_current_object())
    click.echo(_("The scheduler runs %(n)d jobs; Ctrl-C stops it.",
                 n=len(scheduler.get_jobs())))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


@click.group("jobs")
def jobs_group():
    """The scheduled jobs, by hand."""


@jobs_group.command("list")
@with_appcontext
def jobs_list_command():
    """Each job, its schedule and its last run."""
    from app.jobs import registry, services

    jobs = registry.jobs()
    last = services.last_runs([job.name for job in jobs])
    for job in jobs:
        run = last.get(job.name)
        click.echo("%-22s %-40s %s" % (job.name, str(job.schedule),
                                        "%s %s %s" % (run.period, run.status,
                                                      format_datetime(run.started_at))
                                        if run else _("never run")))


@jobs_group.command("run")
@click.argument("name")
@click.option("--on", "on", default=None,
              help="the day to run it as, dd/mm/yyyy (the clock moved there)")
@with_appcontext
def jobs_run_command(name, on):
    """Run one job for the periods it is due for today (or on --on), once per period."""
    import datetime

    from app.core import clock
    from app.jobs import registry, services

    job = registry.job_named(name)
    if job is None:
        raise click.ClickException(_("There is no job %(name)s.", name=name))
    day = clock.today()
    if on:
        day = parse_date_or_none(on)
        if day is None:
            raise click.ClickException(_("Write the day as dd/mm/yyyy."))
    with clock.freeze(datetime.datetime.combine(day, datetime.time(7, 0))):
        runs = services.run_due(job, day, runner="cli")
        periods = job.periods(day)
    if not periods:
        click.echo(_("%(name)s is not due on %(day)s.", name=name,
                     day=day.strftime("%d/%m/%Y")))
    for run in runs:
        click.echo("%s %s: %s %s" % (name, run.period, run.status, run.result or run.error))
    if periods and not runs:
        click.echo(_("Already done or running for %(periods)s.", periods=", ".join(periods)))


@click.group("mail")
def mail_group():
    """The mail outbox."""


@mail_group.command("send")
@with_appcontext
def mail_send_command():
    """Send the outbox's mail that is due now."""
    from app.notify import services

    sent, failed = services.send_due()
    click.echo(_("%(sent)d sent, %(failed)d to try again.", sent=sent, failed=failed))


def init_app(app):
    app.cli.add_command(scheduler_group)
    app.cli.add_command(jobs_group)
    app.cli.add_command(mail_group)
