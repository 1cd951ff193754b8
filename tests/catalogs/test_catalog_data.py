"""The catalogue data in app/catalogs/data/ is well formed and says what data-standards.md §5 says.

The expected values are parsed at test time from `data-standards-excerpt.md` (a verbatim copy of
the relevant lines of the shared data standards), not written out again here, so a typo in a
YAML file or a change of the standards both make a test fail. No database, no Flask app.
"""
import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE.parents[1] / "app" / "catalogs" / "data"
EXCERPT = HERE / "data-standards-excerpt.md"
# The original the excerpt was copied from; only used to check the copy is still faithful.
SHARED = Path("/work/shared/data-standards.md")

CATALOGS = {
    "ngach", "loai_luong", "luong_co_so", "chuc_danh_nghe_nghiep", "dan_toc", "ton_giao",
    "trinh_do_chuyen_mon", "giao_duc_pho_thong", "ly_luan_chinh_tri", "quan_ly_nha_nuoc",
    "tin_hoc", "ngoai_ngu", "loai_phu_cap", "chuc_vu", "chuc_vu_dang", "ket_qua_danh_gia",
}
TOP_REQUIRED = {"catalog", "title", "source", "confidence", "entries"}
TOP_ALLOWED = TOP_REQUIRED | {"note"}
ENTRY_REQUIRED = {"code", "name", "valid_from", "valid_to"}
ENTRY_ALLOWED = ENTRY_REQUIRED | {"source", "attrs"}
CONFIDENCE_RANK = {"S": 3, "C": 2, "M": 1}   # the document's legend, strongest first
CODE_PATTERNS = {
    "ngach": r"\d\d\.\d\d\d",
    "loai_luong": r"A[0-3](\.[12])?|B|C[1-3]",
    "luong_co_so": r"\d{4}-\d\d",
    "chuc_danh_nghe_nghiep": r"V\.\d\d\.\d\d\.\d\d",
    "dan_toc": r"\d\d",
    "ton_giao": r"\d\d",
}
OWN_CODE = r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*"   # the 5.5 catalogues: the project's own short codes
# The legal texts the document names for each list: (what the file's `source` must cite, the
# words of the document that name it), so no citation is made up from memory.
REQUIRED_CITATIONS = {
    "ket_qua_danh_gia": [("Xếp loại chuyên môn", "Xếp loại chuyên môn")],
    "ngach": [("QĐ 78/2004/QĐ-BNV", "QĐ 78/2004/QĐ-BNV"), ("TT 2/2021/TT-BNV", "TT 2/2021/TT-BNV")],
    "loai_luong": [("NĐ 204/2004/NĐ-CP", "NĐ 204/2004/NĐ-CP"), ("Bảng 2", "Bảng 2 (công chức)"),
                   ("Bảng 3", "Bảng 3 (viên chức)")],
    "luong_co_so": [("NĐ 73/2024/NĐ-CP", "NĐ 73/2024/NĐ-CP"), ("NĐ 161/2026/NĐ-CP", "NĐ 161/2026/NĐ-CP")],
    "chuc_danh_nghe_nghiep": [("van-ban/can-bo-cong-chuc-vien-chuc/vien-chuc.md",
                               "`van-ban/can-bo-cong-chuc-vien-chuc/vien-chuc.md` in the mirror")],
    "dan_toc": [("QĐ 121-TCTK/PPCĐ", "QĐ 121-TCTK/PPCĐ")],
    "ton_giao": [("16 tôn giáo (43 tổ chức)", "16 religions (43 organisations) recognised by the State"),
                 ("2019", "census 2019")],
    "trinh_do_chuyen_mon": [("TT 11/2012/TT-BNV", "BM01/BM02 (TT 11/2012)")],
    "giao_duc_pho_thong": [("TT 11/2012/TT-BNV", "BM01/BM02 (TT 11/2012)"), ("BM02", "BM02 uses")],
    "ly_luan_chinh_tri": [("TT 11/2012/TT-BNV", "BM01/BM02 (TT 11/2012)")],
    "quan_ly_nha_nuoc": [("TT 11/2012/TT-BNV", "BM01/BM02 (TT 11/2012)")],
    "tin_hoc": [("TT 11/2012/TT-BNV", "BM01/BM02 (TT 11/2012)")],
    "ngoai_ngu": [("TT 11/2012/TT-BNV", "BM01/BM02 (TT 11/2012)"),
                  ("TT 01/2014/TT-BGDĐT", "TT 01/2014/TT-BGDĐT")],
    "loai_phu_cap": [("NĐ 204/2004/NĐ-CP, Điều 6", "NĐ 204/2004 Điều 6"),
                     ("30.2", "| 30.2 | Phụ cấp chức vụ"),
                     ("37.2", "| 37.2 Các loại phụ cấp khác")],
    "chuc_vu": [("NĐ 07/2026/NĐ-CP", "**NĐ 07/2026/NĐ-CP**")],
    "chuc_vu_dang": [("TT 06/2023/TT-BNV", "The TT 06/2023 form"),
                     ("mục 26–27", "| 26 | Chức vụ Đảng hiện tại")],
}
SALARY_CODE = r"A\d(?:\.\d)?|B|C\d?"

