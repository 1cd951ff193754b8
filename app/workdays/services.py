"""Deadlines in working days or in days (Bộ luật Dân sự 2015, Điều 147–148): counting
starts the day after the event; a term that ends on a day off ends on the next working
day.

Which days are working days, first rule that applies:

1. a day Sở Nội vụ entered from the government's yearly announcement (``AnnouncedDay``:
   a compensatory day off, or a make-up working day, usually a Saturday);
2. the public holidays of Bộ luật Lao động 2019, Điều 112 (Tết Dương lịch; Tết Âm lịch,
   05 days; Giỗ Tổ Hùng Vương 10/3 âm lịch; 30/4; 1/5; Quốc khánh 2/9 and a day beside it;
   with the day off in lieu when one falls on a weekend, Điều 112.3), and the swaps the
   library knows, from the ``holidays`` library (Tết and Giỗ Tổ by the lunar calendar);
3. Saturdays and Sundays are days off (the civil service's 40-hour week, Quyết định
   188/1999/QĐ-TTg).

The library's days are read once per year and process; the announced days once per
year and application context (``flask.g``: a request, a job's run), so counting a term
runs no query per day counted; outside an application context only the library and the
weekends count.
"""
import datetime
import functools
from dataclasses import dataclass

import holidays
from flask import g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit import services as audit
from app.core import clock
from app.core.dates import format_date, parse_date_or_none
from app.core.exceptions import DomainError
from app.extensions import db
from app.security import roles, scope
from app.workdays.models import DAY_OFF, KINDS, WORKING_DAY, AnnouncedDay

WORKING_DAYS, CALENDAR_DAYS = "working_days", "calendar_days"
# the law the library's days come from, shown beside them
LIBRARY_SOURCE = "Bộ luật Lao động 2019, Điều 112"
# flask.g key: {year: {day: kind}} of the announced days read in this request
_CACHE = "_workdays_announced"
# the years the calendar knows: the library's and the application's reach
FIRST_YEAR, LAST_YEAR = 1995, 2100
SOURCE_MAX, NOTE_MAX = 1000, 2000


def _as_day(value):
    """A date (a moment: its day in Vietnam's time zone)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(clock.PROVINCE_TZ)
        return value.date()
    return value


# --- the library's days -----------------------------------------------------------------------

@functools.lru_cache(maxsize=128)
def _library_year(year):
    """({day: name} of the public holidays of ``year``, frozenset of the make-up working
    days the library knows in ``year``), names in Vietnamese.

    A swap may cross the new year (the make-up day of 02/01/2015 is 27/12/2014), so the
    next year is read too."""
    calendar = holidays.country_holidays("VN", years=[year, year + 1], language="vi")
    days = {day: name for day, name in calendar.items() if day.year == year}
    workdays = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return days, workdays


def public_holidays(year):
    """{day: Vietnamese name} of the library's public holidays and days in lieu."""
    return dict(_library_year(year)[0])


def _ordinarily_working(day):
    """Whether ``day`` is a working day by the library and the weekends alone."""
    days, workdays = _library_year(day.year)
    if day in workdays:
        return True
    if day in days:
        return False
    return day.weekday() < 5


# --- the announced days -----------------------------------------------------------------------

def _announced(year):
    """{day: kind} of the days announced for ``year``: one query per year and request."""
    if not has_app_context():
        return {}
    cache = g.setdefault(_CACHE, {})
    if year not in cache:
        rows = db.session.execute(select(AnnouncedDay.day, AnnouncedDay.kind).where(
            AnnouncedDay.day.between(datetime.date(year, 1, 1), datetime.date(year, 12, 31))))
        cache[year] = {day: kind for day, kind in rows}
    return cache[year]


def forget():
    """Read the announced days again (after a change; a long job between its runs)."""
    if has_app_context():
        g.pop(_CACHE, None)


# --- the calendar -----------------------------------------------------------------------------

def is_working_day(day):
    """Whether ``day`` is a working day (the rules in this module's docstring)."""
    day = _as_day(day)
    kind = _announced(day.year).get(day)
    if kind is not None:
        return kind == WORKING_DAY
    return _ordinarily_working(day)


