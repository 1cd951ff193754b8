"""The demo's record generator takes any birth date (issue 16, item 11): 29 February
included, over every day of a leap year."""
import random
from datetime import date, timedelta

from app.records.demo import career_dates, years_after


def _days_of(year):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def test_years_after_keeps_the_day_or_takes_28_february():
    assert years_after(date(1996, 2, 29), 22) == date(2018, 2, 28)
    assert years_after(date(1996, 2, 29), 24) == date(2020, 2, 29)
    assert years_after(date(1996, 3, 1), 22) == date(2018, 3, 1)


def test_every_day_of_a_leap_year_gives_sane_career_dates():
    for year in (1968, 1996):
        days = list(_days_of(year))
        assert len(days) == 366
        for birth in days:
            dates = career_dates(random.Random(birth.isoformat()), birth)
            recruited, joined = dates["recruited"], dates["joined"]
            assert years_after(birth, 22) <= recruited or recruited == date(2024, 6, 1), birth
            assert recruited <= min(years_after(birth, 27), date(2024, 6, 1)), birth
            assert recruited <= joined <= date(2025, 6, 1), birth
            assert dates["study_start"] == year + 18


def test_every_day_of_2024_is_taken_without_a_crash():
    for birth in _days_of(2024):
        career_dates(random.Random(birth.isoformat()), birth)
