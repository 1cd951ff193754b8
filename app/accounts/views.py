"""Account screens: thin, every rule is in app.accounts.services, what they read in
app.accounts.queries (the REST resource is in app.accounts.api)."""
import io

from flask import flash, g, redirect, render_template, request, send_file, url_for
from flask_appbuilder import BaseView, ModelView, expose
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.accounts import importer, queries, services
from app.accounts.forms import (
    AccessForm, AccountCreateForm, AccountEditForm, AccountImportForm, PasswordChangeForm,
    RolesForm,
)
from app.accounts.models import KIND_AGENCY, KIND_PERSONAL, KIND_STAFF, Account
from app.accounts.security_manager import keep_session
from app.audit import services as audit
from app.audit.views import AuditedReadsMixin
from app.core.dates import SERVER_LOCAL
from app.core.views import VietnameseFormatsMixin, submit_form
from app.security.views import ScopedActionsMixin
from app.extensions import db
from app.security import roles, scope

KIND_LABELS = {KIND_PERSONAL: _l("Personal account"), KIND_AGENCY: _l("Agency account"),
               KIND_STAFF: _l("Staff account")}
STATUS_LABELS = {"active": _l("Active"), "locked": _l("Locked"), "revoked": _l("Revoked")}


def _saved(message, account):
    flash(message, "success")
    return redirect(url_for("AccountView.show", pk=account.id))


def _changed(generation):
    # the account's other sessions have ended; this one goes on
    keep_session(generation)
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("HoSoIndexView.index"))


def _created_message(account, password):
    """A new account's temporary password: mailed to its owner (None here), or shown
    once to the officer (app.accounts.services.hand_over_password)."""
    if password is None:
        return _("Account %(user)s created. The temporary password has been sent to the "
                 "user's mailbox.", user=account.username)
    return _("Account %(user)s created. Temporary password: %(password)s (shown once; it "
             "must be changed at the first sign-in).", user=account.username,
             password=password)


def _one(items):
    """FAB hands an action one row from the show page, a list from the list page."""
    return items[0] if isinstance(items, list) else items


class AccountView(ScopedActionsMixin, AuditedReadsMixin, VietnameseFormatsMixin, ModelView):
    """Accounts within the user's scope: list, show, edit; actions on a selection."""

    route_base = "/accounts"
    datamodel = SQLAInterface(Account)
    class_permission_name = roles.ACCOUNT
    method_permission_name = {
        "list": "read", "show": "read",
        "action": "manage", "action_post": "manage",
        "lock": "manage", "unlock": "manage", "reset": "manage",
        "edit_details": "write", "change_access": "manage", "change_roles": "assign_roles",
    }
    base_permissions = roles.base_permissions(roles.ACCOUNT)
    include_route_methods = {"list", "show", "action", "action_post"}
    base_filters = [["id", scope.ScopeFilter, "read"]]
    audit_object_type = "Account"

    list_title = _l("Accounts")
    show_title = _l("Account")
    edit_title = _l("Edit account")
    list_columns = ["username", "last_name", "first_name", "unit", "kind", "status",
                    "roles", "access_expires_on", "last_login"]
    show_columns = ["username", "last_name", "first_name", "email", "unit", "kind", "status",
                    "access_restricted", "access_expires_on", "must_change_password",
                    "roles", "last_login", "login_count", "fail_login_count", "created_on"]
    search_columns = ["username", "last_name", "first_name", "email", "unit", "status"]
    label_columns = {
        "username": _l("Username"), "last_name": _l("Family and middle name"),
        "first_name": _l("Given name"), "email": _l("Email"), "unit": _l("Unit"),
        "kind": _l("Account kind"), "status": _l("Status"), "roles": _l("Roles"),
        "access_restricted": _l("Read only"), "access_expires_on": _l("Access expires on"),
        "must_change_password": _l("Must change password"), "last_login": _l("Last sign-in"),
        "login_count": _l("Sign-ins"), "fail_login_count": _l("Failed sign-ins"),
        "created_on": _l("Created on"),
    }
    # how each naive DateTime column was written, so every time shows in the province's
    # zone: Flask-AppBuilder's own defaults write the server's clock (UTC on our
    # servers); last_login is written in province time (accounts.sign_in)
    naive_times = {"created_on": SERVER_LOCAL, "changed_on": SERVER_LOCAL}
    formatters_columns = {
        "kind": lambda kind: str(KIND_LABELS.get(kind, kind)),
        "status": lambda status: str(STATUS_LABELS.get(status, status)),
    }

    # Changes go through forms over the services (AccountAdminView); the show
    # page reaches them as single-row actions.
    @action("edit_details", _l("Edit details"), None, "fa-edit", multiple=False)
    def edit_details(self, item):
        return redirect(url_for("AccountAdminView.edit", pk=_one(item).id))

    @action("change_access", _l("Access"), None, "fa-calendar", multiple=False)
    def change_access(self, item):
        return redirect(url_for("AccountAdminView.access", pk=_one(item).id))

    @action("change_roles", _l("Roles"), None, "fa-users", multiple=False)
    def change_roles(self, item):
        return redirect(url_for("AccountAdminView.assign_roles", pk=_one(item).id))

    def _bulk(self, items, operation, done_message):
        items = items if isinstance(items, list) else [items]
        done = 0
        for item in items:
            try:
                operation(item)
                done += 1
            except services.AccountError as exc:
                flash("%s: %s" % (item.username, exc.message), "danger")
        if done:
            flash(done_message % {"n": done}, "success")
        return redirect(url_for("AccountView.list"))

    @action("lock", _l("Lock"), _l("Lock the selected accounts?"), "fa-lock")
    def lock(self, items):
        return self._bulk(items, lambda a: services.lock(g.user, a), _("Locked %(n)d accounts."))

    @action("unlock", _l("Unlock"), _l("Unlock the selected accounts?"), "fa-unlock")
    def unlock(self, items):
        return self._bulk(items, lambda a: services.unlock(g.user, a),
                          _("Unlocked %(n)d accounts."))

    @action("reset", _l("Reset password"), _l("Give the selected accounts new temporary "
                                              "passwords?"), "fa-key", multiple=False)
    def reset(self, items):
        account = _one(items)
        try:
            password = services.reset_password(g.user, account)
        except services.AccountError as exc:
            flash(exc.message, "danger")
        else:
            if password is None:
                flash(_("A new temporary password of %(user)s was sent to the account's own "
                        "e-mail address; it must be changed at the next sign-in.",
                        user=account.username), "success")
            else:
                flash(_("New temporary password of %(user)s: %(password)s (shown once; it "
                        "must be changed at the next sign-in).", user=account.username,
                        password=password), "success")
        return redirect(url_for("AccountView.show", pk=account.id))


