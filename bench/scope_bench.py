"""Scoped against unscoped: the first page and the count of a list of people.

    python -m bench.scope_bench [--units 5000] [--employees 200000] [--repeat 30]

On PostgreSQL (TEST_DATABASE_URL's server, or a throwaway cluster as in the
tests): a fresh database, migrated, filled by bench.generate, measured through
app.security.scope.restrict() exactly as the views query it, then dropped.
Each figure is the median of --repeat runs after a warm-up; the ratio is
scoped / unscoped, both measured in the same run, in turns.

Then whole pages for Sở Nội vụ through the app (the org tree of 5,000 units,
and a search in it) against the unit list's first page in the same run.
"""
import argparse
import statistics
import time
from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db
from app.core.text import fold
from app.org.models import Unit
from app.org.models import Employee
from app.records.queries import _people_matching
from app.security import roles
from app.security.scope import restrict
from bench.database import province_database

PAGE = 50


def _officer_of(unit, role=roles.ROLE_OFFICER):
    """A stand-in user: the role and unit are all restrict() looks at."""
    return SimpleNamespace(id=-1, is_authenticated=True, access_restricted=False,
                           roles=[SimpleNamespace(name=role)], unit=unit, unit_id=unit.id)


def _page(query_filter):
    query = select(Employee.id, Employee.full_name, Employee.unit_id)
    query = query_filter(query).order_by(Employee.full_name, Employee.id).limit(PAGE)
    return db.session.execute(query).all()


def _count(query_filter):
    return db.session.execute(query_filter(select(func.count(Employee.id)))).scalar()


def _paired_medians_ms(scoped, unscoped, repeat, warm_up=5):
    """Median times of two calls, run in turns so that whatever else the machine
    does at a moment (a checkpoint, autovacuum after the load) hits both alike."""
    for _ in range(warm_up):
        scoped()
        unscoped()
    times = ([], [])
    for _ in range(repeat):
        for call, bucket in ((scoped, times[0]), (unscoped, times[1])):
            start = time.perf_counter()
            call()
            bucket.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[0]), statistics.median(times[1])


def measure(repeat):
    rows = []
    samples = {
        "Sở (cấp 1)": db.session.scalar(select(Unit).where(Unit.name == "Sở Giáo dục và Đào tạo")),
        "chi cục / trường (cấp 2)": db.session.scalar(
            select(Unit).where(Unit.parent_id == 4).order_by(Unit.id).limit(1)),
        "bộ phận (cấp 3)": db.session.scalar(
            select(Unit).where(Unit.path.like("/1/%/%/%/")).order_by(Unit.id).limit(1)),
    }
    unscoped = lambda q: q  # noqa: E731
    for label, unit in samples.items():
        if unit is None:
            continue  # a small tree has no unit at that level
        user = _officer_of(unit)
        scoped = lambda q, user=user: restrict(q, user, "read", model=Employee)  # noqa: E731
        in_scope = _count(scoped)
        for what, call in (("first page", _page), ("count", _count)):
            mine, base = _paired_medians_ms(lambda: call(scoped), lambda: call(unscoped),
                                            repeat)
            rows.append((label, in_scope, what, mine, base, mine / base))
    # search by name, accents ignored, through the folded column and its trigram index,
    # against the plain first page of the same scope
    for label, unit in (("Sở (cấp 1)", samples["Sở (cấp 1)"]), ("tỉnh", None)):
        user = _officer_of(unit) if unit is not None else None
        scoped = unscoped if user is None else (
            lambda q, user=user: restrict(q, user, "read", model=Employee))  # noqa: E731
        for text in SEARCHES:
            search = lambda q, scoped=scoped, text=text: scoped(q).where(  # noqa: E731
                Employee.search_name.contains(fold(text), autoescape=True))
            # the records list's own search (its query shape for common names included)
            # against its own first page without a search
            mine, base = _paired_medians_ms(
                lambda scoped=scoped, text=text: _people_matching(
                    scoped(select(Employee)), fold(text), 0, PAGE + 1),
                lambda scoped=scoped: _first_people(scoped), repeat)
            rows.append((label, _count(search), "'%s'" % text, mine, base, mine / base))
            db.session.expunge_all()
    return rows


def _first_people(scoped):
    """The records list's first page without a search (as records.queries.people_page)."""
    return db.session.scalars(scoped(select(Employee)).options(selectinload(Employee.unit))
                              .order_by(Employee.full_name, Employee.id).limit(PAGE + 1)).all()


# a full name, a given name and a family name: from few matches to many
SEARCHES = ("nguyen van an", "khanh", "nguyen")


PAGE_REPEAT = 10  # whole pages through the app are slower; fewer runs suffice


def measure_pages(app):
    """Sở Nội vụ (the province) opens the org tree, and the plain unit list as
    the baseline: both through the app, templates included."""
    from app.accounts.models import Account

    with app.app_context():
        clerk = Account(username="bench.sonoivu", first_name="Lan", last_name="Phạm Thị",
                        email="bench@example.invalid", kind="staff", unit_id=2, active=True,
                        status="active", must_change_password=False)
        clerk.password = generate_password_hash("Bench@2026-pages")
        clerk.roles = [app.appbuilder.sm.find_role(roles.ROLE_SO_NOI_VU)]
        db.session.add(clerk)
        db.session.commit()
        db.session.remove()
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login/", data={"username": "bench.sonoivu", "password": "Bench@2026-pages"})
    rows = []
    for label, url in (("org tree, whole province", "/unit-tree/"),
                       ("org tree, search 'truong'", "/unit-tree/?q=truong"),
                       ("records, search 'nguyen van an'", "/records/?q=nguyen+van+an")):
        def page(url=url):
            assert client.get(url).status_code == 200

        def baseline():
            assert client.get("/units/list/").status_code == 200

        mine, base = _paired_medians_ms(page, baseline, PAGE_REPEAT, warm_up=1)
        rows.append((label, mine, base, mine / base))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--employees", type=int, default=200000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    environ = {"HOSO_ENV": "development", "SECRET_KEY": "bench-" + "x" * 40}
    with province_database(args.units, args.employees, environ) as (_url, environ):
        app = create_app(environ=environ)
        with app.app_context():
            rows = measure(args.repeat)
            db.session.remove()
        pages = measure_pages(app)
        with app.app_context():
            db.engine.dispose()
    print("%d units, %d employees, median of %d runs (ms)" % (args.units, args.employees,
                                                              args.repeat))
    print("%-26s %9s  %-15s %9s %9s %7s" % ("scope", "people", "query", "measured",
                                            "baseline", "ratio"))
    for label, people, what, mine, base, ratio in rows:
        print("%-26s %9d  %-15s %9.2f %9.2f %6.2fx" % (label, people, what, mine, base,
                                                      ratio))
    print("(first page and count: scoped against unscoped; a search: against the first "
          "page of the same scope)")
    print()
    print("pages for Sở Nội vụ, median of %d requests (ms), against the unit list's first page"
          % PAGE_REPEAT)
    print("%-37s %9s %9s %7s" % ("page", "page", "list", "ratio"))
    for label, mine, base, ratio in pages:
        print("%-37s %9.1f %9.1f %6.2fx" % (label, mine, base, ratio))


if __name__ == "__main__":
    main()
