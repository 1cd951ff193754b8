"""Issue 16.2, values as words: every coded value of the form (a catalog's code or a
fixed choice) reads as its name wherever a person reads it (the section pages when
read-only, the version's diff, the head's review, the PDF), never as the raw code."""
import html
import re
import shutil
import subprocess

import pytest

from app.catalogs import services as catalogs
from app.catalogs.services import load_shipped
from app.core import clock
from app.extensions import db
from app.org.models import Employee
from app.records import form, pdf, services as records, values
from app.records.models import SUBMITTED
from tests.conftest import login
from tests.records.conftest import account, contract_worker
from tests.security import world as w

CODED = (form.CATALOG, form.CHOICE)
# what a required column of a coded table holds in the test row, by kind (canonical text)
FILLER = {form.PARTIAL_DATE: "2020-01", form.YEAR: "2000", form.DECIMAL: "1.5",
          form.INTEGER: "3", form.TEXT: "Dòng mẫu", form.LONGTEXT: "Dòng mẫu"}


def _coded_fields():
    return [f for f, _owner, _privacy in form.FIELDS.values() if f.kind in CODED]


def _coded_tables():
    return [t for t, _owner, _privacy in form.TABLES.values()
            if any(c.kind in CODED for c in t.columns)]


def _first(field):
    """(code, name): the first entry of the field's catalog, or its first choice."""
    if field.kind == form.CHOICE:
        key, vi, _en = field.choices[0]
        return key, vi
    entry = catalogs.entries(field.catalog)[0]
    return entry.code, entry.name


@pytest.fixture
def filled(app, province, people):
    """A contract worker's submitted version holding a valid code in every coded field
    and one row in every table with coded columns; returns (employee id, version id,
    {field key or (table, column): (field, code, name)})."""
    with app.app_context():
        load_shipped(names=sorted({f.catalog for f in _coded_fields() if f.catalog} |
                                  {c.catalog for t in _coded_tables() for c in t.columns
                                   if c.catalog}))
        employee = contract_worker(people, "canhan")
        version = records.open_draft(account(province, "canbo"), employee)
        expected, content = {}, records.read_content(version)
        for field in _coded_fields():
            code, name = _first(field)
            content["fields"][field.key] = code
            expected[field.key] = (field, code, name)
        for table in _coded_tables():
            row = {"_id": "row0"}
            for column in table.columns:
                if column.kind in CODED:
                    code, name = _first(column)
                    row[column.key] = code
                    expected[(table.key, column.key)] = (column, code, name)
                elif column.required:
                    row[column.key] = FILLER[column.kind]
            content["tables"][table.key] = [row]
        records.store(version, content)
        version.status, version.submitted_at = SUBMITTED, clock.now()
        db.session.commit()
        result = employee.id, version.id, expected
        db.session.remove()
    return result


def test_every_coded_field_of_the_form_is_filled(filled):
    _pk, _version, expected = filled
    # a field with a catalog the loader does not ship would name nothing
    assert {f.key for f in _coded_fields()} <= set(expected)
    # a choice may read as its key (nhóm máu "O"); a catalog's name is never its code
    assert all(name and (name != code or f.kind == form.CHOICE)
               for f, code, name in expected.values())


def _static_texts(page):
    """{element id: text} of the read-only values of a section page."""
    return {m.group(1): html.unescape(m.group(2)).strip() for m in re.finditer(
        r'<p class="form-control-static" id="([^"]+)">(.*?)</p>', page, re.S)}


def test_read_only_section_pages_show_names(app, province, filled, client):
    pk, _version, expected = filled
    login(client, "canbo", w.PASSWORD)       # the version is submitted: read-only for all
    shown = {}
    for number in {form.ITEM_NUMBERS[key] for key in expected if isinstance(key, str)} | {
            table.number.split(".")[0] for table in _coded_tables()}:
        page = client.get("/records/person/%d/section/%s" % (pk, number))
        assert page.status_code == 200, number
        shown.update(_static_texts(page.get_data(as_text=True)))
    for key, (field, code, name) in expected.items():
        element = key if isinstance(key, str) else "%s-0-%s" % key
        assert shown.get(element) == name, (element, shown.get(element), code)


