"""One row per job and period (``JobRun``): the key a runner takes in the database before
it acts, so a job runs once per period even with several web workers, two runners started
by mistake or a runner restarted mid-run (app/jobs/services.py)."""
from sqlalchemy import (
    Column, DateTime, ForeignKey, Index, Integer, SmallInteger, String, Text,
    UniqueConstraint,
)

from flask_appbuilder import Model

RUNNING, DONE, FAILED = "running", "done", "failed"


class JobRun(Model):
    __tablename__ = "job_run"

    id = Column(Integer, primary_key=True)
    job = Column(String(64), nullable=False)
    period = Column(String(32), nullable=False)      # "2026-12-27", "2026-12", "2026-Q4"
    status = Column(String(16), nullable=False, default=RUNNING)
    attempts = Column(SmallInteger, nullable=False, default=1)
    runner = Column(String(120), nullable=False)     # host:pid of the runner, or "web"
    requested_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)  # "run now"
    started_at = Column(DateTime(timezone=True), nullable=False)
    finished_at = Column(DateTime(timezone=True), nullable=True)
    result = Column(String(500), nullable=True)
    error = Column(Text, nullable=True)

    __table_args__ = (
        UniqueConstraint("job", "period", name="uq_job_run_period"),
        Index("ix_job_run_started", "job", "started_at"),
    )
