"""The dashboard of a scope (issue 18.3): head-count by category and by unit, the age
pyramid by sex, trình độ, ngạch groups, the retirements of the coming twelve months and
the records' completeness, each a small table that the page also draws as bars (inline
SVG, rendered here: no script, no CDN, it works offline and prints).

The panels are three GROUP BYs over the reporting facts in the actor's scope, whatever
the number of people: one for the category, pyramid, education, ngạch and completeness
panels together, one each for the units and the retirements."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, literal, select

from app.audit import services as audit
from app.core import clock
from app.core.dates import add_months, years_before
from app.extensions import db
from app.hiring.services import CATEGORY_LABELS
from app.reports import statistics
from app.reports.models import ReportFact
from app.security import scope

AGE_STEP = 5                  # the pyramid's bands: 20-24, 25-29, …
AGE_FIRST, AGE_LAST = 20, 64
MONTHS_AHEAD = 12
COMPLETENESS_BANDS = ((0, 49), (50, 79), (80, 99), (100, 100))


@dataclass
class Bar:
    label: str
    value: int
    second: int = None        # the pyramid's women beside its men

    def share(self, largest):
        return 0 if not largest else self.value / largest


@dataclass
class Panel:
    key: str
    title: object
    bars: list
    headers: tuple = ()

    @property
    def largest(self):
        return max([b.value for b in self.bars] + [b.second or 0 for b in self.bars] + [0])

    @property
    def total(self):
        return sum(b.value + (b.second or 0) for b in self.bars)


def _in_scope(actor, unit, *columns):
    query = scope.restrict(select(*columns).select_from(ReportFact), actor, "read",
                           model=ReportFact).where(
        ReportFact.unit_path.startswith(unit.path),
        ReportFact.status.in_(statistics.IN_SERVICE))
    return query


CIVIL_SERVANTS = ("cong_chuc", "can_bo", "cbcc_cap_xa")
EDUCATION_LABELS = [("TSKH", _l("Doctor of Science")), ("TS", _l("Doctorate")),
                    ("THS", _l("Master")), ("DH", _l("University")), ("CD", _l("College")),
                    ("TC", _l("Intermediate")), ("SC", _l("Elementary"))]


def _age_band(on):
    """A CASE giving each person's band start (AGE_FIRST, +5, …), or -1 outside."""
    whens = []
    for start in range(AGE_FIRST, AGE_LAST + 1, AGE_STEP):
        latest = years_before(on, start)              # at least ``start`` years old
        earliest = years_before(on, start + AGE_STEP)  # not yet start + 5
        whens.append(((ReportFact.birth_date <= latest) & (ReportFact.birth_date > earliest),
                      literal(start)))
    return case(*whens, else_=literal(-1))


def _grade_group(on):
    """A CASE giving a civil servant's ngạch group key (GRADE_GROUPS) or "other"; NULL
    for the other categories (the panel counts civil servants only)."""
    ngach, _hang = statistics.grade_groups(on)
    group_of = case(*[(ReportFact.grade_code.in_(ngach.get(group, ["-"])), literal(key))
                      for key, _label, group in statistics.GRADE_GROUPS],
                    else_=literal("other"))
    return case((ReportFact.category.in_(CIVIL_SERVANTS), group_of), else_=None)


def _completeness_band():
    """A CASE giving the approved record's band start (COMPLETENESS_BANDS), NULL when
    nothing is approved."""
    return case(*[((ReportFact.completeness >= low) & (ReportFact.completeness <= high),
                   literal(low)) for low, high in COMPLETENESS_BANDS], else_=None)


# the positions in a key of _counts
CATEGORY, SEX, BAND, EDUCATION, GRADE, COMPLETE = range(6)


def _counts(actor, unit, on):
    """{(category, sex, age band, education, ngạch group, completeness band): (people,
    of whom with an approved record)} of the scope: the category, pyramid, education,
    ngạch and completeness panels come out of this one GROUP BY (a few thousand groups),
    which reads the facts once where a statement per panel read them five times, and
    the completeness joined every approved version (the overview of 200,000 people:
    bench/search_bench.py)."""
    keys = (ReportFact.category, ReportFact.sex, _age_band(on), ReportFact.education,
            _grade_group(on), _completeness_band())
    return {tuple(row[:-2]): (row[-2], row[-1]) for row in db.session.execute(
        _in_scope(actor, unit, *keys, func.count(), func.count(ReportFact.version_id))
        .group_by(*keys))}