class AccountAdminView(BaseView):
    """Create, import, access changes and role assignment: forms over services."""

    route_base = "/account-admin"
    class_permission_name = roles.ACCOUNT
    method_permission_name = {
        "create_personal": "create_personal", "create_agency": "create_agency",
        "create_staff": "create_staff",
        "import_staff": "create_personal", "template": "create_personal",
        "edit": "write",
        "access": "manage", "assign_roles": "assign_roles",
    }
    base_permissions = roles.base_permissions(roles.ACCOUNT)
    default_view = "import_staff"

    def _form_page(self, form, title, submit_label, errors=(), intro=None, result=None,
                   extra_link=None):
        return self.render_template("hoso/form.html", form=form, title=title,
                                    submit_label=submit_label, errors=errors, intro=intro,
                                    result=result, extra_link=extra_link)

    def _create(self, kind):
        form = AccountCreateForm()
        form.unit_id.choices = [("", _("(none)"))] + queries.unit_choices(
            g.user, services.CREATE_ACTION[kind])
        if kind == KIND_STAFF:
            del form.unit_id
        response, errors = submit_form(
            form,
            lambda: services.create_account(g.user, kind, {
                "last_name": form.last_name.data, "first_name": form.first_name.data,
                "username": form.username.data, "email": form.email.data,
                "unit_id": form.unit_id.data if kind != KIND_STAFF else None,
                "access_expires_on": form.access_expires_on.data,
            }),
            lambda created: _saved(_created_message(*created), created[0]))
        if response:
            return response
        return self._form_page(form, _("Create: %(kind)s", kind=KIND_LABELS[kind]),
                               _("Create"), errors)

    @expose("/create/personal", methods=["GET", "POST"])
    @has_access
    def create_personal(self):
        return self._create(KIND_PERSONAL)

    @expose("/create/agency", methods=["GET", "POST"])
    @has_access
    def create_agency(self):
        return self._create(KIND_AGENCY)

    @expose("/create/staff", methods=["GET", "POST"])
    @has_access
    def create_staff(self):
        return self._create(KIND_STAFF)

    @expose("/edit/<int:pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        account = scope.get_or_404(Account, pk, g.user, "write")
        form = AccountEditForm(obj=account if request.method == "GET" else None)
        form.unit_id.choices = [("", _("(none)"))] + queries.unit_choices(g.user, "write")
        if request.method == "GET":
            form.unit_id.data = str(account.unit_id or "")
        response, errors = submit_form(
            form,
            lambda: services.update_account(g.user, account, {
                "last_name": form.last_name.data, "first_name": form.first_name.data,
                "email": form.email.data, "unit_id": form.unit_id.data}),
            lambda _r: _saved(_("Account %(user)s saved.", user=account.username), account))
        if response:
            return response
        return self._form_page(form, _("Edit account %(user)s", user=account.username),
                               _("Save"), errors)

    @expose("/import", methods=["GET", "POST"])
    @has_access
    def import_staff(self):
        form = AccountImportForm()
        errors, result = [], None
        if request.method == "POST" and form.validate_on_submit():
            upload = request.files.get("file")
            try:
                created = importer.import_personal_accounts(
                    g.user, upload.read() if upload else b"")
            except importer.ImportFailed as exc:
                errors = [_("Nothing was imported.")] + exc.errors
            else:
                flash(_("Created %(n)d accounts.", n=len(created)), "success")
                result = Markup(render_template("accounts/import_result.html", created=created))
        return self._form_page(
            form, _("Import personal accounts from Excel"), _("Import"), errors,
            intro=_("One row per person, headings in the first row: %(headings)s. The unit is "
                    "its name or number. If any row has an error, nothing is imported.",
                    headings=", ".join(h for _k, h in importer.COLUMNS)),
            result=result, extra_link=(url_for("AccountAdminView.template"),
                                       _("Download the template")))

    @expose("/import/template")
    @has_access
    def template(self):
        return send_file(io.BytesIO(importer.template_workbook()), as_attachment=True,
                         download_name="mau-danh-sach-tai-khoan.xlsx",
                         mimetype="application/vnd.openxmlformats-officedocument"
                                  ".spreadsheetml.sheet")

    @expose("/access/<int:pk>", methods=["GET", "POST"])
    @has_access
    def access(self, pk):
        account = scope.get_or_404(Account, pk, g.user, "manage")
        form = AccessForm()
        response, errors = submit_form(
            form,
            lambda: services.set_access(g.user, account, form.mode.data, form.expires_on.data),
            lambda _r: _saved(_("Access of %(user)s changed.", user=account.username), account))
        if response:
            return response
        return self._form_page(form, _("Access of %(user)s", user=account.username),
                               _("Save"), errors)

    @expose("/roles/<int:pk>", methods=["GET", "POST"])
    @has_access
    def assign_roles(self, pk):
        account = scope.get_or_404(Account, pk, g.user, "assign_roles")
        form = RolesForm()
        form.roles.choices = [(name, name) for name in roles.ROLE_NAMES]
        if request.method == "GET":
            form.roles.data = [role.name for role in account.roles]
        response, errors = submit_form(
            form,
            lambda: services.assign_roles(g.user, account, form.roles.data),
            lambda _r: _saved(_("Roles of %(user)s saved.", user=account.username), account))
        if response:
            return response
        return self._form_page(form, _("Roles of %(user)s", user=account.username),
                               _("Save"), errors)


class MyAccountView(BaseView):
    """Every signed-in person: their own account and password."""

    route_base = "/my-account"
    class_permission_name = roles.MY_ACCOUNT
    method_permission_name = {"userinfo": "read", "password": "write"}
    base_permissions = roles.base_permissions(roles.MY_ACCOUNT)
    default_view = "userinfo"

    @expose("/")
    @has_access
    def userinfo(self):
        account = queries.own_account(g.user)
        audit.record("account.read", account)
        db.session.commit()
        return self.render_template("accounts/my_account.html", account=account,
                                    kind=KIND_LABELS.get(account.kind, account.kind),
                                    status=STATUS_LABELS.get(account.status, account.status))

    @expose("/password", methods=["GET", "POST"])
    @has_access
    def password(self):
        account = queries.own_account(g.user)
        form = PasswordChangeForm()
        response, errors = submit_form(
            form,
            lambda: services.change_own_password(account, form.current_password.data,
                                                 form.new_password.data,
                                                 form.confirm_password.data),
            _changed)
        if response:
            return response
        intro = None
        if account.must_change_password:
            intro = _("Before you continue, replace the temporary password with your own.")
        return self.render_template("hoso/form.html", form=form, title=_("Change password"),
                                    submit_label=_("Change password"), errors=errors,
                                    intro=intro, result=None, extra_link=None)

