"""Screens of the leavers: the archive of a unit, the people retiring within N months,
and, from a person, recording a departure or a reinstatement from the decision.

Rules live in app/leavers/services.py, reads in app/leavers/queries.py; these views
read the request, call one of them and render.
"""
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from app.core.transactions import commit_read
from app.core.views import uploaded
from app.leavers import queries, services
from app.org.models import LEAVER_STATUSES
from app.security import roles

FORM_KEYS = ("status", "decision_number", "decision_date", "decided_by", "effective_date",
             "note")
STATE_LABELS = {"on_time": _l("Recorded on time"), "late": _l("Recorded late"),
                "no_term": _l("No term in the province's rules")}


def _months():
    months = request.args.get("months", queries.MONTHS_DEFAULT, type=int)
    return min(max(months or queries.MONTHS_DEFAULT, 1), queries.MONTHS_MAX)


class LeaversView(BaseView):
    route_base = "/leavers"
    class_permission_name = roles.LEAVERS
    method_permission_name = {"archive": "read", "retiring": "read", "depart_form": "write",
                              "depart": "write", "reinstate_form": "write",
                              "reinstate": "write", "cancel": "write"}
    base_permissions = roles.base_permissions(roles.LEAVERS)
    default_view = "archive"

    def _render(self, template, **context):
        return self.render_template(template, csrf=generate_csrf(),
                                    status_label=services.status_label, **context)

    @expose("/")
    @has_access
    def archive(self):
        page = min(max(request.args.get("page", 1, type=int), 1), 10000)
        unit = queries.chosen_unit(g.user, request.args.get("unit"))
        rows, more = queries.archive_page(g.user, unit, page - 1)
        units = queries.unit_choices(g.user)
        commit_read()
        return self._render("leavers/archive.html", rows=rows, more=more, page=page,
                            unit=unit, units=units, state_labels=STATE_LABELS,
                            title=_("Archive of leavers"))

    @expose("/retiring")
    @has_access
    def retiring(self):
        months = _months()
        unit = queries.chosen_unit(g.user, request.args.get("unit"))
        rows = queries.retiring_page(g.user, unit, months)
        units = queries.unit_choices(g.user)
        commit_read()
        return self._render("leavers/retiring.html", rows=rows, months=months, unit=unit,
                            units=units, title=_("Retiring within %(n)d months", n=months))

    def _person(self, pk):
        employee = queries.person(g.user, pk)
        if employee is None:
            abort(404)
        return employee

    def _form(self, template, employee, values, errors, status=200):
        return self._render(template, employee=employee, values=values, errors=errors,
                            status_options=[(code, str(services.status_label(code)))
                                            for code in LEAVER_STATUSES],
                            title=_("Status of %(name)s", name=employee.full_name)), status

    def _back(self, employee_id):
        return redirect(url_for("RecordView.person", pk=employee_id))

    @expose("/person/<int:pk>/depart")
    @has_access
    def depart_form(self, pk):
        employee = self._person(pk)
        return self._form("leavers/depart.html", employee, {}, {})

    @expose("/person/<int:pk>/depart", methods=["POST"])
    @has_access
    def depart(self, pk):
        employee = self._person(pk)
        employee_id, name = employee.id, employee.full_name
        values = {key: request.form.get(key, "") for key in FORM_KEYS}
        try:
            change = services.depart(g.user, employee, values, uploaded("scan"))
        except services.LeaverInvalid as exc:
            flash(_("Nothing was saved: correct the fields marked below."), "danger")
            return self._form("leavers/depart.html", queries.person(g.user, pk) or employee,
                              values, exc.errors, 400)
        if change.is_pending:
            flash(_("%(name)s: %(status)s recorded; it takes effect on %(day)s, until then "
                    "the person keeps working.", name=name,
                    status=services.status_label(change.status_to),
                    day=change.effective_date.strftime("%d/%m/%Y")), "success")
        else:
            flash(_("%(name)s: %(status)s from %(day)s; the record is in the unit's "
                    "archive.", name=name, status=services.status_label(change.status_to),
                    day=change.effective_date.strftime("%d/%m/%Y")), "success")
        return self._back(employee_id)

    @expose("/person/<int:pk>/reinstate")
    @has_access
    def reinstate_form(self, pk):
        employee = self._person(pk)
        return self._form("leavers/reinstate.html", employee, {}, {})

    @expose("/person/<int:pk>/reinstate", methods=["POST"])
    @has_access
    def reinstate(self, pk):
        employee = self._person(pk)
        employee_id, name = employee.id, employee.full_name
        values = {key: request.form.get(key, "") for key in FORM_KEYS}
        try:
            services.reinstate(g.user, employee, values, uploaded("scan"))
        except services.LeaverInvalid as exc:
            flash(_("Nothing was saved: correct the fields marked below."), "danger")
            return self._form("leavers/reinstate.html", queries.person(g.user, pk) or employee,
                              values, exc.errors, 400)
        flash(_("%(name)s is working again, on the same record.", name=name), "success")
        return self._back(employee_id)

    @expose("/person/<int:pk>/cancel", methods=["POST"])
    @has_access
    def cancel(self, pk):
        employee = self._person(pk)
        employee_id, name = employee.id, employee.full_name
        try:
            services.cancel_departure(g.user, employee, request.form.get("change"),
                                      request.form.get("reason"))
        except services.LeaverInvalid as exc:
            flash(_("Nothing was changed: %(reason)s",
                    reason="; ".join(str(message) for message in exc.errors.values())),
                  "danger")
        else:
            flash(_("%(name)s's departure was cancelled; the person keeps working.",
                    name=name), "success")
        return self._back(employee_id)
