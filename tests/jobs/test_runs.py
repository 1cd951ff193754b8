"""The jobs' once-per-period guard and the approval window's reminders (issue 19): two
runners at once produce one run and one mail; a runner that died mid-run is taken over;
a failed run is tried again; the window's first and last days of 27/01, 24/02 of a common
year, 25/02 of a leap year and 26/04."""
import datetime
import threading

import pytest
from sqlalchemy import func, select

from app.core import clock
from app.extensions import db
from app.jobs import registry, services
from app.jobs.models import DONE, FAILED, JobRun
from app.notify.models import Notice
from tests.approval.conftest import (  # noqa: F401 (fixtures)
    app, approvers, key_files, submitted, test_ca,
)
from tests.records.conftest import people  # noqa: F401 (a fixture)


def _job(work, name="test_job", stale_after=datetime.timedelta(hours=1)):
    return registry.Job(name, "Thử", {"hour": 6}, lambda today: [today.isoformat()], work,
                        stale_after=stale_after)


def _runs(app):
    with app.app_context():
        rows = [(r.job, r.period, r.status, r.attempts) for r in
                db.session.scalars(select(JobRun).order_by(JobRun.id))]
        db.session.remove()
    return rows


@pytest.mark.parametrize("first, last", [
    (datetime.date(2027, 1, 27), datetime.date(2027, 1, 31)),
    (datetime.date(2027, 2, 24), datetime.date(2027, 2, 28)),     # a common year
    (datetime.date(2028, 2, 25), datetime.date(2028, 2, 29)),     # a leap year
    (datetime.date(2027, 4, 26), datetime.date(2027, 4, 30)),
])
def test_the_window_jobs_are_due_on_the_first_and_last_of_the_last_five_days(app, first,
                                                                             last):
    with app.app_context():
        opening = registry.job_named("approval_window_open")
        closing = registry.job_named("approval_window_last")
        before = first - datetime.timedelta(days=1)
        assert opening.periods(before) == []
        assert opening.periods(first) == [first.strftime("%Y-%m")]
        assert opening.periods(last) == [first.strftime("%Y-%m")]    # a late runner too
        assert closing.periods(first) == [] and closing.periods(before) == []
        assert closing.periods(last) == [last.strftime("%Y-%m")]


def test_two_runners_at_once_remind_each_approver_once(app, province, people, approvers,
                                                       smtp_server):
    submitted(app, province, people, "canhan")
    submitted(app, province, people, "bacsi")
    first = datetime.datetime(2027, 1, 27, 6, 30)
    results = []

    def runner(number):
        with app.app_context(), clock.freeze(first):
            job = registry.job_named("approval_window_open")
            results.append(services.run_due(job, first.date(), runner="runner-%d" % number))
            db.session.remove()

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(len(ran) for ran in results) == [0, 1]
    assert _runs(app) == [("approval_window_open", "2027-01", DONE, 1)]
    mails = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in mails) == ["chutich@example.vn", "thutruong@example.vn"]
    assert all(m["Subject"] == "Hồ sơ chờ phê duyệt trong kỳ tháng 01/2027" for m in mails)
    plain = mails[0].get_body(("plain",)).get_content()
    assert "27/01/2027 đến 31/01/2027" in plain and "/approval/" in plain
    # a later tick in the window, by either runner, does nothing more
    with app.app_context(), clock.freeze(first + datetime.timedelta(days=1)):
        job = registry.job_named("approval_window_open")
        assert services.run_due(job, first.date() + datetime.timedelta(days=1)) == []
        assert db.session.scalar(select(func.count()).select_from(Notice)) == 2
    assert len(smtp_server.wait_for(3, timeout=0.5)) == 2

    # the last day: the approvers whose queue still holds versions, and A's officer
    last = datetime.datetime(2027, 1, 31, 6, 30)
    with app.app_context(), clock.freeze(last):
        [run] = services.run_due(registry.job_named("approval_window_last"), last.date())
        assert run.status == DONE, run.error
        db.session.remove()
    mails = smtp_server.wait_for(5)[2:]
    recipients = sorted(m["To"] for m in mails)
    assert "thutruong@example.vn" in recipients and "canbo@example.vn" in recipients
    assert all("ngày cuối kỳ phê duyệt tháng 01/2027" in m["Subject"] for m in mails)


def test_a_runner_that_died_mid_run_is_taken_over_after_its_job_would_have_ended(app):
    done = []
    job = _job(lambda today, period: done.append(period) or "ok",
               stale_after=datetime.timedelta(minutes=30))
    day = datetime.datetime(2027, 3, 1, 6, 30)
    with app.app_context():
        # a runner took the key and died: nothing it did was committed
        with clock.freeze(day):
            assert services.take(job, "2027-03-01", runner="dead:1") is not None
        with clock.freeze(day + datetime.timedelta(minutes=10)):
            assert services.run(job, "2027-03-01") is None      # it may still be working
        with clock.freeze(day + datetime.timedelta(minutes=45)):
            run = services.run(job, "2027-03-01", runner="alive:2")
            assert run.status == DONE and run.attempts == 2 and run.runner == "alive:2"
            assert services.run(job, "2027-03-01") is None      # done: never again
        db.session.remove()
    assert done == ["2027-03-01"]


