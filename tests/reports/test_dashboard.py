"""The dashboard (issue 18.3): each panel's numbers are the counts of the people in
scope, drawn as bars with their table beside, in a fixed number of statements."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.org.models import Employee, Unit
from app.records.models import APPROVED, RecordVersion
from app.reports import dashboard, statistics
from tests.reports.test_search import PEOPLE, TODAY, province  # noqa: F401 (the fixture)
from tests.security import world as w
from tests.transfers.conftest import actor, at, transfer_app  # noqa: F401 (the fixture)


def _pyramid():
    """{(band start, sex): people} of PEOPLE in service whose record gives a birth date:
    the only ones with one (the province's other people have empty records)."""
    found = {}
    for person in PEOPLE.values():
        if person["status"] not in ("dang_cong_tac", "biet_phai") or "born" not in person:
            continue
        born = person["born"]
        age = TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))
        start = dashboard.AGE_FIRST + (age - dashboard.AGE_FIRST) // 5 * 5
        found[start, person["sex"]] = found.get((start, person["sex"]), 0) + 1
    return found


def _completeness_bands():
    """People in service per COMPLETENESS_BANDS of their latest approved version, then
    those with none, from the versions themselves."""
    bands = [0] * (len(dashboard.COMPLETENESS_BANDS) + 1)
    for person in db.session.scalars(select(Employee).where(
            Employee.status.in_(("dang_cong_tac", "biet_phai")))):
        approved = db.session.scalar(select(RecordVersion.completeness).where(
            RecordVersion.employee_id == person.id, RecordVersion.status == APPROVED)
            .order_by(RecordVersion.number.desc()).limit(1))
        bands[next(index for index, (low, high) in enumerate(dashboard.COMPLETENESS_BANDS)
                   if low <= approved <= high) if approved is not None else -1] += 1
    return bands


def _in_service(*conditions):
    return db.session.query(Employee).filter(
        Employee.status.in_(("dang_cong_tac", "biet_phai")), *conditions).count()


def _staff_by_child(unit):
    """{bar label: people} the unit panel should show: each child with its whole subtree,
    then the unit's own staff (when it has any), from the people themselves."""
    expected = {child.name: _in_service(Employee.unit_path.startswith(child.path))
                for child in statistics.children_of(unit)}
    own = _in_service(Employee.unit_id == unit.id)
    if own:
        expected["%s (nhân sự trực tiếp)" % unit.name] = own
    return expected


def _by_unit(panel):
    return {bar.label: bar.value for bar in panel.bars}


def _panel(panels, key):
    return next(panel for panel in panels if panel.key == key)


@pytest.mark.parametrize("transfer_app", ["vinh_phuc"], indirect=True)
def test_the_panels_count_the_people_of_the_scope(province):  # noqa: F811
    app, world = province
    with app.app_context(), at(TODAY):
        root = db.session.get(Unit, world.units["root"])
        _on, panels = dashboard.dashboard(actor(world, "sonoivu"), root)
        everyone = db.session.query(Employee).filter(
            Employee.status.in_(("dang_cong_tac", "biet_phai"))).count()
        assert _panel(panels, "category").total == everyone
        assert _panel(panels, "unit").total == everyone
        assert _by_unit(_panel(panels, "unit")) == _staff_by_child(root)
        # the pyramid: each band's men and women, as the records say
        bars = {bar.label: (bar.value, bar.second) for bar in _panel(panels, "pyramid").bars}
        expected = _pyramid()
        assert expected, "the fixture gives birth dates"
        for label, (men, women) in bars.items():
            start = int(label.split("–")[0])
            assert (men, women) == (expected.get((start, "nam"), 0),
                                    expected.get((start, "nu"), 0)), label
        # the twelve months ahead, whatever is in them
        assert len(_panel(panels, "retirements").bars) == 12
        # the completeness of each one's latest approved record, by band, and the rest
        bands = _completeness_bands()
        assert sum(bands[:-1]) and bands[-1], "the fixture has records approved and not"
        assert [bar.value for bar in _panel(panels, "completeness").bars] == bands
        # a head: only A's subtree
        a = db.session.get(Unit, world.units["A"])
        _on, mine = dashboard.dashboard(actor(world, "thutruong"), root)
        in_a = db.session.query(Employee).filter(
            Employee.unit_path.startswith(a.path),
            Employee.status.in_(("dang_cong_tac", "biet_phai"))).count()
        assert _panel(mine, "category").total == in_a < everyone
        _on, a_panels = dashboard.dashboard(actor(world, "thutruong"), a)
        assert _by_unit(_panel(a_panels, "unit")) == _staff_by_child(a)
        db.session.remove()


@pytest.mark.parametrize("transfer_app", ["vinh_phuc"], indirect=True)
def test_the_page_draws_each_panel_and_refuses_a_unit_outside_scope(province):  # noqa: F811
    from tests.conftest import login

    app, world = province
    client = app.test_client()
    with at(TODAY):
        login(client, "thutruong", w.PASSWORD)
        page = client.get("/reports/dashboard/")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        for key in ("category", "unit", "pyramid", "education", "retirements", "completeness"):
            assert 'id="panel-%s"' % key in html, key
        assert html.count("<svg") >= 6 and "<script src=\"http" not in html
        refused = client.get("/reports/dashboard/?unit=%d" % world.units["B"])
        assert refused.status_code == 400
        assert "Chọn một đơn vị trong phạm vi của bạn." in refused.get_data(as_text=True)
