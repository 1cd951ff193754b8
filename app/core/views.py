"""Base views every domain builds on."""
from flask import request
from flask_appbuilder import expose
from flask_babel import gettext as _

from app.core.dates import PROVINCE_TIME, datetime_formatter, format_date
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


def _formatter_for(datamodel, column, naive_times=None):
    if datamodel.is_datetime(column):
        # every moment in the province's time zone, however the column stores it
        return datetime_formatter((naive_times or {}).get(column, PROVINCE_TIME))
    if datamodel.is_date(column):
        return format_date
    if datamodel.is_boolean(column):
        return format_boolean
    if datamodel.is_relation_many_to_many(column) or datamodel.is_relation_one_to_many(column):
        return format_many
    return format_plain


def vietnamese_formatters(datamodel, columns, existing=None, naive_times=None):
    """Formatters for the columns whose default rendering is not Vietnamese:
    dates as dd/mm/yyyy, moments as dd/mm/yyyy HH:MM in the province's time zone,
    booleans as Có/Không, to-many relations as lists. ``naive_times`` says how a
    column's naive datetimes were written (app.core.dates: PROVINCE_TIME by default,
    SERVER_LOCAL for Flask-AppBuilder's own created_on/changed_on)."""
    formatters = dict(existing or {})
    for column in columns:
        if column in formatters:
            continue
        try:
            formatters[column] = _formatter_for(datamodel, column, naive_times)
        except (KeyError, AttributeError):
            continue  # a computed column: nothing to format
    return formatters


class VietnameseFormatsMixin:
    """Mix into a ModelView so its list and show pages read as Vietnamese, and its
    add and edit forms leave every check to the server, whose messages are Vietnamese
    (no browser-native "Please fill out this field.")."""

    # column -> how its naive datetimes were written (app.core.dates)
    naive_times = {}

    def _init_properties(self):
        super()._init_properties()
        columns = set(self.list_columns) | set(self.show_columns)
        self.formatters_columns = vietnamese_formatters(
            self.datamodel, columns, self.formatters_columns, self.naive_times
        )

    def _init_forms(self):
        super()._init_forms()
        for name in ("add_form", "edit_form"):
            form = getattr(self, name, None)
            if form is not None:
                setattr(self, name, without_browser_checks(form))


def without_browser_checks(form_class):
    """``form_class`` whose fields render no HTML ``required`` (WTForms adds it from
    DataRequired/InputRequired, and the browser then refuses in its own language,
    "Please fill out this field.", before the server's Vietnamese message can).
    The checks stay, on the server, and so does FAB's red star by a required label."""
    if form_class.__dict__.get("_no_browser_checks"):
        return form_class
    for attribute in dir(form_class):
        unbound = getattr(form_class, attribute, None)
        if not hasattr(unbound, "field_class"):
            continue
        render_kw = dict(unbound.kwargs.get("render_kw") or {})
        render_kw.setdefault("required", False)
        unbound.kwargs["render_kw"] = render_kw
        for validator in unbound.kwargs.get("validators") or ():
            _in_vietnamese(validator)
    form_class._no_browser_checks = True
    return form_class


def _in_vietnamese(validator):
    """The messages of the validators Flask-AppBuilder adds from the columns (a
    String(n)'s Length, a NOT NULL's InputRequired), which WTForms says in English."""
    from flask_babel import lazy_gettext as _l
    from wtforms.validators import DataRequired, InputRequired, Length

    if getattr(validator, "message", "") is not None:
        return
    if isinstance(validator, Length) and validator.max not in (None, -1) \
            and validator.min in (None, -1):
        validator.message = _l("At most %(n)d characters.", n=validator.max)
    elif isinstance(validator, (DataRequired, InputRequired)):
        validator.message = _l("This field is required.")


def refusal(message, field=None):
    """A DomainError whose message belongs beside ``field`` of the form."""
    error = DomainError(str(message))
    error.field = field
    return error


def _show_refusal(form, error):
    field = getattr(error, "field", None)
    if field and field in form:
        form[field].errors = list(form[field].errors or []) + [str(error)]
    else:
        from flask import flash

        flash(str(error), "danger")


def _database_errors():
    from flask_appbuilder.exceptions import DatabaseException
    from sqlalchemy.exc import SQLAlchemyError

    return (SQLAlchemyError, DatabaseException)


