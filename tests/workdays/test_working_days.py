"""Working-day arithmetic (issue 17, item 1): Bộ luật Dân sự 2015, Điều 147–148 over the
calendar of Bộ luật Lao động 2019, Điều 112, with the days Sở Nội vụ enters from the
government's yearly announcements."""
import datetime as dt

import pytest

from app.core.exceptions import DomainError
from app.extensions import db
from app.workdays import services as workdays
from app.workdays.models import DAY_OFF, WORKING_DAY, AnnouncedDay
from tests.workdays.conftest import actor, statements

D = dt.date
WD, CD = workdays.WORKING_DAYS, workdays.CALENDAR_DAYS


def test_counting_starts_the_day_after_and_skips_the_weekend():
    # Điều 147.2: the day of the event is not counted
    assert workdays.due_date(D(2026, 12, 3), 1, WD) == D(2026, 12, 4)       # Thu → Fri
    assert workdays.due_date(D(2026, 12, 4), 1, WD) == D(2026, 12, 7)       # Fri → Mon
    assert workdays.due_date(D(2026, 12, 5), 1, WD) == D(2026, 12, 7)       # Sat → Mon
    assert workdays.due_date(D(2026, 12, 7), 5, WD) == D(2026, 12, 14)
    assert workdays.due_date(D(2026, 12, 7), 10, WD) == D(2026, 12, 21)
    assert workdays.due_date(D(2026, 12, 7), None, WD) is None
    assert workdays.due_for(D(2026, 12, 7), {"value": 3, "counted_in": "working_days"}) == \
        D(2026, 12, 10)
    assert workdays.due_for(D(2026, 12, 7), None) is None


def test_tet_2027_by_the_lunar_calendar():
    # Tết Đinh Mùi: mùng 1 is Saturday 06/02/2027. Điều 112.1.b: 05 days (giao thừa to
    # mùng 4); Điều 112.3: the two falling on the weekend are taken on the working days
    # beside them (29 Tết, Thursday 04/02; mùng 5, Wednesday 10/02)
    names = workdays.public_holidays(2027)
    assert names[D(2027, 2, 6)] == "Tết Nguyên Đán"
    off = [D(2027, 2, day) for day in (4, 5, 8, 9, 10)]
    assert [workdays.is_working_day(day) for day in off] == [False] * 5
    assert workdays.is_working_day(D(2027, 2, 3)) and workdays.is_working_day(D(2027, 2, 11))
    assert workdays.due_date(D(2027, 2, 3), 1, WD) == D(2027, 2, 11)
    assert workdays.due_date(D(2027, 2, 1), 5, WD) == D(2027, 2, 15)
    # "N ngày" ending in Tết (Friday 05/02, giao thừa) ends on the next working day
    assert workdays.due_date(D(2027, 1, 21), 15, CD) == D(2027, 2, 11)
    # Giỗ Tổ Hùng Vương, 10/3 âm lịch
    assert not workdays.is_working_day(D(2027, 4, 16))


def test_30_april_and_1_may():
    # 2026: Thursday and Friday
    assert workdays.due_date(D(2026, 4, 29), 1, WD) == D(2026, 5, 4)
    # 2027: 1/5 is a Saturday, taken on Monday 03/05 (Điều 112.3)
    assert workdays.due_date(D(2027, 4, 29), 1, WD) == D(2027, 5, 4)
    assert not workdays.is_working_day(D(2027, 5, 3))


def test_national_day_and_its_swap():
    # 2026: 1/9 and 2/9, and Monday 31/08 swapped with Saturday 22/08
    assert workdays.due_date(D(2026, 8, 28), 1, WD) == D(2026, 9, 3)
    assert workdays.is_working_day(D(2026, 8, 22))
    assert workdays.due_date(D(2026, 8, 21), 1, WD) == D(2026, 8, 22)
    # 2027: Thursday 2/9 and Friday 3/9
    assert workdays.due_date(D(2027, 9, 1), 1, WD) == D(2027, 9, 6)


def test_a_term_in_days_ending_on_a_day_off_ends_on_the_next_working_day():
    # Điều 148.5: 10 days from 20/01/2027 end on Saturday 30/01 → Monday 01/02
    assert workdays.due_date(D(2027, 1, 20), 10, CD) == D(2027, 2, 1)
    # ending on a working day: that day
    assert workdays.due_date(D(2027, 1, 20), 8, CD) == D(2027, 1, 28)
    # and in working days, never on a day off
    assert workdays.is_working_day(workdays.due_date(D(2027, 1, 20), 13, WD))


