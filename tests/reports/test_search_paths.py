"""The search reads a page in one of two ways (app/reports/search.py, SORTED_BELOW): few
matches are sorted by name, many are found walking the names in order. Both give the
same rows in the same order, on every page, for each criterion and each scope."""
from app.reports import search
from tests.conftest import login
from tests.reports.test_search import CASES, TODAY, province  # noqa: F401 (the fixture)
from tests.security import world as w
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


def test_a_page_of_few_matches_read_by_their_ids_equals_the_other_ways(province,  # noqa: F811
                                                                       monkeypatch):
    """Few matches: one pass finds them all (their number is the count) and the page is
    read by their ids; it lists what the count and either way of reading a page list."""
    app, world = province
    cases = [dict(args) for args, _names in CASES] + [{"status": ["any"]}, {"name": "van"}]
    with app.test_request_context(), at(TODAY):
        for username in ("sonoivu", "thutruong"):
            who = actor(world, username)
            for args in cases:
                if "unit" in args:
                    if username != "sonoivu":
                        continue
                    args["unit"] = str(world.units[args["unit"]])
                criteria = search.parse(who, args)
                pages = {}
                for below in (10 ** 6, 0):
                    monkeypatch.setattr(search, "SORTED_BELOW", below)
                    found = [search._page(who, criteria, page, 2, "reports.search")
                             for page in range(1, 5)]
                    pages[below] = [(p.total, [(r.employee_id, r.full_name, r.unit_name)
                                               for r in p.rows]) for p in found]
                assert pages[10 ** 6] == pages[0], (username, args)
                total, rows = _pages(world, username, args)
                assert pages[0][0][0] == total
                assert [row for _total, page in pages[0] for row in page] == rows[:8]


def test_more_matches_than_the_cap_say_more_than_it_and_page_up_to_it(province,  # noqa: F811
                                                                      monkeypatch):
    """The search page counts up to COUNT_CAP: beyond it the page says "more than" the
    cap, offers the pages up to it, and each of them lists the same people as an exact
    count would; the printed list and the workbook still count exactly."""
    app, world = province
    args = {"status": ["any"]}
    with app.test_request_context(), at(TODAY):
        total, rows = _pages(world, "sonoivu", args)
    assert total > 4, "the fixture has more people than the cap"
    monkeypatch.setattr(search, "COUNT_CAP", 4)
    monkeypatch.setattr(search, "PAGE", 2)
    for below in (10 ** 6, 0):
        monkeypatch.setattr(search, "SORTED_BELOW", below)
        with app.test_request_context(), at(TODAY):
            who = actor(world, "sonoivu")
            criteria = search.parse(who, args)
            found = [search.search_page(who, criteria, page) for page in (1, 2, 3)]
            assert [(p.total, p.more, p.pages, p.page) for p in found] == [
                (4, True, 2, 1), (4, True, 2, 2), (4, True, 2, 2)], below
            assert [(r.employee_id, r.full_name, r.unit_name) for p in found[:2]
                    for r in p.rows] == rows[:4], below
            assert search.print_list(who, criteria).total == total
            assert search.print_list(who, criteria).more is False
    client = app.test_client()
    login(client, "sonoivu", w.PASSWORD)
    with at(TODAY):
        first = client.get("/reports/search/?status=any").get_data(as_text=True)
        second = client.get("/reports/search/?status=any&page=2").get_data(as_text=True)
        _data, exported, written = _export(app, world, args)
    assert "More than 4 people found." in first or "Tìm thấy hơn 4 người." in first
    assert "Page 1 of 2" in first or "Trang 1/2" in first
    assert "page=2" in first and "page=3" not in second
    assert rows[0][1] in first and rows[2][1] not in first
    assert rows[2][1] in second and rows[3][1] in second
    assert (exported, written) == (total, total)


def _export(app, world, args):
    with app.test_request_context(), at(TODAY):
        who = actor(world, "sonoivu")
        return search.export(who, search.parse(who, args))
