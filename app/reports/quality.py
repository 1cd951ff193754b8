"""Data quality per unit (issue 18.5): Đúng, Đủ, Sạch, Sống.

Hà Nội's units sign a quarterly statement that their data is "Đúng – Đủ – Sạch – Sống"
(Điều 21.6 HN); Hải Phòng's units and Sở Nội vụ inspect the updating of the records
every month (Điều 12.3, 16.1e HP). For each person in service:

- **Đúng** (correct): the approved record passes the record's own validation
  (app/records/services.py: every value parses as its kind, the rows carry their
  required columns and run forwards, check_consistency's dates and contract rules);
- **Đủ** (complete): no required field or table of the form is empty
  (records.services.missing_required; a person without an approved record has none);
- **Sạch** (clean): no other record holds the same số định danh or CCCD number, nor the
  same name, birth date and sex ("one person twice"), and every coded value is a code of
  its catalog;
- **Sống** (alive): the record has an approved version, and no term of the profile runs
  late: a submitted version waiting past the approval window (app/approval/window.py), a
  change's draft not submitted within ``records.update_after_change_working_days``
  (app/records/deadlines.py), a transfer's step past its due day, a retirement not
  recorded within ``leavers.retirement_days``.

What depends on one record alone is checked when the reporting facts are written
(``quality_columns``, called by app/reports/services.py in the transaction of the change
and by the rebuild) and kept as typed columns of ``ReportFact`` (the counts and the
flags, what the scores count) and of ``ReportFactQuality`` beside it (the items' labels,
which only the drill-down reads, and the keys the duplicate check compares), never a
value. The duplicates are flags the same write keeps true for every row that shares a key
(``mark_duplicates``). Only the terms, which move with the calendar, are compared at read
time, against the last day of each term that has run out on the report's day, so that
every page is one grouped statement over the facts whatever the number of people.
"""
import datetime
import functools
import hashlib
import math
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, false, func, literal, or_, select, update

from app.approval import window
from app.audit import services as audit
from app.catalogs.models import Catalog, CatalogEntry
from app.core import clock, crypto
from app.core.exceptions import DomainError
from app.extensions import db
from app.leavers import services as leaver_services
from app.leavers.models import StatusChange
from app.org import services as org_services
from app.org.models import STATUS_RETIRED, Employee, Unit
from app.policy.profiles import rule_entry
from app.records import form, values
from app.records import services as records
from app.records.models import DRAFT, SUBMITTED, RecordVersion
from app.reports import statistics
from app.reports.models import ReportFact, ReportFactQuality
from app.security import roles, scope
from app.transfers.models import OPEN as TRANSFER_OPEN
from app.transfers.models import TransferCase, TransferStep
from app.workdays.services import due_for

CRITERIA = ("dung", "du", "sach", "song")
ANY = "any"      # the drill-down of the overall score: failing at least one criterion
# the official words (Điều 21.6 HN): Đúng, Đủ, Sạch, Sống
CRITERION_LABELS = {
    "dung": _l("Correct data"),
    "du": _l("Complete data"),
    "sach": _l("Clean data"),
    "song": _l("Up-to-date data"),
    ANY: _l("Passing all four"),
}
# the heading of the list of the people behind a number
PEOPLE_TITLES = {key: _l("Not meeting “%(criterion)s”", criterion=label)
                 for key, label in CRITERION_LABELS.items() if key != ANY}
PEOPLE_TITLES[ANY] = _l("Not meeting all four criteria")
CRITERION_HINTS = {
    "dung": _l("the approved record passes the record's validation"),
    "du": _l("every required field of the form is filled"),
    "sach": _l("no duplicate number or person, every code in its catalog"),
    "song": _l("an approved record, updated and approved within the province's deadlines"),
}
IN_SERVICE = ("dang_cong_tac", "biet_phai")
PAGE_SIZE = 50
ITEMS_LIMIT = 500
# how far back the last day of a term run out is looked for (a term is weeks long)
REACH_DAYS = 400


class QualityInvalid(DomainError):
    """A request the quality pages cannot answer (Vietnamese message)."""


# --- what one record says (written with the facts) -----------------------------------------

def _normal_name(name):
    return " ".join(unicodedata.normalize("NFC", name or "").casefold().split())


