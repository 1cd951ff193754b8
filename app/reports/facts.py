"""The reporting facts of one record (no Flask, no database): the typed values the reports
count, read from the public and internal part of an approved version's content (the part
stored in clear; nothing sensitive is read or copied).

Items 32.2–32.6 of the form (lý luận chính trị, quản lý nhà nước, tin học, ngoại ngữ) are
rows whose degree or certificate is written as text; the highest level a row names, by the
levels of the shipped catalogs (TT 11/2012/TT-BNV's BM01/BM02 columns), is the fact.
"""
import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from app.leavers import retirement

# catalog code -> the words that name the level, highest level first
POLITICAL_THEORY = [("CN", ("cu nhan",)), ("CC", ("cao cap",)), ("TC", ("trung cap",)),
                    ("SC", ("so cap",))]
STATE_MANAGEMENT = [("CVCC", ("chuyen vien cao cap",)), ("CVC", ("chuyen vien chinh",)),
                    ("CV", ("chuyen vien",)), ("CS", ("can su",))]
# Trung cấp or a degree in IT first; then the 2014 standard's advanced and basic skills;
# any other certificate is "Chứng chỉ"
IT_LEVELS = [("TCTL", ("trung cap", "cao dang", "dai hoc", "ky su", "cu nhan", "thac si")),
             ("CNTT_NC", ("nang cao",)), ("CNTT_CB", ("co ban",))]
DEGREE_WORDS = ("dai hoc", "cu nhan", "thac si", "tien si")
ETHNIC_LANGUAGE_WORDS = ("tieng dan toc", "dan toc")
ENGLISH_WORDS = ("anh", "english")


def plain(text):
    """Lower case without diacritics (đ as d): what the level words are matched on."""
    text = unicodedata.normalize("NFD", (text or "").replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text.lower()).strip()


def _highest(rows, column, levels):
    """The highest level any row's ``column`` names; None when no row names one."""
    found = set()
    for row in rows or ():
        text = plain(row.get(column))
        for code, words in levels:
            if any(word in text for word in words):
                found.add(code)
                break
    for code, _words in levels:
        if code in found:
            return code
    return None


def it_level(rows):
    level = _highest(rows, "chung_chi", IT_LEVELS)
    if level is None and any(plain(row.get("chung_chi")) for row in rows or ()):
        return "CC"
    return level


def language_level(rows):
    """BM01's groups: English or another language, a degree (Đại học trở lên) or a
    certificate; an ethnic-minority language certificate. A degree outranks a
    certificate, English outranks another language."""
    ranked = ["TA_DH", "NNK_DH", "TA_CC", "NNK_CC", "TDT_CC"]
    found = set()
    for row in rows or ():
        language, certificate = plain(row.get("ngon_ngu")), plain(row.get("chung_chi"))
        if not language and not certificate:
            continue
        if any(word in language for word in ETHNIC_LANGUAGE_WORDS):
            found.add("TDT_CC")
            continue
        english = any(word in language for word in ENGLISH_WORDS)
        degree = any(word in certificate for word in DEGREE_WORDS)
        found.add(("TA_" if english else "NNK_") + ("DH" if degree else "CC"))
    return next((code for code in ranked if code in found), None)


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _decimal(value):
    try:
        number = Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None
    # numeric(5, 2): a value the column cannot hold is not a fact
    return number if number is not None and abs(number) < 1000 else None


def _text(value, limit):
    return (str(value).strip()[:limit] or None) if value not in (None, "") else None


def record_facts(content):
    """{column: value} of ReportFact from a version's stored (clear) content."""
    fields = (content or {}).get("fields", {})
    tables = (content or {}).get("tables", {})
    birth, sex = _date(fields.get("ngay_sinh")), fields.get("gioi_tinh")
    forecast = retirement.retirement(birth, sex) if birth and sex else None
    return {
        "sex": _text(sex, 8),
        "birth_date": birth,
        "ethnicity": _text(fields.get("dan_toc"), 8),
        "religion": _text(fields.get("ton_giao"), 8),
        "party_member": bool(fields.get("ngay_vao_dang")),
        "grade_code": _text(fields.get("ma_ngach"), 16),
        "salary_step": _int(fields.get("bac_luong")),
        "salary_coefficient": _decimal(fields.get("he_so_luong")),
        "salary_since": _date(fields.get("ngay_huong_luong")),
        "job_position": _text(fields.get("vi_tri_viec_lam"), 255),
        "job_position_code": _text(fields.get("ma_vi_tri_viec_lam"), 64),
        "position": _text(fields.get("chuc_vu"), 16),
        "education": _text(fields.get("trinh_do_chuyen_mon"), 16),
        "general_education": _text(fields.get("giao_duc_pho_thong"), 16),
        "political_theory": _highest(tables.get("ly_luan_chinh_tri"), "van_bang",
                                     POLITICAL_THEORY),
        "state_management": _highest(tables.get("boi_duong_qlnn"), "chung_chi",
                                     STATE_MANAGEMENT),
        "it_level": it_level(tables.get("tin_hoc")),
        "language_level": language_level(tables.get("ngoai_ngu")),
        "recruited_on": _date(fields.get("ngay_tuyen_dung")),
        "retires_on": forecast.last_day if forecast else None,
    }


EMPTY = {key: None for key in record_facts({})}
EMPTY["party_member"] = False
