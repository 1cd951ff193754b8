"""Deadlines in working days or in days (Bộ luật Dân sự 2015, Điều 147–148): counting
starts the day after the event; a term that ends on a day off ends on the next working
day.

A first version that knows weekends only; the calendar's issue (17.1) adds public
holidays and the announced days. The signatures are the ones every caller uses.
"""
import datetime

WORKING_DAYS, CALENDAR_DAYS = "working_days", "calendar_days"


def is_working_day(day):
    return day.weekday() < 5


def next_working_day(day):
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def due_date(event_day, days, counted_in=WORKING_DAYS):
    """The last day of a term of ``days`` from ``event_day``: None when ``days`` is None
    (the text sets no term)."""
    if days is None or event_day is None:
        return None
    if counted_in == CALENDAR_DAYS:
        return next_working_day(event_day + datetime.timedelta(days=days))
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
    return due_date(event_day, entry.get("value"), entry.get("counted_in", WORKING_DAYS))
