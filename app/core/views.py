"""Base views every domain builds on, and the home page."""
from flask_appbuilder import IndexView
from flask_babel import gettext as _

from app.core.dates import format_date, format_datetime


def format_boolean(value):
    """Có / Không, never Python's True / False."""
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def format_many(items):
    """A to-many relation as a plain list, never Python's [a, b]."""
    return ", ".join(str(item) for item in items or [])


def _formatter_for(datamodel, column):
    if datamodel.is_datetime(column):
        return format_datetime
    if datamodel.is_date(column):
        return format_date
    if datamodel.is_boolean(column):
        return format_boolean
    if datamodel.is_relation_many_to_many(column) or datamodel.is_relation_one_to_many(column):
        return format_many
    return None


def vietnamese_formatters(datamodel, columns, existing=None):
    """Formatters for the columns whose default rendering is not Vietnamese:
    dates as dd/mm/yyyy, booleans as Có/Không, to-many relations as lists."""
    formatters = dict(existing or {})
    for column in columns:
        if column in formatters:
            continue
        try:
            formatter = _formatter_for(datamodel, column)
        except (KeyError, AttributeError):
            continue  # a computed column: nothing to format
        if formatter is not None:
            formatters[column] = formatter
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
    """The home page."""

    index_template = "hoso/index.html"
