"""Dates as Vietnamese users write them: dd/mm/yyyy everywhere."""
import calendar
import datetime
import re

from babel.dates import get_timezone
from flask_babel import get_locale

from app.core import clock

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"


# How a naive datetime was written, for the columns that hold one:
# PROVINCE_TIME, the application's own convention (clock.freeze: "naive means Vietnam
# time"; accounts.sign_in writes last_login so), shown as it is;
# SERVER_LOCAL, what Flask-AppBuilder's defaults write (ab_user.created_on/changed_on:
# datetime.datetime.now(), the server's own zone, UTC on our servers);
# UTC, what datetime.utcnow() writes.
PROVINCE_TIME = "province"
SERVER_LOCAL = "server"
UTC = "utc"


def in_province_time(value, tz_name="Asia/Ho_Chi_Minh", naive=PROVINCE_TIME):
    """The moment ``value`` as the province's wall clock reads it.

    An aware datetime (a DateTime(timezone=True) column, which psycopg hands back with
    the session's offset) is converted; a naive one is read as ``naive`` says it was
    written. Anything else (a date, None) comes back unchanged."""
    if not isinstance(value, datetime.datetime):
        return value
    if value.tzinfo is None:
        if naive == SERVER_LOCAL:
            value = value.astimezone()          # Python reads naive as the server's zone
        elif naive == UTC:
            value = value.replace(tzinfo=datetime.timezone.utc)
        else:
            return value
    return value.astimezone(get_timezone(tz_name))


def format_date(value, tz_name="Asia/Ho_Chi_Minh"):
    """dd/mm/yyyy, or empty for no date (a moment: its day in the province; text: an ISO
    date, as frozen report numbers keep their days)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return in_province_time(value, tz_name).strftime(DATE_FORMAT)


def format_datetime(value, tz_name="Asia/Ho_Chi_Minh", naive=PROVINCE_TIME):
    """dd/mm/yyyy HH:MM in the province's time zone, or empty for none."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime.datetime):
        return format_date(value)
    return in_province_time(value, tz_name, naive).strftime(DATETIME_FORMAT)


def datetime_formatter(naive=PROVINCE_TIME, tz_name="Asia/Ho_Chi_Minh"):
    """format_datetime for a column whose naive values were written as ``naive`` says."""
    def formatter(value):
        return format_datetime(value, tz_name, naive)

    formatter.naive = naive
    return formatter


ISO_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})")


def _moment_text(match, tz_name):
    try:
        moment = datetime.datetime.fromisoformat(match.group(0).replace("Z", "+00:00"))
    except ValueError:
        return match.group(0)
    return format_datetime(moment, tz_name)


def format_moments_in(value, tz_name="Asia/Ho_Chi_Minh"):
    """``value`` (an audit entry's details: JSON text or a document) shown as it is,
    but each ISO 8601 moment carrying its offset (mostly UTC) read as dd/mm/yyyy HH:MM
    in the province's time; dates alone stay as they are."""
    if value is None or value == "":
        return ""
    if isinstance(value, dict):
        return {key: format_moments_in(inner, tz_name) for key, inner in value.items()}
    if isinstance(value, list):
        return [format_moments_in(inner, tz_name) for inner in value]
    if isinstance(value, str):
        return ISO_MOMENT.sub(lambda match: _moment_text(match, tz_name), value)
    return value


def years_before(day, years):
    """The same day ``years`` years earlier (28 February for a 29 February that year
    lacks): the latest birth date of someone at least ``years`` old on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def add_months(day, months):
    """The same day ``months`` months later (the month's last day where it has none)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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
    app.jinja_env.filters["date_vn"] = lambda value: format_date(value, tz_name)
    # naive: as the column was written ("server" for Flask-AppBuilder's created_on)
    app.jinja_env.filters["datetime_vn"] = (
        lambda value, naive=PROVINCE_TIME: format_datetime(value, tz_name, naive))

    @app.context_processor
    def page_context():
        return {"current_locale": str(get_locale() or "vi"), "today": clock.today()}
