"""The quantity and quality breakdown of the statutory yearly report (Điều 11 HP: "tổng
số CBCCVC, người lao động hiện có được chia theo ngạch công chức, chức danh nghề nghiệp
viên chức, vị trí việc làm"), in the columns of BM01/BNV and BM02/BNV (TT 11/2012/TT-BNV;
../shared/data-standards.md §6.1), counted over the reporting facts.

One statement per report: a row per unit directly below the chosen one (each counting its
whole subtree) and the chosen unit's own staff, each column a ``count(*) FILTER (WHERE
…)``; the totals are the sum of the rows (every person is in exactly one row).
"""
import datetime
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import and_, case, false, func, literal, select

from app.audit import services as audit
from app.catalogs import services as catalogs
from app.core import clock
from app.core.dates import years_before
from app.extensions import db
from app.org import services as org_services
from app.hiring.services import CATEGORY_LABELS
from app.org.models import STATUS_SECONDED, STATUS_WORKING, Unit
from app.reports.models import ReportFact
from app.security import roles, scope

IN_SERVICE = (STATUS_WORKING, STATUS_SECONDED)
KINH, NO_RELIGION = "01", "00"
# BM01's age bands (years on the report's day); "above" is past the retirement age
AGE_BANDS = ((None, 30), (31, 40), (41, 50), (51, 60))


@dataclass
class Column:
    key: str
    label: object
    group: object = ""
    condition: object = field(default=None, repr=False)


@dataclass
class Breakdown:
    on: datetime.date
    unit: Unit
    columns: list
    rows: list            # [(label, unit or None, {key: count})]
    totals: dict


class _JobCount:
    """The scheduled job's own count (``JOB_COUNT``): a unit's statutory report compiled
    on its date with nobody signed in (app/reports/statutory.py compile_draft). Not a
    user: no permission holds for it, and only ``restrict_facts`` knows it."""

    def __repr__(self):
        return "JOB_COUNT"


JOB_COUNT = _JobCount()


def restrict_facts(query, actor):
    """``query`` of ReportFact narrowed to the actor's scope; for ``JOB_COUNT`` the query
    as it is: every count of a report is already bounded to one unit's subtree, the
    whole of which the unit reports."""
    if actor is JOB_COUNT:
        return query
    return scope.restrict(query, actor, "read", model=ReportFact)


def grade_groups(on):
    """{group name: [grade codes]} of the ngạch catalog (its attrs.group), and
    {hạng: [codes]} of the chức danh nghề nghiệp catalog (attrs.hang)."""
    ngach, hang = {}, {}
    for entry in catalogs.entries("ngach", on=on, include_retired=True):
        ngach.setdefault((entry.attrs or {}).get("group") or "", []).append(entry.code)
    for entry in catalogs.entries("chuc_danh_nghe_nghiep", on=on, include_retired=True):
        level = (entry.attrs or {}).get("hang")
        if level:
            hang.setdefault(level, []).append(entry.code)
    return ngach, hang


GRADE_GROUPS = [
    ("cvcc", _l("Senior principal and equivalent"), "Chuyên viên cao cấp & tương đương"),
    ("cvc", _l("Principal and equivalent"), "Chuyên viên chính & tương đương"),
    ("cv", _l("Officer and equivalent"), "Chuyên viên & tương đương"),
    ("cs", _l("Junior officer and equivalent"), "Cán sự & tương đương"),
    ("nv", _l("Staff"), "Nhân viên"),
]


