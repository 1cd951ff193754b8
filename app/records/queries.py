"""What the record screens read, built in one call per page.

Views call these and render what they return; they run no query themselves
(tests/test_views_run_no_queries.py). Reads are audited here, in the same
transaction as the page, and committed with it.

The approval layer sits above the records (docs/architecture.md), so what the
person's page shows of approvals and signed copies comes through the hooks
below, which app.approval registers at start-up: the records never import it.
"""
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.core.text import fold
from app.core.transactions import commit_read
from app.extensions import db
from app.org.models import STATUS_LABELS, STATUS_WORKING, Employee, Unit
from app.records import attachments, form, self_service, services
from app.records.models import APPROVED, REJECTED, RecordVersion, SelfServiceWindow
from app.security import scope

PAGE_SIZE = 50
# a search the planner expects to match more people than this walks the name index
# (_people_matching): matches that many are found on every page of names, while
# finding and sorting them all costs about a millisecond per thousand
DENSE_MATCHES = 20000
# how many units and people the self-service form offers to choose from
CHOICES_LIMIT = 500

# functions (actor, employee, approved version or None, open version or None) ->
# {template name: value}, merged into the person's page (app.approval adds its panel)
_PERSON_PANELS = []
# the signed copies of records, kept by app.approval: {"latest": employee -> export or
# None, "content_of": export -> PDF bytes}
_SIGNED_COPIES = {}


def add_person_panel(panel):
    """Register a panel of the person's page (a higher layer's part of it)."""
    if panel not in _PERSON_PANELS:
        _PERSON_PANELS.append(panel)


def use_signed_copies(latest, content_of):
    """Register where the record's signed copies come from."""
    _SIGNED_COPIES.update(latest=latest, content_of=content_of)


# the state of an approved version whose approval is not complete yet: its unit approved
# it, and the profile wants a further signature (app.approval: Sở Nội vụ's second step)
UNIT_APPROVED = "unit_approved"
# a function (versions) -> {version id: state, e.g. UNIT_APPROVED} for the versions whose
# status a higher layer qualifies, in one statement for them all (app.approval registers it)
_VERSION_STATES = {}


def use_version_states(states):
    """Register what qualifies a version's status beyond its own column."""
    _VERSION_STATES["states"] = states


def version_states(versions):
    """{version id: state} for those of ``versions`` (None skipped) whose status a
    higher layer qualifies; empty when nothing registered or nothing to ask about."""
    states = _VERSION_STATES.get("states")
    versions = [version for version in versions if version is not None]
    return states(versions) if states and versions else {}


def latest_signed_copy(employee):
    """The record's last signed copy, or None (also when nothing signs copies)."""
    latest = _SIGNED_COPIES.get("latest")
    return latest(employee) if latest else None


def signed_copy_content(export):
    return _SIGNED_COPIES["content_of"](export)


def incomplete_record():
    """The SQL condition "this person is working and their record is not complete":
    no version yet, or a latest version (a discarded draft is history) below 100 %,
    as the list shows it. The home page's panel counts them and links to the list
    filtered by it."""
    latest = select(RecordVersion.completeness).where(
        RecordVersion.employee_id == Employee.id,
        RecordVersion.status != services.DISCARDED) \
        .order_by(RecordVersion.number.desc()).limit(1).correlate(Employee).scalar_subquery()
    return (Employee.status == STATUS_WORKING) & (func.coalesce(latest, 0) < 100)


