"""The domain work of the scheduled jobs (issue 19): the daily digest of the deadlines, the
statutory reports' reminders (ahead of the date, overdue, Sở Nội vụ's summary) and drafts
on each profile's compilation date, and the monthly forecast of retirements and salary
steps; each notice with its mail through a real SMTP server, in Vietnamese.

The jobs' functions are called as the runner calls them (app/jobs/services.py): ``work``
in a transaction the test then commits, as the runner does with the run's "done"."""
import datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select, update

from app.accounts.models import Account
from app.catalogs.services import load_shipped
from app.core import clock
from app.deadlines import digest
from app.extensions import db
from app.hiring import services as hiring
from app.notify.models import Notice
from app.notify.services import KIND_DEADLINES, KIND_FORECAST, KIND_REPORTS
from app.org.models import Employee, Unit
from app.reports import facts, forecast, reminders, statistics, statutory
from app.reports.models import (
    LEVEL_UNIT, REPORT_DRAFT, REPORT_SUBMITTED, ReportFact, StatutoryReport,
)
from app.security import roles, scope
from app.workdays.services import due_date
from tests.conftest import add_account, login, reset_data
from tests.hiring.conftest import SCAN, hire_data
from tests.leavers.conftest import set_birth
from tests.security import world

D = datetime.date


def at(day, hour=6, minute=30):
    """The runner's tick on ``day`` (06:30, province time)."""
    return clock.freeze(datetime.datetime(day.year, day.month, day.day, hour, minute))


def _build(make_app, smtp_server, profile, records=False):
    app = make_app(PROVINCE_PROFILE=profile, MAIL_SERVER=smtp_server.host,
                   MAIL_PORT=str(smtp_server.port),
                   MAIL_DEFAULT_SENDER="HoSo CBCCVC <no-reply@sonoivu.example.vn>",
                   MAIL_TIMEOUT="5")
    built = world.build(app)
    if records:
        world.build_records(app, built)
    # B's data officer (the world has officers and a head in A only)
    built.accounts["canbo_b"] = add_account(app, "canbo_b", role=roles.ROLE_OFFICER,
                                            password=world.PASSWORD,
                                            unit_id=built.units["B"], kind="personal")
    with app.app_context():
        load_shipped(names=["ngach", "chuc_danh_nghe_nghiep", "loai_luong"])
        db.session.remove()
    return app, built


@pytest.fixture
def jobs_app(make_app, smtp_server, request):
    """(app, world, smtp server) under the profile of ``indirect`` parametrization (else
    vinh_phuc), mail on."""
    app, built = _build(make_app, smtp_server, getattr(request, "param", None) or "vinh_phuc")
    yield app, built, smtp_server
    reset_data(app)


@pytest.fixture
def records_app(make_app, smtp_server):
    """The same, hai_phong, each person of the world with a record."""
    app, built = _build(make_app, smtp_server, "hai_phong", records=True)
    yield app, built, smtp_server
    reset_data(app)


def _run(work, day, period):
    """``work(day, period)`` as the runner runs it: clock at the tick, then committed
    (the notices' mail leaves after the commit); what it did, in English (the msgid)."""
    with at(day):
        result = work(day, period)
        db.session.commit()
    with force_locale("en"):
        return str(result)


def _notices(built, username, kind=None):
    query = select(Notice).where(Notice.account_id == built.accounts[username])
    if kind:
        query = query.where(Notice.kind == kind)
    return list(db.session.scalars(query.order_by(Notice.id)))


def _mail_to(server, address):
    return [m for m in server.messages if m["To"] == address]


def _body(message):
    return message.get_body(preferencelist=("plain",)).get_content()


# --- the daily digest -------------------------------------------------------------------------

