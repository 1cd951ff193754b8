"""The screens of Khai thác: the search (criteria as GET parameters, a page of results,
the printed list, the Excel export, the account's saved searches), the quantity and
quality table, the overview, the data quality, and the statutory reports.

The rules and queries live in the services (search.py, statistics.py, dashboard.py,
quality.py, statutory.py); these views read the request, call them and render.
"""
import io
from urllib.parse import parse_qs, urlencode

from flask import abort, flash, g, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.core import clock
from app.core.transactions import commit_read
from app.approval import keys
from app.core.exceptions import DomainError
from app.reports import dashboard, quality, search, statistics, statutory
from app.security import roles, scope

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _back_to(values):
    """The search page with these criteria."""
    query = urlencode(values, doseq=True)
    return url_for("SearchView.index") + ("?" + query if query else "")


class SearchView(BaseView):
    route_base = "/reports/search"
    class_permission_name = roles.REPORTS
    method_permission_name = {"index": "read", "printable": "read", "export": "export",
                              "save": "read", "forget": "read", "units": "read"}
    base_permissions = roles.base_permissions(roles.REPORTS)
    default_view = "index"

    def _render(self, values, errors, result=None, status=200):
        return self.render_template(
            "reports/search.html", values=values, errors=errors, result=result,
            options=search.options(), units=search.unit_choices(g.user, values.get("unit")),
            saved=search.saved_searches(g.user), units_found=search.UNITS_FOUND,
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
                                    units=dict(search.unit_choices(
                                        g.user, criteria.values.get("unit"))),
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

    @expose("/units")
    @has_access
    def units(self):
        """The units of the actor's scope whose name or code matches ``q`` (JSON), for
        the search form's unit picker: names of units, nothing personal (not audited)."""
        found, more = search.find_units(g.user, request.args.get("q", ""))
        return jsonify(units=found, more=more)

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
            values=values, errors=errors, units=search.every_unit_choice(g.user),
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
                                    units=search.every_unit_choice(g.user),
                                    title=_("Overview")), status


def _send(found):
    data, name, mimetype = found
    return send_file(io.BytesIO(data), as_attachment=True, mimetype=mimetype,
                     download_name=name)


class StatutoryView(BaseView):
    """The statutory reports (Khai thác → Báo cáo định kỳ): a unit's report on each of
    the profile's periods, compiled, signed and submitted; Sở Nội vụ's tracking of the
    submissions and the province's report; the staffing quotas it gives. The rules are in
    app/reports/statutory.py."""
    route_base = "/reports/statutory"
    class_permission_name = roles.REPORTS
    method_permission_name = {
        "index": "read", "show": "read", "document": "read", "compile": "compile",
        "submit": "compile", "sign": "sign", "province": "inspect",
        "compile_province": "inspect", "quotas": "staffing", "set_quota": "staffing"}
    base_permissions = roles.base_permissions(roles.REPORTS)
    default_view = "index"

    def _render(self, template, **context):
        return self.render_template(
            template, csrf=generate_csrf(), status_labels=statutory.STATUS_LABELS,
            is_late=statutory.is_late, **context)

    def _report_or_404(self, pk):
        report = statutory.get_report(g.user, pk)
        if report is None:
            abort(404)
        return report

    @expose("/")
    @has_access
    def index(self):
        page = statutory.unit_page(g.user, request.args.get("period"))
        commit_read()
        return self._render("reports/statutory.html", page=page,
                            may_inspect=self.appbuilder.sm.has_access("can_inspect",
                                                                      roles.REPORTS),
                            title=_("Statutory reports"))

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        found = statutory.report_page(g.user, pk)
        if found is None:
            abort(404)
        report, revisions, may_sign = found
        commit_read()
        return self._render("reports/statutory_report.html", report=report,
                            revisions=revisions, may_sign=may_sign,
                            credentials=keys.credentials_of(g.user) if may_sign else [],
                            title=report.numbers["period"]["label"])

    @expose("/<int:pk>/<any(pdf, xlsx):kind>")
    @has_access
    def document(self, pk, kind):
        found = statutory.document_of(g.user, self._report_or_404(pk), kind)
        if found is None:
            abort(404)
        commit_read()
        return _send(found)

    def _compile(self, back, compile_for, done):
        """Compile the form's period with ``compile_for(period, remarks=, lock=)``; back to
        ``back`` with the reason when refused, else to the draft with ``done``."""
        period = statutory.period_of(request.form.get("period"))
        if period is None:
            flash(_("Choose a period from the list."), "danger")
            return redirect(url_for(back))
        try:
            report = compile_for(period, remarks=request.form.get("remarks", ""),
                                 lock=request.form.get("version"))
        except DomainError as exc:
            flash(str(exc), "danger")
            return redirect(url_for(back, period=period.key))
        flash(done, "success")
        return redirect(url_for("StatutoryView.show", pk=report.id))

    @expose("/compile", methods=["POST"])
    @has_access
    def compile(self):
        return self._compile(
            "StatutoryView.index",
            lambda period, **form: statutory.compile_unit_report(
                g.user, statutory.reporting_unit_of(g.user), period, **form),
            _("The report was compiled: review its numbers, then sign it."))

    @expose("/<int:pk>/sign", methods=["POST"])
    @has_access
    def sign(self, pk):
        report = self._report_or_404(pk)
        try:
            signer, _kind = keys.signer_from_form(g.user, request.form)
            with signer:
                statutory.sign_report(g.user, report, signer, lock=request.form.get("version"))
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The report was signed: submit it to Sở Nội vụ."), "success")
        return redirect(url_for("StatutoryView.show", pk=pk))

    @expose("/<int:pk>/submit", methods=["POST"])
    @has_access
    def submit(self, pk):
        report = self._report_or_404(pk)
        try:
            statutory.submit_report(g.user, report, lock=request.form.get("version"))
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The report was submitted."), "success")
        return redirect(url_for("StatutoryView.show", pk=pk))

    @expose("/province")
    @has_access
    def province(self):
        page = statutory.province_page(g.user, request.args.get("period"))
        commit_read()
        return self._render("reports/statutory_province.html", page=page,
                            title=_("Reports of the units"))

    @expose("/province/compile", methods=["POST"])
    @has_access
    def compile_province(self):
        return self._compile(
            "StatutoryView.province",
            lambda period, **form: statutory.compile_province_report(g.user, period, **form),
            _("The province's report was compiled from the units' submissions."))

    def _quota_year(self, value):
        year = scope.as_id(value)
        return year if year and 2000 <= year <= 2100 else clock.today().year

    @expose("/quotas")
    @has_access
    def quotas(self):
        year = self._quota_year(request.args.get("year"))
        units, quotas = statutory.quota_page(g.user, year)
        return self._render("reports/statutory_quotas.html", year=year, units=units,
                            quotas=quotas, categories=statutory.QUOTA_LABELS,
                            title=_("Staffing quotas"))

    @expose("/quotas", methods=["POST"])
    @has_access
    def set_quota(self):
        form = request.form
        year = self._quota_year(form.get("year"))
        try:
            statutory.set_quota(g.user, statutory.unit_for_quota(scope.as_id(form.get("unit"))),
                                form.get("year"), form.get("category"), form.get("quota"),
                                form.get("source"), lock=form.get("version"))
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The staffing quota was saved."), "success")
        return redirect(url_for("StatutoryView.quotas", year=year))


