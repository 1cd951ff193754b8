"""The search reads a page in one of two ways (app/reports/search.py, SORTED_BELOW): few
matches are sorted by name, many are found walking the names in order. Both give the
same rows in the same order, on every page, for each criterion and each scope."""
from app.reports import search
from tests.reports.test_search import CASES, TODAY, province  # noqa: F401 (the fixture)
from tests.transfers.conftest import actor, at, transfer_app  # noqa: F401 (the fixture)


def _pages(world, username, args, per_page=2):
    """Every row (id, name, unit name) in order, ``per_page`` at a time."""
    who = actor(world, username)
    criteria = search.parse(who, args)
    total = search.count(who, criteria)
    rows = []
    for offset in range(0, total + per_page, per_page):
        rows += [(fact.employee_id, name, unit) for fact, name, unit in
                 search._rows(who, criteria, offset, per_page, total)]
    return total, rows


def test_sorting_the_matches_and_walking_the_names_give_the_same_pages(province,  # noqa: F811
                                                                        monkeypatch):
    app, world = province
    cases = [dict(args) for args, _names in CASES] + [{"status": ["any"]}, {"name": "van"}]
    with app.test_request_context(), at(TODAY):
        for username in ("sonoivu", "thutruong"):
            for args in cases:
                if "unit" in args:
                    if username != "sonoivu":
                        continue
                    args["unit"] = str(world.units[args["unit"]])
                monkeypatch.setattr(search, "SORTED_BELOW", 10 ** 6)
                sorted_first = _pages(world, username, args)
                monkeypatch.setattr(search, "SORTED_BELOW", 0)
                assert _pages(world, username, args) == sorted_first, (username, args)
                assert len(sorted_first[1]) == sorted_first[0]
