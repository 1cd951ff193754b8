"""Running a job once per period.

``run(job, period)`` first takes the key (job, period) in the database, in a transaction
of its own: a new row, or a failed run to try again, or a run whose runner stopped (it
has been running longer than the job's ``stale_after``). Whoever does not get the key does
nothing. The job's work and the row's "done" are then one transaction: a runner that dies
mid-run leaves nothing half done, and the next runner's tick takes the key over and does
it all. Mail and national messages the work causes go through outboxes written in that
transaction (app/notify), so they are sent once whoever ran it.
"""
import logging
import os
import socket
import traceback

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core import clock
from app.extensions import db
from app.jobs.models import DONE, FAILED, RUNNING, JobRun

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


def runner_name():
    return "%s:%d" % (socket.gethostname(), os.getpid())


def take(job, period, runner=None, requested_by=None):
    """The run of ``job`` for ``period`` if this caller now holds it (committed), else
    None: it is done, running elsewhere, or failed too often."""
    runner = runner or runner_name()
    now = clock.now()
    row = JobRun(job=job.name, period=period, status=RUNNING, attempts=1, runner=runner,
                 requested_by=requested_by, started_at=now)
    db.session.add(row)
    try:
        db.session.commit()
        return row
    except IntegrityError:
        db.session.rollback()
    row = db.session.scalar(select(JobRun).where(
        JobRun.job == job.name, JobRun.period == period).with_for_update(skip_locked=True))
    if row is None or row.status == DONE or row.attempts >= MAX_ATTEMPTS + (
            1 if requested_by else 0) or (
            row.status == RUNNING and row.started_at > now - job.stale_after):
        db.session.rollback()
        return None
    row.status, row.attempts, row.runner = RUNNING, row.attempts + 1, runner
    row.started_at, row.finished_at, row.error = now, None, None
    row.requested_by = requested_by
    db.session.commit()
    return row


def run(job, period, today=None, runner=None, requested_by=None):
    """Run ``job`` for ``period`` unless someone has or does; returns the JobRun this
    caller ran (done or failed), or None when it did not run."""
    today = today or clock.today()
    row = take(job, period, runner, requested_by)
    if row is None:
        return None
    run_id = row.id
    try:
        result = job.work(today, period)
        row = db.session.get(JobRun, run_id)
        row.status, row.finished_at = DONE, clock.now()
        row.result = (str(result) if result is not None else "")[:500]
        db.session.commit()
    except Exception as exc:   # the job's own failure is recorded, never the runner's end
        db.session.rollback()
        log.warning("job %s %s failed: %s", job.name, period, type(exc).__name__)
        row = db.session.get(JobRun, run_id)
        row.status, row.finished_at = FAILED, clock.now()
        row.error = ("%s: %s\n%s" % (type(exc).__name__, exc,
                                     traceback.format_exc(limit=8)))[:4000]
        db.session.commit()
    return row


def run_due(job, today=None, runner=None, requested_by=None):
    """Run ``job`` for every period it is due for on ``today``; the runs this caller ran."""
    today = today or clock.today()
    return [found for found in (run(job, period, today, runner, requested_by)
                                for period in job.periods(today)) if found is not None]


def last_runs(names):
    """{job name: its newest JobRun} (one statement)."""
    latest = select(func.max(JobRun.id)).where(JobRun.job.in_(names)).group_by(JobRun.job)
    return {row.job: row for row in db.session.scalars(select(JobRun).where(
        JobRun.id.in_(latest)))}


def history(name, limit=50):
    return list(db.session.scalars(select(JobRun).where(JobRun.job == name)
                                   .order_by(JobRun.started_at.desc()).limit(limit)))


def next_run(job, after=None):
    """When the runner ticks ``job`` next (its cron, province time)."""
    from apscheduler.triggers.cron import CronTrigger

    after = after or clock.now()
    return CronTrigger(timezone=clock.PROVINCE_TZ, **job.cron).get_next_fire_time(None, after)


def overview(jobs):
    """[(job, its last run, its next tick, the periods due today)] for the jobs' screen,
    with the mail queue's counts and failures; the last runs in one statement."""
    from app.notify import services as notify

    today = clock.today()
    last = last_runs([job.name for job in jobs])
    rows = [(job, last.get(job.name), next_run(job), job.periods(today)) for job in jobs]
    counts, oldest = notify.outbox_counts()
    return rows, counts, oldest, notify.outbox_failures()


def run_now(actor, job):
    """"Run now" from the jobs' screen: the periods due today, each under the same guard
    as the runner's ticks; audited. Returns (periods due, runs done by this call)."""
    from app.audit import services as audit

    periods = job.periods(clock.today())
    runs = run_due(job, requested_by=actor.id, runner="web")
    audit.record("jobs.run_now", object_type="JobRun", actor=actor,
                 details={"job": job.name, "periods": periods,
                          "ran": [run.period for run in runs]})
    db.session.commit()
    return periods, runs