def next_working_day(day):
    """``day`` itself when it is a working day, else the first working day after it."""
    day = _as_day(day)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def due_date(event_day, days, counted_in=WORKING_DAYS):
    """The last day of a term of ``days`` from ``event_day``: None when ``days`` is None
    (the text sets no term).

    Bộ luật Dân sự 2015, Điều 147.2: a term in days does not count the day of the event;
    it starts the day after. "N ngày làm việc" (``WORKING_DAYS``): the N-th working day
    after the event. "N ngày" (``CALENDAR_DAYS``): the N-th day after it; Điều 148.5: when
    that last day is a weekly rest day or a holiday, the term ends at the end of the next
    working day. Điều 148.1: the term ends at the end of its last day (``is_overdue``).
    """
    if days is None or event_day is None:
        return None
    if days < 0:
        raise ValueError("a term of %r days" % days)
    event_day = _as_day(event_day)
    if counted_in == CALENDAR_DAYS:
        return next_working_day(event_day + datetime.timedelta(days=days))
    if counted_in not in (WORKING_DAYS, None):     # None: the profile's default, working days
        raise ValueError("counted in %r" % counted_in)
    day, left = event_day, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def due_for(event_day, entry):
    """The due date of a profile rule ``entry`` ({value, counted_in, …}) from ``event_day``."""
    if not entry:
        return None
    return due_date(event_day, entry.get("value"), entry.get("counted_in") or WORKING_DAYS)


def is_overdue(due, today=None):
    """Whether a term ending on ``due`` has run out: it ends at the end of that day
    (Bộ luật Dân sự 2015, Điều 148.1)."""
    return due is not None and (today or clock.today()) > due


# --- the screen's list ------------------------------------------------------------------------

@dataclass
class CalendarDay:
    day: datetime.date
    kind: str                    # DAY_OFF or WORKING_DAY: what the day is, all rules applied
    name: str                    # the holiday's name, or the announcement's note
    source: str                  # the law, or the announcing document
    announced: AnnouncedDay = None
    # the library's word when the announcement overrides it ("" otherwise)
    overrides: str = ""

    @property
    def day_text(self):
        return format_date(self.day)


def kind_labels():
    return {DAY_OFF: _("Day off"), WORKING_DAY: _("Working day")}


def year_calendar(year, month=None):
    """The days of ``year`` (of one ``month`` when given) that are not ordinary: the
    library's holidays and swaps and the announced days, by date; one query."""
    first = datetime.date(year, month or 1, 1)
    last = (datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)
            if month else datetime.date(year, 12, 31))
    announced = {row.day: row for row in db.session.scalars(select(AnnouncedDay).where(
        AnnouncedDay.day.between(first, last)))}
    if month is None:
        g.setdefault(_CACHE, {})[year] = {day: row.kind for day, row in announced.items()}
    days, workdays = _library_year(year)
    listed = {}
    for day, name in days.items():
        listed[day] = CalendarDay(day, DAY_OFF, name, LIBRARY_SOURCE)
    for day in workdays:
        listed[day] = CalendarDay(day, WORKING_DAY, _("Make-up working day (a swap the "
                                                      "holidays library knows)"),
                                  LIBRARY_SOURCE)
    for day, row in announced.items():
        library = listed.get(day)
        overrides = ""
        if library is not None and library.kind != row.kind:
            overrides = library.name
        listed[day] = CalendarDay(day, row.kind, row.note or (library.name if library else ""),
                                  row.source, announced=row, overrides=overrides)
    return [listed[day] for day in sorted(listed) if first <= day <= last]


