"""Search over the people in the actor's scope (issue 18.2): any combination of criteria
on the reporting facts (app/reports/models.py), an age range and "retiring within N
months"; a page of results, the whole result as an Excel workbook, and the searches an
account saved under a name.

The criteria are the search page's GET parameters (a search is a bookmark):
``parse(actor, args)`` reads them, says what is wrong beside each field (nothing runs
then), and gives the SQL conditions. Every row read goes through
``scope.restrict(..., model=ReportFact)``: a unit outside the actor's scope is refused
as one that does not exist, and no result holds a row outside the scope. Every search
and export is audited with its criteria; the name typed is never written there.
"""
import datetime
import io
from dataclasses import dataclass, field

from flask import g, has_app_context
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import case, delete, false, func, or_, select, text
from sqlalchemy.exc import IntegrityError

from app.audit import services as audit
from app.catalogs.models import Catalog, CatalogEntry
from app.core import clock
from app.core.dates import add_months, parse_date, years_before
from app.core.text import fold
from app.extensions import db
from app.hiring.services import CATEGORY_LABELS
from app.org import services as org_services
from app.org.models import (
    CATEGORIES, STATUS_LABELS, STATUS_SECONDED, STATUS_WORKING, Employee, Unit,
)
from app.records.form import GENDERS
from app.reports.models import ReportFact, SavedSearch
from app.security import scope

PAGE = 50
PAGES_MAX = 10000
# The search page counts its matches up to this many and says "more than" beyond (the
# pager offers the pages up to it): a count stops at the first COUNT_CAP + 1 matches
# instead of reading every fact no index serves (a scan of the province's 200,000 rows).
# The printed list and the workbook count exactly.
COUNT_CAP = 10000
EXPORT_LIMIT = 50000
# the printed list's rows at most (more is a workbook's job)
PRINT_LIMIT = 1000
AGE_MIN, AGE_MAX = 0, 100
MONTHS_MAX = 120
TEXT_MAX = 100
NAME_MAX = 100
SAVED_MAX = 100          # saved searches per account
# who a search looks at unless told otherwise: the people in service
IN_SERVICE = (STATUS_WORKING, STATUS_SECONDED)
ANY = "any"
KINH = "01"              # dan_toc: Kinh (the others are the ethnic minorities)
NO_RELIGION = "00"       # ton_giao: Không
MINORITY = "minority"

# the criteria that name a catalog entry: parameter -> (catalogs, fact column)
CATALOG_CRITERIA = {
    "ethnicity": (("dan_toc",), ReportFact.ethnicity),
    "religion": (("ton_giao",), ReportFact.religion),
    "grade": (("ngach", "chuc_danh_nghe_nghiep"), ReportFact.grade_code),
    "education": (("trinh_do_chuyen_mon",), ReportFact.education),
    "political_theory": (("ly_luan_chinh_tri",), ReportFact.political_theory),
    "state_management": (("quan_ly_nha_nuoc",), ReportFact.state_management),
    "it_level": (("tin_hoc",), ReportFact.it_level),
    "language_level": (("ngoai_ngu",), ReportFact.language_level),
    "position": (("chuc_vu",), ReportFact.position),
}
MULTI = ("category", "status")
SINGLE = ("unit", "sex", "party", *CATALOG_CRITERIA, "job_position", "name", "age_from",
          "age_to", "retiring_months", "recruited_from", "recruited_to")
KEYS = MULTI + SINGLE
SEX_LABELS = {code: label for code, label, _english in GENDERS}


class SearchInvalid(Exception):
    """Bad criteria: ``errors`` {parameter: message}; nothing was run."""

    def __init__(self, errors, values):
        super().__init__(errors)
        self.errors, self.values = errors, values


@dataclass
class Criteria:
    values: dict                  # parameter -> text or list, only those given
    unit: Unit = None             # the unit whose subtree is searched (None: the scope)
    conditions: list = field(default_factory=list)

    def for_audit(self):
        """The criteria as the audit log keeps them: the name typed is not kept, only
        that one was."""
        kept = dict(self.values)
        if "name" in kept:
            kept["name"] = True
        return kept

    def query_args(self):
        """The criteria as the search page's parameters (for links)."""
        return dict(self.values)


