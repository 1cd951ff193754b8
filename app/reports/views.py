"""The search screen (Khai thác → Tìm kiếm): criteria as GET parameters, a page of
results, the printed list, the Excel export, and the account's saved searches.

Criteria, queries and the workbook live in app/reports/search.py; these views read the
request, call it and render.
"""
import io
from urllib.parse import parse_qs, urlencode

from flask import flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.core import clock
from app.core.transactions import commit_read
from app.reports import dashboard, search, statistics
from app.security import roles

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _back_to(values):
    """The search page with these criteria."""
    query = urlencode(values, doseq=True)
    return url_for("SearchView.index") + ("?" + query if query else "")


class SearchView(BaseView):
    route_base = "/reports/search"
    class_permission_name = roles.REPORTS
    method_permission_name = {"index": "read", "printable": "read", "export": "export",
                              "save": "read", "forget": "read"}
    base_permissions = roles.base_permissions(roles.REPORTS)
    default_view = "index"

    def _render(self, values, errors, result=None, status=200):
        return self.render_template(
            "reports/search.html", values=values, errors=errors, result=result,
            options=search.options(), units=search.unit_choices(g.user),
            saved=search.saved_searches(g.user),
            may_export=self.appbuilder.sm.has_access("can_export", roles.REPORTS),
            query=urlencode(values, doseq=True), back_to=_back_to, words=search.Words(),
            csrf=generate_csrf(), limit=search.EXPORT_LIMIT, print_limit=search.PRINT_LIMIT,
            title=_("Search")), status

    @expose("/")
    @has_access
    def index(self):
        try:
            criteria = search.parse(g.user, request.args)
        except search.SearchInvalid as exc:
            return self._render(exc.values, exc.errors, status=400)
        result = search.search_page(g.user, criteria, request.args.get("page", 1, type=int))
        commit_read()
        return self._render(criteria.values, {}, result)

    @expose("/print")
    @has_access
    def printable(self):
        try:
            criteria = search.parse(g.user, request.args)
        except search.SearchInvalid as exc:
            return self._render(exc.values, exc.errors, status=400)
        result = search.print_list(g.user, criteria)
        commit_read()
        return self.render_template("reports/print.html", result=result,
                                    values=criteria.values, options=search.options(),
                                    units=dict(search.unit_choices(g.user)),
                                    words=search.Words(), limit=search.PRINT_LIMIT,
                                    title=_("List of people found"))

    @expose("/export")
    @has_access
    def export(self):
        try:
            criteria = search.parse(g.user, request.args)
        except search.SearchInvalid as exc:
            flash(_("Nothing was exported: correct the criteria marked below."), "danger")
            return self._render(exc.values, exc.errors, status=400)
        data, total, written = search.export(g.user, criteria)
        commit_read()
        if written < total:
            flash(_("Only the first %(n)d people were exported; narrow the search for the "
                    "others.", n=written), "warning")
        return send_file(io.BytesIO(data), as_attachment=True, mimetype=XLSX,
                         download_name="tim-kiem-%s.xlsx" % clock.today().strftime("%d-%m-%Y"))

    @expose("/saved", methods=["POST"])
    @has_access
    def save(self):
        criteria = parse_qs(request.form.get("query", ""))
        try:
            saved = search.save_search(g.user, request.form.get("name"), criteria)
        except search.SavedSearchInvalid as exc:
            flash(exc.message, "danger")
            return redirect(_back_to(search.raw_values(criteria)))
        except search.SearchInvalid as exc:
            flash(_("Nothing was saved: correct the criteria marked below."), "danger")
            return redirect(_back_to(exc.values))
        flash(_("Search saved as “%(name)s”.", name=saved.name), "success")
        return redirect(_back_to(saved.criteria))

    @expose("/saved/forget", methods=["POST"])
    @has_access
    def forget(self):
        if search.delete_search(g.user, request.form.get("id")):
            flash(_("Saved search deleted."), "success")
        else:
            flash(_("There is no such saved search."), "warning")
        return redirect(url_for("SearchView.index"))


class BreakdownView(BaseView):
    """The yearly report's quantity-and-quality table (Khai thác → Số lượng, chất
    lượng): a unit of the actor's scope, a category, the table, print and Excel."""
    route_base = "/reports/breakdown"
    class_permission_name = roles.REPORTS
    method_permission_name = {"index": "read", "export": "export"}
    base_permissions = roles.base_permissions(roles.REPORTS)
    default_view = "index"

    def _values(self):
        return {key: request.args.get(key, "") for key in ("unit", "category")}

    @expose("/")
    @has_access
    def index(self):
        values = self._values()
        try:
            unit, category = statistics.read_request(g.user, request.args)
        except statistics.BreakdownInvalid as exc:
            unit, category, errors, status = statistics.read_request(g.user, {}) + (
                exc.errors, 400)
        else:
            errors, status = {}, 200
        report = statistics.breakdown_page(g.user, unit, category)
        commit_read()
        values["unit"] = values["unit"] or str(unit.id)
        return self.render_template(
            "reports/breakdown.html", report=report, groups=statistics.groups(report),
            values=values, errors=errors, units=search.unit_choices(g.user),
            categories=statistics.category_choices(),
            may_export=self.appbuilder.sm.has_access("can_export", roles.REPORTS),
            title=_("Quantity and quality of the staff")), status

    @expose("/export")
    @has_access
    def export(self):
        try:
            unit, category = statistics.read_request(g.user, request.args)
        except statistics.BreakdownInvalid as exc:
            flash(" ".join(exc.errors.values()), "danger")
            return redirect(url_for("BreakdownView.index"))
        data, filename = statistics.breakdown_xlsx(g.user, unit, category)
        commit_read()
        return send_file(io.BytesIO(data), as_attachment=True, mimetype=XLSX,
                         download_name=filename)


class DashboardView(BaseView):
    """The overview of a scope (Khai thác → Tổng quan): the panels of
    app/reports/dashboard.py, each a chart and its table."""
    route_base = "/reports/dashboard"
    class_permission_name = roles.REPORTS
    method_permission_name = {"index": "read"}
    base_permissions = roles.base_permissions(roles.REPORTS)
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        values = {"unit": request.args.get("unit", "")}
        try:
            unit, _category = statistics.read_request(g.user, {"unit": values["unit"]})
            errors, status = {}, 200
        except statistics.BreakdownInvalid as exc:
            (unit, _category), errors, status = statistics.read_request(g.user, {}), \
                exc.errors, 400
        on, panels = dashboard.dashboard(g.user, unit)
        commit_read()
        values["unit"] = values["unit"] if not errors and values["unit"] else str(unit.id)
        return self.render_template("reports/dashboard.html", unit=unit, on=on,
                                    panels=panels, values=values, errors=errors,
                                    units=search.unit_choices(g.user),
                                    title=_("Overview")), status