_cache = {}


# --- reading -----------------------------------------------------------------------------

def catalog(name):
    if name not in _cache:
        with open(DATA_DIR / ("%s.yaml" % name), encoding="utf-8") as f:
            _cache[name] = yaml.safe_load(f)
    return _cache[name]


def entries(name):
    return catalog(name)["entries"]


def by_code(name):
    return {e["code"]: e for e in entries(name)}


def attrs(entry):
    return entry.get("attrs") or {}


def excerpt_blocks():
    text = EXCERPT.read_text(encoding="utf-8")
    blocks = re.findall(r"^<!-- BEGIN lines (\d+)-(\d+) -->\n(.*?)\n<!-- END -->$", text,
                        re.S | re.M)
    assert blocks, "no <!-- BEGIN lines … --> blocks in %s" % EXCERPT
    return blocks


def standards():
    """The copied lines of the data standards, as one text."""
    # a rule between blocks, so that a section never runs on into the next copied block
    return "\n\n---\n\n".join(body for _a, _b, body in excerpt_blocks())


def section(number):
    """The body of '### <number> …' up to the next heading or rule."""
    m = re.search(r"^### %s\b.*?\n(.*?)(?=^### |^---$|^## |\Z)" % re.escape(number),
                  standards(), re.S | re.M)
    assert m, "section %s not in the excerpt" % number
    return m.group(1)


def table_rows(text):
    """The body rows of the markdown table in text (each section has one), as lists of cells."""
    rows = [line for line in text.splitlines() if line.startswith("|")]
    return [[c.strip() for c in row.strip()[1:-1].split("|")]
            for row in rows[2:]]   # skip header and |---| separator


def bullet(text, label):
    """The text after '* **<label>:**' (one line)."""
    m = re.search(r"^\* \*\*%s:\*\* (.*)$" % re.escape(label), text, re.M)
    assert m, "bullet %r not found" % label
    return m.group(1)


def rank(confidence):
    m = re.match(r"[SCM]", confidence or "")
    assert m, "confidence %r is not one of the document's S/C/M markers" % confidence
    return CONFIDENCE_RANK[m.group(0)]


def loai_luong_codes():
    return {e["code"] for e in entries("loai_luong")}


# --- the excerpt is a faithful copy --------------------------------------------------------

def test_excerpt_has_the_sections_the_tests_read():
    for number in ("5.1", "5.2", "5.4", "5.5", "5.6", "5.7"):
        assert section(number).strip()


@pytest.mark.skipif(not SHARED.exists(), reason="shared data standards not present; the copy is used")
def test_excerpt_blocks_are_verbatim_in_the_shared_standards():
    shared = SHARED.read_text(encoding="utf-8")
    for a, b, body in excerpt_blocks():
        assert body in shared, (
            "lines %s-%s of the excerpt no longer appear in %s: re-copy them and re-check "
            "the catalogues" % (a, b, SHARED))