# ------------------------------------------------------------------ options and words

# flask.g key: {catalog name: [(code, name)]} of every catalog the search names
_ENTRIES = "_reports_search_catalogs"


def _every_catalog():
    """The entries of every catalog the search names, retired ones included (a record
    may hold one), in code order: one statement per request."""
    if has_app_context() and _ENTRIES in g:
        return g.get(_ENTRIES)
    names = sorted({name for names, _column in CATALOG_CRITERIA.values() for name in names})
    found = {name: [] for name in names}
    for catalog, code, label in db.session.execute(
            select(Catalog.name, CatalogEntry.code, CatalogEntry.name).join(
                Catalog, Catalog.id == CatalogEntry.catalog_id).where(
                Catalog.name.in_(names)).order_by(CatalogEntry.code)):
        found[catalog].append((code, label))
    if has_app_context():
        setattr(g, _ENTRIES, found)
    return found


def _catalog_entries(names):
    """[(code, name)] of these catalogs, in code order within each."""
    every = _every_catalog()
    return [entry for name in names for entry in every.get(name, [])]


# flask.g key: options() of the request (the criteria's check and the form read it)
_OPTIONS = "_reports_search_options"


def options():
    """What the search form offers: {parameter: [(value, label)]}, made once per
    request."""
    if has_app_context() and _OPTIONS in g:
        return g.get(_OPTIONS)
    offered = {key: _catalog_entries(names) for key, (names, _column) in
               CATALOG_CRITERIA.items()}
    offered["ethnicity"].insert(0, (MINORITY, _("Ethnic minorities (not Kinh)")))
    offered["religion"].insert(0, (ANY, _("Any religion")))
    offered["category"] = [(code, str(CATEGORY_LABELS[code])) for code in CATEGORIES]
    offered["status"] = [(ANY, _("Any status"))] + [
        (code, str(label)) for code, label in STATUS_LABELS.items()]
    offered["sex"] = list(SEX_LABELS.items())
    offered["party"] = [("yes", _("Party members")), ("no", _("Not Party members"))]
    if has_app_context():
        setattr(g, _OPTIONS, offered)
    return offered


class Words:
    """Codes of the facts as words, each catalog read once and each word translated
    once (not once per row)."""

    def __init__(self):
        self._names = {}
        self._words = {}

    def catalog(self, key, code):
        if code in (None, ""):
            return ""
        if key not in self._names:
            self._names[key] = dict(_catalog_entries(CATALOG_CRITERIA[key][0]))
        return self._names[key].get(code, code)

    def _word(self, labels, code):
        key = (id(labels), code)
        if key not in self._words:
            self._words[key] = str(labels.get(code, code or ""))
        return self._words[key]

    def category(self, code):
        return self._word(CATEGORY_LABELS, code)

    def status(self, code):
        return self._word(STATUS_LABELS, code)

    @staticmethod
    def sex(code):
        return SEX_LABELS.get(code, code or "")


# ------------------------------------------------------------------ the criteria

def _given(args, key):
    if hasattr(args, "getlist"):
        items = args.getlist(key)
    else:
        value = args.get(key)
        items = value if isinstance(value, (list, tuple)) else [value]
    return [str(item).strip() for item in items if item is not None and str(item).strip()]


def raw_values(args):
    """{parameter: text, or list for the multiple ones} of what was given (empty left
    out), from request.args or a saved search's criteria."""
    values = {}
    for key in KEYS:
        items = _given(args, key)
        if not items:
            continue
        values[key] = sorted(set(items))[:20] if key in MULTI else items[0]
    return values


def _whole(text, low, high, message):
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(message)
    return int(text)