_DATABASE_ERRORS = _database_errors()


class KeepsInputMixin:
    """A FAB add/edit form refused by the view's pre_add/pre_update (a DomainError)
    shows again with everything typed and the Vietnamese message beside its field
    (``refusal(message, field)``), instead of FAB's redirect to an empty form."""

    def _add(self):
        if request.method != "POST":
            return super()._add()
        from flask_appbuilder.urltools import get_filter_args

        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        self._fill_form_exclude_cols(exclude_cols, form)
        if form.validate():
            self.process_form(form, True)
            if self._saved(form, self.datamodel.obj(), (self.pre_add, self.datamodel.add,
                                                        self.post_add), self.add_row_message):
                return None
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    def _saved(self, form, item, steps, message):
        """``form`` into ``item``, then each of ``steps`` (pre, write, post) on it: True
        when saved (and said so); else rolled back and the refusal shown beside its
        field, with what was typed kept."""
        from flask import flash

        try:
            form.populate_obj(item)
            for step in steps:
                step(item)
        except DomainError as error:
            self.datamodel.session.rollback()
            _show_refusal(form, error)
        except _DATABASE_ERRORS:
            self.datamodel.session.rollback()
            flash(str(self.database_error_message), "danger")
        else:
            flash(message, "success")
            return True
        return False

    def _edit(self, pk):
        if request.method != "POST":
            return super()._edit(pk)
        from flask import abort
        from flask_appbuilder.urltools import get_filter_args

        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        pk = self.datamodel.get_pk_value(item)
        form = self.edit_form.refresh(request.form)
        self._fill_form_exclude_cols(exclude_cols, form)
        form._id = pk
        if form.validate():
            self.process_form(form, False)
            if self._saved(form, item, (self.pre_update, self.datamodel.edit,
                                        self.post_update), self.edit_row_message):
                return None
        return self._get_edit_widget(form=form, exclude_cols=exclude_cols)


def uploaded(name):
    """(file name, bytes) of the file the request sent as ``name``, or None when none
    was chosen (the service says what is missing)."""
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    return upload.filename, upload.read()


def api_error(message, status, **extra):
    """A REST API's refusal in the one shape of the API's errors, {"message": ..., "code":
    <status>} (app/application/errors.py puts Flask-AppBuilder's own in it too)."""
    from flask import jsonify

    response = jsonify(dict(extra, message=message, code=status))
    response.status_code = status
    return response


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
            # in the one shape of the API's errors (app/application/errors.py)
            return api_error(str(error), 422)

    def post_headless(self):
        return self._refusing(super().post_headless)

    def put_headless(self, pk):
        return self._refusing(super().put_headless, pk)


class FilterErrorsApiMixin:
    """A REST API's list, item and _info with a filter value the column's type refuses
    (Flask-AppBuilder hands rison values to SQL as they come: a number for a boolean, a
    list for a name) answer 400, not a bare 500: the request is wrong, not the server."""

    def _filtered(self, call, *args, **kwargs):
        from sqlalchemy.exc import DataError, ProgrammingError

        from app.extensions import db

        try:
            return call(*args, **kwargs)
        except (DataError, ProgrammingError, TypeError):
            db.session.rollback()
            return api_error(_("The request could not be understood."), 400)

    def get_list_headless(self, **kwargs):
        return self._filtered(super().get_list_headless, **kwargs)

    def get_headless(self, pk, **kwargs):
        return self._filtered(super().get_headless, pk, **kwargs)

    def info_headless(self, **kwargs):
        return self._filtered(super().info_headless, **kwargs)


def column_length(column):
    """The characters a String(n) column holds (a model's attribute or a table's column)."""
    mapped = getattr(column, "property", None)
    if mapped is not None:
        column = mapped.columns[0]
    return column.type.length


def fits(column=None, limit=None):
    """A WTForms validator: at most what ``column`` (String(n)) holds, or ``limit``
    characters (a Text column), with the Vietnamese message at save."""
    from flask_babel import lazy_gettext as _l
    from wtforms.validators import Length

    limit = limit or column_length(column)
    validator = Length(max=limit, message=_l("At most %(n)d characters.", n=limit))
    validator.column = column      # for the test that walks forms against columns
    return validator


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
