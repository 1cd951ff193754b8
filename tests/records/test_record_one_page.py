"""Issue 16.5, the person's record on one page: every item of the form with its
sub-items and tables, each value exactly as the section pages show it (coded values
as words, sensitive values to the readers the section pages show them to), the
record's state and version, the signed copy's link; the same scope as a section
(own, subtree, province; another unit's record is a 404) and audited like one."""
import html
import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.catalogs import services as catalogs
from app.catalogs.services import load_shipped
from app.core import clock
from app.extensions import db
from app.records import form, services as records, values
from app.records.models import SUBMITTED
from tests.conftest import login
from tests.records.conftest import account, contract_worker
from tests.security import world as w

# a canonical value of each kind (what a version stores)
SAMPLE = {form.TEXT: "Chữ mẫu", form.LONGTEXT: "Dòng một\nDòng hai",
          form.DATE: "2020-05-17", form.PARTIAL_DATE: "2019-03", form.YEAR: "2001",
          form.NATIONAL_ID: "001085012345", form.PHONE: "0912345678",
          form.EMAIL: "hang@sogd.gov.vn", form.DECIMAL: "2.34", form.INTEGER: "1250000"}


def _value(field):
    if field.kind == form.CHOICE:
        return field.choices[-1][0]
    if field.kind == form.CATALOG:
        return catalogs.entries(field.catalog)[0].code
    return SAMPLE[field.kind]


@pytest.fixture
def full_record(app, province, people):
    """Chị Hằng (canhan), a người lao động, with every field of the form filled and
    two rows in every table, submitted; returns (employee id, version id)."""
    with app.app_context():
        load_shipped(names=sorted({f.catalog for f, _o, _p in form.FIELDS.values() if f.catalog}
                                  | {c.catalog for t, _o, _p in form.TABLES.values()
                                     for c in t.columns if c.catalog}))
        employee = contract_worker(people, "canhan")
        version = records.open_draft(account(province, "canbo"), employee)
        content = records.read_content(version)
        for key, (field, _owner, _privacy) in form.FIELDS.items():
            content["fields"][key] = _value(field)
        for key, (table, _owner, _privacy) in form.TABLES.items():
            content["tables"][key] = [dict({c.key: _value(c) for c in table.columns},
                                           _id="r%d" % i) for i in range(2)]
        records.store(version, content)
        version.status, version.submitted_at = SUBMITTED, clock.now()
        db.session.commit()
        ids = employee.id, version.id
        db.session.remove()
    return ids


def _texts(page):
    """{element id: text} of the page's values (fields and table cells)."""
    found = {}
    for m in re.finditer(r'<(div|td|p) [^>]*?id="([^"]+)"[^>]*>(.*?)</\1>', page, re.S):
        found[m.group(2)] = html.unescape(re.sub(r"<[^>]+>", "", m.group(3))).strip()
    return found


def _url(pk):
    return "/records/person/%d/record" % pk


def test_every_filled_value_is_on_the_page_as_words(app, province, full_record, client):
    pk, _version = full_record
    login(client, "canhan", w.PASSWORD)
    response = client.get(_url(pk))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    shown = _texts(page)
    with app.app_context():
        namer = records.catalog_namer()
        for item in form.sections_for(form.CONTRACT_CATEGORY):
            assert 'id="item-%s"' % item.number in page, item.number
        fields = list(form.HEADER) + [f for item in form.all_items() for f in item.fields] \
            + list(form.CONTRACT.fields)
        for field in fields:
            value = _value(field)
            words = values.display(field, value, namer)
            assert shown.get(field.key) == words, (field.key, shown.get(field.key))
            if field.kind in (form.CATALOG, form.CHOICE):
                assert words != value or field.kind == form.CHOICE, field.key
                assert "not in the catalog" not in words and "không có" not in words
        for table, _owner, _privacy in form.TABLES.values():
            assert 'id="table-%s"' % table.key in page
            for i in range(2):
                for column in table.columns:
                    cell = "%s-%d-%s" % (table.key, i, column.key)
                    assert shown.get(cell) == values.display(column, _value(column), namer), cell
    # a choice reads as its label: giới tính Nữ, not "nu"
    assert shown["gioi_tinh"] == "Nữ"
    assert "Chờ phê duyệt" in shown["record-state"] and "phiên bản 1" in shown["record-state"]
    # the page names itself
    assert re.search(r"<title>[^<]*Nguyễn Thị Hằng", page)


def test_the_values_are_those_of_the_section_pages(app, province, full_record, client):
    """Sensitive values included: a reader sees on the one page exactly what the section
    pages show them (the version is submitted: read-only for everyone)."""
    pk, _version = full_record
    for reader in ("canhan", "canbo", "thutruong", "sonoivu"):
        client = app.test_client()
        login(client, reader, w.PASSWORD)
        whole = _texts(client.get(_url(pk)).get_data(as_text=True))
        for item in form.sections_for(form.CONTRACT_CATEGORY):
            section = client.get("/records/person/%d/section/%s" % (pk, item.number))
            assert section.status_code == 200
            static = {m.group(1): html.unescape(m.group(2)).strip() for m in re.finditer(
                r'<p class="form-control-static" id="([^"]+)">(.*?)</p>',
                section.get_data(as_text=True), re.S)}
            assert static, item.number
            for key, text in static.items():
                assert whole.get(key) == text, (reader, key, text, whole.get(key))
        sensitive = [key for key in form.FIELDS if form.field_is_sensitive(key)]
        assert all(whole.get(key) for key in sensitive if form.ITEM_NUMBERS[key])


@pytest.mark.parametrize("reader, owner, status", [
    ("canhan", "canhan", 200),             # own record
    ("giaovien", "canhan", 404),           # another person of the same unit
    ("canbo", "canhan", 200),              # the unit's officer
    ("canbo", "giaovien_truong", 200),     # a unit below
    ("canbo", "bacsi", 404),               # another unit
    ("thutruong", "giaovien_truong", 200),
    ("thutruong", "bacsi", 404),
    ("sonoivu", "bacsi", 200),             # the province
])
def test_the_page_has_the_scope_of_a_section(app, province, people, client, reader, owner,
                                              status):
    login(client, reader, w.PASSWORD)
    assert client.get(_url(people.ids[owner])).status_code == status
    assert client.get("/records/person/%d/section/1" % people.ids[owner]).status_code == status


def test_reading_the_page_is_audited_like_a_section(app, province, full_record, client):
    pk, version = full_record
    login(client, "canbo", w.PASSWORD)
    with app.app_context():
        before = db.session.scalar(select(db.func.max(AuditEntry.id))) or 0
        db.session.remove()
    assert client.get(_url(pk)).status_code == 200
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
        assert [(e.action, e.object_type, e.object_id, e.actor_username) for e in entries] == [
            ("record.read", "RecordVersion", str(version), "canbo")]
        db.session.remove()


def test_the_persons_page_links_to_it_and_an_empty_record_reads(app, province, people, client):
    pk = people.ids["giaovien"]
    login(client, "canbo", w.PASSWORD)
    page = client.get("/records/person/%d" % pk).get_data(as_text=True)
    assert 'href="/records/person/%d/record"' % pk in page
    page = client.get(_url(pk)).get_data(as_text=True)
    assert "Hồ sơ chưa có nội dung." in page or "chưa có nội dung" in page
    assert 'id="item-38"' in page and 'id="item-HĐLĐ"' not in page
