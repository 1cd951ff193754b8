"""Every main page's <title> names the page (issue 16): "<page name> · HoSo CBCCVC",
the name being the page's own heading where its view passes one, else its menu entry."""
import html
import re

import pytest

from app.core import clock
from app.extensions import db
from app.records.models import SUBMITTED, RecordVersion
from app.records.services import empty_content
from tests.conftest import login
from tests.records.conftest import people  # noqa: F401  (fixture)
from tests.security import world as w
from tests.security.test_page_statements import head_of_a

APP_NAME = "HoSo CBCCVC"
TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)


def _title(page):
    return html.unescape(TITLE_RE.search(page).group(1)).strip()


def _heading(page):
    """The page's first panel heading, as text."""
    heading = re.search(r'<h([34]) class="panel-title">(.*?)</h\1>', page, re.S).group(2)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", heading)).split())


@pytest.fixture
def waiting(app, province, people):  # noqa: F811
    """Giáo viên Bình's change waits for A's head (thutruong)."""
    head_of_a(app, province, people)
    with app.app_context():
        now = clock.now()
        version = RecordVersion(employee_id=people.ids["giaovien"], number=1, status=SUBMITTED,
                                content=empty_content(), lock=0, completeness=0,
                                created_at=now, updated_at=now, submitted_at=now)
        db.session.add(version)
        db.session.commit()
        return version.id


# (who, URL, the words the title must hold; None: the page's own heading)
PAGES = [
    ("canbo", "/records/", None),
    ("canbo", "/records/person/{canhan}", None),
    ("canbo", "/records/person/{canhan}/section/8", "8. "),
    ("canbo", "/records/self-service", None),
    ("canbo", "/records/person/{canhan}/decision", None),
    ("thutruong", "/approval/", "Hồ sơ chờ phê duyệt"),
    ("thutruong", "/approval/version/{waiting}", "Hồ sơ chờ phê duyệt"),
    ("thutruong", "/approval/delegations", "Ủy quyền phê duyệt"),
    ("sonoivu", "/unit-tree/", None),
    ("sonoivu", "/unit-tree/unit/{unit_a}", "Cây tổ chức"),
    ("sonoivu", "/units/list/", None),
    ("sonoivu", "/accounts/list/", None),
    ("sonoivu", "/audit/list/", None),
    ("canbo", "/my-account/password", None),
]


def test_every_main_page_names_itself_in_its_title(app, province, people, waiting):  # noqa: F811
    values = {"canhan": people.ids["canhan"], "waiting": waiting,
              "unit_a": province.units["A"]}
    seen = {}
    for username, url, words in PAGES:
        client = app.test_client()
        login(client, username, w.PASSWORD)
        url = url.format(**values)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        page = response.get_data(as_text=True)
        title = _title(page)
        assert title.endswith(" · " + APP_NAME) and title != APP_NAME, (url, title)
        name = title[:-len(" · " + APP_NAME)]
        assert (words or _heading(page)) in name, (url, title, words or _heading(page))
        seen[url] = title
    # the person's page names the person, so that two open records are two tabs
    assert "Nguyễn Thị Hằng" in seen["/records/person/%d" % people.ids["canhan"]]