# --- every file: format --------------------------------------------------------------------

def test_exactly_the_expected_catalogue_files():
    # plus the administrative divisions, generated from the official list (test_divisions.py)
    assert {p.stem for p in DATA_DIR.glob("*.yaml")} == CATALOGS | {"tinh_thanh", "xa_phuong"}
    assert not list(DATA_DIR.glob("*.yml"))


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_file_format(name):
    data = catalog(name)
    assert isinstance(data, dict)
    assert TOP_REQUIRED <= set(data), TOP_REQUIRED - set(data)
    assert set(data) <= TOP_ALLOWED, set(data) - TOP_ALLOWED
    assert data["catalog"] == name
    for key in ("title", "source"):
        assert isinstance(data[key], str) and data[key].strip() == data[key] and data[key]
    assert data["confidence"] in CONFIDENCE_RANK
    if "note" in data:
        assert isinstance(data["note"], str) and data["note"].strip()
    assert isinstance(data["entries"], list) and data["entries"]
    pattern = CODE_PATTERNS.get(name, OWN_CODE)
    for e in data["entries"]:
        assert isinstance(e, dict)
        assert ENTRY_REQUIRED <= set(e), (e, ENTRY_REQUIRED - set(e))
        assert set(e) <= ENTRY_ALLOWED, (e, set(e) - ENTRY_ALLOWED)
        assert isinstance(e["code"], str), "code %r must be a string" % (e["code"],)
        assert re.fullmatch(pattern, e["code"]), (name, e["code"])
        assert isinstance(e["name"], str) and e["name"]
        assert e["name"] == e["name"].strip() and "  " not in e["name"], e["name"]
        if "source" in e:
            assert isinstance(e["source"], str) and e["source"].strip()
        assert isinstance(e.get("attrs", {}), dict)


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_codes_unique(name):
    codes = [e["code"] for e in entries(name)]
    assert len(codes) == len(set(codes)), sorted(c for c in set(codes) if codes.count(c) > 1)


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_validity_dates(name):
    for e in entries(name):
        parsed = {}
        for key in ("valid_from", "valid_to"):
            value = e[key]
            if value is None:
                continue
            # quoted ISO strings: an unquoted YAML date would load as datetime.date
            assert isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value), (e["code"], value)
            parsed[key] = datetime.date.fromisoformat(value)
        if len(parsed) == 2:
            assert parsed["valid_from"] < parsed["valid_to"], e["code"]


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_confidence_is_the_weakest_of_the_entries(name):
    """An entry without attrs.confidence has the file's; none is weaker than the file's."""
    data = catalog(name)
    file_rank = rank(data["confidence"])
    ranks = [rank(attrs(e).get("confidence", data["confidence"])) for e in data["entries"]]
    assert min(ranks) == file_rank


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_source_cites_the_legal_texts_the_document_names(name):
    source = catalog(name)["source"]
    text = standards()
    for citation, in_document in REQUIRED_CITATIONS[name]:
        assert citation in source, (name, citation)
        assert in_document in text, "the document no longer says %r" % in_document


# --- 5.6 Dân tộc -----------------------------------------------------------------------------

def dan_toc_from_standards():
    pairs = {}
    for row in table_rows(section("5.6")):
        for cell in row:
            m = re.fullmatch(r"(\d\d) (\S.*)", cell)
            if m:
                assert m.group(1) not in pairs
                pairs[m.group(1)] = m.group(2)
    return pairs


def test_dan_toc_is_the_54_groups_of_the_table():
    expected = dan_toc_from_standards()
    assert len(expected) == 54   # the parse itself
    codes = [e["code"] for e in entries("dan_toc")]
    assert codes == ["%02d" % i for i in range(1, 55)]
    assert {e["code"]: e["name"] for e in entries("dan_toc")} == expected
    assert "55" not in codes


