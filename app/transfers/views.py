"""Screens of transfers: the unit's board (due, overdue, done, who acts next), entering
a case from its decision, a case with its steps, acting on the next step.

Rules live in app/transfers/services.py, reads in app/transfers/queries.py.
"""
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.core.transactions import commit_read
from app.core.views import uploaded
from app.hiring import services as hiring
from app.org.models import CATEGORIES
from app.records import form
from app.security import roles
from app.transfers import queries, services
from app.transfers.models import KINDS

FORM_KEYS = ("kind", "employee_id", "to_unit_id", "outside_body", "decision_number",
             "decision_date", "decided_by", "effective_on", "ends_on", "note",
             "sync_possible", "category", "ho_ten", "gioi_tinh", "ngay_sinh", "so_dinh_danh",
             "grade_code", "first_recruited_on", "first_recruited_by", "username", "email")
STEP_KEYS = ("account_mode", "username", "email", "note")


class TransferView(BaseView):
    route_base = "/transfers"
    class_permission_name = roles.TRANSFERS
    method_permission_name = {"index": "read", "case": "read", "new": "write",
                              "create": "write", "step": "write", "cancel": "write"}
    base_permissions = roles.base_permissions(roles.TRANSFERS)
    default_view = "index"

    def _render(self, template, **context):
        return self.render_template(
            template, csrf=generate_csrf(), kind_labels=services.KIND_LABELS,
            step_labels=services.step_labels(), state_labels=services.STATE_LABELS,
            may_write=services.may_write(g.user), **context)

    @expose("/")
    @has_access
    def index(self):
        found = queries.board(g.user, request.args.get("unit"))
        commit_read()
        return self._render("transfers/board.html", title=_("Transfer board"), **found)

    def _form(self, values, errors, status=200):
        people, units = queries.form_choices(g.user)
        return self._render(
            "transfers/new.html", values=values, errors=errors, people=people, units=units,
            kind_options=[(kind, str(services.KIND_LABELS[kind])) for kind in KINDS],
            category_options=[(code, str(hiring.CATEGORY_LABELS[code]))
                              for code in CATEGORIES],
            gender_options=[(code, word) for code, word, _en in form.GENDERS],
            title=_("Enter a transfer")), status

    @expose("/new")
    @has_access
    def new(self):
        return self._form({"kind": request.args.get("kind", KINDS[0]),
                           "employee_id": request.args.get("employee", "")}, {})

    @expose("/new", methods=["POST"])
    @has_access
    def create(self):
        values = {key: request.form.get(key, "") for key in FORM_KEYS}
        try:
            opened = services.handed_over(g.user, services.open_case(g.user, values,
                                                                     uploaded("scan")))
        except services.TransferInvalid as exc:
            flash(_("Nothing was saved: correct the fields marked below."), "danger")
            return self._form(values, exc.errors, 400)
        if opened.password:
            flash(_("Account %(username)s made; its temporary password, shown once: "
                    "%(password)s", username=opened.account.username,
                    password=opened.password), "warning")
        flash(_("The transfer case was entered."), "success")
        return redirect(url_for("TransferView.case", pk=opened.case.id))

    @expose("/case/<int:pk>")
    @has_access
    def case(self, pk):
        row = queries.case_for(g.user, pk)
        if row is None:
            abort(404)
        commit_read()
        return self._render("transfers/case.html", row=row, values={}, errors={},
                            title=_("Transfer of %(name)s", name=row.case.employee.full_name))

    def _case(self, pk):
        case = queries.case_to_write(g.user, pk)
        if case is None:
            abort(404)
        return case

    @expose("/case/<int:pk>/step", methods=["POST"])
    @has_access
    def step(self, pk):
        case = self._case(pk)
        values = {key: request.form.get(key, "") for key in STEP_KEYS}
        try:
            acted = services.handed_over_step(g.user, services.act(
                g.user, case, request.form.get("step_id"), request.form.get("version"),
                values))
        except services.TransferInvalid as exc:
            row = queries.case_for(g.user, pk)
            if row is None:
                abort(404)
            commit_read()
            flash(_("Nothing was saved: %(reason)s", reason=str(exc)), "danger")
            return self._render("transfers/case.html", row=row, values=values,
                                errors=exc.errors, title=_(
                                    "Transfer of %(name)s",
                                    name=row.case.employee.full_name)), 400
        if acted.password:
            flash(_("Account %(username)s made; its temporary password, shown once: "
                    "%(password)s", username=acted.account.username,
                    password=acted.password), "warning")
        flash(_("Step done."), "success")
        return redirect(url_for("TransferView.case", pk=pk))

    @expose("/case/<int:pk>/cancel", methods=["POST"])
    @has_access
    def cancel(self, pk):
        case = self._case(pk)
        try:
            services.cancel(g.user, case, request.form.get("version"),
                            request.form.get("reason"))
            flash(_("The case was cancelled."), "success")
        except services.TransferInvalid as exc:
            flash(str(exc), "danger")
        return redirect(url_for("TransferView.case", pk=pk))
