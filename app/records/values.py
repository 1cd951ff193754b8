"""Typed values of the record: parsing what people type, the canonical form
stored in a version (DESIGN §9: dates as ``yyyy``, ``yyyy-mm`` or
``yyyy-mm-dd``, decimals with a dot), and the Vietnamese display.

Parsing raises ``ValueError`` with a Vietnamese message (translated at
the call) that names what is expected; nothing is guessed: "2015" stays a
year, never 01/01/2015.
"""
import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from app.core.text import fold
from app.records import form

_FULL = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MONTH = re.compile(r"(\d{1,2})/(\d{4})")
_YEAR = re.compile(r"(\d{4})")
_ISO = re.compile(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?")
_PHONE = re.compile(r"(?:\+84|0)\d{9,10}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
# ASCII digits only: \d also matches ٠١٢ (Arabic-Indic) and ０１２ (full-width)
_DIGITS12 = re.compile(r"[0-9]{12}", re.ASCII)
_DECIMAL = re.compile(r"\d{1,9}(?:[.,]\d{1,4})?")
_INTEGER = re.compile(r"\d{1,12}")
_EARLIEST_YEAR = 1900


class PartialDate(tuple):
    """(year, month or None, day or None), ordered so that a year sorts
    before any date in it; canonical text ``yyyy``, ``yyyy-mm``, ``yyyy-mm-dd``."""

    def __new__(cls, year, month=None, day=None):
        # 0 for what is unknown, so that tuples compare
        return super().__new__(cls, (year, month or 0, day or 0))

    year = property(lambda self: self[0])
    month = property(lambda self: self[1] or None)
    day = property(lambda self: self[2] or None)

    @classmethod
    def from_canonical(cls, text):
        m = _ISO.fullmatch(text or "")
        if not m:
            raise ValueError(text)
        year, month, day = (int(g) if g else None for g in m.groups())
        return cls(year, month, day)

    def canonical(self):
        if self.day:
            return "%04d-%02d-%02d" % tuple(self)
        if self.month:
            return "%04d-%02d" % (self.year, self.month)
        return "%04d" % self.year

    def display(self):
        if self.day:
            return "%02d/%02d/%04d" % (self.day, self.month, self.year)
        if self.month:
            return "%02d/%04d" % (self.month, self.year)
        return "%04d" % self.year

    def first_day(self):
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self):
        if self.day:
            return date(self.year, self.month, self.day)
        if self.month:
            following = date(self.year + self.month // 12, self.month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1)
        return date(self.year, 12, 31)


def _checked_year(year):
    if not _EARLIEST_YEAR <= year <= 2100:
        raise ValueError(_l("The year must be between 1900 and 2100."))
    return year


def ascii_digits(text):
    """``text`` with every Unicode digit (Arabic-Indic ٠١٢, full-width ０１２, …) as its
    ASCII digit, after NFKC, so that one number has one spelling (and one look-up hash)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c if c.isascii() or unicodedata.decimal(c, None) is None
                   else str(unicodedata.decimal(c)) for c in text)


def parse_full_date(text):
    m = _FULL.fullmatch(text)
    if not m:
        raise ValueError(_l("Enter the date as dd/mm/yyyy."))
    day, month, year = (int(g) for g in m.groups())
    try:
        return date(_checked_year(year), month, day)
    except ValueError as exc:
        if exc.args and not isinstance(exc.args[0], str):
            raise
        raise ValueError(_l("This day does not exist in the calendar.")) from None


def parse_partial_date(text):
    if _FULL.fullmatch(text):
        day = parse_full_date(text)
        return PartialDate(day.year, day.month, day.day)
    m = _MONTH.fullmatch(text)
    if m:
        month, year = int(m.group(1)), _checked_year(int(m.group(2)))
        if not 1 <= month <= 12:
            raise ValueError(_l("The month must be between 1 and 12."))
        return PartialDate(year, month)
    if _YEAR.fullmatch(text):
        return PartialDate(_checked_year(int(text)))
    raise ValueError(_l("Enter yyyy, mm/yyyy or dd/mm/yyyy."))


def parse(field, text, catalog_codes=None):
    """The canonical string of what was typed in ``field`` (None when empty).

    ``catalog_codes``: the codes currently valid in the field's catalog.
    """
    text = (text or "").strip()
    if not text:
        return None
    kind = field.kind
    if kind in (form.TEXT, form.LONGTEXT):
        limit = form.max_length(field)
        # folded (search_name), a few scripts' letters decompose into several
        if len(text) > limit or len(fold(text)) > limit:
            raise ValueError(_l("At most %(n)d characters.", n=limit))
        return text
    # numbers, dates, codes: in ASCII digits whatever digits were typed
    text = ascii_digits(text)
    if kind == form.DATE:
        return parse_full_date(text).isoformat()
    if kind == form.PARTIAL_DATE:
        return parse_partial_date(text).canonical()
    if kind == form.YEAR:
        if not _YEAR.fullmatch(text):
            raise ValueError(_l("Enter a year of four digits."))
        return str(_checked_year(int(text)))
    if kind == form.NATIONAL_ID:
        if not _DIGITS12.fullmatch(text):
            raise ValueError(_l("Enter the 12 digits of the personal identification number."))
        return text
    if kind == form.PHONE:
        compact = re.sub(r"[\s.\-]", "", text)
        if not _PHONE.fullmatch(compact):
            raise ValueError(_l("Enter a phone number of 10 or 11 digits starting with 0."))
        return compact
    if kind == form.EMAIL:
        if not _EMAIL.fullmatch(text) or len(text) > 254:
            raise ValueError(_l("Enter an e-mail address such as ten@donvi.gov.vn."))
        return text.lower()
    if kind == form.DECIMAL:
        if not _DECIMAL.fullmatch(text):
            raise ValueError(_l("Enter a number such as 2,34."))
        try:
            return format(Decimal(text.replace(",", ".")).normalize(), "f")
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise ValueError(_l("Enter a number such as 2,34.")) from None
    if kind == form.INTEGER:
        digits = text.replace(".", "").replace(" ", "")
        if not _INTEGER.fullmatch(digits):
            raise ValueError(_l("Enter a whole number."))
        return str(int(digits))
    if kind == form.CHOICE:
        if text not in {key for key, _vi, _en in field.choices}:
            raise ValueError(_l("Choose one of the listed values."))
        return text
    if kind == form.CATALOG:
        if catalog_codes is not None and text not in catalog_codes:
            raise ValueError(_l("Choose a value of the catalog."))
        return text
    raise AssertionError("unknown kind %s" % kind)


def display(field, value, catalog_name=None, english=False):
    """How a stored value reads on screen, in the diff and on the printed form:
    the one way a value becomes words (``coded_words`` for the coded kinds)."""
    if value in (None, ""):
        return ""
    kind = field.kind
    if kind in (form.DATE, form.PARTIAL_DATE):
        try:
            return PartialDate.from_canonical(value).display()
        except ValueError:
            return value
    if kind == form.DECIMAL:
        return value if english else value.replace(".", ",")
    if kind == form.INTEGER and value.isdigit() and len(value) > 4:
        grouped = "{:,}".format(int(value))
        return grouped if english else grouped.replace(",", ".")
    if kind in (form.CHOICE, form.CATALOG):
        return coded_words(field, value, catalog_name, english)
    return value


def coded_words(field, value, catalog_name=None, english=False):
    """The words of a coded value: the fixed choice's label (giới tính "Nữ"), or the
    catalog's name given by ``catalog_name(catalog, code)`` (records.services.catalog_namer,
    which knows retired entries too: a catalog holds a code once, so a record written
    while the code was valid keeps its name). A code the list does not hold is shown
    as itself, marked, never as if it were a name; without ``catalog_name`` (a
    printout with no database) a catalog code is shown as it is."""
    if field.kind == form.CHOICE:
        for key, vi, en in field.choices:
            if key == value:
                return en if english else vi
    elif catalog_name is None:
        return value
    else:
        name = catalog_name(field.catalog, value)
        if name:
            return name
    return str(_l("%(code)s (code not in the catalog)", code=value))