def weekday_name(day):
    return (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday"))[day.weekday()]


def announced_day(day):
    """The announced day on ``day`` (a date), or None."""
    if day is None:
        return None
    return db.session.scalar(select(AnnouncedDay).where(AnnouncedDay.day == day))


# --- Sở Nội vụ's writes -----------------------------------------------------------------------

class CalendarInvalid(DomainError):
    """The form is refused: ``errors`` maps each field to its Vietnamese message."""

    def __init__(self, errors):
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = errors


def may_write(actor):
    return bool(scope.user_scopes(actor, "write", roles.CALENDAR))


def _require_writer(actor):
    if not may_write(actor):
        raise DomainError(_("Only Sở Nội vụ enters and withdraws the announced days off and "
                            "make-up working days."))


def _stale():
    db.session.rollback()
    forget()
    return DomainError(_("Someone entered, changed or withdrew this day after you opened it; "
                         "nothing was saved. Reload the page to see their change, then make "
                         "yours again."))


def _read(values):
    """(day, kind, source, note) from the form, or CalendarInvalid naming each field."""
    errors = {}
    day = parse_date_or_none(values.get("day"))
    if day is None:
        errors["day"] = _("Enter the day as dd/mm/yyyy.")
    elif not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors["day"] = _("Enter a day between %(first)d and %(last)d.",
                          first=FIRST_YEAR, last=LAST_YEAR)
    kind = (values.get("kind") or "").strip()
    if kind not in KINDS:
        errors["kind"] = _("Choose whether the day is a day off or a working day.")
    source = " ".join((values.get("source") or "").split())
    if not source:
        errors["source"] = _("Name the document that announced the day (number, date, "
                             "issuer).")
    elif len(source) > SOURCE_MAX:
        errors["source"] = _("At most %(n)d characters.", n=SOURCE_MAX)
    note = (values.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(n)d characters.", n=NOTE_MAX)
    if not errors:
        if kind == DAY_OFF and not _ordinarily_working(day):
            errors["kind"] = _("%(day)s is already a day off: only a working day can be "
                               "announced as a day off.", day=format_date(day))
        elif kind == WORKING_DAY and _ordinarily_working(day):
            errors["kind"] = _("%(day)s is already a working day: only a day off can be "
                               "announced as a working day.", day=format_date(day))
    if errors:
        raise CalendarInvalid(errors)
    return day, kind, source, note or None


def _details(row):
    return {"day": row.day.isoformat(), "kind": row.kind, "source": row.source,
            "note": row.note}


def announce(actor, values):
    """Enter or change the announced day ``values["day"]`` (dd/mm/yyyy) with its kind,
    source and note; ``values["version"]`` is the version the form showed ("" for a day
    not announced yet). One transaction, audited; returns the row."""
    try:
        _require_writer(actor)
        day, kind, source, note = _read(values)
        version = (values.get("version") or "").strip()
        with db.session.no_autoflush:
            row = db.session.scalar(select(AnnouncedDay).where(AnnouncedDay.day == day)
                                    .with_for_update())
        if row is None:
            if version:
                raise _stale()
            row = AnnouncedDay(day=day)
            db.session.add(row)
            action = "workday.announce"
        else:
            if version != str(row.version):
                raise _stale()
            action = "workday.change"
        row.kind, row.source, row.note = kind, source, note
        row.entered_by, row.entered_at = actor.id, clock.now()
        try:
            db.session.flush()
        except IntegrityError:
            # the same day entered by someone else at this moment
            raise _stale() from None
        audit.record(action, row, actor=actor, details=_details(row))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        forget()
    return row


def withdraw(actor, values):
    """Withdraw the announced day ``values["day"]`` (the form's ``version`` must be the
    row's): the day goes back to what the library and the weekends make it. The audit
    entry keeps what the row said. One transaction."""
    try:
        _require_writer(actor)
        day = parse_date_or_none(values.get("day"))
        if day is None:
            raise DomainError(_("Enter the day as dd/mm/yyyy."))
        with db.session.no_autoflush:
            row = db.session.scalar(select(AnnouncedDay).where(AnnouncedDay.day == day)
                                    .with_for_update())
        if row is None or (values.get("version") or "").strip() != str(row.version):
            raise _stale()
        details = _details(row)
        audit.record("workday.withdraw", row, actor=actor, details=details)
        db.session.delete(row)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    finally:
        forget()
    return day
