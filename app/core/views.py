"""Base views every domain builds on, and the home page."""
from flask_appbuilder import IndexView

from app.core.dates import format_date, format_datetime


def vietnamese_date_formatters(datamodel, columns, existing=None):
    """Formatters that show each date / datetime column as dd/mm/yyyy."""
    formatters = dict(existing or {})
    for column in columns:
        if column in formatters:
            continue
        try:
            if datamodel.is_datetime(column):
                formatters[column] = format_datetime
            elif datamodel.is_date(column):
                formatters[column] = format_date
        except (KeyError, AttributeError):
            # relation or computed column: nothing to format
            continue
    return formatters


class VietnameseDatesMixin:
    """Mix into a ModelView so its list and show pages print dd/mm/yyyy."""

    def _init_properties(self):
        super()._init_properties()
        columns = set(self.list_columns) | set(self.show_columns)
        self.formatters_columns = vietnamese_date_formatters(
            self.datamodel, columns, self.formatters_columns
        )


class HoSoIndexView(IndexView):
    """The home page."""

    index_template = "hoso/index.html"