@pytest.mark.parametrize("jobs_app", ["dong_nai"], indirect=True)
def test_the_officer_gets_one_digest_a_day_of_an_overdue_account(jobs_app):
    """Điều 6.3 ĐN: the personal account within 05 working days of the decision
    (15/08/2026); the hire's account withdrawn, the officer must make it again: overdue."""
    app, built, server = jobs_app
    day = D(2026, 12, 8)
    with app.app_context():
        officer = db.session.get(Account, built.accounts["canbo"])
        hired = hiring.hire(officer, hire_data(built), SCAN)
        hiring.unlink_account(officer, db.session.get(Employee, hired.employee.id), "Cấp nhầm")
        server.clear()
        result = _run(digest.work, day, day.isoformat())
        assert result == "1 people sent the deadlines they must meet"
        [notice] = _notices(built, "canbo")
        assert notice.kind == KIND_DEADLINES and notice.link == "/deadlines/"
        assert notice.subject == "Các việc quá hạn, sắp đến hạn ngày 08/12/2026"
        due = due_date(D(2026, 8, 15), 5).strftime("%d/%m/%Y")
        assert "có 1 việc đã quá hạn và 0 việc sắp đến hạn" in notice.body
        assert "[Quá hạn] Phạm Thị Lan (Trường THPT số 1)" in notice.body
        assert "hạn %s" % due in notice.body
        # the head and Sở Nội vụ chase only the first entry, which has no date yet (it
        # runs from the account); the personal accounts get no digest
        for username in ("thutruong", "sonoivu", "canhan", "giaovien"):
            assert _notices(built, username) == []
        [mail] = server.wait_for(1)
        assert mail["To"] == "canbo@example.vn"
        assert mail["Subject"] == notice.subject
        text = _body(mail)
        assert "Phạm Thị Lan" in text and "/deadlines/" in text
        assert "Thư này được gửi vì ông/bà là người phải thực hiện" in text
        # a second run on the same day (a "run now"): no second digest
        _run(digest.work, day, day.isoformat())
        assert len(_notices(built, "canbo")) == 1
        # the next working day: the next digest
        _run(digest.work, D(2026, 12, 9), "2026-12-09")
        assert len(_notices(built, "canbo")) == 2
        assert len(server.wait_for(2)) == 2


# --- the statutory reports' reminders ---------------------------------------------------------

def _submitted(built, unit_key, period_key):
    """``unit_key``'s report on the period, submitted (its officer's)."""
    now = clock.now()
    db.session.add(StatutoryReport(
        unit_id=built.units[unit_key], level=LEVEL_UNIT, period=period_key, revision=1,
        status=REPORT_SUBMITTED, numbers={}, compiled_at=now,
        compiled_by=built.accounts["canbo_b"], submitted_at=now,
        submitted_by=built.accounts["canbo_b"]))
    db.session.commit()


