"""Checks before a record is queued for the national database, with the receiver's
own rules (NATIONAL-SYNC.md, "What the receiver rejects"): a record that would be
refused is not sent, and its unit reads why, field by field, in Vietnamese.

- the required fields: HoVaTen, SoHieuCBCCVC_BNDP, the unit codes;
- every coded value inside its list (the mapping table names our catalog for each of
  the contract's code lists; a list ``SYNC_CODE_MAPS`` maps must map the code too);
- the unit codes known: a unit without a code, a code not in the QĐ 20/2020/QĐ-TTg
  form, or one deeper than the receiver's levels 1–4, blocks;
- every date in the forms ``yyyy``, ``yyyymm`` or ``yyyymmdd``.

``problems(version)`` for one version; ``problems_many(versions)`` (or one ``Checker``
passed to each call) reads each catalog and climbs to each unit once for a batch.
A problem never repeats the số định danh, nor any sensitive value.
"""
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.catalogs import services as catalogs
from app.core import clock
from app.extensions import db
from app.org import codes
from app.org.models import CATEGORIES, Employee, Unit
from app.records import form
from app.records import services as records
from app.records.values import PartialDate
from app.sync import mapping as m

# the receiver's unit catalogs hold levels 1–4
MAX_UNIT_LEVELS = 4
_CONTRACT_DATE = re.compile(r"\d{4}(?:\d{2}(?:\d{2})?)?", re.ASCII)
_NATIONAL_ID = re.compile(r"[0-9]{12}", re.ASCII)
# how many people's rows a batch reads in one statement
_CHUNK = 1000


@dataclass(frozen=True)
class Problem:
    field: str        # the contract's field: "THONGTINCHUNG.DanToc", "…DS_NGOAINGU[2].TrinhDo"
    label_vi: str     # the record's item: "Mục 6 Dân tộc"
    message_vi: str   # why: "mã 99 không có trong danh mục dân tộc"

    def __str__(self):
        return "%s: %s" % (self.label_vi, self.message_vi)


class Checker:
    """What a batch of checks reads once: the catalogs (by code, retired entries
    included, so a retired code is told apart from an unknown one), the units, the
    configured code maps and the day the catalogs are read on."""

    def __init__(self, on=None, detached=False):
        self.on = on or clock.today()
        self.units = m.Units()
        self.maps = m.code_maps()
        self._catalogs = {}
        # entries out of the session: a checker kept across commits (a batch of
        # approvals, each its own transaction) reads nothing again when they expire
        self.detached = detached

    def catalog(self, name):
        """{code: entry} of one catalog (entries of "a+b" together)."""
        if name not in self._catalogs:
            merged = {}
            for part in name.split("+"):
                for entry in catalogs.entries(part, include_retired=True):
                    merged.setdefault(entry.code, entry)
                    if self.detached:
                        db.session.expunge(entry)
            self._catalogs[name] = merged
        return self._catalogs[name]

    def steps(self, grade_code):
        """The bậc lương a grade's salary type has (1…n); every type's when the grade
        or its type is not known."""
        types = self.catalog("loai_luong")
        counts = {code: int((entry.attrs or {}).get("bac_count") or 0)
                  for code, entry in types.items()}
        grade = self.catalog(m.GRADES).get(grade_code) if grade_code else None
        salary_type = (grade.attrs or {}).get("salary_type") if grade is not None else None
        count = counts.get(salary_type) or max(counts.values(), default=0) or 12
        return {str(step) for step in range(1, count + 1)}

    def preload(self, versions):
        """The people of ``versions`` and every unit, in a few statements."""
        ids = sorted({version.employee_id for version in versions})
        for start in range(0, len(ids), _CHUNK):
            list(db.session.scalars(select(Employee).where(
                Employee.id.in_(ids[start:start + _CHUNK]))))
        if ids:
            list(db.session.scalars(select(Unit)))


def _item_label(number, label):
    return _("Item %(number)s %(label)s", number=number, label=label) if number else label


