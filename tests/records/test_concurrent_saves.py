"""No lost update (issue 14, item 2): editors who saved the same draft at the
same moment, through HTTP, each in their own session, against one app.

Every round, every saver loads the section (so all hold the same ``lock``),
then they all press Save at once: exactly one is told "Đã lưu.", the others
that someone saved after they opened the page, with what they typed still on
their screen, and the stored content is the one answer "saved" got. A save
racing a submit: exactly one of them gets through, and the other is told why.
"""
import re

from app.accounts.models import Account
from app.extensions import db
from app.org.models import Employee
from app.records import services
from app.records.models import DRAFT, SUBMITTED
from tests.conftest import login
from tests.records.conftest import CAREER_ROW, COMPLETE, FAMILY_ROW, OFFICER_OWNED
from tests.races import at_once
from tests.security import world as w

ROUNDS, SAVERS = 6, 4
SAVED = "Đã lưu."
STALE = "Đã có người lưu hồ sơ này sau khi bạn mở"
NOT_A_DRAFT = "Phiên bản này không còn là bản nháp."
SUBMITTED_MESSAGE = "Đã gửi duyệt."
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LOCK_RE = re.compile(r'name="lock" value="(\d+)"')


def _signed_in(app, username, count):
    clients = []
    for _index in range(count):
        client = app.test_client()
        login(client, username, w.PASSWORD)
        clients.append(client)
    return clients


def _form(client, url):
    page = client.get(url).get_data(as_text=True)
    return TOKEN_RE.search(page).group(1), LOCK_RE.search(page).group(1)


def _open_draft(client, employee_id):
    page = client.get("/records/person/%d" % employee_id).get_data(as_text=True)
    client.post("/records/person/%d/open" % employee_id,
                data={"csrf_token": TOKEN_RE.search(page).group(1)})


def _stored(app, employee_id):
    with app.app_context():
        version = services.open_version(db.session.get(Employee, employee_id))
        content = services.read_content(version)
        status = version.status
        db.session.remove()
    return status, content


def _post(client, url, data):
    def request():
        response = client.post(url, data=data, follow_redirects=True)
        return response.status_code, response.get_data(as_text=True)
    return request


def test_savers_of_one_draft_at_once_one_saves_the_others_are_told(app, province, people):
    me = people.ids["canhan"]
    url = "/records/person/%d/section/4" % me
    savers = _signed_in(app, "canhan", SAVERS)
    _open_draft(savers[0], me)
    saved_total = 0
    for number in range(ROUNDS):
        forms = [_form(client, url) for client in savers]
        assert len({lock for _token, lock in forms}) == 1     # all opened the same save
        typed = ["Vòng %d, người %d" % (number, index) for index in range(SAVERS)]
        answers = at_once([
            _post(client, url, {"csrf_token": token, "lock": lock, "noi_sinh": text})
            for client, (token, lock), text in zip(savers, forms, typed)])
        assert all(code == 200 for code, _body in answers)
        saved = [i for i, (_code, body) in enumerate(answers) if SAVED in body]
        stale = [i for i, (_code, body) in enumerate(answers) if STALE in body]
        assert len(saved) == 1, "round %d: %d saved answers" % (number, len(saved))
        assert sorted(saved + stale) == list(range(SAVERS))
        for index in stale:           # the loser's input is still on their screen
            assert 'value="%s"' % typed[index] in answers[index][1]
        status, content = _stored(app, me)
        assert status == DRAFT and content["fields"]["noi_sinh"] == typed[saved[0]]
        saved_total += 1
    assert saved_total == ROUNDS


def test_a_refused_stale_save_cannot_be_pressed_again_over_the_other_change(app, province,
                                                                          people):
    """The loser's screen keeps the version they had seen: Save again is refused
    again until they reload and see the other change."""
    me = people.ids["canhan"]
    url = "/records/person/%d/section/4" % me
    first, second = _signed_in(app, "canhan", 2)
    _open_draft(first, me)
    token_1, lock_1 = _form(first, url)
    token_2, lock_2 = _form(second, url)
    assert SAVED in _post(first, url, {"csrf_token": token_1, "lock": lock_1,
                                       "noi_sinh": "Phú Thọ"})()[1]
    _code, body = _post(second, url, {"csrf_token": token_2, "lock": lock_2,
                                      "noi_sinh": "Hà Nội"})()
    assert STALE in body and 'value="Hà Nội"' in body
    assert LOCK_RE.search(body).group(1) == lock_2
    _code, body = _post(second, url, {"csrf_token": token_2,
                                      "lock": LOCK_RE.search(body).group(1),
                                      "noi_sinh": "Hà Nội"})()
    assert STALE in body
    assert _stored(app, me)[1]["fields"]["noi_sinh"] == "Phú Thọ"


def _complete_draft(app, province, employee_id):
    with app.app_context():
        person = db.session.get(Employee, employee_id)
        actor = db.session.get(Account, province.accounts["canhan"])
        draft = services.open_draft(actor, person)
        services.save(actor, draft, COMPLETE, {"qua_trinh_cong_tac": [CAREER_ROW],
                                               "gia_dinh_ban_than": [FAMILY_ROW]}, draft.lock)
        services.save(db.session.get(Account, province.accounts["canbo"]), draft,
                      OFFICER_OWNED, {}, draft.lock)
        db.session.remove()


def test_a_save_racing_a_submit_one_of_them_gets_through(app, province, people):
    me = people.ids["canhan"]
    section = "/records/person/%d/section/4" % me
    _complete_draft(app, province, me)
    saver, submitter = _signed_in(app, "canhan", 2)
    outcomes = set()
    for number in range(ROUNDS):
        save_token, save_lock = _form(saver, section)
        submit_token, submit_lock = _form(submitter, "/records/person/%d" % me)
        assert save_lock == submit_lock
        typed = "Nơi sinh %d" % number
        (_c1, saved), (_c2, submitted) = at_once([
            _post(saver, section, {"csrf_token": save_token, "lock": save_lock,
                                   "noi_sinh": typed}),
            _post(submitter, "/records/person/%d/submit" % me,
                  {"csrf_token": submit_token, "lock": submit_lock})])
        status, content = _stored(app, me)
        if SUBMITTED_MESSAGE in submitted:
            # the submit went first: the save is refused, the submitted content is untouched
            assert SAVED not in saved and NOT_A_DRAFT in saved
            assert status == SUBMITTED and content["fields"]["noi_sinh"] != typed
            outcomes.add("submit")
            break
        # the save went first: the submit is refused as stale, the draft holds the save
        assert SAVED in saved and STALE in submitted
        assert status == DRAFT and content["fields"]["noi_sinh"] == typed
        outcomes.add("save")
    assert outcomes