def match_key(name, birth_date, sex):
    """The digest of the normalised name, birth date and sex: two records with the same
    key are one person twice. None when one of the three is unknown."""
    name = _normal_name(name)
    if not name or birth_date is None or not sex:
        return None
    text = "%s|%s|%s" % (name, birth_date.isoformat(), sex)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _value_refused(field_, value):
    """Whether the record's validation refuses this stored value of ``field_`` (catalog
    codes are Sạch's: a code no catalog holds is an orphan)."""
    if not isinstance(value, str):
        return True
    return _text_refused(field_, value)


@functools.lru_cache(maxsize=65536)
def _text_refused(field_, value):
    # the same values recur across records ("2015-01", "Sở Nội vụ"): each is parsed once
    # per process (a field is a frozen dataclass, a key of its own)
    if field_.kind == form.CATALOG:
        return False
    if field_.kind == form.CHOICE:
        return value not in {key for key, _vi, _en in field_.choices}
    try:
        # the stored canonical value, displayed, is what an editor would submit again
        values.parse(field_, values.display(field_, value))
    except (ValueError, TypeError, AttributeError):
        return True
    return False


def _label(key):
    entry = form.FIELDS.get(key)
    if entry is not None:
        number = form.ITEM_NUMBERS.get(key)
        return "%s. %s" % (number, entry[0].label) if number else entry[0].label
    return records.label_of(key)


def _joined(labels):
    unique = list(dict.fromkeys(labels))
    text = "; ".join(unique)
    if len(text) > ITEMS_LIMIT:
        text = text[:ITEMS_LIMIT - 1].rsplit(";", 1)[0] + "…"
    return text or None


def invalid_keys(content):
    """The field and table keys of ``content`` (the whole record, canonical values) that
    the record's validation refuses, in the form's order."""
    errors = {}
    fields = content.get("fields") or {}
    for key, value in fields.items():
        entry = form.FIELDS.get(key)
        if entry is not None and _value_refused(entry[0], value):
            errors[key] = True
    for key, rows in (content.get("tables") or {}).items():
        entry = form.TABLES.get(key)
        if entry is None:
            continue
        table = entry[0]
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            errors[(key, 0, "")] = True
            continue
        columns = {column.key: column for column in table.columns}
        checked = []
        for index, row in enumerate(rows):
            bad = [name for name, value in row.items()
                   if name in columns and _value_refused(columns[name], value)]
            for name in bad:
                errors[(key, index, name)] = True
            if not bad:
                checked.append((index, row))
        records._check_rows(table, checked, errors)
    # check_consistency skips the values already refused (their keys are in errors)
    records.check_consistency({"fields": fields, "tables": content.get("tables") or {}},
                              errors)
    keys = {key if isinstance(key, str) else key[0] for key in errors}
    order = list(form.FIELDS) + list(form.TABLES)
    return sorted(keys, key=lambda key: order.index(key) if key in order else len(order))


def _coded(content):
    """[(label, catalog, code, shown)] of every catalog-coded value of the record."""
    found = []
    for key, value in (content.get("fields") or {}).items():
        entry = form.FIELDS.get(key)
        if entry is not None and entry[0].kind == form.CATALOG and isinstance(value, str):
            found.append((_label(key), entry[0].catalog, value,
                          entry[2] != form.SENSITIVE))
    for key, rows in (content.get("tables") or {}).items():
        entry = form.TABLES.get(key)
        if entry is None or not isinstance(rows, list):
            continue
        for column in entry[0].columns:
            if column.kind != form.CATALOG:
                continue
            for row in rows:
                value = row.get(column.key) if isinstance(row, dict) else None
                if isinstance(value, str):
                    found.append((records.label_of(key), column.catalog, value,
                                  entry[2] != form.SENSITIVE))
    return found


def _known_codes(connection, pairs):
    """The (catalog, code) pairs of ``pairs`` some catalog entry holds (retired or not:
    an old record keeps a retired code)."""
    if not pairs:
        return set()
    names = {catalog for catalog, _code in pairs}
    codes = {code for _catalog, code in pairs}
    rows = connection.execute(select(Catalog.name, CatalogEntry.code).join(
        Catalog, Catalog.id == CatalogEntry.catalog_id).where(
        Catalog.name.in_(sorted(names)), CatalogEntry.code.in_(sorted(codes))))
    return {(name, code) for name, code in rows}


def _province_day(moment):
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(clock.PROVINCE_TZ)
    return moment.date()