def test_dan_toc_spelling_variants_are_other_names_of_the_right_group():
    m = re.search(r"Spelling varies \(([^)]*)\)", section("5.6"))
    pairs = [p.split("/") for p in m.group(1).split(", ")]
    assert len(pairs) == 4
    names = {e["name"]: e for e in entries("dan_toc")}
    listed = set()
    for a, b in pairs:
        assert (a in names) != (b in names), (a, b)
        official, variant = (a, b) if a in names else (b, a)
        assert variant in attrs(names[official]).get("other_names", []), (official, variant)
        listed.add(variant)
    all_other = [n for e in entries("dan_toc") for n in attrs(e).get("other_names", [])]
    assert sorted(all_other) == sorted(listed)


# --- 5.7 Tôn giáo ----------------------------------------------------------------------------

def test_ton_giao_is_khong_then_the_16_in_the_documents_order():
    m = re.search(r'^The 16: (.*)\. Plus "Không"\.$', section("5.7"), re.M)
    expected = m.group(1).split("; ")
    assert len(expected) == 16
    got = entries("ton_giao")
    assert len(got) == 17
    assert (got[0]["code"], got[0]["name"]) == ("00", "Không")
    assert [e["code"] for e in got[1:]] == ["%02d" % i for i in range(1, 17)]
    assert [e["name"] for e in got[1:]] == expected


def test_ton_giao_note_says_the_codes_are_not_official():
    note = catalog("ton_giao")["note"]
    assert "chính thức" in note and "dự án" in note
    assert "QĐ 356/QĐ-BNV" in note   # the mapping target the document names


# --- 5.2 Loại lương, lương cơ sở -------------------------------------------------------------

def salary_table():
    rows = {}
    for cells in table_rows(section("5.2")):
        code, bac, step, values = cells
        numbers = re.findall(r"\d+\.\d\d", values)
        rows[code] = {"bac": int(bac), "step": step, "numbers": numbers,
                      "elided": "…" in values}
    return rows


def test_loai_luong_are_the_rows_of_the_table_in_order():
    table = salary_table()
    assert list(table) == ["A3.1", "A3.2", "A2.1", "A2.2", "A1", "A0", "B", "C1", "C2", "C3"]
    assert [e["code"] for e in entries("loai_luong")] == list(table)


def test_loai_luong_steps_match_the_table():
    table = salary_table()
    for e in entries("loai_luong"):
        row, a = table[e["code"]], attrs(e)
        steps = a["steps"]
        assert all(isinstance(s, str) and re.fullmatch(r"\d+\.\d\d", s) for s in steps), steps
        assert a["bac_count"] == row["bac"] == len(steps), e["code"]
        assert a["step"] == row["step"], e["code"]
        if row["elided"]:   # C1–C3: "start … end"
            assert [steps[0], steps[-1]] == row["numbers"], e["code"]
        else:
            assert steps == row["numbers"], e["code"]


def test_loai_luong_steps_are_the_stated_arithmetic_progression():
    table = salary_table()
    for e in entries("loai_luong"):
        steps = [Decimal(s) for s in attrs(e)["steps"]]
        step = Decimal(table[e["code"]]["step"])
        assert all(b - a == step for a, b in zip(steps, steps[1:])), e["code"]
        assert steps == [steps[0] + i * step for i in range(len(steps))]


def test_loai_luong_end_points_agree_with_the_quoted_circular():
    # "loại A1, từ hệ số lương 2,34 đến hệ số lương 4,98" [S]
    m = re.search(r"loại (\S+), từ hệ số lương (\d+,\d\d) đến hệ số lương (\d+,\d\d)", section("5.2"))
    steps = attrs(by_code("loai_luong")[m.group(1)])["steps"]
    assert [steps[0], steps[-1]] == [m.group(2).replace(",", "."), m.group(3).replace(",", ".")]


