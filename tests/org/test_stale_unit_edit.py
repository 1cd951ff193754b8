"""No lost update on a unit (issue 14, item 2): the correction form carries the
version it showed; a save over someone else's change is refused with the
Vietnamese message and changes nothing, and of several people saving the same
unit at once exactly one gets through."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.org import services
from app.org.models import Unit, UnitState
from tests.races import at_once, opened_edit_form, signed_in, stale_message

STALE_MSGID = ("Someone changed this unit after you opened it; nothing was saved. Reload "
               "the page to see their change, then make yours again.")
EDITORS = 4


def _save(client, unit_id, form, name, **extra):
    token, version = form
    data = {"csrf_token": token, "version": version, "name": name, "unit_type": "so",
            "is_employing": "y", "code": ""}
    data.update(extra)
    return client.post("/units/edit/%d" % unit_id, data=data,
                       follow_redirects=True).get_data(as_text=True)


def _unit(app, unit_id):
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        state = db.session.scalar(select(UnitState).where(UnitState.unit_id == unit_id,
                                                          UnitState.valid_to.is_(None)))
        result = (unit.name, unit.version, state.name)
        db.session.remove()
    return result


def test_a_stale_correction_of_a_unit_is_refused_and_changes_nothing(app, province):
    unit_id = province.units["A"]
    first, second = signed_in(app, 2)
    seen_first, seen_second = opened_edit_form(first, "/units/edit/%d" % unit_id), opened_edit_form(second, "/units/edit/%d" % unit_id)
    start = _unit(app, unit_id)[1]
    assert seen_first[1] == seen_second[1] == str(start)
    _save(first, unit_id, seen_first, "Sở Giáo dục và Đào tạo")
    saved = ("Sở Giáo dục và Đào tạo", start + 1, "Sở Giáo dục và Đào tạo")
    assert _unit(app, unit_id) == saved
    body = _save(second, unit_id, seen_second, "Sở GD-ĐT")
    assert stale_message(app, STALE_MSGID) in body
    assert _unit(app, unit_id) == saved
    # a form without the version it showed is refused too; a fresh one saves
    body = _save(second, unit_id, seen_second, "Sở GD-ĐT", version="")
    assert stale_message(app, STALE_MSGID) in body
    _save(second, unit_id, opened_edit_form(second, "/units/edit/%d" % unit_id), "Sở GD-ĐT")
    assert _unit(app, unit_id) == ("Sở GD-ĐT", start + 2, "Sở GD-ĐT")


def test_editors_saving_one_unit_at_once_exactly_one_gets_through(app, province):
    unit_id = province.units["B"]
    editors = signed_in(app, EDITORS)
    stale = stale_message(app, STALE_MSGID)
    start = _unit(app, unit_id)[1]
    for number in range(3):
        forms = [opened_edit_form(client, "/units/edit/%d" % unit_id) for client in editors]
        names = ["Sở Y tế %d.%d" % (number, index) for index in range(EDITORS)]
        bodies = at_once([
            (lambda c=client, f=form, n=name: _save(c, unit_id, f, n))
            for client, form, name in zip(editors, forms, names)])
        refused = [index for index, body in enumerate(bodies) if stale in body]
        assert len(refused) == EDITORS - 1, "round %d" % number
        (winner,) = set(range(EDITORS)) - set(refused)
        assert _unit(app, unit_id) == (names[winner], start + number + 1, names[winner])


def test_a_restructuring_over_a_change_made_meanwhile_is_refused(app, province):
    """Written from a stale read (the version moved on under it), the UPDATE
    fails and the whole operation is refused with a message, not an error page."""
    unit_id = province.units["B"]
    before = _unit(app, unit_id)
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        db.session.execute(Unit.__table__.update().where(Unit.id == unit_id)
                           .values(version=Unit.version + 1))

        @services._atomic
        def rename_from_the_stale_read():
            unit.name = "Sở Y tế mới"
            db.session.flush()

        with pytest.raises(services.OrgError):
            rename_from_the_stale_read()
        db.session.remove()
    assert _unit(app, unit_id) == before