EMPTY = {"invalid_values": 0, "invalid_items": None, "missing_required": 0,
         "missing_items": None, "orphan_codes": 0, "orphan_items": None, "match_key": None,
         "id_hash": None, "cccd_hash": None, "duplicate_person": False,
         "duplicate_id": False, "approved_at": None, "submitted_on": None,
         "change_opened_on": None}


def quality_columns(connection, entries):
    """Add the quality columns to fact rows. ``entries``: [(row, approved content (clear
    part) or None, its encrypted part, its decision moment, the person's name, the
    person's số định danh hash)], each ``row`` a dict of ReportFact columns with
    ``employee_id``, ``category``, ``birth_date`` and ``sex``. Reads the catalogs and the
    open versions of these people through ``connection`` (two statements)."""
    if not entries:
        return
    wholes = {}
    pairs = set()
    for row, content, sensitive, _decided, _name, _hash in entries:
        if content is None:
            continue
        whole = records.empty_content()
        try:
            hidden = crypto.decrypt_json(sensitive)
        except crypto.DecryptionError:
            # not readable with the configured keys: what it holds counts as missing
            hidden = {}
        for part in (content or {}, hidden):
            whole["fields"].update(part.get("fields") or {})
            whole["tables"].update(part.get("tables") or {})
        wholes[row["employee_id"]] = whole
        pairs.update((catalog, code) for _word, catalog, code, _shown in _coded(whole))
    known = _known_codes(connection, pairs)
    opened = {}
    for employee_id, status, base_id, created_at, submitted_at in connection.execute(
            select(RecordVersion.employee_id, RecordVersion.status, RecordVersion.base_id,
                   RecordVersion.created_at, RecordVersion.submitted_at).where(
                RecordVersion.employee_id.in_([entry[0]["employee_id"] for entry in entries]),
                RecordVersion.status.in_((DRAFT, SUBMITTED)))):
        opened[employee_id] = (status, base_id, created_at, submitted_at)
    for row, content, _sensitive, decided_at, name, id_hash in entries:
        quality = dict(EMPTY)
        whole = wholes.get(row["employee_id"])
        quality["id_hash"] = id_hash
        if whole is None:
            # nothing approved: nothing is on record yet (Đủ and Sống fail)
            quality["missing_required"] = records.required_count(row["category"])
        else:
            bad = invalid_keys(whole)
            missing = records.missing_required(whole, row["category"])
            orphans = [(label, code, shown) for label, catalog, code, shown in _coded(whole)
                       if (catalog, code) not in known]
            quality.update(
                invalid_values=len(bad), invalid_items=_joined(_label(key) for key in bad),
                missing_required=len(missing),
                missing_items=_joined(("%s. %s" % (m.item, m.label)) if m.item else m.label
                                      for m in missing),
                orphan_codes=len(orphans),
                orphan_items=_joined(("%s: %s" % (label, code)) if shown else label
                                     for label, code, shown in orphans),
                approved_at=decided_at)
            name = whole["fields"].get("ho_ten") or name
            number = whole["fields"].get("so_cccd")
            if isinstance(number, str) and number:
                quality["cccd_hash"] = crypto.identity_hash(number)
        quality["match_key"] = match_key(name, row.get("birth_date"), row.get("sex"))
        status, base_id, created_at, submitted_at = opened.get(
            row["employee_id"], (None, None, None, None))
        if status == SUBMITTED:
            quality["submitted_on"] = _province_day(submitted_at or created_at)
        elif status == DRAFT and base_id is not None:
            quality["change_opened_on"] = _province_day(created_at)
        row.update(quality)


def keys_of(connection, employee_ids):
    """(match keys, identity hashes) the facts of these people hold now: a rewrite of
    their facts may end a duplicate they were part of."""
    matches, hashes = set(), set()
    q = ReportFactQuality.__table__.c
    for key, id_hash, cccd_hash in connection.execute(
            select(q.match_key, q.id_hash, q.cccd_hash).where(q.employee_id.in_(
                list(employee_ids)))):
        matches.add(key)
        hashes.update((id_hash, cccd_hash))
    return matches, hashes