def _diff_rows(page):
    """[(label, after)] of a changes table."""
    return [(html.unescape(label).strip(), html.unescape(after).strip()) for label, after in
            re.findall(r'<tr><td class="hoso-diff-item"[^>]*>[^<]*</td>'
                       r'<td class="hoso-diff-field">([^<]*)</td><td[^>]*>[^<]*</td>\s*'
                       r'<td class="hoso-diff-before"[^>]*><del>.*?</del></td>'
                       r'<td class="hoso-diff-after"[^>]*><ins>(.*?)</ins></td></tr>', page, re.S)]


def _assert_changes_in_words(page, expected):
    rows = _diff_rows(page)
    assert rows, page
    for key, (field, code, name) in expected.items():
        if isinstance(key, str):
            assert (field.label, name) in rows, (key, name)
            assert name == code or (field.label, code) not in rows, (key, code)
        else:
            table = form.TABLES[key[0]][0]
            cells = [after.split("; ") for label, after in rows if label == table.title]
            assert cells, table.key
            assert "%s: %s" % (field.label, name) in cells[0], (key, cells[0])
            assert name == code or "%s: %s" % (field.label, code) not in cells[0]


def test_the_version_diff_shows_names(app, province, filled, client):
    _pk, version, expected = filled
    login(client, "canbo", w.PASSWORD)
    page = client.get("/records/version/%d/diff" % version)
    assert page.status_code == 200
    _assert_changes_in_words(page.get_data(as_text=True), expected)


def test_the_heads_review_shows_names(app, province, filled, client):
    _pk, version, expected = filled
    login(client, "thutruong", w.PASSWORD)
    page = client.get("/approval/version/%d" % version)
    assert page.status_code == 200
    _assert_changes_in_words(page.get_data(as_text=True), expected)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_prints_names(app, province, filled, client, tmp_path):
    pk, _version, expected = filled
    login(client, "canbo", w.PASSWORD)
    response = client.get("/records/person/%d/pdf" % pk)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "record.pdf"
    path.write_bytes(response.data)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    printed = [key for key in expected
               if not isinstance(key, str) or form.ITEM_NUMBERS[key] != form.CONTRACT.number]
    assert printed
    for key in printed:
        field, code, name = expected[key]
        assert name in text, (key, name)
        if isinstance(key, str) and name != code:
            item = form.ITEM_BY_NUMBER[form.ITEM_NUMBERS[key]]
            labels = {pdf._field_label(item, field, first) for first in (True, False)}
            for label in labels:     # the answer after the label is the name, not the code
                assert not re.search(re.escape(label) + r":\s*" + re.escape(code) + r"(\s|$)",
                                     text), (key, code)
    # a table cell: the code is distinctive (CHUC_VU, he_so) where the name is printed
    for key in printed:
        if not isinstance(key, str):
            _field, code, _name = expected[key]
            if "_" in code:
                assert code not in text, (key, code)
    assert "not in the catalog" not in text and "không có trong danh mục" not in text


def test_a_code_the_catalog_lacks_is_marked_not_passed_off_as_a_name(app, people):
    field = form.FIELDS["que_quan_tinh"][0]
    with app.app_context():
        namer = records.catalog_namer()
        assert values.display(field, "01", namer) == "Thành phố Hà Nội"
        shown = values.display(field, "99", namer)
    assert shown.startswith("99 (") and shown != "99"
    assert values.display(form.FIELDS["gioi_tinh"][0], "nu") == "Nữ"
    assert values.display(form.FIELDS["gioi_tinh"][0], "nam", english=True) == "Male"


def test_a_code_retired_since_keeps_its_name(app, people):
    """A catalog holds a code once; an entry retired after the record was written
    (a province merged away) still names the record's value."""
    from datetime import date

    from app.catalogs.models import Catalog, CatalogEntry

    with app.app_context():
        catalog = db.session.query(Catalog).filter_by(name="tinh_thanh").one()
        db.session.add(CatalogEntry(catalog_id=catalog.id, code="ZZ", name="Tỉnh Cũ",
                                    valid_to=date(2025, 7, 1), attrs={}))
        db.session.flush()
        field = form.FIELDS["que_quan_tinh"][0]
        assert values.display(field, "ZZ", records.catalog_namer()) == "Tỉnh Cũ"
        db.session.rollback()
