"""What the home page shows: each role's work, one panel per kind of work.

The home page (app/application/home.py) is a list of panels, and a panel is one
function, a *provider*: ``provider(actor) -> Panel or None``. It returns None when
the actor's roles do not have that work (the panel is then not on the page), and
otherwise a Panel, with a count and the first ITEMS of it, even when the count is
0 (the role has that work; today there is none). A provider runs one statement or
a few, each scoped to the actor (``scope.restrict``) and bounded (a count and the
first ITEMS rows), so the page's statements do not grow with the work.

Add a panel by writing one function here and registering it::

    @provider
    def hiring_deadlines(actor):
        if not <the actor has this work>:
            return None
        count, first = <app.hiring's query>(actor, limit=ITEMS)
        return Panel("hiring", _("Hiring deadlines"), count,
                     [Item(name, "SomeView.page", {"pk": pk}, day=due) for ...],
                     link=Link("SomeView.index", {}, _("All deadlines")),
                     empty=_("No deadline is due."))

The registry keeps the order of registration (``provider(order=...)`` places a
panel elsewhere). The application layer sits on top (docs/architecture.md): it may
import every domain, none of them imports it.
"""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.approval import services as approval
from app.approval import window
from app.approval.models import STEP_SO_NOI_VU, STEP_UNIT, Approval
from app.core.dates import format_date
from app.core.deadlines import OVERDUE
from app.deadlines import services as deadlines
from app.extensions import db

from app.notify.models import Notice
from app.org.models import STATUS_WORKING, Employee
from app.records import queries as record_queries
from app.records import services as records
from app.records.models import APPROVED, DRAFT, RecordVersion
from app.security import roles, scope

# how many of a panel's things it lists (its count says how many there are)
ITEMS = 5


@dataclass
class Link:
    endpoint: str
    args: dict
    label: str


@dataclass
class Item:
    text: str
    endpoint: str
    args: dict
    detail: str = ""             # a line under the text (a reason)
    day: object = None           # a date or a moment, shown dd/mm/yyyy
    warning: bool = False        # overdue, rejected: shown in the warning colour


@dataclass
class Panel:
    key: str                     # the panel's element id is "home-<key>"
    title: str
    count: int
    items: list
    link: Link = None            # where the work is done
    empty: str = ""              # said when the count is 0
    notes: list = field(default_factory=list)   # lines above the list (the window)

    @property
    def more(self):
        return max(self.count - len(self.items), 0)


# [(order, provider)], in the page's order
_PROVIDERS = []


def provider(function=None, order=None):
    """Register a panel's provider (a decorator, bare or with ``order``); registering
    one twice keeps one."""
    def register(fn):
        if all(existing is not fn for _order, existing in _PROVIDERS):
            _PROVIDERS.append((len(_PROVIDERS) * 10 if order is None else order, fn))
            _PROVIDERS.sort(key=lambda entry: entry[0])
        return fn

    return register(function) if function is not None else register


def providers():
    return [fn for _order, fn in _PROVIDERS]


def home_page(actor):
    """The actor's panels, in the registry's order (none for a visitor)."""
    if not getattr(actor, "is_authenticated", False):
        return []
    return [panel for panel in (fn(actor) for fn in providers()) if panel is not None]


def _count_and_first(query, order_by, limit=ITEMS):
    """(how many rows ``query`` has, its first ``limit`` rows by ``order_by``): two
    statements."""
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    first = db.session.execute(query.order_by(*order_by).limit(limit)).all() if count else []
    return count, first


# --- everyone: the deadlines the actor must meet or chase ----------------------------------

@provider(order=3)
def deadlines_due(actor):
    """The terms running for the actor's people (app/deadlines), overdue first; for a
    person without the board, only when one of their own runs."""
    today, pairs = deadlines.of(actor)
    board = bool(scope.user_scopes(actor, "read", roles.DEADLINES))
    if not pairs and not board:
        return None
    items = [Item("%s · %s" % (deadline.what, deadline.employee_name), deadline.endpoint,
                  deadline.args, detail=deadline.cite, day=deadline.due_on,
                  warning=state == OVERDUE) for state, deadline in pairs[:ITEMS]]
    return Panel("deadlines-due", _("Deadlines"), len(pairs), items,
                 link=Link("DeadlineView.index", {}, _("All deadlines")) if board else None,
                 empty=_("No deadline is running."))


# --- the head, the delegate, Sở Nội vụ: versions to approve ---------------------------------

def _window_notes():
    current = window.current()
    if current is None:
        return [_("The province profile sets no monthly approval period: changes are "
                  "approved as they come.")]
    if window.in_window():
        return [_("The approval period is open: %(start)s – %(end)s.",
                  start=format_date(current.start), end=format_date(current.end))]
    return [_("This month's approval period: %(start)s – %(end)s.",
              start=format_date(current.start), end=format_date(current.end))]


