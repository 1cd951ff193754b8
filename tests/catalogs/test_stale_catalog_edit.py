"""No lost update on a catalog entry (issue 14, item 2): the edit form carries
the version it showed; a save over someone else's change is refused with the
Vietnamese message and changes nothing; of several saving at once one wins."""


from app.catalogs.models import CatalogEntry
from app.extensions import db
from tests.races import at_once, opened_edit_form, signed_in, stale_message

STALE_MSGID = ("Someone changed this catalog entry after you opened it; nothing was saved. "
               "Reload the page to see their change, then make yours again.")
EDITORS = 4


def _save(client, entry_id, form, name):
    token, version = form
    return client.post("/catalogs/edit/%d" % entry_id, data={
        "csrf_token": token, "version": version, "name": name, "source": "",
        "valid_from": "", "valid_to": ""}, follow_redirects=True).get_data(as_text=True)


def _entry(app, entry_id):
    with app.app_context():
        entry = db.session.get(CatalogEntry, entry_id)
        result = (entry.name, entry.version)
        db.session.remove()
    return result


def test_a_stale_edit_of_a_catalog_entry_is_refused_and_changes_nothing(app, province):
    entry_id = province.catalog_entry
    first, second = signed_in(app, 2)
    seen_first, seen_second = opened_edit_form(first, "/catalogs/edit/%d" % entry_id), opened_edit_form(second, "/catalogs/edit/%d" % entry_id)
    start = _entry(app, entry_id)[1]
    assert seen_first[1] == seen_second[1] == str(start)
    _save(first, entry_id, seen_first, "Kinh (Việt)")
    assert _entry(app, entry_id) == ("Kinh (Việt)", start + 1)
    body = _save(second, entry_id, seen_second, "Kinh")
    assert stale_message(app, STALE_MSGID) in body
    assert _entry(app, entry_id) == ("Kinh (Việt)", start + 1)
    _save(second, entry_id, opened_edit_form(second, "/catalogs/edit/%d" % entry_id), "Kinh")
    assert _entry(app, entry_id) == ("Kinh", start + 2)


def test_editors_saving_one_entry_at_once_exactly_one_gets_through(app, province):
    entry_id = province.catalog_entry
    editors = signed_in(app, EDITORS)
    stale = stale_message(app, STALE_MSGID)
    start = _entry(app, entry_id)[1]
    for number in range(3):
        forms = [opened_edit_form(client, "/catalogs/edit/%d" % entry_id) for client in editors]
        names = ["Kinh %d.%d" % (number, index) for index in range(EDITORS)]
        bodies = at_once([
            (lambda c=client, f=form, n=name: _save(c, entry_id, f, n))
            for client, form, name in zip(editors, forms, names)])
        refused = [index for index, body in enumerate(bodies) if stale in body]
        assert len(refused) == EDITORS - 1, "round %d" % number
        (winner,) = set(range(EDITORS)) - set(refused)
        assert _entry(app, entry_id) == (names[winner], start + number + 1)