def parse(actor, args, today=None):
    """The criteria of ``args``; raises SearchInvalid (errors beside each field)."""
    today = today or clock.today()
    values = raw_values(args)
    errors, conditions = {}, []
    offered = options()
    unit = None

    def choice(key):
        value = values.get(key)
        if value is not None and value not in {code for code, _label in offered[key]}:
            errors[key] = _("Choose one of the listed values.")
            return None
        return value

    if "unit" in values:
        unit = scope.get_in_scope(Unit, values["unit"], actor, "read")
        if unit is None:
            # Out of scope and non-existent alike: a guessed id tells nothing.
            errors["unit"] = _("There is no such unit in your scope.")
        else:
            conditions.append(ReportFact.unit_path.startswith(unit.path))
    categories = values.get("category", [])
    if any(code not in CATEGORIES for code in categories):
        errors["category"] = _("Choose one of the listed values.")
    elif categories:
        conditions.append(ReportFact.category.in_(categories))
    statuses = values.get("status", [])
    if any(code != ANY and code not in STATUS_LABELS for code in statuses):
        errors["status"] = _("Choose one of the listed values.")
    elif not statuses:
        conditions.append(ReportFact.status.in_(IN_SERVICE))
    elif ANY not in statuses:
        conditions.append(ReportFact.status.in_(statuses))
    if choice("sex"):
        conditions.append(ReportFact.sex == values["sex"])
    party = choice("party")
    if party:
        conditions.append(ReportFact.party_member.is_(party == "yes"))
    for key, (_names, column) in CATALOG_CRITERIA.items():
        value = choice(key)
        if value is None:
            continue
        if key == "ethnicity" and value == MINORITY:
            conditions.append(column.is_not(None) & (column != KINH))
        elif key == "religion" and value == ANY:
            conditions.append(column.is_not(None) & (column != NO_RELIGION))
        else:
            conditions.append(column == value)
    for key in ("job_position", "name"):
        if len(values.get(key, "")) > TEXT_MAX:
            errors[key] = _("Write at most %(n)d characters.", n=TEXT_MAX)
    if values.get("job_position") and "job_position" not in errors:
        conditions.append(ReportFact.job_position.icontains(values["job_position"],
                                                            autoescape=True))
    if values.get("name") and "name" not in errors:
        conditions.append(Employee.search_name.contains(fold(values["name"]),
                                                        autoescape=True))
    ages = {}
    for key in ("age_from", "age_to"):
        if key in values:
            try:
                ages[key] = _whole(values[key], AGE_MIN, AGE_MAX, _(
                    "Write a whole number of years from %(low)d to %(high)d.",
                    low=AGE_MIN, high=AGE_MAX))
            except ValueError as exc:
                errors[key] = str(exc)
    if "age_from" in ages and "age_to" in ages and ages["age_from"] > ages["age_to"]:
        errors["age_to"] = _("The upper age is below the lower one.")
    elif not {"age_from", "age_to"} & set(errors):
        # age in whole years on today: at least A means born on or before today A years
        # ago; at most B means born after today B + 1 years ago
        if "age_from" in ages:
            conditions.append(ReportFact.birth_date <= years_before(today, ages["age_from"]))
        if "age_to" in ages:
            conditions.append(ReportFact.birth_date > years_before(today, ages["age_to"] + 1))
    if "retiring_months" in values:
        try:
            months = _whole(values["retiring_months"], 1, MONTHS_MAX, _(
                "Write a whole number of months from 1 to %(high)d.", high=MONTHS_MAX))
            # the retirement still to come, within N months of today
            conditions.append(ReportFact.retires_on >= today)
            conditions.append(ReportFact.retires_on <= add_months(today, months))
        except ValueError as exc:
            errors["retiring_months"] = str(exc)
    days = {}
    for key in ("recruited_from", "recruited_to"):
        if key in values:
            try:
                days[key] = parse_date(values[key])
            except ValueError:
                errors[key] = _("Write the date as dd/mm/yyyy.")
    if len(days) == 2 and days["recruited_from"] > days["recruited_to"]:
        errors["recruited_to"] = _("The last day is before the first one.")
    elif not {"recruited_from", "recruited_to"} & set(errors):
        if "recruited_from" in days:
            conditions.append(ReportFact.recruited_on >= days["recruited_from"])
        if "recruited_to" in days:
            conditions.append(ReportFact.recruited_on <= days["recruited_to"])
    if errors:
        raise SearchInvalid(errors, values)
    return Criteria(values=values, unit=unit, conditions=conditions)


# ------------------------------------------------------------------ the query

