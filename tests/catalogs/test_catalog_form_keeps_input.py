"""The catalog form (issue 16, item 9): a refusal keeps what was typed and says why
beside the field, in Vietnamese; the columns' lengths are enforced; no browser-native
(English) checks."""
import re

from sqlalchemy import func, select

from app.catalogs import services
from app.catalogs.models import Catalog, CatalogEntry
from app.extensions import db
from tests.conftest import csrf_token, login
from tests.security import world as w


def _setup(app, client):
    login(client, "sonoivu", w.PASSWORD)
    with app.app_context():
        services.load_shipped(names=["tin_hoc"])
        catalog_id = db.session.scalar(select(Catalog.id).where(Catalog.name == "tin_hoc"))
        count = db.session.scalar(select(func.count()).select_from(CatalogEntry))
    return catalog_id, count


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CatalogEntry))


def _form(client, catalog_id, **values):
    token = csrf_token(client.get("/catalogs/add").get_data(as_text=True))
    return dict({"csrf_token": token, "catalog": catalog_id, "code": "IC3X",
                 "name": "Chứng chỉ tin học quốc tế IC3", "source": "Chứng chỉ quốc tế",
                 "valid_from": "01/01/2020", "valid_to": "01/01/2019"}, **values)


def test_end_before_start_keeps_the_typed_values_and_says_why(app, province, client):
    catalog_id, count = _setup(app, client)
    body = client.post("/catalogs/add", data=_form(client, catalog_id),
                       follow_redirects=True).get_data(as_text=True)
    assert "Ngày ngừng sử dụng phải sau ngày bắt đầu." in body
    for typed in ('value="IC3X"', 'value="Chứng chỉ tin học quốc tế IC3"',
                  'value="Chứng chỉ quốc tế"', 'value="01/01/2020"', 'value="01/01/2019"'):
        assert typed in body, typed
    assert _count(app) == count


def test_a_duplicate_code_keeps_the_typed_values(app, province, client):
    catalog_id, count = _setup(app, client)
    client.post("/catalogs/add", data=_form(client, catalog_id, valid_to=""),
                follow_redirects=True)
    assert _count(app) == count + 1
    body = client.post("/catalogs/add", data=_form(client, catalog_id, valid_to="",
                                                   name="Tên khác gõ lại"),
                       follow_redirects=True).get_data(as_text=True)
    assert "Danh mục này đã có mã IC3X." in body
    assert 'value="Tên khác gõ lại"' in body and 'value="IC3X"' in body
    assert _count(app) == count + 1


def test_a_name_longer_than_the_column_is_refused_in_vietnamese(app, province, client):
    catalog_id, count = _setup(app, client)
    body = client.post("/catalogs/add", data=_form(client, catalog_id, valid_to="",
                                                   name="x" * 10000),
                       follow_redirects=True).get_data(as_text=True)
    assert "Tối đa 255 ký tự." in body
    assert "cannot be longer" not in body and "Field must be" not in body
    assert _count(app) == count
    # and on edit: nothing saved, the message shown
    client.post("/catalogs/add", data=_form(client, catalog_id, valid_to=""),
                follow_redirects=True)
    with app.app_context():
        entry_id = db.session.scalar(select(CatalogEntry.id).where(CatalogEntry.code == "IC3X"))
    page = client.get("/catalogs/edit/%d" % entry_id).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    body = client.post("/catalogs/edit/%d" % entry_id, data={
        "csrf_token": csrf_token(page), "version": version, "name": "y" * 10000,
        "source": "", "valid_from": "", "valid_to": ""}, follow_redirects=True).get_data(
        as_text=True)
    assert "Tối đa 255 ký tự." in body
    with app.app_context():
        assert db.session.get(CatalogEntry, entry_id).name == "Chứng chỉ tin học quốc tế IC3"


def test_the_forms_leave_the_checks_to_the_server(app, province, client):
    _setup(app, client)
    for url in ("/catalogs/add", "/units/add"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        form = html[html.index("<form"):]
        assert not re.search(r"<(input|select|textarea)[^>]*\brequired\b", form), url
    html = client.get("/catalogs/add").get_data(as_text=True)
    assert 'name="code"' in html and 'name="name"' in html
