"""No lost update through the units REST API (issue 14, item 2): a GET shows the
unit's version, a PUT sends it back; a PUT over a change made since is a 409
with the Vietnamese message and changes nothing, one without a version a 400,
one with something else than a number a 422 (the schema's)."""
from flask_babel import force_locale, gettext

from tests.org.test_stale_unit_edit import _unit
from tests.races import at_once, signed_in

STALE_MSGID = ("Someone changed this unit after you read it; nothing was saved. Read it "
               "again, then send your change with the version it shows now.")
MISSING_MSGID = ("Send the version of the unit you read (\"version\", as a GET shows it); "
                 "nothing was saved.")


def _message(app, msgid):
    with app.test_request_context(), force_locale("vi"):
        return gettext(msgid)


def _read(client, unit_id):
    response = client.get("/api/v1/unit/%d" % unit_id)
    assert response.status_code == 200
    return response.get_json()["result"]["version"]


def _put(client, unit_id, **body):
    return client.put("/api/v1/unit/%d" % unit_id, json=body)


def test_a_stale_put_is_a_409_and_the_first_change_stays(app, province):
    unit_id = province.units["A"]
    first, second = signed_in(app, 2)
    start = _unit(app, unit_id)[1]
    seen_first, seen_second = _read(first, unit_id), _read(second, unit_id)
    assert seen_first == seen_second == start
    response = _put(first, unit_id, name="Sở Giáo dục và Đào tạo", version=seen_first)
    assert response.status_code == 200
    assert response.get_json()["result"]["version"] == start + 1
    saved = ("Sở Giáo dục và Đào tạo", start + 1, "Sở Giáo dục và Đào tạo")
    assert _unit(app, unit_id) == saved
    response = _put(second, unit_id, name="Sở GD-ĐT", version=seen_second)
    assert response.status_code == 409
    assert response.get_json() == {"message": _message(app, STALE_MSGID), "code": 409}
    assert _unit(app, unit_id) == saved
    # read again, the second client's change goes through
    assert _put(second, unit_id, name="Sở GD-ĐT", version=_read(second, unit_id)).status_code \
        == 200
    assert _unit(app, unit_id) == ("Sở GD-ĐT", start + 2, "Sở GD-ĐT")


def test_a_put_without_the_version_it_read_is_a_400(app, province):
    unit_id = province.units["B"]
    (client,) = signed_in(app, 1)
    before = _unit(app, unit_id)
    response = _put(client, unit_id, name="Sở Y tế mới")
    assert response.status_code == 400
    assert response.get_json() == {"message": _message(app, MISSING_MSGID), "code": 400}
    assert _unit(app, unit_id) == before
    # one that is no version is refused by the schema, like any field of the wrong type
    for version in (None, True, "một", [1]):
        response = _put(client, unit_id, name="Sở Y tế mới", version=version)
        assert response.status_code == 422, version
        assert "version" in response.get_json()["message"], version
        assert _unit(app, unit_id) == before
    # a unit outside the client's scope is still not there at all
    (officer,) = signed_in(app, 1, username="canbo")
    response = _put(officer, province.units["B"], name="Sở Y tế mới")
    assert response.status_code in (403, 404)
    assert _unit(app, unit_id) == before


def test_clients_putting_one_unit_at_once_exactly_one_gets_through(app, province):
    unit_id = province.units["B"]
    clients = signed_in(app, 4)
    stale = _message(app, STALE_MSGID)
    start = _unit(app, unit_id)[1]
    versions = [_read(client, unit_id) for client in clients]
    names = ["Sở Y tế %d" % index for index in range(len(clients))]
    responses = at_once([(lambda c=client, n=name, v=version: _put(c, unit_id, name=n, version=v))
                         for client, name, version in zip(clients, names, versions)])
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 409, 409, 409]
    assert all(response.get_json()["message"] == stale
               for response in responses if response.status_code == 409)
    (winner,) = [index for index, response in enumerate(responses)
                 if response.status_code == 200]
    assert _unit(app, unit_id) == (names[winner], start + 1, names[winner])