# Below this many matches a page sorts the matches by name; above it, it walks the people
# in name order (ix_employee_full_name_id) and keeps the matching ones, which finds a page
# after about (offset + limit) x people / matches of them. The two cost the same where
# matches² = (offset + limit) x people: about 3,000 for the first page of 200,000 people.
# PostgreSQL's planner walks for a few hundred matches too (it cannot know how far down
# the names they lie): 110 ms where sorting them takes 2 ms (bench/search_bench.py).
SORTED_BELOW = 3000


def _matching(actor, criteria, *columns, employee=True):
    query = select(*columns).select_from(ReportFact)
    if employee:
        query = query.join(Employee, Employee.id == ReportFact.employee_id)
    query = scope.restrict(query, actor, "read", model=ReportFact)
    return query.where(*criteria.conditions)


def count(actor, criteria, cap=None):
    """The number of matches; with ``cap``, at most ``cap + 1`` (more than ``cap``
    stops the count there)."""
    # every fact has its person (a foreign key): the join counts only for the name
    named = "name" in criteria.values
    if cap is None:
        return db.session.scalar(_matching(
            actor, criteria, func.count(ReportFact.employee_id), employee=named))
    first = _matching(actor, criteria, ReportFact.employee_id, employee=named).limit(
        cap + 1).subquery("first")
    return db.session.scalar(select(func.count()).select_from(first))


def _rows(actor, criteria, offset, limit, total=None):
    """[(fact, full name, unit name)] by name then id, ``limit`` from ``offset``;
    ``total`` (the count, when known) says whether to sort the matches first."""
    if total is not None and total <= SORTED_BELOW:
        named = "name" in criteria.values
        # each match's name by its key (a look-up per match, where a join would read
        # every person to hash them), unless the name is a criterion (joined then)
        name = Employee.full_name if named else select(Employee.full_name).where(
            Employee.id == ReportFact.employee_id).scalar_subquery()
        matches = _matching(actor, criteria, ReportFact.employee_id.label("id"),
                            name.label("name"), employee=named).cte(
            "matches").prefix_with("MATERIALIZED", dialect="postgresql")
        page = select(matches.c.id, matches.c.name).order_by(
            matches.c.name, matches.c.id).offset(offset).limit(limit).subquery("page")
        query = select(ReportFact, page.c.name, Unit.name).select_from(page).join(
            ReportFact, ReportFact.employee_id == page.c.id).join(
            Unit, Unit.id == ReportFact.unit_id).order_by(page.c.name, page.c.id)
        return db.session.execute(query).all()
    query = _matching(actor, criteria, ReportFact, Employee.full_name, Unit.name).join(
        Unit, Unit.id == ReportFact.unit_id).order_by(
        Employee.full_name, Employee.id).offset(offset).limit(limit)
    return db.session.execute(query).all()


@dataclass
class Row:
    employee_id: int
    full_name: str
    unit_name: str
    fact: ReportFact

    @property
    def birth_year(self):
        return self.fact.birth_date.year if self.fact.birth_date else None


@dataclass
class Page:
    rows: list
    total: int           # the matches, at most ``cap`` when ``more``
    page: int            # from 1
    more: bool = False   # more than ``total`` matches (the count stopped there)
    per_page: int = PAGE

    @property
    def pages(self):
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def total_text(self):
        """The number of matches with its thousands marked (10.000)."""
        return _thousands(self.total)


def _few(actor, criteria):
    """The ids of every match when there are at most SORTED_BELOW of them, else None: one
    pass over the facts that stops at the first SORTED_BELOW + 1 matches, so that a
    search with few matches reads the facts once (their count is their number), not
    once for the count and again for the page."""
    ids = list(db.session.scalars(_matching(
        actor, criteria, ReportFact.employee_id, employee="name" in criteria.values).limit(
        SORTED_BELOW + 1)))
    return ids if len(ids) <= SORTED_BELOW else None