def test_a_failed_run_is_recorded_and_tried_again_up_to_its_limit(app):
    from tests.conftest import add_account

    account_id = add_account(app, "hang", password="Matkhau@2026x")
    calls = []

    def flaky(today, period):
        calls.append(period)
        # written (and flushed) before the failure: undone with it
        db.session.add(Notice(account_id=account_id, subject="x", body="x",
                              created_at=clock.now()))
        db.session.flush()
        if len(calls) < 3:
            raise RuntimeError("máy chủ bận")
        return "xong"

    job = _job(flaky)
    with app.app_context():
        first = services.run(job, "2027-03-02")
        assert first.status == FAILED and "RuntimeError: máy chủ bận" in first.error
        assert services.run(job, "2027-03-02").status == FAILED
        third = services.run(job, "2027-03-02")
        assert (third.status, third.attempts, third.result) == (DONE, 3, "xong")
        # the two failed runs' notices were rolled back, the successful one's committed
        assert db.session.scalar(select(func.count()).select_from(Notice)) == 1
        always = _job(lambda today, period: 1 / 0, name="always_failing")
        for _attempt in range(services.MAX_ATTEMPTS):
            assert services.run(always, "2027-03-02").status == FAILED
        assert services.run(always, "2027-03-02") is None       # given up until by hand
        db.session.remove()


def test_the_runner_schedules_every_job_the_mail_sender_and_the_sync_sender(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from app.jobs.runner import build_scheduler

    scheduler = build_scheduler(app, BackgroundScheduler)
    ids = {job.id for job in scheduler.get_jobs()}
    with app.app_context():
        names = {job.name for job in registry.jobs()}
    assert {"approval_window_open", "approval_window_last", "deadline_digest",
            "report_reminders", "report_drafts", "monthly_forecast", "audit_anchor",
            "backup"} <= names
    assert names | {"mail_sender", "sync_sender"} | {
        name + ":on-start" for name in names} == ids


def test_the_jobs_screen_shows_each_job_and_runs_one_now_under_the_guard(app, province,
                                                                        client):
    from tests.conftest import csrf_token, login
    from tests.security import world as w

    login(client, "quantri", w.PASSWORD)
    page = client.get("/jobs/").get_data(as_text=True)
    for name in ("approval_window_open", "deadline_digest", "backup", "audit_anchor"):
        assert 'data-job="%s"' % name in page
    assert "Hàng đợi thư" in page and "Chạy ngay" in page
    token = csrf_token(page)
    day = datetime.datetime(2027, 1, 4, 7, 0)          # a Monday
    with clock.freeze(day):
        response = client.post("/jobs/run", data={"job": "audit_anchor", "csrf_token": token})
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Đã chạy Neo nhật ký kiểm toán cho kỳ 2027-01-04" in page
        response = client.post("/jobs/run", data={"job": "audit_anchor", "csrf_token": token})
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "đã chạy (hoặc đang chạy) cho kỳ 2027-01-04" in page
        response = client.post("/jobs/run", data={"job": "approval_window_last",
                                                  "csrf_token": token})
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "chưa đến lịch" in page
    history = client.get("/jobs/history?job=audit_anchor").get_data(as_text=True)
    assert "2027-01-04" in history and "chạy thủ công" in history
    assert _runs(app) == [("audit_anchor", "2027-01-04", DONE, 1)]
    # the screen is the technical administration's
    client.get("/logout/")
    login(client, "sonoivu", w.PASSWORD)
    assert client.get("/jobs/").status_code in (302, 403, 404)


def test_the_backup_job_writes_checks_and_prunes_once_a_month_under_ha_noi(make_app, tmp_path):
    """HN Điều 11.1: monthly, kept at least three months; the month's archive is checked
    by a trial restore, and a second tick in the month does nothing."""
    import os

    from app.audit.models import AuditEntry
    from tests.conftest import reset_data
    from tests.security import world

    directory = tmp_path / "backups"
    app = make_app(PROVINCE_PROFILE="ha_noi", BACKUP_DIR=str(directory))
    world.build(app)
    try:
        day = datetime.datetime(2027, 2, 3, 2, 0)
        with app.app_context(), clock.freeze(day):
            job = registry.job_named("backup")
            assert job.periods(day.date()) == ["2027-02"]
            [run] = services.run_due(job, day.date())
            assert run.status == DONE, run.error
            assert "phục hồi thử" in run.result
            assert services.run_due(job, day.date() + datetime.timedelta(days=9)) == []
            actions = set(db.session.scalars(select(AuditEntry.action).where(
                AuditEntry.action.like("backup.%"))))
            assert {"backup.create", "backup.verify", "backup.prune"} <= actions
            db.session.remove()
        assert len(os.listdir(directory)) == 1
    finally:
        reset_data(app)