def people_page(actor, text, page, incomplete=False):
    """The people in the actor's scope matching ``text`` (accents and case ignored,
    in the database), one page by name, each with their latest version; with
    ``incomplete``, only the working people whose record is not complete.

    Returns ([(employee, latest version or None)], whether more pages follow).
    """
    query = scope.restrict(select(Employee), actor, "read", model=Employee)
    if incomplete:
        query = query.where(incomplete_record())
    offset, wanted = (page - 1) * PAGE_SIZE, PAGE_SIZE + 1
    if text:
        people = _people_matching(query, fold(text), offset, wanted)
    else:
        people = db.session.scalars(query.options(selectinload(Employee.unit)).order_by(
            Employee.full_name, Employee.id).limit(wanted).offset(offset)).all()
    shown = people[:PAGE_SIZE]
    # each person's latest version, for this page's people only (a discarded draft is
    # history, not the record's state)
    latest = select(RecordVersion.employee_id, func.max(RecordVersion.number).label("n")) \
        .where(RecordVersion.employee_id.in_([person.id for person in shown]),
               RecordVersion.status != services.DISCARDED) \
        .group_by(RecordVersion.employee_id).subquery()
    versions = {version.employee_id: version for version in db.session.scalars(
        select(RecordVersion).join(latest, (latest.c.employee_id == RecordVersion.employee_id)
                                   & (latest.c.n == RecordVersion.number)))}
    services.audit_list(searched=bool(text), page=page)
    commit_read()
    return [(person, versions.get(person.id)) for person in shown], len(people) > PAGE_SIZE


def list_page(actor, text, page, incomplete=False):
    """The unit's list (``people_page``) with the status words of its versions, looked
    up once for the page."""
    rows, more = people_page(actor, text, page, incomplete=incomplete)
    # a leaver stays in the list, marked with their status (app/leavers: the archive)
    return {"rows": rows, "more": more, "working": STATUS_WORKING,
            "status_labels": STATUS_LABELS,
            "states": version_states(version for _person, version in rows)}


def _people_matching(query, folded, offset, wanted):
    """``wanted`` people of ``query`` whose name contains ``folded``, from ``offset`` in
    the order of names (then ids).

    Left alone, PostgreSQL's planner walks the name index and filters, expecting the
    matches spread over the alphabet. A fragment found in most names ("an", "anh")
    is, and the walk finds a page at once; a surname's matches are not: "nguyen"
    walks past 90,000 names before the first Nguyễn, "vu" or "dang" past more (50-120
    ms on bench.generate's province). So unless the planner expects more than
    DENSE_MATCHES matches, the matches are found first, by the trigram index (the
    MATERIALIZED CTE keeps the planner from walking the name index), and only they
    are sorted: the time grows with the number of matches, not with where they sort
    ("nguyen" province-wide about 9 ms, a full name in a Sở 3-4 ms). Either way the
    page is the first matches by name, then id.
    """
    matching = query.where(Employee.search_name.contains(folded, autoescape=True))
    if db.session.get_bind().dialect.name == "postgresql" \
            and _estimated_rows(matching) <= DENSE_MATCHES:
        matches = matching.with_only_columns(Employee.id, Employee.full_name) \
            .cte("matches").prefix_with("MATERIALIZED")
        page = select(matches.c.id).order_by(matches.c.full_name, matches.c.id) \
            .limit(wanted).offset(offset).subquery()
        matching = select(Employee).join(page, page.c.id == Employee.id)
    else:
        matching = matching.limit(wanted).offset(offset)
    return db.session.scalars(matching.options(selectinload(Employee.unit))
                              .order_by(Employee.full_name, Employee.id)).all()


