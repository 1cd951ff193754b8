"""Every answer the record holds is on the printed sơ yếu lý lịch (issue 16, item 10):
a record with every field of the form (the header, items 1-38 with 30.1-30.3, every
column of every table, and the labour contract of a người lao động) filled with a value
of its own, read back with pdftotext. Coded values are looked for as their words
(values.coded_words), dates and numbers as the form shows them. No database, no app."""
import pytest

from app.records import form
from app.records.pdf import record_pdf
from app.records.values import display
from tests.records.test_pdf import _flat, _text

CONTRACT_FIELDS = tuple(form.CONTRACT.fields)


def _catalog_name(catalog, code):
    return "Danh mục %s mục %s" % (catalog, code.lower())


def _value(field, n):
    """A canonical value of ``field``'s kind that no other field holds (``n`` is unique)."""
    kind = field.kind
    if kind in (form.DATE, form.PARTIAL_DATE):
        return "%04d-%02d-%02d" % (1901 + n, n % 12 + 1, n % 28 + 1)
    if kind == form.YEAR:
        return str(2101 - n)
    if kind == form.DECIMAL:
        return "%d.%d7" % (500 + n, n % 9 + 1)
    if kind == form.INTEGER:
        return str(71000 + n * 13)
    if kind == form.NATIONAL_ID:
        return "9%011d" % (n * 7919)
    if kind == form.PHONE:
        return "09%08d" % (n * 104729)
    if kind == form.EMAIL:
        return "hop.thu%d@donvi.gov.vn" % n
    if kind == form.CHOICE:
        return field.choices[-1][0]           # the last: never what a blank form shows
    if kind == form.CATALOG:
        return "M%03dX" % n
    if kind == form.LONGTEXT:
        return "Dòng đầu của ô %s số %d\nDòng sau của ô số %d" % (field.key, n, n)
    return "Ô %s số %d" % (field.key, n)


def _printed(field, value, capitals=False):
    """What the PDF must show for ``value``: each line as the form displays it."""
    shown = display(field, value, _catalog_name)
    return [(line.upper() if capitals else line) for line in shown.splitlines()]


def every_field_content():
    """(content, [(where, expected text)]): the record with everything filled."""
    counter = iter(range(1, 10 ** 6))
    fields, tables, expected = {}, {}, []
    for field in form.HEADER + tuple(f for item in form.all_items() for f in item.fields) \
            + CONTRACT_FIELDS:
        fields[field.key] = _value(field, next(counter))
        expected += [(field.key, text) for text in _printed(
            field, fields[field.key], capitals=field.key == "ho_ten")]
    for table, _owner, _privacy in form.all_tables():
        rows = []
        for _ in range(2):
            row = {column.key: _value(column, next(counter)) for column in table.columns}
            rows.append(row)
            expected += [("%s.%s" % (table.key, column.key), text)
                         for column in table.columns
                         for text in _printed(column, row[column.key])]
        tables[table.key] = rows
    return {"schema": 1, "fields": fields, "tables": tables}, expected


@pytest.fixture(scope="module")
def filled():
    return every_field_content()


def test_the_content_fills_every_field_and_column_of_the_form(filled):
    content, _expected = filled
    assert set(content["fields"]) == {f.key for f, _o, _p in form.all_fields()}
    assert set(content["tables"]) == set(form.TABLES)
    for key, rows in content["tables"].items():
        columns = {c.key for c in form.TABLES[key][0].columns}
        assert all(set(row) == columns for row in rows)


def test_every_value_the_record_holds_is_printed(filled, tmp_path):
    content, expected = filled
    blank = _flat(_text(record_pdf({"schema": 1}, catalog_name=_catalog_name), tmp_path))
    text = _flat(_text(record_pdf(content, catalog_name=_catalog_name), tmp_path))
    # each value is its own: a blank form does not show it by chance
    assert [(where, value) for where, value in expected if value in blank] == []
    missing = [(where, value) for where, value in expected if value not in text]
    assert missing == []


def test_item_30_prints_the_salary(filled, tmp_path):
    content, _expected = filled
    text = _flat(_text(record_pdf(content, catalog_name=_catalog_name), tmp_path))
    for number in ("30.1", "30.2", "30.3"):
        item = form.ITEM_BY_NUMBER[number]
        for field in item.fields:
            shown = display(field, content["fields"][field.key])
            assert shown in text, (number, field.key)
    assert "Ngạch/chức danh nghề nghiệp: Ô ngach số" in text
    assert "Vị trí việc làm: Ô vi_tri_viec_lam số" in text


def test_codes_print_as_their_words_not_as_codes(filled, tmp_path):
    content, _expected = filled
    text = _flat(_text(record_pdf(content, catalog_name=_catalog_name), tmp_path))
    coded = [(f, content["fields"][f.key]) for f, _o, _p in form.all_fields()
             if f.kind == form.CATALOG]
    assert coded
    for field, code in coded:
        assert _catalog_name(field.catalog, code) in text
        assert code not in text, field.key


def test_the_labour_contract_follows_the_form_and_only_where_the_record_has_one(filled,
                                                                               tmp_path):
    content, _expected = filled
    text = _flat(_text(record_pdf(content, catalog_name=_catalog_name), tmp_path))
    heading = form.CONTRACT.label
    assert text.index(heading) > text.index("(Ký tên, đóng dấu)")
    without = {"schema": 1, "fields": {k: v for k, v in content["fields"].items()
                                       if not k.startswith("hd_")},
               "tables": content["tables"]}
    assert heading not in _flat(_text(record_pdf(without, catalog_name=_catalog_name),
                                      tmp_path))