def _summed(counts, position, keep=lambda key: True):
    """{value at ``position`` of the key: people} over the keys ``keep`` accepts."""
    found = {}
    for key, (people, _recorded) in counts.items():
        if keep(key):
            found[key[position]] = found.get(key[position], 0) + people
    return found


def _by_category(counts):
    rows = _summed(counts, CATEGORY)
    return Panel("category", _l("People by category"), [
        Bar(str(label), rows.get(code, 0)) for code, label in CATEGORY_LABELS.items()
        if rows.get(code)])


def _by_unit(actor, unit):
    """People by child unit: counted per unit path (one group per unit, a cheap key where
    cutting each person's path to the child's id costs a function per row), then each
    path given to the child whose subtree holds it; a path below no current child (a
    closed one) counts as the unit's own."""
    children = statistics.children_of(unit)
    ids = {str(child.id): child.id for child in children}
    rows = {}
    for path, people in db.session.execute(_in_scope(actor, unit, ReportFact.unit_path,
                                                     func.count())
                                           .group_by(ReportFact.unit_path)):
        row = ids.get(path[len(unit.path):].split("/", 1)[0], unit.id)
        rows[row] = rows.get(row, 0) + people
    bars = [Bar(child.name, rows.get(child.id, 0)) for child in children]
    if rows.get(unit.id):
        bars.append(Bar(str(_l("%(unit)s (its own staff)", unit=unit.name)), rows[unit.id]))
    bars.sort(key=lambda bar: -bar.value)
    return Panel("unit", _l("People by unit"), bars)


def _pyramid(counts):
    pairs = {}
    for key, (people, _recorded) in counts.items():
        pairs[key[BAND], key[SEX]] = pairs.get((key[BAND], key[SEX]), 0) + people
    bars = [Bar("%d–%d" % (start, start + AGE_STEP - 1), pairs.get((start, "nam"), 0),
                pairs.get((start, "nu"), 0))
            for start in range(AGE_LAST - AGE_STEP + 1, AGE_FIRST - 1, -AGE_STEP)]
    return Panel("pyramid", _l("Age pyramid"), bars, headers=(_l("Men"), _l("Women")))


def _by_education(counts):
    rows = _summed(counts, EDUCATION)
    labels = EDUCATION_LABELS
    bars = [Bar(str(label), rows.get(code, 0)) for code, label in labels if rows.get(code)]
    unknown = sum(n for code, n in rows.items() if code not in dict(labels))
    if unknown:
        bars.append(Bar(str(_l("Not stated")), unknown))
    return Panel("education", _l("Professional education"), bars)


def _by_grade_group(counts):
    rows = _summed(counts, GRADE, keep=lambda key: key[CATEGORY] in CIVIL_SERVANTS)
    bars = [Bar(str(label), rows.get(key, 0)) for key, label, _group in
            statistics.GRADE_GROUPS if rows.get(key)]
    return Panel("grade", _l("Civil servants by grade group"), bars)


def _retirements(actor, unit, on):
    first = on.replace(day=1)
    last = add_months(first, MONTHS_AHEAD)
    month = func.extract("year", ReportFact.retires_on) * 100 + \
        func.extract("month", ReportFact.retires_on)
    rows = dict(db.session.execute(_in_scope(actor, unit, month, func.count()).where(
        ReportFact.retires_on >= on, ReportFact.retires_on < last).group_by(month)).all())
    bars = []
    for index in range(MONTHS_AHEAD):
        day = add_months(first, index)
        bars.append(Bar(day.strftime("%m/%Y"), int(rows.get(day.year * 100 + day.month, 0))))
    return Panel("retirements", _l("Retirements in the next 12 months (Nghị định 135/2020)"),
                 bars)


def _completeness(counts):
    rows = _summed(counts, COMPLETE)
    without = sum(people - recorded for people, recorded in counts.values())
    bars = [Bar("%d%%" % low if low == high else "%d–%d%%" % (low, high), rows.get(low, 0))
            for low, high in COMPLETENESS_BANDS]
    bars.append(Bar(str(_l("No approved record yet")), without or 0))
    return Panel("completeness", _l("Completeness of the approved records"), bars)


def dashboard(actor, unit):
    """The panels for ``unit``'s subtree within the actor's scope, audited."""
    on = clock.today()
    counts = _counts(actor, unit, on)
    panels = [_by_category(counts), _by_unit(actor, unit), _pyramid(counts),
              _by_education(counts), _by_grade_group(counts),
              _retirements(actor, unit, on), _completeness(counts)]
    audit.record("reports.dashboard", object_type="ReportFact", actor=actor, unit_id=unit.id,
                 details={"unit_id": unit.id})
    return on, panels
