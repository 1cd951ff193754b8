"""The jobs' screen for the technical administration (Quản trị → Tác vụ định kỳ): each
job's schedule, last and next run, result or error, a "run now" under the same guard,
each job's history, and the mail queue with its failures (never a message's text)."""
from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.core.transactions import commit_read
from app.jobs import registry, services
from app.jobs.models import DONE, FAILED, RUNNING
from app.security import roles



def _status_labels():
    return {RUNNING: _("Running"), DONE: _("Done"), FAILED: _("Failed")}


class JobsView(BaseView):
    route_base = "/jobs"
    class_permission_name = roles.JOBS
    method_permission_name = {"index": "read", "history": "read", "run": "run"}
    base_permissions = roles.base_permissions(roles.JOBS)
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        rows, counts, oldest, failures = services.overview(registry.jobs())
        commit_read()
        return self.render_template(
            "jobs/index.html", rows=rows, counts=counts, oldest=oldest, failures=failures,
            statuses=_status_labels(), csrf=generate_csrf(),
            may_run=self.appbuilder.sm.has_access("can_run", roles.JOBS),
            title=_("Scheduled jobs"))

    def _job_or_back(self, name):
        job = registry.job_named(name or "")
        if job is None:
            flash(_("There is no such job."), "warning")
        return job

    @expose("/history")
    @has_access
    def history(self):
        job = self._job_or_back(request.args.get("job"))
        if job is None:
            return redirect(url_for("JobsView.index"))
        return self.render_template("jobs/history.html", job=job,
                                    runs=services.history(job.name),
                                    statuses=_status_labels(), title=str(job.label))

    @expose("/run", methods=["POST"])
    @has_access
    def run(self):
        job = self._job_or_back(request.form.get("job"))
        if job is None:
            return redirect(url_for("JobsView.index"))
        periods, runs = services.run_now(g.user, job)
        if not periods:
            flash(_("%(job)s is not due today: nothing to run.", job=job.label), "info")
        elif not runs:
            flash(_("%(job)s has already run (or is running) for %(periods)s.",
                    job=job.label, periods=", ".join(periods)), "info")
        for run in runs:
            if run.status == DONE:
                flash(_("%(job)s ran for %(period)s: %(result)s", job=job.label,
                        period=run.period, result=run.result), "success")
            else:
                flash(_("%(job)s failed for %(period)s; the error is in its history.",
                        job=job.label, period=run.period), "danger")
        return redirect(url_for("JobsView.index"))