def columns(on):
    """The report's columns, in BM01's order (hạng I–IV for viên chức beside the ngạch)."""
    f = ReportFact
    ngach, hang = grade_groups(on)
    cols = [Column("total", _l("Total")),
            Column("female", _l("Women"), _l("Of whom"), f.sex == "nu"),
            Column("party", _l("Party members"), _l("Of whom"), f.party_member.is_(True)),
            Column("minority", _l("Ethnic minorities"), _l("Of whom"),
                   and_(f.ethnicity.is_not(None), f.ethnicity != KINH)),
            Column("religion", _l("With a religion"), _l("Of whom"),
                   and_(f.religion.is_not(None), f.religion != NO_RELIGION))]
    for key, label, group in GRADE_GROUPS:
        codes = ngach.get(group, [])
        cols.append(Column("grade_" + key, label, _l("By grade"),
                           f.grade_code.in_(codes) if codes else false()))
    for level in ("I", "II", "III", "IV"):
        codes = hang.get(level, [])
        cols.append(Column("rank_" + level, _l("Rank %(rank)s", rank=level),
                           _l("By professional title"),
                           f.grade_code.in_(codes) if codes else false()))
    for code, label in (("TS", _l("Doctorate")), ("THS", _l("Master")),
                        ("DH", _l("University")), ("CD", _l("College")),
                        ("TC", _l("Intermediate")), ("SC", _l("Elementary"))):
        condition = f.education.in_(("TS", "TSKH")) if code == "TS" else f.education == code
        cols.append(Column("edu_" + code, label, _l("Professional education"), condition))
    for code, label in (("CN", _l("Bachelor")), ("CC", _l("Advanced")),
                        ("TC", _l("Intermediate")), ("SC", _l("Elementary"))):
        cols.append(Column("llct_" + code, label, _l("Political theory"),
                           f.political_theory == code))
    for code, label in (("CVCC", _l("Senior principal")), ("CVC", _l("Principal")),
                        ("CV", _l("Officer"))):
        cols.append(Column("qlnn_" + code, label, _l("State management"),
                           f.state_management == code))
    for code, label in (("TCTL", _l("Intermediate or above")), ("CC", _l("Certificate"))):
        cols.append(Column("it_" + code, label, _l("Information technology"),
                           f.it_level == code))
    for code, label in (("TA_DH", _l("English: university or above")),
                        ("TA_CC", _l("English: certificate")),
                        ("NNK_DH", _l("Other language: university or above")),
                        ("NNK_CC", _l("Other language: certificate")),
                        ("TDT_CC", _l("Ethnic-minority language certificate"))):
        cols.append(Column("lang_" + code, label, _l("Languages"), f.language_level == code))
    for low, high in AGE_BANDS:
        key = "age_%s_%s" % (low or 0, high)
        label = _l("Up to %(high)d", high=high) if low is None else \
            _l("%(low)d to %(high)d", low=low, high=high)
        # born after the day they turn high + 1, and (from the second band) on or before
        # the day they turn low
        condition = f.birth_date > years_before(on, high + 1)
        if low is not None:
            condition = and_(condition, f.birth_date <= years_before(on, low))
        cols.append(Column(key, label, _l("Age"), condition))
    cols.append(Column("age_over", _l("Past the retirement age"), _l("Age"),
                       and_(f.retires_on.is_not(None), f.retires_on < on)))
    return cols


def children_of(unit):
    return list(db.session.scalars(select(Unit).where(
        Unit.parent_id == unit.id, Unit.valid_to.is_(None)).order_by(Unit.name)))


def breakdown(actor, unit, category=None, on=None):
    """The report for ``unit``'s subtree (within the actor's scope), of the people in
    service, optionally of one category; returns a Breakdown."""
    on = on or clock.today()
    cols = columns(on)
    children = children_of(unit)
    f = ReportFact
    # which row a person counts in: the child whose subtree holds them, else the unit
    # itself (its own staff)
    row_key = case(*[(f.unit_path.startswith(child.path), literal(child.id))
                     for child in children], else_=literal(unit.id)) if children \
        else literal(unit.id)
    selected = [row_key.label("row")] + [
        (func.count() if c.condition is None else func.count().filter(c.condition)).label(
            c.key) for c in cols]
    query = restrict_facts(select(*selected), actor).where(
        f.unit_path.startswith(unit.path), f.status.in_(IN_SERVICE))
    if category:
        query = query.where(f.category == category)
    if children:
        query = query.group_by(row_key)
    # (a leaf unit has one row: no GROUP BY, whose bound integer PostgreSQL would read as
    # a column's position)
    counted = {row.row: row._mapping for row in db.session.execute(query)}
    rows = []
    for target, label in [(child, child.name) for child in children] + [
            (unit, _l("%(unit)s (its own staff)", unit=unit.name))]:
        found = counted.get(target.id)
        rows.append((label, target, {c.key: (found[c.key] if found else 0) for c in cols}))
    totals = {c.key: sum(row[2][c.key] for row in rows) for c in cols}
    return Breakdown(on, unit, cols, rows, totals)