def mark_duplicates(connection, before, rows, batch=1000):
    """Set the duplicate flags of every fact sharing a key with ``rows`` (the
    ReportFactQuality rows just written) or with what these people held ``before``
    (``keys_of``): one person twice (same match key), one number on two records (a số
    định danh or CCCD hash of one equal to either of another's). Only the facts whose
    flag changes are written (a rewritten row is a new row version in every index)."""
    matches, hashes = (set(part) for part in before)
    for row in rows:
        matches.add(row.get("match_key"))
        hashes.update((row.get("id_hash"), row.get("cccd_hash")))
    matches.discard(None)
    hashes.discard(None)
    facts = ReportFact.__table__
    keys = ReportFactQuality.__table__
    other = keys.alias("other_keys")
    twice = select(other.c.employee_id).where(
        other.c.match_key == keys.c.match_key,
        other.c.employee_id != keys.c.employee_id).exists()
    for chunk in _chunks(sorted(matches), batch):
        connection.execute(update(facts).where(
            keys.c.employee_id == facts.c.employee_id, keys.c.match_key.in_(chunk),
            facts.c.duplicate_person != twice).values(duplicate_person=twice))
    # one EXISTS per pair of columns, each an equality its index answers (an OR of the
    # four inside one subquery made PostgreSQL scan the table for every row)
    shared = or_(*[select(other.c.employee_id).where(
        other.c.employee_id != keys.c.employee_id, theirs == mine, mine.is_not(None)).exists()
        for mine in (keys.c.id_hash, keys.c.cccd_hash)
        for theirs in (other.c.id_hash, other.c.cccd_hash)])
    for chunk in _chunks(sorted(hashes), batch):
        connection.execute(update(facts).where(
            keys.c.employee_id == facts.c.employee_id,
            or_(keys.c.id_hash.in_(chunk), keys.c.cccd_hash.in_(chunk)),
            facts.c.duplicate_id != shared).values(duplicate_id=shared))


def catalogs_changed(session):
    """Whether the flush adds or changes a catalog entry: a code some record holds may
    have become a code of its catalog (or stopped being one)."""
    return any(isinstance(obj, CatalogEntry) for obj in list(session.new) + list(session.dirty))


def people_with_orphans(connection):
    """The people whose facts name a code no catalog held when they were written."""
    return set(connection.scalars(select(ReportFact.employee_id).where(
        ReportFact.orphan_codes > 0)))


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- the terms on the report's day -----------------------------------------------------------

def _last_late_day(on, due_of):
    """The last day D such that a term started on D has run out on ``on`` (its due day
    is before ``on``); every earlier start has too, as a later start is never due
    earlier. None when the rule sets no term."""
    day = on - datetime.timedelta(days=1)
    for _step in range(REACH_DAYS):
        due = due_of(day)
        if due is None:
            return None
        if due < on:
            return day
        day -= datetime.timedelta(days=1)
    return None


@dataclass(frozen=True)
class Terms:
    """The last days of the terms that have run out on ``on`` (None: no such term)."""
    on: datetime.date
    approval: datetime.date = None      # submitted on or before: waiting too long
    change: datetime.date = None        # a change's draft opened on or before: late
    retirement: datetime.date = None    # retired (last day) on or before: not recorded


def terms_on(on):
    """The profile's terms on ``on``: the approval window (Điều 5 HP, 7 ĐN, 8 VP, 7 HN),
    the update after a change (Điều 6.5 ĐN, 7.3 VP, 6.3 HN, 10.2.b ĐNg, NĐ 27/2026) and the
    retirement's status change (Điều 11.3.b ĐNg)."""
    approval = _last_late_day(on, window.due_on) if window.last_days() else None
    change_rule = rule_entry("records.update_after_change_working_days")
    change = _last_late_day(on, lambda day: due_for(day, change_rule)) \
        if change_rule.get("value") is not None else None
    retirement_rule = leaver_services.term_entry(leaver_services.TERM_RULES[STATUS_RETIRED])
    retirement = _last_late_day(
        on, lambda day: due_for(day + datetime.timedelta(days=1), retirement_rule)) \
        if retirement_rule and retirement_rule.get("value") is not None else None
    return Terms(on, approval, change, retirement)