def _few_or_count(actor, criteria, cap):
    """(ids, number): the ids of every match when there are at most SORTED_BELOW (and
    ``cap``) of them (else None), and their number up to ``cap + 1``, in one pass over
    the facts that stops at the first ``cap + 1`` matches (not one pass for the ids and
    another for the count)."""
    first = _matching(actor, criteria, ReportFact.employee_id,
                      employee="name" in criteria.values).limit(cap + 1).subquery("first")
    # one row: the number, and the ids only when they are few (not thousands of rows
    # sent to be thrown away); they are every match's only when the pass did not stop
    # at the cap
    below = min(SORTED_BELOW, cap)
    total, ids = db.session.execute(select(func.count(), case(
        (func.count() <= below, func.array_agg(first.c.employee_id))))).one()
    return (ids or [] if total <= below else None), total


def _rows_of(actor, criteria, ids, offset, limit):
    """[(fact, full name, unit name)] of these matches by name then id, ``limit`` from
    ``offset`` (each read by its key; the criteria and the scope checked again)."""
    if not ids:
        return []
    # the page's ids by name first (the narrow rows of the people), then only their
    # facts and units: not every match's fact and unit read to sort them
    page = select(Employee.id).where(Employee.id.in_(ids)).order_by(
        Employee.full_name, Employee.id).offset(offset).limit(limit).subquery("page")
    query = _matching(actor, criteria, ReportFact, Employee.full_name, Unit.name).join(
        Unit, Unit.id == ReportFact.unit_id).where(
        ReportFact.employee_id.in_(select(page.c.id))).order_by(
        Employee.full_name, Employee.id)
    return db.session.execute(query).all()