def test_vinh_phuc_reminds_the_units_ten_working_days_ahead_of_15_january_and_after_it(
        jobs_app):
    """VP Điều 14.4: the year's report by 15/01/2027. Ten working days before it (the
    profile's default) is 31/12/2026, 01/01/2027 being Tết Dương lịch."""
    app, built, server = jobs_app
    with app.app_context():
        period = statutory.period_of("2026")
        assert period.due_on == D(2027, 1, 15)
        assert reminders.compilation_day(period) == D(2026, 12, 31)
        assert "2026:ahead" not in reminders.reminder_periods(D(2026, 12, 30))
        for day in (D(2026, 12, 31), D(2027, 1, 4), D(2027, 1, 15)):
            assert "2026:ahead" in reminders.reminder_periods(day), day
        assert reminders.reminder_periods(D(2027, 1, 18)) == ["2026:overdue"]
        assert reminders.reminder_periods(D(2027, 3, 1)) == []

        # Sở Y tế (B) submitted already: its officer is not reminded
        _submitted(built, "B", "2026")
        server.clear()
        result = _run(reminders.work, D(2026, 12, 31), "2026:ahead")
        assert result == "2026: 2 units not submitted, 2 people reminded"
        for username in ("canbo", "thutruong"):
            [notice] = _notices(built, username, KIND_REPORTS)
            assert notice.link == "/reports/statutory/"
            assert notice.subject == \
                "Nhắc nộp báo cáo năm 2026 của Sở Giáo dục trước ngày 15/01/2027"
            assert "chậm nhất ngày 15/01/2027" in notice.body
        for username in ("canbo_b", "sonoivu", "canhan"):
            assert _notices(built, username) == []
        mails = server.wait_for(2)
        assert sorted(m["To"] for m in mails) == ["canbo@example.vn", "thutruong@example.vn"]
        assert "Thư này được gửi vì đơn vị của ông/bà chưa nộp báo cáo" in _body(mails[0])
        # the same period and stage again (a "run now"): nobody twice
        _run(reminders.work, D(2027, 1, 4), "2026:ahead")
        assert len(_notices(built, "canbo")) == 1

        server.clear()
        result = _run(reminders.work, D(2027, 1, 18), "2026:overdue")
        assert result == ("2026 overdue: 2 units not submitted, 2 people reminded, 1 summaries "
                          "to Sở Nội vụ")
        [late] = _notices(built, "canbo")[1:]
        assert late.subject == "Báo cáo năm 2026 của Sở Giáo dục đã quá hạn nộp (15/01/2027)"
        assert "Đến ngày 18/01/2027, Sở Nội vụ vẫn chưa nhận được" in late.body
        [summary] = _notices(built, "sonoivu", KIND_REPORTS)
        assert summary.link == "/reports/statutory/province?period=2026"
        assert summary.subject == "2 đơn vị chưa nộp báo cáo năm 2026 (hạn 15/01/2027)"
        assert "2 trong số 3 đơn vị chưa nộp" in summary.body
        assert "- Sở Giáo dục\n" in summary.body and "- Sở Nội vụ\n" in summary.body
        assert "Sở Y tế" not in summary.body
        assert _notices(built, "canbo_b") == []
        mails = server.wait_for(3)
        assert sorted(m["To"] for m in mails) == [
            "canbo@example.vn", "sonoivu@example.vn", "thutruong@example.vn"]
        [to_so_noi_vu] = _mail_to(server, "sonoivu@example.vn")
        assert "/reports/statutory/province?period=2026" in _body(to_so_noi_vu)


def _compiled_own(built, username, unit_key, period):
    """``unit_key``'s report on the period compiled by ``username`` (not submitted)."""
    with at(reminders.compilation_day(period) - datetime.timedelta(days=1)):
        statutory.compile_unit_report(db.session.get(Account, built.accounts[username]),
                                      db.session.get(Unit, built.units[unit_key]), period)


@pytest.mark.parametrize("drafts_first", [False, True])
def test_on_the_compilation_day_each_person_gets_one_mail(jobs_app, drafts_first):
    """The reminder ahead of the date and the drafts start on the same day: whichever job
    runs first tells each person, the other one leaves them be. Sở Giáo dục (A) compiled
    its own report (no draft for it); Sở Y tế (B) has none."""
    app, built, server = jobs_app
    with app.app_context():
        period = statutory.period_of("2026")
        day = reminders.compilation_day(period)
        _compiled_own(built, "canbo", "A", period)
        server.clear()
        runs = [(reminders.work, "2026:ahead"), (reminders.compile_drafts, "2026")]
        for work, key in (runs[::-1] if drafts_first else runs):
            _run(work, day, key)
        mails = server.wait_for(3)
        assert sorted(m["To"] for m in mails) == [
            "canbo@example.vn", "canbo_b@example.vn", "thutruong@example.vn"]
        for username in ("canbo", "thutruong"):
            [notice] = _notices(built, username, KIND_REPORTS)
            assert notice.subject.startswith("Nhắc nộp báo cáo"), notice.subject
        # B's officer: its draft's notice when the drafts came first, else the reminder
        [to_b] = _notices(built, "canbo_b", KIND_REPORTS)
        assert to_b.subject.startswith("Dự thảo " if drafts_first else "Nhắc nộp "), \
            to_b.subject
        db.session.remove()


