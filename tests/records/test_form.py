"""The form's definition: complete against data-standards §1A, keys unique,
every kind known, catalogs that exist, the privacy classes of DESIGN §9."""
import re
from pathlib import Path

import pytest

from app.records import form
from app.records import values

EXCERPT = Path("/work/shared/data-standards.md")
KINDS = {form.TEXT, form.LONGTEXT, form.DATE, form.PARTIAL_DATE, form.YEAR, form.CATALOG,
         form.NATIONAL_ID, form.PHONE, form.EMAIL, form.DECIMAL, form.INTEGER, form.CHOICE}
CATALOG_DIR = Path(__file__).resolve().parents[2] / "app" / "catalogs" / "data"


def test_items_1_to_38_in_order_with_30s_parts():
    numbers = [item.number for item in form.all_items()]
    assert numbers == [str(n) for n in range(1, 31)] + ["30.1", "30.2", "30.3"] + [
        str(n) for n in range(31, 39)]


def test_keys_are_unique_and_never_shared_between_fields_and_tables():
    fields = [f.key for f, _o, _p in form.all_fields()]
    tables = [t.key for t, _o, _p in form.all_tables()]
    assert len(fields) == len(set(fields)) and len(tables) == len(set(tables))
    assert not set(fields) & set(tables)
    for table, _owner, _privacy in form.all_tables():
        columns = [c.key for c in table.columns]
        assert len(columns) == len(set(columns)) and "_id" not in columns


def test_the_tables_and_their_columns_are_the_documents():
    text = EXCERPT.read_text(encoding="utf-8")
    section = text[text.index("**Table columns (TT 06/2023 form)**"):text.index("### 1B.")]
    documented = {}
    for line in section.splitlines():
        m = re.match(r"\| (\d\d(?:\.\d)?) ([^|]*)\| ([^|]*)\|", line)
        if m and "·" in m.group(3):
            documented[m.group(1)] = [c.strip() for c in m.group(3).split("·")]
    assert "| 36.2 Cha, Mẹ, anh chị em ruột (bên vợ hoặc chồng) | same 4 columns |" in section
    documented["36.2"] = documented["36.1"]
    ours = {t.number: t for t, _o, _p in form.all_tables()}
    assert set(documented) == set(ours)
    for number, columns in documented.items():
        assert len(ours[number].columns) == len(columns), number
        for column, expected in zip(ours[number].columns, columns):
            first = expected.split("(")[0].split(",")[0].strip().split()[0].lower()
            assert column.label.lower().startswith(first), (number, column.label, expected)


def test_kinds_catalogs_owners_and_privacy():
    shipped = {p.stem for p in CATALOG_DIR.glob("*.yaml")}
    for f, owner, privacy in form.all_fields():
        assert f.kind in KINDS and owner in form.OWNER_GROUPS, f.key
        assert privacy in (form.PUBLIC, form.INTERNAL, form.SENSITIVE)
        if f.kind == form.CATALOG:
            assert f.catalog in shipped, f.key
        if f.kind == form.CHOICE:
            assert f.choices
    # DESIGN §9: the số định danh/CCCD, insurance, health, history (34), family (36) and
    # income (37) are sensitive; the name, unit and position are public
    for key in ("so_dinh_danh", "so_cccd", "so_bhxh", "so_bhyt", "suc_khoe", "nhom_mau",
                "lich_su_bi_bat", "thu_nhap_tien_luong"):
        assert form.field_is_sensitive(key), key
    for key in ("che_do_cu", "gia_dinh_ban_than", "gia_dinh_ben_vo_chong", "dien_bien_luong",
                "cac_loai_phu_cap"):
        assert form.table_is_sensitive(key), key
    for key in ("ho_ten", "chuc_vu", "co_quan_su_dung"):
        assert form.FIELDS[key][2] == form.PUBLIC


def test_partial_dates_keep_what_is_known():
    parse = values.parse_partial_date
    assert parse("2015").canonical() == "2015"
    assert parse("3/2015").canonical() == "2015-03"
    assert parse("05/09/1985").canonical() == "1985-09-05"
    # a year sorts before its months, a month before its days
    assert parse("2015") < parse("01/2015") < parse("01/01/2015") < parse("2016")
    assert parse("02/2024").last_day().day == 29 and parse("2015").last_day().month == 12
    assert values.PartialDate.from_canonical("2015-03").display() == "03/2015"


def test_numbers_are_stored_plainly():
    decimal = form.FIELDS["he_so_luong"][0]
    integer = form.FIELDS["luong_theo_muc_tien"][0]
    assert values.parse(decimal, "70") == "70" and values.parse(decimal, "2,340") == "2.34"
    assert values.display(decimal, "2.34") == "2,34"
    assert values.parse(integer, "12.500.000") == "12500000"
    assert values.display(integer, "12500000") == "12.500.000"


def test_field_lengths_agree_with_the_columns_they_are_stored_in():
    """The record form against the columns an approval copies it into (issue 14: a name
    of 129 characters was saved, then broke the approval of Employee.full_name)."""
    from app.org import models as org_models

    assert form.STORED_IN, "the approval copies the name into the employee"
    for key, columns in form.STORED_IN.items():
        field = form.FIELDS[key][0]
        assert field.kind in (form.TEXT, form.LONGTEXT), key
        for model, column in columns:
            length = getattr(org_models, model).__table__.c[column].type.length
            assert length is not None and form.max_length(field) <= length, (key, column)
    for field, _owner, _privacy in form.all_fields():
        if field.kind in (form.TEXT, form.LONGTEXT):
            limit = form.max_length(field)
            assert limit <= form.LONGTEXT_LIMIT, field.key
            assert values.parse(field, "a" * limit) == "a" * limit
            with pytest.raises(ValueError):
                values.parse(field, "a" * (limit + 1))
    assert form.max_length(form.FIELDS["ho_ten"][0]) == 128


def test_the_other_forms_refuse_more_than_their_columns_hold():
    """Every text field of the unit, restructuring and account forms carries a length
    check: the column's length, or a stated maximum for a Text column."""
    from wtforms import StringField, TextAreaField
    from wtforms.validators import Length

    from app.accounts import forms as account_forms
    from app.core.views import column_length
    from app.org import forms as org_forms

    checked = 0
    for module in (org_forms, account_forms):
        for name in dir(module):
            cls = getattr(module, name)
            if not (isinstance(cls, type) and hasattr(cls, "_unbound_fields")) or \
                    cls.__module__ != module.__name__:
                continue
            for attr in dir(cls):
                unbound = getattr(cls, attr)
                if getattr(unbound, "field_class", None) not in (StringField, TextAreaField):
                    continue
                lengths = [v for v in unbound.kwargs.get("validators", [])
                           if isinstance(v, Length)]
                assert lengths, "%s.%s has no length check" % (name, attr)
                column = getattr(lengths[0], "column", None)
                if column is not None and column_length(column) is not None:
                    assert lengths[0].max == column_length(column), (name, attr)
                checked += 1
    assert checked >= 10


def test_national_ids_in_other_digits_are_ascii_before_the_check():
    field = form.FIELDS["so_dinh_danh"][0]
    assert values.parse(field, "٠٠١٠٨٥٠١٢٣٤٥") == "001085012345"   # Arabic-Indic
    assert values.parse(field, "００１０８５０１２３４５") == "001085012345"   # full-width
    assert values.parse(form.FIELDS["ngay_sinh"][0], "٠٥/٠٩/١٩٨٥") == "1985-09-05"
    with pytest.raises(ValueError):
        values.parse(field, "00108501234５x")