def test_luong_co_so_amounts_and_validity():
    found = re.findall(r"(\d{1,3}(?:\.\d{3})+) đ from (\d{1,2})/(\d{1,2})/(\d{4})(?:\*\*)? \((NĐ [^)]+)\)",
                       section("5.2"))
    assert len(found) == 2
    got = by_code("luong_co_so")
    assert len(got) == len(found)
    for amount, day, month, year, decree in found:
        start = datetime.date(int(year), int(month), int(day))
        e = got[start.strftime("%Y-%m")]
        assert e["valid_from"] == start.isoformat()
        assert type(attrs(e)["amount"]) is int and attrs(e)["amount"] == int(amount.replace(".", ""))
        assert decree in e["source"]
    periods = sorted(got.values(), key=lambda e: e["valid_from"])
    for earlier, later in zip(periods, periods[1:]):
        assert earlier["valid_to"] == later["valid_from"]   # contiguous, no overlap
    assert periods[-1]["valid_to"] is None


# --- 5.1 Ngạch -------------------------------------------------------------------------------

def ngach_table():
    """{code: {name|None, group, salary_cell, item_salary}} from the 5.1 table."""
    out = {}
    for group_cell, codes_cell, salary_cell in table_rows(section("5.1")):
        group = re.sub(r"\s*\(.*\)$", "", group_cell)
        for item in codes_cell.replace("**", "").split(";"):
            m = re.match(r"\s*(\d\d\.\d\d\d)\s*(.*)$", item)
            if not m:
                continue
            rest = re.sub(r"\s*\[[^\]]*\]", "", m.group(2))
            paren = re.search(r"\((%s)\)" % SALARY_CODE, rest)
            later = re.search(r'\(later "([^"]+)"\)', rest)
            name = re.sub(r"\s*\(.*?\)", "", rest).strip()
            out[m.group(1)] = {
                "name": name if re.match(r"\w", name) else None,   # "" or "…": no name given
                "group": group,
                "salary_cell": salary_cell,
                "item_salary": paren.group(1) if paren else None,
                "later_name": later.group(1) if later else None,
            }
    return out


def test_ngach_every_named_code_of_the_table_is_present_with_its_name_group_and_salary():
    table = ngach_table()
    named = {code: row for code, row in table.items() if row["name"]}
    assert len(named) >= 30   # the parse itself
    got = by_code("ngach")
    for code, row in named.items():
        assert code in got, code
        e, a = got[code], attrs(got[code])
        assert e["name"] == row["name"], code
        assert a["group"] == row["group"], code
        # the salary type given next to the code wins; else the first type in the row's cell
        # ("A0/B" → A0 per TT 2/2021, "B (C for some)" → B, "A2.1 (most)" → A2.1)
        expected = row["item_salary"] or re.match(SALARY_CODE, row["salary_cell"]).group(0)
        assert a["salary_type"] == expected, code
        assert a["salary_type_as_written"] == (row["salary_cell"] or row["item_salary"]), code
        if row["later_name"]:   # renamed later, no date given: kept as another name
            assert row["later_name"] in a.get("other_names", []), code


def test_ngach_no_code_outside_the_table():
    assert set(by_code("ngach")) <= set(ngach_table())


def test_ngach_unnamed_codes_are_derived_unambiguously_or_listed_as_left_out():
    table = ngach_table()
    got = by_code("ngach")
    note = catalog("ngach")["note"]
    unnamed = [code for code, row in table.items() if row["name"] is None]
    assert unnamed   # the document does list bare codes
    for code in unnamed:
        if code not in got:
            assert code in note, "%s is left out but not listed in the note" % code
            continue
        sources = attrs(got[code]).get("name_derived_from")
        assert sources, "%s has no name in the document: say where the name comes from" % code
        for src in sources:
            assert src[:2] == code[:2] and table[src]["name"], (code, src)
            # the parallel ngạch name, without its rank word, is this one's name
            assert re.sub(r" (cao cấp|chính)\b", "", table[src]["name"]) == got[code]["name"], (code, src)


def test_ngach_salary_types_exist():
    known = loai_luong_codes()
    for e in entries("ngach"):
        assert attrs(e)["salary_type"] in known, e["code"]