@pytest.mark.parametrize("jobs_app", ["da_nang"], indirect=True)
def test_da_nang_reminds_ahead_of_25_may_and_15_december(jobs_app):
    """ĐNg Điều 14: reports by 25/05 and 15/12."""
    app, built, server = jobs_app
    with app.app_context():
        may, december = statutory.period_of("2026-05"), statutory.period_of("2026-12")
        assert (may.due_on, december.due_on) == (D(2026, 5, 25), D(2026, 12, 15))
        assert reminders.compilation_day(may) == D(2026, 5, 11)
        assert reminders.compilation_day(december) == D(2026, 12, 1)
        assert reminders.reminder_periods(D(2026, 5, 8)) == []
        assert reminders.reminder_periods(D(2026, 5, 11)) == ["2026-05:ahead"]
        assert reminders.reminder_periods(D(2026, 5, 25)) == ["2026-05:ahead"]
        assert reminders.reminder_periods(D(2026, 5, 26)) == ["2026-05:overdue"]
        assert reminders.reminder_periods(D(2026, 11, 30)) == []
        assert reminders.reminder_periods(D(2026, 12, 1)) == ["2026-12:ahead"]
        assert reminders.reminder_periods(D(2026, 12, 16)) == ["2026-12:overdue"]
        server.clear()
        _run(reminders.work, D(2026, 12, 1), "2026-12:ahead")
        [notice] = _notices(built, "canbo_b")
        assert notice.subject == \
            "Nhắc nộp báo cáo kỳ tháng 12/2026 của Sở Y tế trước ngày 15/12/2026"
        assert sorted(m["To"] for m in server.wait_for(3)) == [
            "canbo@example.vn", "canbo_b@example.vn", "thutruong@example.vn"]
        with pytest.raises(ValueError):
            reminders.work(D(2026, 12, 1), "2026-12:later")


# --- the drafts on each profile's compilation date --------------------------------------------

@pytest.mark.parametrize("jobs_app", ["hai_phong", "dong_nai", "vinh_phuc", "ha_noi",
                                      "da_nang"], indirect=True)