def _song_parts(terms):
    """{reason key: condition} of the ways a person fails Sống on ``terms.on``."""
    f = ReportFact
    late_transfer = f.employee_id.in_(
        select(TransferCase.employee_id).join(
            TransferStep, TransferStep.case_id == TransferCase.id).where(
            TransferCase.state == TRANSFER_OPEN, TransferStep.done_at.is_(None),
            TransferStep.due_on < terms.on))
    # a departure on record (applied or waiting for its day): nothing left to record; one
    # hashed list of the few departures, not a probe per person
    recorded = f.employee_id.in_(select(StatusChange.employee_id).where(
        StatusChange.open_departure()))
    return {
        "no_record": f.version_id.is_(None),
        "late_approval": f.submitted_on <= terms.approval if terms.approval else false(),
        "late_change": f.change_opened_on <= terms.change if terms.change else false(),
        "late_transfer": late_transfer,
        "late_retirement": and_(f.retires_on <= terms.retirement, ~recorded)
        if terms.retirement else false(),
    }


def failing_conditions(terms):
    """{criterion: SQL condition "this person fails it"} on ``terms.on``."""
    f = ReportFact
    return {
        "dung": f.invalid_values > 0,
        "du": f.missing_required > 0,
        "sach": or_(f.duplicate_person.is_(True), f.duplicate_id.is_(True),
                    f.orphan_codes > 0),
        "song": or_(*_song_parts(terms).values()),
    }


# --- counting -----------------------------------------------------------------------------

def _percent(people, failing):
    # an empty unit has nothing wrong: 100 (vacuously every person passes)
    if not people:
        return 100.0
    return math.floor(1000.0 * (people - failing) / people) / 10.0


@dataclass
class QualityRow:
    label: str
    unit: Unit
    people: int = 0
    failing: dict = field(default_factory=lambda: dict.fromkeys(CRITERIA, 0))
    failing_any: int = 0

    @property
    def score(self):
        """{criterion: share of the people passing it, per cent (one decimal, rounded
        down: 99.99 % is not shown as 100)}."""
        return {key: _percent(self.people, self.failing[key]) for key in CRITERIA}

    @property
    def overall(self):
        """The share of the people passing all four criteria, per cent."""
        return _percent(self.people, self.failing_any)

    def add(self, other):
        self.people += other.people
        self.failing_any += other.failing_any
        for key in CRITERIA:
            self.failing[key] += other.failing[key]

    def as_dict(self):
        result = {"people": self.people}
        for key in CRITERIA:
            result[key] = {"failing": self.failing[key], "score": self.score[key]}
        result["overall"] = self.overall
        return result


@dataclass
class Quality:
    on: datetime.date
    unit: Unit
    rows: list
    totals: QualityRow


def _in_scope(actor, *columns):
    # (statistics.JOB_COUNT: the scheduled job's count of a unit's whole subtree)
    return statistics.restrict_facts(select(*columns).select_from(ReportFact), actor)


def _counts(actor, unit, children, terms):
    """{row key: QualityRow counts} of ``unit``'s subtree in one statement: the key is the
    id (text) of the child whose subtree holds the person, "" for the unit's own staff."""
    f = ReportFact
    conditions = failing_conditions(terms)
    level = unit.path.count("/") + 1
    if db.session.get_bind().dialect.name == "postgresql":
        # the path's element below the unit: one function, whatever the number of children
        key = func.split_part(f.unit_path, "/", level)
    elif children:
        key = case(*[(f.unit_path.startswith(child.path), literal(str(child.id)))
                     for child in children], else_=literal(""))
    else:
        key = literal("")
    columns = [key.label("row"), func.count().label("people")] + [
        func.count().filter(conditions[c]).label(c) for c in CRITERIA] + [
        func.count().filter(or_(*conditions.values())).label(ANY)]
    query = _in_scope(actor, *columns).where(f.unit_path.startswith(unit.path),
                                             f.status.in_(IN_SERVICE)).group_by(key)
    counted = {}
    for found in db.session.execute(query):
        row = QualityRow("", None, found.people,
                         {c: getattr(found, c) for c in CRITERIA}, getattr(found, ANY))
        counted[found.row or ""] = row
    return counted


def _children(unit):
    return list(db.session.scalars(select(Unit).where(
        Unit.parent_id == unit.id, Unit.valid_to.is_(None)).order_by(Unit.name)))


