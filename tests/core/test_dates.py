"""Dates read dd/mm/yyyy on every page."""
import datetime
import threading

import pytest

import config
from app.core import clock, dates
from app.extensions import db
from tests.conftest import login


def test_format_date_is_day_month_year():
    assert dates.format_date(datetime.date(2026, 2, 5)) == "05/02/2026"
    assert dates.format_date(None) == ""


def test_format_datetime_shows_vietnam_time():
    utc = datetime.datetime(2026, 12, 31, 20, 15, tzinfo=datetime.timezone.utc)
    assert dates.format_datetime(utc) == "01/01/2027 03:15"
    assert dates.format_datetime(datetime.datetime(2026, 2, 5, 8, 30)) == "05/02/2026 08:30"
    assert dates.format_datetime(datetime.date(2026, 2, 5)) == "05/02/2026"


def test_parse_date_reads_only_day_month_year():
    assert dates.parse_date(" 29/02/2028 ") == datetime.date(2028, 2, 29)
    for bad in ("2026-02-05", "29/02/2026", "32/01/2026", "", "05/02/26x"):
        with pytest.raises(ValueError):
            dates.parse_date(bad)


def test_clock_can_be_frozen_for_tests_and_jobs():
    with clock.freeze(datetime.datetime(2026, 1, 27, 9, 0)):
        assert clock.today() == datetime.date(2026, 1, 27)
        assert clock.now().utcoffset() == datetime.timedelta(hours=7)
    real = datetime.datetime.now(datetime.timezone.utc)
    assert abs(clock.now() - real) < datetime.timedelta(minutes=5)


def test_footer_shows_todays_date_as_dd_mm_yyyy(client):
    with clock.freeze(datetime.datetime(2026, 3, 9, 10, 0)):
        html = client.get("/login/").get_data(as_text=True)
    assert "09/03/2026" in html


def test_user_pages_show_dates_as_dd_mm_yyyy(app, client, make_user):
    make_user("quantri01", role=config.ROLE_ADMIN, password="Quantri@2026")
    other_id = make_user("canbo02", role=config.ROLE_PUBLIC)
    with app.app_context():
        user = db.session.get(app.appbuilder.sm.user_model, other_id)
        user.last_login = datetime.datetime(2026, 2, 5, 8, 30)
        user.created_on = datetime.datetime(2025, 12, 24, 14, 5)
        db.session.commit()
        db.session.remove()
    login(client, "quantri01", "Quantri@2026")
    html = client.get("/accounts/show/%d" % other_id).get_data(as_text=True)
    # last_login is written in Vietnam time; FAB writes created_on on the server's own
    # clock, shown in Vietnam time too
    created = datetime.datetime(2025, 12, 24, 14, 5).astimezone(clock.PROVINCE_TZ)
    assert "05/02/2026 08:30" in html and created.strftime("%d/%m/%Y %H:%M") in html
    assert "2026-02-05" not in html and "2025-12-24" not in html


def test_two_threads_freezing_at_once_leave_the_clock_running():
    """Freezes that end in another order than they began (two threads, as the
    concurrent approval tests do) must not leave the clock frozen afterwards."""
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    moment = datetime.datetime(2026, 11, 27, 9, 30)

    def first():
        with clock.freeze(moment):
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with clock.freeze(moment):
            second_in.set()
            first_out.wait(5)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    real = datetime.datetime.now(datetime.timezone.utc)
    assert abs(clock.now() - real) < datetime.timedelta(minutes=5)


def test_a_freeze_in_another_zone_is_vietnam_time_like_now():
    utc = datetime.datetime(2026, 12, 1, 7, 24, tzinfo=datetime.timezone.utc)
    with clock.freeze(utc) as frozen:
        assert clock.now() == utc and frozen == utc
        assert clock.now().utcoffset() == datetime.timedelta(hours=7)
        assert (clock.now().hour, clock.today()) == (14, datetime.date(2026, 12, 1))


def test_add_months_keeps_the_day_or_takes_the_months_last():
    """One function for every "N months later" (the search's and the leavers' horizons,
    the reports): 31/01 + 1 month is the end of February, of a leap year too."""
    from app.core.dates import add_months

    assert add_months(datetime.date(2027, 1, 31), 1) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 12, 15), 2) == datetime.date(2027, 2, 15)
    assert add_months(datetime.date(2027, 3, 31), -1) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2026, 5, 31), -55 * 12 + 1) == datetime.date(1971, 6, 30)