def _without_parallel_workers():
    """PostgreSQL: no parallel workers for the rest of the transaction. A page's reads
    stop early (a LIMIT, a capped count) or go by index, and starting the workers costs
    more than they save: the walk down the names took 43 ms with two of them and 8 ms
    without, a count 36 ms against 29 (bench/search_bench.py, 200,000 people)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def _page(actor, criteria, page, per_page, action, cap=None):
    """A page of the matches; with ``cap``, counted up to it (``more`` beyond it, and
    only the pages up to it are offered)."""
    _without_parallel_workers()
    if cap is None:
        few = _few(actor, criteria)
        total = len(few) if few is not None else count(actor, criteria)
    else:
        few, total = _few_or_count(actor, criteria, cap)
    more = cap is not None and total > cap
    if more:
        total = cap
        page = min(page, max((cap + per_page - 1) // per_page, 1))
    offset = (page - 1) * per_page
    if few is not None:
        found = _rows_of(actor, criteria, few, offset, per_page)
    else:
        # more than the cap: walk the names in order (an index), never sort the matches
        found = _rows(actor, criteria, offset, per_page, None if more else total)
    rows = [Row(fact.employee_id, name, unit_name, fact) for fact, name, unit_name in found]
    details = {"criteria": criteria.for_audit(), "page": page, "total": total}
    if more:
        details["more"] = True
    audit.record(action, object_type="ReportFact", actor=actor,
                 unit_id=criteria.unit.id if criteria.unit is not None else None,
                 details=details)
    return Page(rows, total, page, more, per_page)


def search_page(actor, criteria, page=1):
    """A page of the people matching ``criteria`` in the actor's scope, by name, with
    their number up to COUNT_CAP (``more`` beyond it); audited."""
    return _page(actor, criteria, min(max(page, 1), PAGES_MAX), PAGE, "reports.search",
                 cap=COUNT_CAP)


def print_list(actor, criteria):
    """The first PRINT_LIMIT people matching ``criteria``, for the printed list, with
    their exact number; audited."""
    return _page(actor, criteria, 1, PRINT_LIMIT, "reports.print")


# ------------------------------------------------------------------ the workbook

# The workbook is in Vietnamese whatever the screen's language, as the printed form
# (app/records/pdf.py): (heading, column width).
EXPORT_COLUMNS = (
    ("STT", 6), ("Họ và tên", 28), ("Đơn vị", 32), ("Loại", 18), ("Trạng thái", 16),
    ("Ngày sinh", 12), ("Giới tính", 9), ("Dân tộc", 12), ("Tôn giáo", 14),
    ("Đảng viên", 10), ("Ngạch/chức danh nghề nghiệp", 30), ("Bậc lương", 9),
    ("Hệ số lương", 10), ("Chức vụ", 22), ("Vị trí việc làm", 30),
    ("Trình độ chuyên môn", 18), ("Lý luận chính trị", 16), ("Quản lý nhà nước", 18),
    ("Tin học", 18), ("Ngoại ngữ", 22), ("Ngày tuyển dụng", 14), ("Ngày nghỉ hưu (dự kiến)", 14),
)
DATE_CELL_FORMAT = "DD/MM/YYYY"
SHEET_TITLE = "Danh sách"
TRUNCATED_NOTE = ("Chỉ xuất %(limit)s người đầu tiên (theo họ tên) trong %(total)s người tìm "
                  "thấy: hãy thu hẹp điều kiện tìm kiếm để xuất những người còn lại.")


def _thousands(number):
    return "{:,}".format(number).replace(",", ".")


def _export_values(index, row, words):
    fact = row.fact
    return [index, row.full_name, row.unit_name, words.category(fact.category),
            words.status(fact.status), fact.birth_date, words.sex(fact.sex),
            words.catalog("ethnicity", fact.ethnicity), words.catalog("religion", fact.religion),
            "Có" if fact.party_member else "Không", words.catalog("grade", fact.grade_code),
            fact.salary_step, float(fact.salary_coefficient)
            if fact.salary_coefficient is not None else None,
            words.catalog("position", fact.position), fact.job_position or "",
            words.catalog("education", fact.education),
            words.catalog("political_theory", fact.political_theory),
            words.catalog("state_management", fact.state_management),
            words.catalog("it_level", fact.it_level),
            words.catalog("language_level", fact.language_level),
            fact.recruited_on, fact.retires_on]


def export(actor, criteria, limit=EXPORT_LIMIT):
    """(xlsx bytes, total, written) of every person matching ``criteria`` in the actor's
    scope (at most ``limit``, with a note saying so), by name; audited with the
    criteria."""
    total = count(actor, criteria)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    for number, (_heading, width) in enumerate(EXPORT_COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    if total > limit:
        note = WriteOnlyCell(sheet, TRUNCATED_NOTE % {"limit": _thousands(limit),
                                                      "total": _thousands(total)})
        note.font = Font(bold=True, color="C00000")
        sheet.append([note])
    bold = Font(bold=True)
    headings = []
    for heading, _width in EXPORT_COLUMNS:
        cell = WriteOnlyCell(sheet, heading)
        cell.font = bold
        headings.append(cell)
    sheet.append(headings)
    words = Words()
    written = 0
    batch = 2000
    for offset in range(0, min(total, limit), batch):
        for fact, name, unit_name in _rows(actor, criteria, offset,
                                           min(batch, limit - offset), total):
            written += 1
            cells = []
            for value in _export_values(written, Row(fact.employee_id, name, unit_name, fact),
                                        words):
                cell = WriteOnlyCell(sheet, value)
                if isinstance(value, datetime.date):
                    cell.number_format = DATE_CELL_FORMAT
                cells.append(cell)
            sheet.append(cells)
    audit.record("reports.export", object_type="ReportFact", actor=actor,
                 unit_id=criteria.unit.id if criteria.unit is not None else None,
                 details={"criteria": criteria.for_audit(), "total": total, "rows": written})
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), total, written


# ------------------------------------------------------------------ saved searches

class SavedSearchInvalid(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def saved_searches(actor):
    """The actor's own saved searches, by name."""
    return list(db.session.scalars(select(SavedSearch).where(
        SavedSearch.account_id == actor.id).order_by(SavedSearch.name)))