class QualityView(BaseView):
    """Data quality of a scope (Khai thác → Chất lượng dữ liệu): Đúng, Đủ, Sạch, Sống per
    unit of app/reports/quality.py, each failing count a link to the people behind it."""
    route_base = "/reports/quality"
    class_permission_name = roles.REPORTS
    method_permission_name = {"index": "read", "people": "read"}
    base_permissions = roles.base_permissions(roles.REPORTS)
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        values = {"unit": request.args.get("unit", "")}
        errors, status = {}, 200
        unit = quality.unit_for(g.user, values["unit"])
        if unit is None:
            errors["unit"] = _("Choose a unit of your scope.")
            unit, status = quality.unit_for(g.user, ""), 400
        if unit is None:
            abort(404)
        report = quality.quality_page(g.user, unit)
        commit_read()
        values["unit"] = str(unit.id) if errors or not values["unit"] else values["unit"]
        return self.render_template(
            "reports/quality.html", report=report, values=values, errors=errors,
            units=search.every_unit_choice(g.user), criteria=quality.CRITERIA,
            labels=quality.CRITERION_LABELS, hints=quality.CRITERION_HINTS,
            title=_("Data quality")), status

    @expose("/people")
    @has_access
    def people(self):
        unit = quality.unit_for(g.user, request.args.get("unit", ""))
        if unit is None:
            abort(404)
        try:
            criterion = quality.read_criterion(request.args.get("criterion"))
            found = quality.drill_down_page(g.user, unit, criterion,
                                            quality.read_page(request.args.get("page")),
                                            own=bool(request.args.get("own")))
        except quality.QualityInvalid as exc:
            flash(str(exc), "danger")
            return self.render_template("reports/quality_people.html", found=None, unit=unit,
                                        labels=quality.CRITERION_LABELS,
                                        title=_("Data quality")), 400
        commit_read()
        return self.render_template("reports/quality_people.html", found=found, unit=unit,
                                    labels=quality.CRITERION_LABELS,
                                    title=_("Data quality")), 200


class InspectionView(BaseView):
    """Sở Nội vụ's inspection (Khai thác → Kiểm tra, Điều 12.3, 16.1e HP; Điều 21.6 HN):
    the reporting units ranked by their data quality, the weakest first."""
    route_base = "/reports/inspection"
    class_permission_name = roles.REPORTS
    method_permission_name = {"index": "inspect"}
    base_permissions = roles.base_permissions(roles.REPORTS)
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        try:
            found = quality.inspection_page(g.user)
        except quality.QualityInvalid:
            abort(404)
        commit_read()
        return self.render_template(
            "reports/inspection.html", ranking=found, criteria=quality.CRITERIA,
            labels=quality.CRITERION_LABELS, title=_("Inspection of the units' data"))
