"""Screens of hiring: the unit's hirings, entering one person, an Excel list of new
hires, and a person's account (link, make, unlink).

Rules live in app/hiring/services.py, reads in app/hiring/queries.py; these views
read the request, call one of them and render.
"""
from flask import abort, flash, g, make_response, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.core.exceptions import DomainError
from app.core.transactions import commit_read
from app.core.views import uploaded
from app.hiring import importer, queries, services
from app.hiring.models import KINDS
from app.org.models import CATEGORIES
from app.records import form
from app.security import roles

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the inputs of the hire form that are kept when it is refused
FORM_KEYS = ("kind", "decision_number", "decision_date", "decided_by", "start_date",
             "unit_id", "category", "ho_ten", "gioi_tinh", "ngay_sinh", "so_dinh_danh",
             "grade_code", "bac_luong", "he_so_luong", "username", "email",
             "first_recruited_on", "first_recruited_by", "hd_loai", "hd_chuc_danh",
             "hd_den_ngay")


class HiringView(BaseView):
    route_base = "/hiring"
    class_permission_name = roles.HIRING
    method_permission_name = {
        "index": "read", "new": "hire", "create": "hire", "template": "hire",
        "import_form": "hire", "import_list": "hire", "person_account": "link",
        "link": "link", "unlink": "link", "make_account": "link"}
    base_permissions = roles.base_permissions(roles.HIRING)
    default_view = "index"

    def _render(self, template, **context):
        return self.render_template(template, csrf=generate_csrf(),
                                    kind_labels=services.KIND_LABELS,
                                    category_labels=services.CATEGORY_LABELS, **context)

    @expose("/")
    @has_access
    def index(self):
        page = min(max(request.args.get("page", 1, type=int), 1), 10000)
        rows, more = queries.recent_hirings(g.user, page - 1)
        without = queries.people_without_account(g.user) if services.may_link(g.user) else []
        commit_read()
        return self._render("hiring/index.html", rows=rows, more=more, page=page,
                            without_account=without, may_hire=services.may_hire(g.user),
                            title=_("Hiring"))

    def _form(self, values, errors, status=200):
        page = self._render(
            "hiring/new.html", values=values, errors=errors,
            units=queries.hire_unit_choices(g.user), grades=queries.grade_choices(),
            kind_options=[(kind, str(services.KIND_LABELS[kind])) for kind in KINDS],
            category_options=[(code, str(services.CATEGORY_LABELS[code]))
                              for code in CATEGORIES],
            gender_options=[(code, word) for code, word, _en in form.GENDERS],
            makes_accounts=services.may_make_accounts(g.user),
            contract_options=[(code, word) for code, word, _en in form.CONTRACT_TYPES],
            title=_("Hire a person"))
        return page, status

    @expose("/new")
    @has_access
    def new(self):
        return self._form({"kind": "tuyen_dung"}, {})

    @expose("/new", methods=["POST"])
    @has_access
    def create(self):
        values = {key: request.form.get(key, "") for key in FORM_KEYS}
        try:
            hired = services.hire(g.user, values, uploaded("scan"))
        except services.HiringInvalid as exc:
            flash(_("Nothing was saved: correct the fields marked below."), "danger")
            return self._form(values, exc.errors, 400)
        return self._render("hiring/hired.html", hired=hired, title=_("Person hired"))

    @expose("/template.xlsx")
    @has_access
    def template(self):
        response = make_response(importer.template_workbook())
        response.headers["Content-Type"] = XLSX
        response.headers["Content-Disposition"] = \
            "attachment; filename=danh-sach-tuyen-dung.xlsx"
        return response

    @expose("/import")
    @has_access
    def import_form(self):
        return self._render("hiring/import.html", errors=[], title=_("Import new hires"))

    @expose("/import", methods=["POST"])
    @has_access
    def import_list(self):
        upload = uploaded("file")
        try:
            hired = importer.import_hires(g.user, upload[1] if upload else b"", uploaded("scan"))
        except importer.ImportFailed as exc:
            flash(_("Nothing was imported: correct the rows below and send the file again."),
                  "danger")
            return self._render("hiring/import.html", errors=exc.errors,
                                title=_("Import new hires")), 400
        return self._render("hiring/imported.html", hired=hired, title=_("New hires imported"))

    @expose("/person/<int:pk>/account")
    @has_access
    def person_account(self, pk):
        found = queries.person_for_accounts(g.user, pk)
        if found is None:
            abort(404)
        commit_read()
        return self._render("hiring/account.html", errors={}, values={}, title=_(
            "Account of %(name)s", name=found["employee"].full_name), **found)

    def _back(self, pk):
        return redirect(url_for("HiringView.person_account", pk=pk))

    def _person(self, pk):
        employee = queries.linkable_person(g.user, pk)
        if employee is None:
            abort(404)
        return employee

    @expose("/person/<int:pk>/link", methods=["POST"])
    @has_access
    def link(self, pk):
        employee = self._person(pk)
        account = queries.account_by_id(request.form.get("account_id"))
        if account is None:
            flash(_("Choose a personal account of the person's unit."), "danger")
            return self._back(pk)
        try:
            services.link_account(g.user, employee, account)
            flash(_("The account %(username)s now belongs to %(name)s.",
                    username=account.username, name=employee.full_name), "success")
        except DomainError as exc:
            flash(str(exc), "danger")
        return self._back(pk)

    @expose("/person/<int:pk>/unlink", methods=["POST"])
    @has_access
    def unlink(self, pk):
        employee = self._person(pk)
        try:
            services.unlink_account(g.user, employee, request.form.get("reason"))
            flash(_("The account was unlinked; it still exists and can be linked again."),
                  "success")
        except DomainError as exc:
            flash(str(exc), "danger")
        return self._back(pk)

    @expose("/person/<int:pk>/make-account", methods=["POST"])
    @has_access
    def make_account(self, pk):
        employee = self._person(pk)
        values = {key: request.form.get(key, "") for key in ("username", "email")}
        try:
            account, password = services.make_account(g.user, employee, values)
        except services.HiringInvalid as exc:
            found = queries.person_for_accounts(g.user, pk)
            commit_read()
            flash(_("No account was made: correct the fields marked below."), "danger")
            return self._render("hiring/account.html", errors=exc.errors, values=values,
                                title=_("Account of %(name)s", name=employee.full_name),
                                **found), 400
        except DomainError as exc:
            flash(str(exc), "danger")
            return self._back(pk)
        return self._render("hiring/account_made.html", employee=employee, account=account,
                            password=password, title=_("Account made"))