def test_ngach_tt_2_2021_entries_cite_it():
    table = ngach_table()
    for e in entries("ngach"):
        row = table[e["code"]]
        if "TT 2/2021" in row["salary_cell"] or e["code"].startswith("02."):
            assert "TT 2/2021/TT-BNV" in e.get("source", ""), e["code"]


# --- 5.4 Chức danh nghề nghiệp --------------------------------------------------------------

def expand_codes(text):
    """V.07.02.04/06 → V.07.02.04, V.07.02.06."""
    codes = []
    for m in re.finditer(r"V\.(\d\d)\.(\d\d)\.(\d\d)((?:/\d\d)*)", text):
        stem = "V.%s.%s." % (m.group(1), m.group(2))
        codes.append(stem + m.group(3))
        codes += [stem + tail for tail in m.group(4).split("/")[1:]]
    return codes


def test_cdnn_codes_are_exactly_the_tables():
    in_table = expand_codes(section("5.4"))
    assert len(in_table) >= 45   # the parse itself
    assert set(by_code("chuc_danh_nghe_nghiep")) == set(in_table)


def test_cdnn_hang_salary_type_and_row_follow_the_table():
    got = by_code("chuc_danh_nghe_nghiep")
    known = loai_luong_codes()
    header = re.search(r"^\| Field \|.*$", section("5.4"), re.M).group(0)
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "Field", "Hạng I", "Hạng II", "Hạng III", "Hạng IV / other"]   # the columns read below
    for cells in table_rows(section("5.4")):
        field, columns = cells[0], cells[1:]
        for hang, cell in zip(("I", "II", "III"), columns[:3]):
            if cell == "—":
                continue
            m = re.fullmatch(r"(V\.\d\d\.\d\d\.\d\d)(?: \(([^)]+)\))?", cell)
            assert m, cell
            e = got[m.group(1)]
            a = attrs(e)
            assert (a["field"], a["table_row"], a["hang"]) == (field, field, hang), m.group(1)
            paren = m.group(2)
            if paren in known:
                assert a.get("salary_type") == paren, m.group(1)
            else:
                assert "salary_type" not in a, m.group(1)
                assert a.get("hang_label") == paren, m.group(1)
        other = columns[3]
        if re.fullmatch(r"V\.\d\d\.\d\d\.\d\d", other):   # a plain hạng IV code
            a = attrs(got[other])
            assert (a["field"], a["table_row"], a["hang"]) == (field, field, "IV"), other
            continue
        for item in filter(None, (i.strip() for i in other.split(";"))):
            for code in expand_codes(item):
                a = attrs(got[code])
                assert a["table_row"] == field, code
                if "hạng IV" in item:
                    assert a["hang"] == "IV", code
                elif "old codes" in item:
                    assert a["hang"] is None and a["obsolete"] is True, code
                    # the document gives no end date: none is invented, a note says so
                    assert got[code]["valid_to"] is None and a.get("note"), code
                else:
                    assert a["hang"] is None, code


def test_cdnn_salary_types_exist():
    known = loai_luong_codes()
    for e in entries("chuc_danh_nghe_nghiep"):
        if "salary_type" in attrs(e):
            assert attrs(e)["salary_type"] in known, e["code"]


# --- 5.5 Trình độ, LLCT, QLNN, tin học, ngoại ngữ -----------------------------------------

def levels(text):
    return [re.sub(r"[()]", "", part).strip() for part in text.split(" · ")]


def names(name):
    return [e["name"] for e in entries(name)]


@pytest.mark.parametrize("name", sorted(CATALOGS - set(CODE_PATTERNS)))
def test_own_codes_are_documented_in_the_note(name):
    # the 5.5 lists have no official codes: the note must say the codes are the project's own
    assert "do dự án đặt" in catalog(name).get("note", ""), name


