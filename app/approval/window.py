"""The monthly approval window: the last N days of each month, N from the
province profile (``approval.window_last_days_of_month``; none under
da_nang, which has no approval at all: the unit's officer records each change,
records.services.record_entry)."""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from app.core import clock
from app.policy.profiles import rule


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    def holds(self, day):
        return self.start <= day <= self.end


def last_days():
    return rule("approval.window_last_days_of_month")


def last_days_of(year, month, days):
    """The last ``days`` days of a month as a Window, or None for no days."""
    if not days:
        return None
    end = date(year, month, calendar.monthrange(year, month)[1])
    return Window(end - timedelta(days=days - 1), end)


def window_of(year, month):
    """The window of a month, or None when the profile has none."""
    return last_days_of(year, month, last_days())


def current(today=None):
    today = today or clock.today()
    return window_of(today.year, today.month)


def in_window(day=None):
    """Whether ``day`` is inside the window; always true without a window."""
    day = day or clock.today()
    window = window_of(day.year, day.month)
    return window is None or window.holds(day)


def _next_month(day):
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def due_on(submitted_on):
    """The last day on which a version submitted on ``submitted_on`` should be
    decided: the end of its month's window, or, when it came on that window's
    last day, the end of the next month's window."""
    window = window_of(submitted_on.year, submitted_on.month)
    if window is None:
        return None
    if submitted_on < window.end:
        return window.end
    return window_of(*_next_month(submitted_on)).end


def is_overdue(version, today=None):
    if version.submitted_at is None:
        return False
    submitted = version.submitted_at
    if submitted.tzinfo is not None:
        submitted = submitted.astimezone(clock.PROVINCE_TZ)
    due = due_on(submitted.date())
    return due is not None and (today or clock.today()) > due