def test_the_yearly_drafts_appear_for_every_unit_on_each_profiles_date(jobs_app):
    app, built, server = jobs_app
    with app.app_context():
        for name, unit_key in (("Giáo viên một", "A"), ("Giáo viên hai", "A1"),
                               ("Bác sĩ", "B")):
            db.session.add(Employee(full_name=name, category="vien_chuc",
                                    unit_id=built.units[unit_key]))
        db.session.commit()
        units = {unit.id: unit.name for unit in statutory.reporting_units()}
        assert set(units) == {built.units[key] for key in ("A", "B", "N")}
        year = 2027 if app.config["PROVINCE_PROFILE"] == "vinh_phuc" else 2026
        periods = statutory.periods_of_year(year)
        assert periods
        for period in periods:
            day = reminders.compilation_day(period)
            assert period.key not in reminders.draft_periods(
                day - datetime.timedelta(days=1)), period
            assert period.key in reminders.draft_periods(day), period
            assert period.key in reminders.draft_periods(period.due_on), period
            assert period.key not in reminders.draft_periods(
                period.due_on + datetime.timedelta(days=1)), period
            server.clear()
            result = _run(reminders.compile_drafts, day, period.key)
            assert result == "%s: 3 drafts compiled, 3 people told" % period.key
            drafts = list(db.session.scalars(select(StatutoryReport).where(
                StatutoryReport.period == period.key, StatutoryReport.level == LEVEL_UNIT)))
            assert {d.unit_id for d in drafts} == set(units)
            for draft in drafts:
                assert draft.status == REPORT_DRAFT and draft.compiled_by is None
                assert draft.due_on == period.due_on and draft.revision == 1
                assert draft.numbers["on"] == day.isoformat()
            totals = {d.unit_id: d.numbers["totals"]["total"] for d in drafts}
            # the whole subtree of each unit, with nobody signed in
            assert totals == {built.units["A"]: 2, built.units["B"]: 1, built.units["N"]: 0}
            a_draft = next(d for d in drafts if d.unit_id == built.units["A"])
            notice = _notices(built, "canbo", KIND_REPORTS)[-1]
            assert notice.link == "/reports/statutory/%d" % a_draft.id
            assert notice.subject.startswith("Dự thảo ") and "Sở Giáo dục" in notice.subject
            assert "chậm nhất ngày %s" % period.due_on.strftime("%d/%m/%Y") in notice.body
            assert sorted(m["To"] for m in server.wait_for(3)) == [
                "canbo@example.vn", "canbo_b@example.vn", "thutruong@example.vn"]
            # run again (a "run now" the same day): no second draft, no second notice
            _run(reminders.compile_drafts, day, period.key)
            assert db.session.scalar(select(StatutoryReport.id).where(
                StatutoryReport.period == period.key, StatutoryReport.revision > 1)) is None
        db.session.remove()
    # the unit's screens say who compiled it
    client = app.test_client()
    login(client, "canbo", world.PASSWORD)
    with app.app_context():
        report_id = db.session.scalar(select(StatutoryReport.id).where(
            StatutoryReport.unit_id == built.units["A"]).order_by(StatutoryReport.id).limit(1))
    page = client.get("/reports/statutory/%d" % report_id).get_data(as_text=True)
    assert 'id="compiled-by-job"' in page


def test_the_jobs_own_count_is_no_user(app):
    """statistics.JOB_COUNT lifts the scope of the report's counts only: anywhere else it
    is granted nothing."""
    with app.app_context():
        assert scope.user_scopes(statistics.JOB_COUNT, "read", roles.REPORTS) == set()
        assert db.session.scalar(scope.restrict(
            select(func.count(Employee.id)), statistics.JOB_COUNT, "read", model=Employee)) \
            == 0
        query = select(func.count()).select_from(ReportFact)
        assert statistics.restrict_facts(query, statistics.JOB_COUNT) is query


def test_a_unit_that_compiled_its_own_keeps_it(jobs_app):
    app, built, server = jobs_app
    with app.app_context():
        period = statutory.period_of("2026")
        officer = db.session.get(Account, built.accounts["canbo"])
        own = statutory.compile_unit_report(officer, db.session.get(Unit, built.units["A"]),
                                            period)
        own_id = own.id
        _run(reminders.compile_drafts, reminders.compilation_day(period), "2026")
        rows = list(db.session.scalars(select(StatutoryReport).where(
            StatutoryReport.unit_id == built.units["A"])))
        assert [(r.id, r.compiled_by) for r in rows] == [(own_id, built.accounts["canbo"])]
        assert _notices(built, "canbo") == []
        assert len(_notices(built, "canbo_b")) == 1


# --- the monthly forecast ---------------------------------------------------------------------

def test_salary_since_is_the_records_paid_from_day():
    assert facts.record_facts({"fields": {"ngay_huong_luong": "2024-01-15"}})[
        "salary_since"] == D(2024, 1, 15)
    assert facts.EMPTY["salary_since"] is None


def _salary(built, username, grade, step, since):
    db.session.execute(update(ReportFact).where(
        ReportFact.employee_id == built.employees[username]).values(
        grade_code=grade, salary_step=step, salary_since=since))
    db.session.commit()


