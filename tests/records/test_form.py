"""The form's definition: complete against data-standards §1A, keys unique,
every kind known, catalogs that exist, the privacy classes of DESIGN §9."""
import re
from pathlib import Path

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