def _estimated_rows(statement):
    """PostgreSQL's estimate of the rows ``statement`` returns (EXPLAIN: planned, not
    run; well under a millisecond)."""
    compiled = statement.compile(dialect=db.session.get_bind().dialect)
    plan = db.session.connection().exec_driver_sql(
        "EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params).scalar()
    return plan[0]["Plan"]["Plan Rows"]


@dataclass
class PersonPage:
    """What the person's page shows, and what the viewer may do there."""

    employee: object
    version: object          # the open version (draft or submitted), or None
    approved: object         # the last approved version, or None
    shown: object            # the open version, else the approved one
    content: dict
    rejected: object
    changes: list            # the open version against the approved one
    versions: list
    documents: list
    missing: list
    completeness: int
    sections: list
    may_write: bool
    may_enter_decisions: bool
    panels: dict             # what the higher layers add (approval: verdicts, signing)
    states: dict = field(default_factory=dict)   # version_states of the versions

    def context(self):
        values = {name: getattr(self, name) for name in self.__dataclass_fields__
                  if name != "panels"}
        values.update(self.panels)
        return values


def person_page(actor, employee):
    """Everything the person's page shows, its permission flags included; the read
    is audited and committed."""
    # the record's versions, newest first, in one statement: its open one, its last
    # approved one and a rejected latest one are among them
    versions = services.versions_of(employee)
    open_version = next((version for version in versions if version.is_open), None)
    approved = next((version for version in versions if version.status == APPROVED), None)
    rejected = versions[0] if versions and versions[0].status == REJECTED else None
    shown = open_version or approved
    content = services.read_content(shown)
    may_write = scope.allows(actor, "write", employee)
    panels = {}
    for panel in _PERSON_PANELS:
        panels.update(panel(actor, employee, approved, open_version))
    page = PersonPage(
        employee=employee, version=open_version, approved=approved, shown=shown,
        content=content, rejected=rejected,
        changes=services.diff(services.read_content(approved), content)
        if open_version is not None else [],
        versions=versions,
        documents=attachments.of_versions([open_version, approved]),
        missing=services.missing_required(content, employee.category),
        completeness=services.completeness(content, employee.category),
        sections=form.sections_for(employee.category), may_write=may_write,
        may_enter_decisions=may_write
        and services.actor_kind(actor, employee) == services.OFFICER,
        panels=panels, states=version_states(versions))
    if shown is not None:
        services.audit_read(shown, "record.read")
    commit_read()
    return page


def record_page(actor, employee):
    """The whole record on one page, read-only: the version the section pages show
    (the open one, else the last approved one), its content, the form's items for
    the person's category and the last signed copy. The read is audited like a
    section's and committed."""
    version = services.open_version(employee)
    shown = version or services.approved_version(employee)
    content = services.read_content(shown)
    page = {"employee": employee, "version": version, "shown": shown, "content": content,
            "header": form.HEADER, "sections": form.sections_for(employee.category),
            "completeness": services.completeness(content, employee.category),
            "signed_copy": latest_signed_copy(employee), "states": version_states([shown])}
    if shown is not None:
        services.audit_read(shown, "record.read")
    commit_read()
    return page


def version_pair(actor, employee, older_id, newer_id):
    """Two versions of one record, the older first, or None unless both are its own."""
    chosen = [scope.get_in_scope(RecordVersion, pk, actor) for pk in (older_id, newer_id)]
    if any(version is None or version.employee_id != employee.id for version in chosen):
        return None
    return sorted(chosen, key=lambda version: version.number)


def self_service_page(actor):
    """The units and people the officer may open self-service to, and the windows."""
    units = db.session.scalars(scope.restrict(
        select(Unit).where(Unit.valid_to.is_(None)), actor, "read", model=Unit)
        .order_by(Unit.path).limit(CHOICES_LIMIT)).all()
    people = db.session.scalars(scope.restrict(select(Employee), actor, "read", model=Employee)
                                .order_by(Employee.full_name, Employee.id)
                                .limit(CHOICES_LIMIT)).all()
    return {"units": units, "people": people,
            "windows": self_service.windows_in_scope(actor),
            "groups": self_service.person_groups()}


def window_in_scope(actor, window_id):
    """A self-service window the actor may close, or None."""
    return scope.get_in_scope(SelfServiceWindow, window_id, actor, "self_service")


def unit_in_scope(actor, unit_id):
    """A unit the actor reads, or None (self-service opens to units in scope only;
    the service checks the officer's right on it)."""
    return scope.get_in_scope(Unit, unit_id, actor, "read")