def test_the_officer_is_told_who_retires_and_whose_salary_step_falls_due(records_app):
    app, built, server = records_app
    day = D(2026, 12, 1)
    with app.app_context(), at(day):
        # a man born 05/1965: 61y6m (NĐ 135/2020, Phụ lục I) -> retires after 30/11/2026,
        # not recorded yet; a woman born 01/1970: 57y4m -> 31/05/2027, within 6 months
        set_birth(built, "giaovien", "1965-05-20", "nam")
        set_birth(built, "giaovien_truong", "1970-01-10", "nu")
        set_birth(built, "canhan", "1990-01-01", "nu")
        set_birth(built, "bacsi", "1966-01-01", "nu")          # outside the officer's scope
        # chuyên viên (01.003, table A1: 3 years a step): step 3 paid from 15/01/2024 ->
        # step 4 on 15/01/2027; a nhân viên (01.005, table B: 2 years): from 01/09/2025 ->
        # 01/09/2027, past the horizon; a chuyên viên at the table's last step (9): none
        _salary(built, "canhan", "01.003", 3, D(2024, 1, 15))
        _salary(built, "giaovien", "01.005", 2, D(2025, 9, 1))
        _salary(built, "thutruong", "01.003", 9, D(2020, 1, 1))
        _salary(built, "bacsi", "01.003", 3, D(2024, 1, 15))
        # retiring after 31/05/2027, her step 3 due 01/12/2027: six months short of it
        # on her retirement, a candidate for the early step (TT 08/2013/TT-BNV Điều 3)
        _salary(built, "giaovien_truong", "01.003", 2, D(2024, 12, 1))
        tables = forecast.salary_tables(day)
        assert tables["01.003"] == (36, 9) and tables["01.005"][0] == 24
        server.clear()
        result = forecast.work(day, "2026-12")
        db.session.commit()
        with force_locale("en"):    # canbo (A) and canbo_b (B)
            assert str(result) == "2 officers sent the retirements and salary steps to come"
        [notice] = _notices(built, "canbo")
        assert notice.kind == KIND_FORECAST and notice.link == "/leavers/retiring"
        assert notice.body.startswith("Kính gửi Nguyễn Thị Hằng,")     # the officer
        assert notice.subject == "Dự báo nghỉ hưu và nâng bậc lương thường xuyên tháng 12/2026"
        body = notice.body
        assert "từ nay đến ngày 01/06/2027" in body
        assert "Nghỉ hưu (Nghị định 135/2020/NĐ-CP): 2 người." in body
        assert "- giaovien (Sở Giáo dục): đã đến thời điểm nghỉ hưu 30/11/2026" in body
        assert "- giaovien_truong (Trường THPT số 1): nghỉ hưu từ sau ngày 31/05/2027" in body
        assert ("Nâng bậc lương thường xuyên (Nghị định 204/2004/NĐ-CP, Thông tư "
                "03/2021/TT-BNV): 1 người.") in body
        assert "- canhan (Sở Giáo dục): lên bậc 4, đến hạn ngày 15/01/2027" in body
        assert "thutruong" not in body and "bacsi" not in body
        assert ("- giaovien_truong (Trường THPT số 1): nghỉ hưu từ sau ngày 31/05/2027, "
                "bậc 3 đến hạn ngày 01/12/2027") in body
        assert "lên bậc 3" not in body       # not a regular step within the horizon
        [other] = _notices(built, "canbo_b")
        assert "bacsi" in other.body and "giaovien" not in other.body
        # nobody but the officers
        for username in ("thutruong", "sonoivu", "canhan"):
            assert _notices(built, username) == []
        mails = server.wait_for(2)
        assert sorted(m["To"] for m in mails) == ["canbo@example.vn", "canbo_b@example.vn"]
        text = _body(_mail_to(server, "canbo@example.vn")[0])
        assert "lên bậc 4" in text and "/leavers/retiring" in text
        # the same month again: nothing more
        forecast.work(day, "2026-12")
        db.session.commit()
        assert len(_notices(built, "canbo")) == 1