def _row_label(table_key, index, column_key):
    table = form.TABLES[table_key][0]
    column = next(c for c in table.columns if c.key == column_key)
    return _("Item %(number)s %(title)s, row %(row)d, %(label)s", number=table.number,
             title=table.title, row=index + 1, label=column.label)


# the column of a table a row-derived value is read from
_ROW_COLUMNS = {m.ROW_IT: "chung_chi", m.ROW_LANGUAGE: "chung_chi",
                m.ROW_EVALUATION: "xep_loai_chuyen_mon"}


def _label(rule, table=None, index=None):
    """The record's item a contract field is read from, as the unit knows it."""
    source = rule.source
    if table is not None:
        column = _ROW_COLUMNS.get(source, source)
        if isinstance(source, tuple):
            # the alternative this table has (van_bang in 32.1, chung_chi in 32.3)
            columns = {c.key for c in form.TABLES[table][0].columns}
            column = next(key for key in source if key in columns)
        return _row_label(table, index, column)
    if source == m.SRC_KEY:
        source = m.key_field()
    if source == m.SRC_USING:
        source = "co_quan_su_dung"
    if source == m.SRC_MANAGING:
        source = "co_quan_quan_ly"
    if source == m.SRC_CATEGORY:
        return _("Category of staff (cán bộ, công chức, viên chức, người lao động)")
    if source in m.DERIVED:
        table_obj = form.TABLES[m.DERIVED[source][0]][0]
        return _item_label(table_obj.number, table_obj.title)
    field = form.FIELDS[source][0]
    return _item_label(form.ITEM_NUMBERS[source], field.label)


def _choices(catalog):
    key = catalog.split(":", 1)[1]
    if "." in key:
        table, column = key.split(".")
        field = next(c for c in form.TABLES[table][0].columns if c.key == column)
    else:
        field = form.FIELDS[key][0]
    return {code for code, _vi, _en in field.choices}


def _code_problem(checker, rule, code, context):
    """Why ``code`` is refused for ``rule``'s list, or None."""
    catalog = rule.catalog
    words = rule.code_list
    if catalog.startswith("choice:"):
        known = code in _choices(catalog)
    elif catalog == "org:categories":
        known = code in CATEGORIES
    elif catalog.startswith("steps:"):
        known = code in checker.steps(context.get(catalog.split(":", 1)[1]))
    else:
        entry = checker.catalog(catalog).get(code)
        known = entry is not None
        if known and not entry.is_valid_on(checker.on):
            return _("code %(code)s is not in force on %(day)s in the list of %(catalog)s",
                     code=code, day=checker.on.strftime("%d/%m/%Y"), catalog=words)
    if not known:
        return _("code %(code)s is not in the list of %(catalog)s", code=code, catalog=words)
    if m.national_code(rule, code, checker.maps) is None:
        return _("code %(code)s has no national code configured in the list of %(catalog)s",
                 code=code, catalog=words)
    return None


def _date_problem(raw):
    try:
        PartialDate.from_canonical(raw).first_day()
    except (TypeError, ValueError):
        return _("is not a date in the form yyyy, yyyymm or yyyymmdd")
    if not _CONTRACT_DATE.fullmatch(m.compact_date(raw)):
        return _("is not a date in the form yyyy, yyyymm or yyyymmdd")
    return None


def _unit_problem(unit, code=None):
    """Why a unit (or a code given for the sender) is refused, or None."""
    if unit is None and code is None:
        return _("the person's unit has no open employing unit at or above it")
    name = unit.name if unit is not None else code
    code = code if code is not None else unit.code
    if not code:
        return _("the unit %(unit)s has no identifier code", unit=name)
    try:
        parsed = codes.parse(code)
    except codes.CodeError as error:
        return _("the code %(code)s of %(unit)s is not in the form of QĐ 20/2020/QĐ-TTg: "
                 "%(reason)s", code=code, unit=name, reason=str(error))
    if parsed.form != codes.FORM_QD20:
        return _("the code %(code)s of %(unit)s is in the old 13-character form (QCVN "
                 "102:2016); the national database needs the form of QĐ 20/2020/QĐ-TTg",
                 code=code, unit=name)
    if parsed.depth > MAX_UNIT_LEVELS:
        return _("the code %(code)s of %(unit)s has more than four levels; the national "
                 "unit catalogs hold levels 1 to 4", code=code, unit=name)
    return None


