"""Base views every domain builds on."""
from flask import request
from flask_appbuilder import expose
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
