"""Base views every domain builds on, and the home page."""
from flask import request
from flask_appbuilder import IndexView, expose
from flask_babel import gettext as _

from app.core.dates import format_date, format_datetime
from app.core.exceptions import DomainError


def format_boolean(value):
    """Có / Không, never Python's True / False."""
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def format_many(items):
    """A to-many relation as a plain list, never Python's [a, b]."""
    return ", ".join(str(item) for item in items or [])


def format_plain(value):
    """Any other value; an empty one shows as nothing, never as None."""
    return "" if value is None else value


def _formatter_for(datamodel, column):
    if datamodel.is_datetime(column):
        return format_datetime
    if datamodel.is_date(column):
        return format_date
    if datamodel.is_boolean(column):
        return format_boolean
    if datamodel.is_relation_many_to_many(column) or datamodel.is_relation_one_to_many(column):
        return format_many
    return format_plain


def vietnamese_formatters(datamodel, columns, existing=None):
    """Formatters for the columns whose default rendering is not Vietnamese:
    dates as dd/mm/yyyy, booleans as Có/Không, to-many relations as lists."""
    formatters = dict(existing or {})
    for column in columns:
        if column in formatters:
            continue
        try:
            formatters[column] = _formatter_for(datamodel, column)
        except (KeyError, AttributeError):
            continue  # a computed column: nothing to format
    return formatters


class VietnameseFormatsMixin:
    """Mix into a ModelView so its list and show pages read as Vietnamese."""

    def _init_properties(self):
        super()._init_properties()
        columns = set(self.list_columns) | set(self.show_columns)
        self.formatters_columns = vietnamese_formatters(
            self.datamodel, columns, self.formatters_columns
        )


class HoSoIndexView(IndexView):
    """The home page; FAB's public role sees only the login page."""

    index_template = "hoso/index.html"

    @expose("/")
    def index(self):
        from flask import g, redirect

        if not getattr(g.user, "is_authenticated", False):
            return redirect(self.appbuilder.get_url_for_login)
        return self.render_template(self.index_template, appbuilder=self.appbuilder)


class _AuditedReads:
    """``audit_object_type`` names the object in the log (e.g. "Account")."""

    audit_object_type = None

    def _record_read(self, kind, object_id=None):
        """One entry "<type>.<kind>" (list or read), committed on its own."""
        from app.audit import services as audit
        from app.extensions import db

        object_type = self.audit_object_type or self.datamodel.obj.__name__
        audit.record("%s.%s" % (object_type.lower(), kind), object_type=object_type,
                     object_id=object_id)
        db.session.commit()


class AuditedReadsMixin(_AuditedReads):
    """Every list and every show of a model view leaves an audit entry."""

    def _list(self, **kwargs):
        widgets = super()._list(**kwargs)
        self._record_read("list")
        return widgets

    def _show(self, pk):
        widgets = super()._show(pk)
        self._record_read("read", pk)
        return widgets


class AuditedApiReadsMixin(_AuditedReads):
    """The REST API's get and list leave the same audit entries as the views."""

    def pre_get(self, data):
        self._record_read("read", data.get("id"))

    def pre_get_list(self, data):
        self._record_read("list")


class ScopedActionsMixin:
    """FAB's row actions, with the checks FAB leaves out.

    FAB's own ``action``/``action_post`` answer a refusal with a redirect and
    fetch rows without the view's base filters. Here: POST only (CSRF), 403
    without the action's permission, 404 for any row outside the user's
    scope for that action.
    """

    def _scoped_rows(self, name, pks):
        from flask import abort, g

        from app.extensions import db
        from app.security import scope

        if name not in self.actions:
            abort(404)
        permission = self.get_action_permission_name(name)
        if not self.appbuilder.sm.has_access(permission, self.class_permission_name):
            abort(403)
        action_name = permission[len("can_"):]
        rows = []
        for pk in pks:
            try:
                row = db.session.get(self.datamodel.obj, int(pk))
            except (TypeError, ValueError):
                row = None
            if row is None or not scope.allows(g.user, action_name, row):
                abort(404)
            rows.append(row)
        if not rows:
            abort(400)
        return rows

    @expose("/action/<string:name>/<pk>", methods=["POST"])
    def action(self, name, pk):
        rows = self._scoped_rows(name, [pk])
        return self.actions[name].func(rows[0])

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        from flask import request

        name = request.form.get("action", "")
        rows = self._scoped_rows(name, request.form.getlist("rowid"))
        return self.actions[name].func(rows)


class DomainErrorsApiMixin:
    """A DomainError raised by a REST API's hooks is a 422 with its message
    (FAB's @safe would turn it into a bare 500)."""

    def _refusing(self, call, *args):
        from app.core.exceptions import DomainError
        from app.extensions import db

        try:
            return call(*args)
        except DomainError as error:
            db.session.rollback()
            return self.response_422(message=str(error))

    def post_headless(self):
        return self._refusing(super().post_headless)

    def put_headless(self, pk):
        return self._refusing(super().put_headless, pk)


def submit_form(form, operation, done):
    """On a valid POST run ``operation``; on success return ``done(result)``.

    Returns (response or None, errors): form errors or the service's refusal,
    in Vietnamese, with nothing saved.
    """
    if request.method != "POST":
        return None, []
    if not form.validate_on_submit():
        return None, [error for field in form for error in field.errors]
    try:
        result = operation()
    except DomainError as exc:
        return None, [str(exc)]
    return done(result), []
