"""The records search (records.queries._people_matching): whichever way PostgreSQL is
asked (the trigram index and a sort of the matches, or a walk of the name index for
a fragment found in most names), the pages are the matches by name, then id."""
import pytest
from sqlalchemy import select

from app.core.text import fold
from app.extensions import db
from app.org.models import Employee
from app.records import queries
from app.security import scope
from tests.approval.conftest import account
from tests.security.test_page_statements import counted_statements

NAMES = ["Nguyễn Văn An", "Nguyễn Thị Ánh", "Trần Nguyên Khôi", "Phạm Thị Nguyệt",
         "Nguyễn Văn An", "Bùi Văn Nguyễn", "Lê Thị Hằng", "Nguyễn Đức Anh", "Vũ Văn Nguyên",
         "Đỗ Văn Cường", "nguyễn thị lan", "Hoàng Nguyễn Bảo", "Ngô Văn An", "Nguyễn An"]


@pytest.fixture
def named(app, province):
    """The names above, half in Sở Giáo dục (A) and its school, half in Sở Y tế (B)."""
    with app.app_context():
        for i, name in enumerate(NAMES):
            db.session.add(Employee(full_name=name, category="cong_chuc",
                                    unit_id=province.units[("A", "A1", "B")[i % 3]]))
        db.session.commit()
        db.session.remove()


def _expected(actor, text):
    query = scope.restrict(select(Employee), actor, "read", model=Employee)
    return [p.id for p in db.session.scalars(query.where(
        Employee.search_name.contains(fold(text), autoescape=True))
        .order_by(Employee.full_name, Employee.id))]


def _pages(actor, text):
    found, page, more = [], 1, True
    while more:
        rows, more = queries.people_page(actor, text, page)
        found.extend(person.id for person, _version in rows)
        page += 1
    return found


@pytest.mark.parametrize("dense", [False, True], ids=["trigram", "name walk"])
@pytest.mark.parametrize("username", ["sonoivu", "canbo"])
def test_every_page_is_the_matches_by_name_then_id(app, province, named, monkeypatch, dense,
                                                  username):
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    # the planner's estimate decides the way: every term "dense", or none
    monkeypatch.setattr(queries, "DENSE_MATCHES", -1 if dense else 10 ** 9)
    with app.app_context():
        actor = account(province, username)
        for text in ("nguyen", "Nguyễn Văn", "an", "NGUYEN VAN AN", "khôi", "x%_y", "nguyễn"):
            expected = _expected(actor, text)
            with counted_statements(app) as statements:
                assert _pages(actor, text) == expected, text
            shapes = [s for s in statements
                      if "employee.search_name LIKE" in s and not s.startswith("EXPLAIN")]
            assert shapes
            assert all(("MATERIALIZED" in s) != dense for s in shapes)
        assert len(_expected(actor, "nguyen")) == (10 if username == "sonoivu" else 6)
        db.session.remove()


def test_the_planner_estimate_chooses_the_way(app, province, named):
    with app.app_context():
        actor = account(province, "sonoivu")
        with counted_statements(app) as statements:
            queries.people_page(actor, "nguyen van an", 1)
        assert any(s.startswith("EXPLAIN") for s in statements)
        assert any("MATERIALIZED" in s for s in statements)
        db.session.remove()