def test_overdue_after_the_last_day_only():
    # Điều 148.1: the term ends at the end of its last day
    assert not workdays.is_overdue(D(2027, 2, 11), today=D(2027, 2, 11))
    assert workdays.is_overdue(D(2027, 2, 11), today=D(2027, 2, 12))
    assert not workdays.is_overdue(None, today=D(2027, 2, 12))


def _announce(app, world, day, kind, source="Thông báo 1/TB-BNV ngày 01/12/2026"):
    with app.app_context():
        workdays.announce(actor(world, "sonoivu"), {
            "day": day, "kind": kind, "source": source, "note": "", "version": ""})
        db.session.remove()


def test_a_compensatory_day_off_and_a_make_up_saturday_entered_by_so_noi_vu(calendar_app):
    app, world = calendar_app
    with app.app_context():
        assert workdays.due_date(D(2026, 12, 31), 1, WD) == D(2027, 1, 4)
    # Monday 04/01/2027 off, worked on Saturday 09/01/2027 instead
    _announce(app, world, "04/01/2027", DAY_OFF)
    _announce(app, world, "09/01/2027", WORKING_DAY)
    with app.app_context():
        assert workdays.due_date(D(2026, 12, 31), 1, WD) == D(2027, 1, 5)
        assert workdays.due_date(D(2027, 1, 8), 1, WD) == D(2027, 1, 9)
        assert workdays.due_date(D(2027, 1, 7), 10, CD) == D(2027, 1, 18)
        row = db.session.query(AnnouncedDay).filter_by(day=D(2027, 1, 4)).one()
        assert row.source.startswith("Thông báo 1/TB-BNV") and row.version == 1
        assert row.entered_by == world.accounts["sonoivu"]


def test_an_announced_working_day_overrides_the_library(calendar_app):
    app, world = calendar_app
    # the government moves a Tết day: Wednesday 10/02/2027 worked
    _announce(app, world, "10/02/2027", WORKING_DAY)
    with app.app_context():
        assert workdays.is_working_day(D(2027, 2, 10))
        assert workdays.due_date(D(2027, 2, 3), 1, WD) == D(2027, 2, 10)


def test_counting_reads_the_announced_days_once_per_year_not_per_day(calendar_app):
    app, world = calendar_app
    _announce(app, world, "04/01/2027", DAY_OFF)
    with app.test_request_context():
        with statements() as seen:
            due = workdays.due_date(D(2026, 11, 2), 300, WD)
            workdays.due_date(D(2026, 11, 2), 200, WD)
        assert due.year == 2028
        assert len(seen) == 3          # 2026, 2027, 2028: one statement each


def test_only_so_noi_vu_writes_the_calendar_and_each_write_is_audited(calendar_app):
    from app.audit.models import AuditEntry

    app, world = calendar_app
    with app.app_context():
        before = db.session.query(db.func.max(AuditEntry.id)).scalar() or 0
    for name in ("canbo", "thutruong", "quantri", "canhan"):
        with app.app_context():
            with pytest.raises(DomainError):
                workdays.announce(actor(world, name), {
                    "day": "04/01/2027", "kind": DAY_OFF, "source": "x", "version": ""})
            assert db.session.query(AnnouncedDay).count() == 0
    _announce(app, world, "04/01/2027", DAY_OFF)
    with app.app_context():
        workdays.withdraw(actor(world, "sonoivu"), {"day": "04/01/2027", "version": "1"})
        assert db.session.query(AnnouncedDay).count() == 0
        assert workdays.is_working_day(D(2027, 1, 4))
        actions = [a for (a,) in db.session.query(AuditEntry.action).filter(
            AuditEntry.action.like("workday.%"), AuditEntry.id > before)
            .order_by(AuditEntry.id)]
        assert actions == ["workday.announce", "workday.withdraw"]


def test_announcing_what_the_day_already_is_is_refused(calendar_app):
    app, world = calendar_app
    with app.app_context():
        sonoivu = actor(world, "sonoivu")
        with pytest.raises(workdays.CalendarInvalid) as refused:
            workdays.announce(sonoivu, {"day": "06/02/2027", "kind": DAY_OFF, "source": "x"})
        assert set(refused.value.errors) == {"kind"}
        with pytest.raises(workdays.CalendarInvalid) as refused:
            workdays.announce(sonoivu, {"day": "03/02/2027", "kind": WORKING_DAY,
                                        "source": "x"})
        assert set(refused.value.errors) == {"kind"}