def save_search(actor, name, args):
    """Save the criteria of ``args`` under ``name`` for the actor (the same name again
    replaces them); committed and audited. Raises SavedSearchInvalid or SearchInvalid."""
    name = " ".join((name or "").split())
    if not name:
        raise SavedSearchInvalid(_("Give the search a name."))
    if len(name) > NAME_MAX:
        raise SavedSearchInvalid(_("Write at most %(n)d characters.", n=NAME_MAX))
    criteria = parse(actor, args)
    saved = db.session.scalar(select(SavedSearch).where(
        SavedSearch.account_id == actor.id, SavedSearch.name == name))
    if saved is None:
        held = db.session.scalar(select(func.count(SavedSearch.id)).where(
            SavedSearch.account_id == actor.id))
        if held >= SAVED_MAX:
            raise SavedSearchInvalid(_("You have %(n)d saved searches: delete one first.",
                                       n=SAVED_MAX))
        saved = SavedSearch(account_id=actor.id, name=name, created_at=clock.now())
        db.session.add(saved)
    saved.criteria = criteria.values
    try:
        db.session.flush()
    except IntegrityError:      # the same name saved at the same moment
        db.session.rollback()
        raise SavedSearchInvalid(_("A search of this name was saved just now; try "
                                   "again.")) from None
    audit.record("reports.save_search", object_type="SavedSearch", object_id=saved.id,
                 actor=actor, details={"criteria": criteria.for_audit()})
    db.session.commit()
    return saved


def delete_search(actor, saved_id):
    """Delete one of the actor's own saved searches (someone else's is not found);
    returns whether one was. Committed and audited."""
    saved_id = scope.as_id(saved_id)
    if saved_id is None:
        return False
    deleted = db.session.execute(delete(SavedSearch).where(
        SavedSearch.id == saved_id, SavedSearch.account_id == actor.id)).rowcount
    if deleted:
        audit.record("reports.delete_search", object_type="SavedSearch", object_id=saved_id,
                     actor=actor)
    db.session.commit()
    return bool(deleted)


def every_unit_choice(actor):
    """[(id as text, name)] of every unit the actor reads, in tree order (two columns,
    not the 5,000 units of a province as objects): the unit lists of the breakdown, the
    overview and the data quality."""
    units = db.session.execute(scope.restrict(select(Unit.id, Unit.name), actor, "read",
                                              model=Unit).order_by(Unit.path))
    return [(str(unit_id), name) for unit_id, name in units]


# units found by name at once (the picker lists them; more asks for more of the name)
UNITS_FOUND = 20
UNITS_FIND_MIN = 2       # characters typed before a unit is looked up


def unit_choices(actor, chosen=None):
    """[(id as text, name)] of the units the search form lists without typing: the
    highest open units the actor reads and those directly below them, in tree order, and
    the ``chosen`` one (an id as given) when the actor reads it. Not the 5,000 units of a
    province (15 ms a page): any other is found by name (``find_units``)."""
    if scope.condition(Unit, actor, "read") is None:
        tops = Unit.parent_id.is_(None)          # the whole tree: its root
    elif actor.unit_id is not None:
        tops = Unit.id == actor.unit_id          # the actor's unit (and below it)
    else:
        tops = false()
    top_ids = select(Unit.id).where(tops, Unit.valid_to.is_(None))
    listed = (Unit.id.in_(top_ids) | Unit.parent_id.in_(top_ids)) & Unit.valid_to.is_(None)
    chosen_id = scope.as_id(chosen)
    if chosen_id is not None:
        listed = or_(listed, Unit.id == chosen_id)
    units = db.session.execute(scope.restrict(select(Unit.id, Unit.name), actor, "read",
                                              model=Unit).where(listed).order_by(Unit.path))
    return [(str(unit_id), name) for unit_id, name in units]


def find_units(actor, text):
    """(units, more): at most UNITS_FOUND open units the actor reads whose name (accents
    and case aside) or code matches ``text``, in tree order, each {"id", "name",
    "parent"} (the unit above it, when the actor reads that one too); ``more`` when there
    are others. Nothing for fewer than UNITS_FIND_MIN characters."""
    text = (text or "").strip()[:TEXT_MAX]
    if len(fold(text)) < UNITS_FIND_MIN:
        return [], False
    found = org_services.search_units(actor, text, limit=UNITS_FOUND + 1)
    more, found = len(found) > UNITS_FOUND, found[:UNITS_FOUND]
    parent_ids = {unit.parent_id for unit in found if unit.parent_id is not None}
    parents = dict(db.session.execute(scope.restrict(
        select(Unit.id, Unit.name), actor, "read", model=Unit).where(
        Unit.id.in_(sorted(parent_ids)))).all()) if parent_ids else {}
    return [{"id": str(unit.id), "name": unit.name, "parent": parents.get(unit.parent_id)}
            for unit in found], more