def test_trinh_do_chuyen_mon_levels():
    text = bullet(section("5.5"), "Trình độ chuyên môn (đào tạo)")
    listed = levels(text.split(". ")[0])
    got = {n.lower() for n in names("trinh_do_chuyen_mon")}
    assert listed and all(level.lower() in got for level in listed), listed
    assert "TSKH" in text
    assert "TSKH" in {attrs(e).get("short_name") for e in entries("trinh_do_chuyen_mon")}
    assert not {"GS", "PGS"} & set(by_code("trinh_do_chuyen_mon"))   # học hàm: stored separately


def test_trinh_do_chuyen_mon_bm01_columns():
    bm01 = re.search(r"^  - Trình độ đào tạo – chuyên môn: (.*)$", standards(), re.M).group(1)
    in_bm01 = [e["name"] for e in entries("trinh_do_chuyen_mon")
               if "BM01" in attrs(e).get("report_columns", [])]
    assert in_bm01 == levels(bm01)


def test_giao_duc_pho_thong_levels():
    m = re.search(r"BM02 uses ([^)]*)\)", bullet(section("5.5"), "Giáo dục phổ thông"))
    got = [attrs(e).get("short_name") for e in entries("giao_duc_pho_thong")]
    assert got == levels(m.group(1))


def test_ly_luan_chinh_tri_levels():
    text = bullet(section("5.5"), "Lý luận chính trị")
    assert names("ly_luan_chinh_tri") == levels(re.sub(r'\s*\(".*$', "", text))


def test_quan_ly_nha_nuoc_levels_and_report_columns():
    text = bullet(section("5.5"), "Quản lý nhà nước")
    m = re.fullmatch(r'(.*) \(BM02 adds "([^"]+)"\)\.?', text)
    expected = [level.replace("& TĐ", "và tương đương") for level in levels(m.group(1))]
    expected.append(m.group(2))
    assert names("quan_ly_nha_nuoc") == expected
    for form in ("BM01", "BM02"):
        line = re.search(r"^\*\*%s/BNV.*?^  - QLNN: (.*?)$" % form, standards(), re.S | re.M).group(1)
        want = {level.replace(" & TĐ", "") for level in levels(line)}
        have = {e["code"] if e["code"] != "CQDT" else e["name"] for e in entries("quan_ly_nha_nuoc")
                if form in attrs(e).get("report_columns", [])}
        assert have == want, form


def test_tin_hoc_levels():
    text = bullet(section("5.5"), "Tin học")
    first, newer = text.split(". In newer practice: ")
    got = names("tin_hoc")
    assert got[:2] == levels(first)
    # "chuẩn kỹ năng sử dụng CNTT cơ bản/nâng cao [M]": two names sharing the words before
    m = re.match(r"(.*)/(.*?) \[M\]", newer)
    after = m.group(2).split()
    before = m.group(1).split()
    common = before[:-len(after)]
    for variant in (before[-len(after):], after):
        name = " ".join(common + variant)
        assert name[0].upper() + name[1:] in got, name
        e = [e for e in entries("tin_hoc") if e["name"].lower() == name.lower()][0]
        assert attrs(e)["confidence"] == "M"


def test_ngoai_ngu_bm01_categories():
    text = section("5.5")
    m = re.search(r"BM01 columns: (.+?) — (.+?) / (.+?) \(([^)]*)\); (.+?) — same split; (.+?)\.?$", text, re.M)
    english, higher, certificate, grades, other, ethnic = m.groups()
    got = {e["name"]: e for e in entries("ngoai_ngu")}
    for language in (english, other):
        assert "%s – %s" % (language, higher) in got
        cert = got["%s – %s" % (language, certificate)]
        assert attrs(cert)["certificates"] == grades.split(", ")
    assert ethnic in got
    assert len([e for e in entries("ngoai_ngu") if attrs(e).get("scheme") == "BM01"]) == 5


