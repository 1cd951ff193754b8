"""The jobs' runner: APScheduler in a process of its own (`flask scheduler run`, started by
`make run` beside the web server and by the systemd unit of docs/deploy.md).

Each job ticks on its cron (province time) and runs for every period it is due for; the
mail sender sends the outbox every minute. Ticks are only triggers: the once-per-period
guard is in the database (app/jobs/services.py), so a second runner started by mistake,
or a tick that coalesces missed ones after a pause, does no work twice. On start the
runner ticks every job once, so a runner that was down on a job's day catches up."""
import datetime
import logging

from app.core import clock
from app.extensions import db
from app.jobs import registry, services

log = logging.getLogger(__name__)
MAIL_EVERY = datetime.timedelta(seconds=60)
SYNC_EVERY = datetime.timedelta(seconds=60)


def tick(app, name):
    """One tick of the job ``name``: run it for the periods due today."""
    with app.app_context():
        try:
            job = registry.job_named(name)
            if job is not None:
                for run in services.run_due(job):
                    log.info("job %s %s: %s", name, run.period, run.status)
        finally:
            db.session.remove()


def send_mail(app):
    from app.notify import services as notify

    with app.app_context():
        try:
            sent, failed = notify.send_due()
            if sent or failed:
                log.info("mail: %d sent, %d to try again", sent, failed)
        finally:
            db.session.remove()


def send_sync(app):
    from app.sync import services as sync

    with app.app_context():
        try:
            result = sync.send_due()
            if result.sent or result.retried or result.failed:
                log.info("national sync: %d sent, %d to try again, %d failed%s", result.sent,
                         result.retried, result.failed,
                         " (receiver down)" if result.stopped else "")
        finally:
            db.session.remove()


def build_scheduler(app, scheduler_class=None):
    """The scheduler with every job of the active profile and the mail sender."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler = (scheduler_class or BlockingScheduler)(timezone=clock.PROVINCE_TZ)
    with app.app_context():
        crons = [(job.name, job.cron) for job in registry.jobs()]
    started = clock.now()
    for name, cron in crons:
        scheduler.add_job(tick, CronTrigger(timezone=clock.PROVINCE_TZ, **cron),
                          args=[app, name], id=name, max_instances=1, coalesce=True,
                          misfire_grace_time=6 * 3600)
        scheduler.add_job(tick, "date", run_date=started, args=[app, name],
                          id=name + ":on-start", misfire_grace_time=3600)
    scheduler.add_job(send_mail, IntervalTrigger(seconds=MAIL_EVERY.total_seconds()),
                      args=[app], id="mail_sender", max_instances=1, coalesce=True,
                      next_run_time=started)
    scheduler.add_job(send_sync, IntervalTrigger(seconds=SYNC_EVERY.total_seconds()),
                      args=[app], id="sync_sender", max_instances=1, coalesce=True,
                      next_run_time=started)
    return scheduler