@provider
def to_approve(actor):
    """The submitted versions the actor approves as head or delegate
    (approval.services.queue: who approves what is worked out there, once per
    employing unit)."""
    # no approver under the profile (the da_nang model): nothing ever waits for one
    if not scope.user_scopes(actor, "approve", roles.APPROVAL) or \
            not records.approval_required():
        return None
    entries = approval.queue(actor)
    items = [Item(entry.version.employee.full_name, "ApprovalView.review",
                  {"pk": entry.version.id}, day=entry.version.submitted_at,
                  detail=_("Overdue") if entry.overdue else "", warning=entry.overdue)
             for entry in entries[:ITEMS]]
    return Panel("approve", _("Waiting for my approval"), len(entries), items,
                 link=Link("ApprovalView.index", {}, _("Open the approval queue")),
                 empty=_("Nothing waits for your approval."), notes=_window_notes())


@provider
def second_step(actor):
    """Sở Nội vụ's second step: versions the unit approved that it has not signed
    (as approval.services.queue(second_step=True) finds them, counted and bounded)."""
    if not (scope.user_scopes(actor, "second_step", roles.APPROVAL)
            and approval.second_step_required()):
        return None
    signed = select(Approval.version_id).where(Approval.step == STEP_SO_NOI_VU)
    query = scope.restrict(
        select(RecordVersion.id, Employee.full_name, RecordVersion.decided_at)
        .join(Approval, (Approval.version_id == RecordVersion.id) & (Approval.step == STEP_UNIT))
        .join(Employee, Employee.id == RecordVersion.employee_id)
        .where(RecordVersion.status == APPROVED, RecordVersion.id.not_in(signed)),
        actor, "read", model=Employee)
    count, first = _count_and_first(query, (RecordVersion.decided_at, RecordVersion.id))
    items = [Item(name, "ApprovalView.review", {"pk": pk}, day=decided)
             for pk, name, decided in first]
    return Panel("second-step", _("Approved by the units, waiting for Sở Nội vụ"), count,
                 items, link=Link("ApprovalView.index", {}, _("Open the approval queue")),
                 empty=_("Nothing waits for your approval."), notes=_window_notes())


# --- the person: a rejected change to correct, a draft not submitted ----------------------

@provider
def my_record(actor):
    """The actor's own record, when they write it: the rejected change to correct
    and the draft not yet submitted."""
    if not scope.user_scopes(actor, "write", roles.RECORD):
        return None
    me = records.own_employee(actor)
    if me is None:
        return None
    items = []
    rejected = records.last_rejected(me)
    if rejected is not None:
        items.append(Item(_("Version %(n)d was rejected:", n=rejected.number),
                          "RecordView.person", {"pk": me.id}, detail=rejected.reason or "",
                          day=rejected.decided_at, warning=True))
    draft = records.open_version(me)
    if draft is not None and draft.status == DRAFT:
        items.append(Item(_("Your draft (version %(n)d) is not submitted yet.",
                            n=draft.number), "RecordView.person", {"pk": me.id},
                          day=draft.updated_at))
    return Panel("my-record", _("My record"), len(items), items,
                 link=Link("RecordView.person", {"pk": me.id}, _("Open my record")),
                 empty=_("Nothing to correct or submit in your record."))


# --- the unit's data officer: incomplete records, accounts to create ----------------------

def _unit_people(actor, condition):
    return scope.restrict(select(Employee.id, Employee.full_name).where(condition), actor,
                          "read", model=Employee)


@provider
def incomplete_records(actor):
    """The officer's people whose record is not complete (no version, or the latest
    below 100 %), as the records list filtered by ``incomplete`` shows them."""
    if not scope.user_scopes(actor, "write", roles.RECORD) - {roles.SCOPE_OWN}:
        return None
    count, first = _count_and_first(_unit_people(actor, record_queries.incomplete_record()),
                                    (Employee.full_name, Employee.id))
    items = [Item(name, "RecordView.person", {"pk": pk}) for pk, name in first]
    return Panel("incomplete", _("Records not yet complete"), count, items,
                 link=Link("RecordView.index", {"incomplete": 1}, _("See the list")),
                 empty=_("Every record of your units is complete."))


@provider
def accounts_to_create(actor):
    """The working people in the actor's scope with no account, for whoever creates
    personal accounts under the province's profile (the unit's officer, or Sở Nội vụ)."""
    if not scope.user_scopes(actor, "create_personal", roles.ACCOUNT):
        return None
    count, first = _count_and_first(
        _unit_people(actor, Employee.account_id.is_(None) & (Employee.status == STATUS_WORKING)),
        (Employee.full_name, Employee.id))
    # the person's account page makes the account and links it (app/hiring)
    items = [Item(name, "HiringView.person_account", {"pk": pk}) for pk, name in first]
    return Panel("accounts", _("People without an account"), count, items,
                 link=Link("HiringView.index", {}, _("Hiring")),
                 empty=_("Everyone working in your units has an account."))


# --- the technical administration: no personal data -----------------------------------------

@provider
def failed_mail(actor):
    """How many notices' mail failed (the list says to which account and why)."""
    if roles.SCOPE_SYSTEM not in scope.user_scopes(actor, "read_failed_mail", roles.NOTICE):
        return None
    count = db.session.scalar(select(func.count(Notice.id))
                              .where(Notice.mail_error.is_not(None)))
    return Panel("failed-mail", _("Mail that could not be sent"), count, [],
                 link=Link("FailedMailView.index", {}, _("See the failed mail")),
                 empty=_("No mail failed."))
