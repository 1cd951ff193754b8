"""Dates as Vietnamese users write them: dd/mm/yyyy everywhere."""
import datetime

from babel.dates import get_timezone
from flask_babel import get_locale

from app.core import clock

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"


def _local(value, tz_name):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(get_timezone(tz_name))
    return value


def format_date(value):
    """dd/mm/yyyy, or empty for no date."""
    if value is None or value == "":
        return ""
    return value.strftime(DATE_FORMAT)


def format_datetime(value, tz_name="Asia/Ho_Chi_Minh"):
    """dd/mm/yyyy HH:MM in the province's time zone, or empty for none."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime.datetime):
        return format_date(value)
    return _local(value, tz_name).strftime(DATETIME_FORMAT)


def parse_date(text):
    """Read dd/mm/yyyy; raises ValueError on anything else."""
    return datetime.datetime.strptime(text.strip(), DATE_FORMAT).date()


def parse_date_or_none(text):
    """dd/mm/yyyy, or None for anything else (the caller says what is missing)."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None


def date_field(label):
    """An optional date typed as dd/mm/yyyy, for the generated (FAB) forms,
    whose own date picker writes yyyy-mm-dd."""
    from flask_babel import lazy_gettext
    from wtforms import DateField
    from wtforms.validators import Optional
    from wtforms.widgets import TextInput

    class DayMonthYearInput(TextInput):
        def __call__(self, field, **kwargs):
            kwargs.setdefault("placeholder", "dd/mm/yyyy")
            kwargs.setdefault("inputmode", "numeric")
            kwargs.setdefault("class", "form-control")
            return super().__call__(field, **kwargs)

    return DateField(label, format=DATE_FORMAT, widget=DayMonthYearInput(),
                     validators=[Optional()],
                     render_kw={"title": lazy_gettext("Enter the date as dd/mm/yyyy.")})


def init_app(app):
    tz_name = app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    app.jinja_env.filters["date_vn"] = format_date
    app.jinja_env.filters["datetime_vn"] = lambda value: format_datetime(value, tz_name)

    @app.context_processor
    def page_context():
        return {"current_locale": str(get_locale() or "vi"), "today": clock.today()}