def unit_quality(actor, unit, on=None):
    """The scores of ``unit``'s subtree within the actor's scope: a row per open unit
    directly below it (each counting its whole subtree) and one for its own staff (the
    rows of statistics.breakdown), and the totals (their sum)."""
    on = on or clock.today()
    terms = terms_on(on)
    children = _children(unit)
    counted = _counts(actor, unit, children, terms)
    rows, known = [], {str(child.id) for child in children}
    for child in children:
        if not org_services.unit_in_scope(actor, "read", roles.REPORTS, child):
            # a unit outside the actor's scope is not shown (its people are not counted)
            continue
        row = QualityRow(child.name, child)
        if str(child.id) in counted:
            row.add(counted[str(child.id)])
        rows.append(row)
    own = QualityRow(str(_l("%(unit)s (its own staff)", unit=unit.name)), unit)
    for key, found in counted.items():
        if key not in known:
            # the unit's own staff, and anyone under a unit closed since (none should be)
            own.add(found)
    rows.append(own)
    totals = QualityRow(str(_l("Total")), unit)
    for row in rows:
        totals.add(row)
    return Quality(on, unit, rows, totals)


def statement(actor, unit, on=None):
    """The "Đúng–Đủ–Sạch–Sống" statement of ``unit``'s subtree (Điều 21.6 HN), as plain
    data: {"people": n, "dung": {"failing": n, "score": %}, …, "overall": %}."""
    return unit_quality(actor, unit, on).totals.as_dict()


def province_root():
    return db.session.scalar(select(Unit).where(
        Unit.parent_id.is_(None), Unit.valid_to.is_(None)).order_by(Unit.id).limit(1))


def may_inspect(actor):
    return bool(scope.user_scopes(actor, "inspect", roles.REPORTS))


@dataclass
class Ranking:
    on: datetime.date
    root: Unit
    rows: list            # QualityRow per reporting unit, worst first
    totals: QualityRow


def ranking(actor, on=None):
    """Every reporting unit (the open units directly under the province's root) with its
    scores, worst overall first, for Sở Nội vụ's inspection (Điều 16.1e HP); refused to
    an actor without REPORTS "inspect"."""
    if not may_inspect(actor):
        raise QualityInvalid(_("Only Sở Nội vụ inspects the units."))
    on = on or clock.today()
    root = province_root()
    if root is None:
        return Ranking(on, None, [], QualityRow(str(_l("Total")), None))
    terms = terms_on(on)
    children = _children(root)
    counted = _counts(actor, root, children, terms)
    rows = []
    totals = QualityRow(str(_l("Total")), root)
    for child in children:
        row = QualityRow(child.name, child)
        if str(child.id) in counted:
            row.add(counted[str(child.id)])
        rows.append(row)
        totals.add(row)
    rows.sort(key=lambda row: (row.overall, -row.people, row.label))
    return Ranking(on, root, rows, totals)


# --- the people behind a number ---------------------------------------------------------------

@dataclass
class Person:
    employee_id: int
    name: str
    unit_name: str
    reason: str


@dataclass
class PeoplePage:
    unit: Unit
    criterion: str
    items: list
    total: int
    page: int
    pages: int
    own: bool = False

    @property
    def title(self):
        return PEOPLE_TITLES[self.criterion]


def read_criterion(value):
    value = (value or ANY).strip()
    if value not in CRITERIA and value != ANY:
        raise QualityInvalid(_("Choose one of the criteria: Correct, Complete, Clean, "
                               "Up to date."))
    return value


def read_page(value):
    if value in (None, ""):
        return 1
    number = scope.as_id(value)
    if number is None:
        raise QualityInvalid(_("There is no such page."))
    return number