def test_ngoai_ngu_six_level_framework():
    m = re.search(r"Khung năng lực ngoại ngữ (\d) bậc \((TT [^,)]+)", section("5.5"))
    count, circular = int(m.group(1)), m.group(2)
    framework = [e for e in entries("ngoai_ngu") if attrs(e).get("scheme") == "KNLNN6"]
    assert [e["name"] for e in framework] == ["Bậc %d" % i for i in range(1, count + 1)]
    assert [attrs(e)["bac"] for e in framework] == list(range(1, count + 1))
    assert [e["code"] for e in framework] == ["BAC%d" % i for i in range(1, count + 1)]
    assert all(circular in e["source"] for e in framework)
    assert circular in catalog("ngoai_ngu")["source"]


# --- allowances and positions (mẫu TT 06/2023 mục 23–27, 30.2, 37.2; §5.2 NĐ 07/2026) ----------

def test_loai_phu_cap_covers_the_allowances_the_form_names():
    names = {e["name"] for e in entries("loai_phu_cap")}
    # 30.2 names three: chức vụ, kiêm nhiệm, "khác" (the rest); 30.1 the vượt khung percentage
    assert {"Phụ cấp chức vụ lãnh đạo", "Phụ cấp kiêm nhiệm chức danh lãnh đạo",
            "Phụ cấp thâm niên vượt khung"} <= names
    assert len(names) == len(entries("loai_phu_cap"))
    # 37.2 records either a percentage or a coefficient: each kind says which
    assert "Phần trăm hưởng · Hệ số" in standards()
    assert {attrs(e)["hinh_thuc"] for e in entries("loai_phu_cap")} == {"he_so", "phan_tram"}
    assert attrs(by_code("loai_phu_cap")["THAM_NIEN_VUOT_KHUNG"])["hinh_thuc"] == "phan_tram"


def test_chuc_vu_coefficients_are_sourced_two_decimals_and_ordered():
    rows = entries("chuc_vu")
    with_coefficient = [e for e in rows if "he_so_phu_cap" in attrs(e)]
    assert len(with_coefficient) == 8      # chi cục thuộc Sở and the 2026 xã level
    for e in rows:
        a = attrs(e)
        assert a["cap"] in {"tinh", "so", "chi_cuc", "huyen", "xa", "su_nghiep", "truong_hoc"}
        assert a["lanh_dao"] in {"truong", "pho"}
        if "he_so_phu_cap" in a:
            values = a["he_so_phu_cap"]
            assert set(values) == {"ha_noi_hcm", "con_lai"}
            assert all(re.fullmatch(r"\d\.\d\d", v) for v in values.values()), e["code"]
            assert Decimal(values["ha_noi_hcm"]) >= Decimal(values["con_lai"])
            assert a["confidence"] == "S-mirror" and e.get("source"), e["code"]
        else:
            assert a.get("ghi_chu"), "%s: say why there is no coefficient" % e["code"]
    # within a level, the head's allowance is above the deputy's
    for head, deputy in (("CT_UBND_XA", "PCT_UBND_XA"), ("TRUONG_PHONG_XA", "PHO_TRUONG_PHONG_XA"),
                         ("CHI_CUC_TRUONG", "PHO_CHI_CUC_TRUONG")):
        for area in ("ha_noi_hcm", "con_lai"):
            assert Decimal(attrs(by_code("chuc_vu")[head])["he_so_phu_cap"][area]) > Decimal(
                attrs(by_code("chuc_vu")[deputy])["he_so_phu_cap"][area])


def test_chuc_vu_follows_the_2025_reform():
    rows = by_code("chuc_vu")
    xa = [e for e in rows.values() if attrs(e)["cap"] == "xa"]
    huyen = [e for e in rows.values() if attrs(e)["cap"] == "huyen"]
    # the new commune level from NĐ 07/2026 (applied from 01/01/2026), the district level closed
    assert xa and all(e["valid_from"] == "2026-01-01" and "NĐ 07/2026/NĐ-CP" in e["source"]
                      for e in xa)
    assert huyen and all(e["valid_to"] == "2025-07-01" for e in huyen)
    assert {attrs(rows["CT_UBND_XA"])["he_so_phu_cap"][k] for k in ("ha_noi_hcm", "con_lai")} == {
        "0.70", "0.60"}