# --- the screen and its workbook ------------------------------------------------------------

class BreakdownInvalid(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _root_of(actor):
    """The unit a report opens on: the province for a province-wide role, else the
    actor's unit."""
    scopes = scope.user_scopes(actor, "read", roles.REPORTS)
    if roles.SCOPE_PROVINCE in scopes or roles.SCOPE_SYSTEM in scopes:
        return db.session.scalar(select(Unit).where(
            Unit.parent_id.is_(None), Unit.valid_to.is_(None)).order_by(Unit.id).limit(1))
    return actor.unit


def read_request(actor, args):
    """(unit, category) of the screen's parameters; BreakdownInvalid with a Vietnamese
    message per field. A unit outside the actor's scope is answered as one that does not
    exist."""
    errors, unit = {}, None
    unit_id = args.get("unit") or ""
    if unit_id:
        unit = db.session.get(Unit, scope.as_id(unit_id)) if scope.as_id(unit_id) else None
        if unit is None or not org_services.unit_in_scope(actor, "read", roles.REPORTS, unit):
            errors["unit"] = _("Choose a unit of your scope.")
            unit = None
    else:
        unit = _root_of(actor)
    category = args.get("category") or None
    if category and category not in CATEGORY_LABELS:
        errors["category"] = _("Choose a category from the list.")
    if errors:
        raise BreakdownInvalid(errors)
    return unit, category


def category_choices():
    return [(code, str(label)) for code, label in CATEGORY_LABELS.items()]


def breakdown_page(actor, unit, category=None):
    """``breakdown`` for the screen, audited (it counts people in the actor's scope)."""
    report = breakdown(actor, unit, category)
    audit.record("reports.breakdown", object_type="ReportFact", actor=actor, unit_id=unit.id,
                 details={"unit_id": unit.id, "category": category})
    return report


def groups(report):
    """[(group label, how many columns)] for the table's first header row."""
    found = []
    for column in report.columns:
        label = str(column.group)
        if found and found[-1][0] == label:
            found[-1][1] += 1
        else:
            found.append([label, 1])
    return found


def breakdown_xlsx(actor, unit, category=None):
    """The report as a workbook (Vietnamese headers, a row per unit, the totals), audited;
    returns (bytes, file name)."""
    report = breakdown(actor, unit, category)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    bold = Font(bold=True)
    sheet.append([_("Quantity and quality of the staff of %(unit)s on %(day)s",
                    unit=unit.name, day=report.on.strftime("%d/%m/%Y"))])
    sheet.append([_("Category: %(category)s", category=CATEGORY_LABELS[category])
                  if category else _("All categories")])
    header_groups = [_("Unit")]
    header_columns = [""]
    for column in report.columns:
        header_groups.append(str(column.group))
        header_columns.append(str(column.label))
    sheet.append(header_groups)
    sheet.append(header_columns)
    for row in (3, 4):
        for cell in sheet[row]:
            cell.font = bold
    for label, _unit, counts in report.rows:
        sheet.append([str(label)] + [counts[c.key] for c in report.columns])
    sheet.append([_("Total")] + [report.totals[c.key] for c in report.columns])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record("reports.breakdown_export", object_type="ReportFact", actor=actor,
                 unit_id=unit.id, details={"unit_id": unit.id, "category": category})
    return buffer.getvalue(), "bao-cao-so-luong-chat-luong-%s.xlsx" % report.on.strftime(
        "%d-%m-%Y")