def _day(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _reasons(criterion, row):
    """The Vietnamese reasons one person fails ``criterion`` (all four for ANY)."""
    wanted = CRITERIA if criterion == ANY else (criterion,)
    found = []
    if "dung" in wanted and row.invalid_values:
        found.append(_("Values the validation refuses: %(items)s", items=row.invalid_items))
    if "du" in wanted and row.missing_required:
        if row.version_id is None:
            if criterion != ANY:        # Sống says it below
                found.append(_("No approved record yet: every required field is missing"))
        else:
            found.append(_("Required items missing: %(items)s", items=row.missing_items))
    if "sach" in wanted:
        if row.duplicate_id:
            found.append(_("The same identity number as another record"))
        if row.duplicate_person:
            found.append(_("The same name, birth date and sex as another record"))
        if row.orphan_codes:
            found.append(_("Codes not in their catalog: %(items)s", items=row.orphan_items))
    if "song" in wanted:
        if row.no_record:
            found.append(_("No approved record yet"))
        if row.late_approval:
            found.append(_("Waiting for approval past the approval window (submitted on "
                           "%(day)s)", day=_day(row.submitted_on)))
        if row.late_change:
            found.append(_("A change not completed and submitted within the deadline "
                           "(started on %(day)s)", day=_day(row.change_opened_on)))
        if row.late_transfer:
            found.append(_("A step of a transfer is overdue"))
        if row.late_retirement:
            found.append(_("The retirement is not recorded within the deadline"))
    return "; ".join(found)


def drill_down(actor, unit, criterion, page=1, on=None, own=False):
    """The people in service of ``unit``'s subtree (within the actor's scope; with
    ``own``, of its own staff only: the row "its own staff") who fail ``criterion``
    (ANY: at least one), by name, a page of PAGE_SIZE; each with the reason in
    Vietnamese. A unit outside the actor's scope is refused (QualityInvalid), as are an
    unknown criterion and a page past the last."""
    criterion = read_criterion(criterion)
    if unit is None or not org_services.unit_in_scope(actor, "read", roles.REPORTS, unit):
        raise QualityInvalid(_("Choose a unit of your scope."))
    if not isinstance(page, int) or page < 1:
        raise QualityInvalid(_("There is no such page."))
    terms = terms_on(on or clock.today())
    conditions = failing_conditions(terms)
    condition = or_(*conditions.values()) if criterion == ANY else conditions[criterion]
    f, labels = ReportFact, ReportFactQuality
    parts = _song_parts(terms)
    where = (f.unit_path == unit.path if own else f.unit_path.startswith(unit.path),
             f.status.in_(IN_SERVICE), condition)
    # the page and the number of them in one statement (one pass over the facts), then
    # the items' labels of the page's people from beside the facts
    paged = _in_scope(actor, f.employee_id, Employee.full_name, Unit.name.label("unit_name"),
                      f.version_id, f.invalid_values, f.missing_required, f.orphan_codes,
                      f.duplicate_person, f.duplicate_id, f.submitted_on, f.change_opened_on,
                      func.count().over().label("total"),
                      *[condition_.label(key) for key, condition_ in parts.items()]).join(
        Employee, Employee.id == f.employee_id).join(Unit, Unit.id == f.unit_id).where(
        *where).order_by(
        Employee.full_name, f.employee_id).limit(PAGE_SIZE).offset(
        (page - 1) * PAGE_SIZE).subquery("paged")
    query = select(paged, labels.invalid_items, labels.missing_items,
                   labels.orphan_items).outerjoin(
        labels, labels.employee_id == paged.c.employee_id).order_by(
        paged.c.full_name, paged.c.employee_id)
    found = db.session.execute(query).all()
    if not found and page > 1:
        # an empty page past the first lies past the last
        raise QualityInvalid(_("There is no such page."))
    total = found[0].total if found else 0
    pages = max(1, -(-total // PAGE_SIZE))
    items = [Person(row.employee_id, row.full_name, row.unit_name, _reasons(criterion, row))
             for row in found]
    return PeoplePage(unit, criterion, items, total, page, pages, own)


# --- the screens (audited: they count and list people in the actor's scope) --------------------

def unit_for(actor, value):
    """The unit the request names (the actor's root unit when it names none), or None
    when it names none the actor reads: a unit outside the scope is one that does not
    exist."""
    if value in (None, ""):
        scopes = scope.user_scopes(actor, "read", roles.REPORTS)
        if roles.SCOPE_PROVINCE in scopes or roles.SCOPE_SYSTEM in scopes:
            return province_root()
        return actor.unit
    unit_id = scope.as_id(value)
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not org_services.unit_in_scope(actor, "read", roles.REPORTS, unit):
        return None
    return unit


def quality_page(actor, unit):
    report = unit_quality(actor, unit)
    audit.record("reports.quality", object_type="ReportFact", actor=actor, unit_id=unit.id,
                 details={"unit_id": unit.id})
    return report


def drill_down_page(actor, unit, criterion, page=1, own=False):
    found = drill_down(actor, unit, criterion, page, own=own)
    audit.record("reports.quality_people", object_type="ReportFact", actor=actor,
                 unit_id=unit.id, details={"unit_id": unit.id, "criterion": found.criterion,
                                           "own": own, "page": found.page,
                                           "count": len(found.items)})
    return found


def inspection_page(actor):
    found = ranking(actor)
    audit.record("reports.inspection", object_type="ReportFact", actor=actor,
                 details={"units": len(found.rows)})
    return found