def _check(checker, path, rule, raw, context, label, found):
    if raw in (None, ""):
        if rule.required:
            found.append(Problem(path, label(), _("required by the national database, but "
                                                  "empty")))
        return
    message = None
    if rule.convert == m.DATE:
        message = _date_problem(raw)
    elif rule.convert in (m.CODE, "degree") and rule.catalog:
        if rule.convert == "degree" and raw not in m.DEGREES:
            return
        message = _code_problem(checker, rule, raw, context)
    if message:
        found.append(Problem(path, label(), message))


def problems(version, checker=None, sender_code=None):
    """The reasons the receiver would refuse ``version``, field by field; [] when it
    would be accepted. ``sender_code`` as for ``mapping.message_for``."""
    checker = checker or Checker()
    content = records.read_content(version)
    employee = version.employee
    using, managing = checker.units.of(employee)
    found = []

    key = m.key_of(content)
    key_rule = m.THONGTINCHUNG.rules[0]
    key_path = "THONGTINCHUNG.SoHieuCBCCVC_BNDP"
    if not key:
        found.append(Problem(key_path, _label(key_rule),
                             _("required by the national database, but empty")))
    elif m.keyed_by_national_id() and not _NATIONAL_ID.fullmatch(key):
        # the number itself is never repeated
        found.append(Problem(key_path, _label(key_rule),
                             _("the personal identification number must be 12 digits")))

    for path, rule, unit in (("THONGTINCHUNG.MaDonviSuDung", m.THONGTINCHUNG.rules[1], using),
                             ("THONGTINCHUNG.MaDonViQuanLy", m.THONGTINCHUNG.rules[2],
                              managing)):
        message = _unit_problem(unit)
        if message:
            found.append(Problem(path, _label(rule), message))
    if sender_code is not None:
        # the default sender is the managing unit, checked above
        message = _unit_problem(None, sender_code) if sender_code else \
            _("required by the national database, but empty")
        if message:
            found.append(Problem("Header.Sender_Code", _("Sending agency"), message))

    fields = content["fields"]
    for section in m.SECTIONS:
        for rule in section.rules:
            if rule.source is None or rule.source in (m.SRC_KEY, m.SRC_USING, m.SRC_MANAGING):
                continue
            raw = m.raw_value(rule, content, None, {m.SRC_CATEGORY: employee.category})
            _check(checker, "%s.%s" % (section.name, rule.name), rule, raw, fields,
                   lambda rule=rule: _label(rule), found)
        for listing in section.lists + ((section.rows,) if section.rows else ()):
            prefix = section.name if listing is section.rows else "%s.%s" % (
                section.name, listing.name)
            counters = {}
            for number, (table, row) in enumerate(m.rows_of(listing, content)):
                index = counters[table] = counters.get(table, -1) + 1
                for rule in listing.rules:
                    if rule.source is None:
                        continue
                    raw = m.raw_value(rule, content, row, {})
                    if rule.source == m.ROW_EVALUATION and raw is None and \
                            (row.get("xep_loai_chuyen_mon") or "").strip():
                        found.append(Problem(
                            "%s[%d].%s" % (prefix, number, rule.name),
                            _label(rule, table, index),
                            _("“%(value)s” matches no level of the list of %(catalog)s",
                              value=row["xep_loai_chuyen_mon"].strip(),
                              catalog=rule.code_list)))
                        continue
                    _check(checker, "%s[%d].%s" % (prefix, number, rule.name), rule, raw, row,
                           lambda rule=rule, table=table, index=index: _label(rule, table,
                                                                              index), found)
    return found


def problems_many(versions, sender_code=None, on=None):
    """{version id: [Problem]} for a batch, each catalog read and each unit climbed once."""
    versions = list(versions)
    checker = Checker(on)
    checker.preload(versions)
    return {version.id: problems(version, checker, sender_code) for version in versions}
