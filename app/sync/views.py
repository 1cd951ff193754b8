"""The national sync's screens: the board "sẵn sàng đồng bộ" (ready, blocked with the
reasons field by field, sent, failed with the receiver's words and "send again"), and
reconciliation (Sở Nội vụ): the last comparisons and the records that differ."""
from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.security.scope import as_id
from app.core.transactions import commit_read
from app.security import roles
from app.sync import reconcile, services
from app.sync.models import PENDING


class SyncView(BaseView):
    route_base = "/sync"
    class_permission_name = roles.SYNC
    method_permission_name = {"index": "read", "requeue": "requeue",
                              "reconciliation": "reconcile", "reconcile_now": "reconcile"}
    base_permissions = roles.base_permissions(roles.SYNC)
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        page = as_id(request.args.get("page")) or 1
        view = services.board_page(g.user, request.args.get("state") or PENDING, page)
        commit_read()
        return self.render_template(
            "sync/board.html", view=view, state=view.state, page=page, csrf=generate_csrf(),
            states=services.STATE_LABELS, reasons=services.REASON_LABELS,
            messages=services.MESSAGE_LABELS, actions=services.ACTION_LABELS,
            may_requeue=services.may_requeue(g.user), title=_("National sync"))

    @expose("/requeue", methods=["POST"])
    @has_access
    def requeue(self):
        try:
            services.requeue(g.user, request.form.get("message"), request.form.get("seen"))
        except services.SyncRefused as refusal:
            flash(str(refusal), "warning")
        else:
            flash(_("The message will be sent again in the next round."), "success")
        return redirect(url_for("SyncView.index", state=services.FAILED))

    @expose("/reconciliation")
    @has_access
    def reconciliation(self):
        view = reconcile.page(g.user, as_id(request.args.get("run")))
        commit_read()
        return self.render_template("sync/reconciliation.html", view=view,
                                    csrf=generate_csrf(), title=_("Reconciliation"))

    @expose("/reconcile", methods=["POST"])
    @has_access
    def reconcile_now(self):
        try:
            row = reconcile.reconcile(g.user)
        except services.SyncRefused as refusal:
            flash(str(refusal), "warning")
            return redirect(url_for("SyncView.reconciliation"))
        flash(_("Compared: %(n)d differences.", n=row.differences),
              "success" if not row.differences else "warning")
        return redirect(url_for("SyncView.reconciliation", run=row.id))
