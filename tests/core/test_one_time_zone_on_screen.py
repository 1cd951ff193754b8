"""Every moment on screen is in the province's time zone (issue 16, item 8): the
audit log, an account's creation and sign-in times, and every date field the
templates print."""
import datetime
import glob
import os
import re

import config
from app.audit import services as audit
from app.audit.models import AuditEntry
from app.core import clock, dates
from app.extensions import db
from tests.conftest import login

UTC = datetime.timezone.utc
# 07:24 UTC is 14:24 in Hà Nội: the two must never share a screen
MOMENT = datetime.datetime(2026, 3, 9, 7, 24, tzinfo=UTC)
VIETNAM, UTC_TEXT = "09/03/2026 14:24", "09/03/2026 07:24"


def test_the_formatters_read_each_kind_of_stored_moment_in_province_time():
    assert dates.format_datetime(MOMENT) == VIETNAM
    # as Flask-AppBuilder's datetime.datetime.now() writes it: the server's clock
    server_naive = MOMENT.astimezone().replace(tzinfo=None)
    assert dates.format_datetime(server_naive, naive=dates.SERVER_LOCAL) == VIETNAM
    assert dates.format_datetime(MOMENT.replace(tzinfo=None), naive=dates.UTC) == VIETNAM
    # the application's own naive times are province time (accounts.sign_in)
    assert dates.format_datetime(datetime.datetime(2026, 3, 9, 14, 24)) == VIETNAM
    # a moment's day is its day in the province: 20:00 UTC is already tomorrow there
    assert dates.format_date(datetime.datetime(2026, 3, 9, 20, 0, tzinfo=UTC)) == "10/03/2026"
    assert dates.format_moments_in({"at": "2026-03-09T07:24:00+00:00", "day": "2026-03-09",
                                    "n": 3}) == {"at": VIETNAM, "day": "2026-03-09", "n": 3}


def test_the_audit_log_shows_an_entry_in_vietnam_time(app, client, make_user):
    make_user("quantri01", role=config.ROLE_ADMIN, password="Quantri@2026")
    with app.app_context():
        with clock.freeze(MOMENT):
            entry = audit.record("account.sign_in", object_type="Account", object_id=1,
                                 details={"at": MOMENT.isoformat()})
        db.session.commit()
        entry_id = entry.id
        stored = db.session.get(AuditEntry, entry_id).at
        assert stored == MOMENT          # timestamptz: aware, whatever the session zone
        db.session.remove()
    login(client, "quantri01", "Quantri@2026")
    for url in ("/audit/show/%d" % entry_id, "/audit/list/?_flt_0_id=%d" % entry_id,
                "/audit/list/"):
        html = client.get(url).get_data(as_text=True)
        assert VIETNAM in html, url
        assert "07:24" not in html, url


def test_an_accounts_times_show_in_vietnam_time(app, client, make_user):
    make_user("quantri01", role=config.ROLE_ADMIN, password="Quantri@2026")
    other_id = make_user("canbo02", role=config.ROLE_PUBLIC, password="Canbo@2026x")
    with app.app_context():
        user = db.session.get(app.appbuilder.sm.user_model, other_id)
        # created at 07:24 UTC, stored as Flask-AppBuilder stores it (the server's clock)
        user.created_on = MOMENT.astimezone().replace(tzinfo=None)
        db.session.commit()
        db.session.remove()
    # signed in five minutes later: last_login, written by accounts.sign_in from
    # clock.now() (province time; a frozen moment is given in it, as now() returns)
    with clock.freeze((MOMENT + datetime.timedelta(minutes=5)).astimezone(clock.PROVINCE_TZ)):
        login(client, "canbo02", "Canbo@2026x")
    client.get("/logout/")
    login(client, "quantri01", "Quantri@2026")
    html = client.get("/accounts/show/%d" % other_id).get_data(as_text=True)
    assert VIETNAM in html and "09/03/2026 14:29" in html
    assert "07:24" not in html and "07:29" not in html
    html = client.get("/accounts/list/").get_data(as_text=True)
    assert "09/03/2026 14:29" in html and "07:29" not in html


def test_a_new_accounts_creation_time_is_now_in_vietnam(app, client, make_user):
    """Flask-AppBuilder's own default (datetime.datetime.now()) read as what it is."""
    make_user("quantri01", role=config.ROLE_ADMIN, password="Quantri@2026")
    before = clock.now()
    other_id = make_user("canbo03", role=config.ROLE_PUBLIC)
    after = clock.now()
    login(client, "quantri01", "Quantri@2026")
    html = client.get("/accounts/show/%d" % other_id).get_data(as_text=True)
    shown = {dates.format_datetime(before), dates.format_datetime(after)}
    assert any(text in html for text in shown), shown


# A template's expression that prints a moment: an attribute named like one.
EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.S)
MOMENT_ATTRIBUTE = re.compile(
    r"\.(?:at|\w+_at|created_on|changed_on|last_login|\w+_time|timestamp)\b(?!\s*\()")
THROUGH_FILTER = re.compile(r"\|\s*(?:datetime_vn|date_vn)\b")


def _template_expressions():
    pattern = os.path.join(config.BASE_DIR, "app", "**", "templates", "**", "*.html")
    for path in sorted(glob.glob(pattern, recursive=True)):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for match in EXPRESSION.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            yield "%s:%d" % (os.path.relpath(path, config.BASE_DIR), line), match.group(1)


def test_the_templates_print_every_moment_through_the_vietnam_time_filter():
    found = []
    for where, expression in _template_expressions():
        # a clock time written by hand, or a moment as ISO 8601 (UTC, or the server's)
        by_hand = "isoformat(" in expression or re.search(r"strftime\([^)]*%[HIMS]",
                                                          expression)
        raw = MOMENT_ATTRIBUTE.search(expression) and not THROUGH_FILTER.search(expression)
        if by_hand or raw:
            found.append("%s: {{%s}}" % (where, expression.strip()))
    assert found == [], "\n".join(found)


def test_the_walk_finds_what_it_looks_for():
    """The template walk is not vacuous: it sees the moments the templates print."""
    expressions = [expression for _where, expression in _template_expressions()]
    assert any(MOMENT_ATTRIBUTE.search(e) and THROUGH_FILTER.search(e) for e in expressions)
    assert MOMENT_ATTRIBUTE.search(" notice.created_at ")
    assert not THROUGH_FILTER.search(" notice.created_at ")
