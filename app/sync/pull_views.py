"""The pull on transfer-in's screens (app/sync/pull.py): the data requests waiting for a
pull, and a case's pull: the previous agency's code to read under, the national record
field by field beside the province's, "Tạo bản nháp từ dữ liệu này" and "Bỏ qua"."""
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.core.exceptions import DomainError
from app.core.transactions import commit_read
from app.security import roles
from app.sync import pull
from app.sync.models import PULL_FETCHED


class SyncPullView(BaseView):
    route_base = "/sync/pull"
    class_permission_name = roles.SYNC
    method_permission_name = {"index": "pull", "case": "pull", "fetch": "pull",
                              "draft": "pull", "dismiss": "pull"}
    base_permissions = roles.base_permissions(roles.SYNC)
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        rows, pulls = pull.waiting(g.user)
        commit_read()
        return self.render_template("sync/pull_list.html", rows=rows, pulls=pulls,
                                    states=pull.STATE_LABELS,
                                    title=_("Records from the national database"))

    def _case(self, pk):
        case = pull.case_for_pull(g.user, pk)
        if case is None:
            abort(404)
        return case

    @expose("/case/<int:pk>")
    @has_access
    def case(self, pk):
        view = pull.page(g.user, self._case(pk))
        commit_read()
        return self.render_template(
            "sync/pull.html", view=view, csrf=generate_csrf(), states=pull.STATE_LABELS,
            fetched=PULL_FETCHED, org_code=request.args.get("org_code") or view.org_code,
            title=_("The national database's record of %(name)s",
                    name=view.employee.full_name))

    @expose("/case/<int:pk>/fetch", methods=["POST"])
    @has_access
    def fetch(self, pk):
        case = self._case(pk)
        org_code = request.form.get("org_code", "")
        try:
            found = pull.fetch(g.user, case, org_code)
        except pull.PullRefused as refusal:
            flash(_("Nothing was fetched: %(reason)s", reason=str(refusal)), "danger")
            return redirect(url_for("SyncPullView.case", pk=pk, org_code=org_code[:64]))
        if found.status == PULL_FETCHED:
            flash(_("The record was fetched: check it against the province's below."),
                  "success")
        else:
            flash(_("The national database found no record: %(message)s",
                    message=found.message or ""), "warning")
        return redirect(url_for("SyncPullView.case", pk=pk))

    @expose("/case/<int:pk>/draft", methods=["POST"])
    @has_access
    def draft(self, pk):
        case = self._case(pk)
        try:
            _found, version, plan = pull.make_draft(g.user, case, request.form.get("pull"),
                                                    request.form.get("seen"),
                                                    request.form.get("record_seen"))
        except DomainError as refusal:
            flash(str(refusal), "danger")
            return redirect(url_for("SyncPullView.case", pk=pk))
        flash(_("Draft %(number)d of the record holds the national values: check it, then "
                "submit it for approval as usual.", number=version.number), "success")
        if plan.withheld:
            flash(_("Left for the person to enter (the province's rules give them to the "
                    "person): %(items)s", items=", ".join(plan.withheld)), "info")
        return redirect(url_for("SyncPullView.case", pk=pk))

    @expose("/case/<int:pk>/dismiss", methods=["POST"])
    @has_access
    def dismiss(self, pk):
        case = self._case(pk)
        try:
            pull.dismiss(g.user, case, request.form.get("pull"), request.form.get("seen"))
        except pull.PullRefused as refusal:
            flash(str(refusal), "danger")
        else:
            flash(_("Set aside: nothing of it reaches the record."), "success")
        return redirect(url_for("SyncPullView.case", pk=pk))
