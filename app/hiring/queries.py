"""What the hiring screens read (views run no query of their own)."""
from dataclasses import dataclass

from flask import before_render_template
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from app.accounts.models import KIND_PERSONAL, STATUS_REVOKED, Account
from app.audit import services as audit
from app.catalogs import services as catalogs
from app.core.dates import SERVER_LOCAL, in_province_time
from app.extensions import db
from app.hiring import services
from app.hiring.models import FROM_ACCOUNT, Hiring
from app.records.models import DRAFT, RecordVersion
from app.org.models import STATUS_WORKING, Employee, Unit
from app.org import services as org_services
from app.security import roles, scope
from app.workdays import services as workdays

PAGE = 50


def hire_unit_choices(actor):
    """[(id as text, name)]: the open units the actor may hire into, in tree order."""
    units = db.session.scalars(scope.restrict(select(Unit), actor, "read", model=Unit)
                               .where(Unit.valid_to.is_(None)).order_by(Unit.path))
    return [(str(unit.id), unit.name) for unit in units if services.may_hire_into(actor, unit)]


def grade_choices():
    """{catalog: [(code, "code – name")]} of today's ngạch and chức danh nghề nghiệp."""
    return {name: [(entry.code, "%s – %s" % (entry.code, entry.name))
                   for entry in catalogs.entries(name)]
            for name in ("ngach", "chuc_danh_nghe_nghiep")}


@dataclass
class HiringRow:
    hiring: Hiring
    employee: Employee
    account: Account


def recent_hirings(actor, page=0):
    """The hirings in the actor's scope, newest first, with person and account; audited."""
    query = scope.restrict(select(Hiring), actor, "read", model=Hiring).options(
        joinedload(Hiring.employee).joinedload(Employee.unit)).order_by(
        Hiring.entered_at.desc(), Hiring.id.desc()).offset(page * PAGE).limit(PAGE + 1)
    hirings = list(db.session.scalars(query).unique())
    account_ids = [h.employee.account_id for h in hirings if h.employee.account_id]
    accounts = {account.id: account for account in db.session.scalars(
        select(Account).where(Account.id.in_(account_ids)))} if account_ids else {}
    audit.record("hiring.list", object_type="Hiring", actor=actor, details={"page": page})
    rows = [HiringRow(h, h.employee, accounts.get(h.employee.account_id))
            for h in hirings[:PAGE]]
    return rows, len(hirings) > PAGE


def linkable_person(actor, employee_id):
    """The person whose account the actor may link, make or unlink; None when there is
    no such person or it lies outside the actor's scope."""
    employee = db.session.get(Employee, scope.as_id(employee_id) or 0)
    if employee is None or not services.may_link(actor) or not org_services.unit_in_scope(
            actor, "link", roles.HIRING, employee.unit):
        return None
    return employee


def person_for_accounts(actor, employee_id):
    """The person whose account the actor would link, make or unlink, with the hiring
    and the unlinked personal accounts of the person's unit; None outside scope.
    Audited (the page shows who the person is and how they were hired)."""
    employee = linkable_person(actor, employee_id)
    if employee is None:
        return None
    hiring = db.session.scalar(select(Hiring).where(Hiring.employee_id == employee.id))
    account = db.session.get(Account, employee.account_id) if employee.account_id else None
    linked = select(Employee.account_id).where(Employee.account_id.is_not(None))
    free = list(db.session.scalars(select(Account).where(
        Account.unit_id == employee.unit_id, Account.kind == KIND_PERSONAL,
        Account.status != STATUS_REVOKED, Account.id.not_in(linked))
        .order_by(Account.username).limit(200)))
    audit.record("hiring.read", employee, unit_id=employee.unit_id, actor=actor,
                 details={"employee_id": employee.id})
    return {"employee": employee, "hiring": hiring, "account": account, "free": free,
            "makes_accounts": services.makes_accounts(actor, employee.unit)}


def people_without_account(actor, limit=PAGE):
    """Working people in the actor's link scope who have no account (accounts to make),
    the first ``limit`` in the order they were entered."""
    query = scope.restrict(select(Employee), actor, "read", model=Employee).where(
        Employee.account_id.is_(None), Employee.status == STATUS_WORKING)
    people = list(db.session.scalars(query.options(joinedload(Employee.unit))
                                     .order_by(Employee.id).limit(limit)))
    return people


def account_by_id(account_id):
    return db.session.get(Account, scope.as_id(account_id) or 0)


def may_read(actor):
    return bool(scope.user_scopes(actor, "read", roles.HIRING))


def first_entry_term_text(hiring):
    """The profile's term for the first entry, in words (empty when it sets none)."""
    if hiring.first_entry_term_days is None:
        return ""
    if hiring.first_entry_term_from == FROM_ACCOUNT:
        return _("First entry of the record within %(n)d working days of getting the "
                 "account", n=hiring.first_entry_term_days)
    return _("First entry of the record within %(n)d working days of the decision",
             n=hiring.first_entry_term_days)


# --- the terms' due dates (the working-day calendar, app/workdays) ---------------------------

@dataclass
class Term:
    """One of the profile's terms stored with a hiring, dated by the calendar."""
    text: str                    # the term in words ("… within 5 working days of …")
    cite: str                    # the article
    due: object = None           # its last day; None while it cannot run yet
    overdue: bool = False        # past its last day and not met
    met_on: object = None        # the day it was met (the account's making), if known
    waiting: str = ""            # why there is no date yet
    start: object = None         # the day it runs from (the decision's, the account's)


def account_day(account):
    """The day the account was made, in the province (FAB writes created_on in the
    server's local time)."""
    if account is None or account.created_on is None:
        return None
    return in_province_time(account.created_on, naive=SERVER_LOCAL).date()


def _dated(text, cite, days, counted_from, hiring, account, today):
    start = account_day(account) if counted_from == FROM_ACCOUNT else hiring.decision_date
    if start is None:
        return Term(text, cite, waiting=_("from when the account is made"))
    # the stored terms are in working days (the profile's counted_in on the day of entry)
    due = workdays.due_date(start, days, workdays.WORKING_DAYS)
    return Term(text, cite, due, workdays.is_overdue(due, today), start=start)


def first_entry_term(hiring, account, today=None):
    """The first entry's term of ``hiring`` with its due date, counted from the decision
    or from the making of ``account`` (the person's linked account, None when there is
    none yet); None when the profile set no term. Overdue means: past its last day (the
    caller knows whether the first entry is still awaited)."""
    if hiring is None or hiring.first_entry_term_days is None:
        return None
    return _dated(first_entry_term_text(hiring), hiring.first_entry_term_cite or "",
                  hiring.first_entry_term_days, hiring.first_entry_term_from, hiring, account,
                  today)


def account_term(hiring, account, today=None):
    """The account's term of ``hiring`` with its due date; met once ``account`` exists."""
    if hiring is None or hiring.account_term_days is None:
        return None
    term = _dated(_("Account within %(n)d working days of the decision",
                    n=hiring.account_term_days), hiring.account_term_cite or "",
                  hiring.account_term_days, hiring.account_term_from, hiring, None, today)
    if account is not None:
        term.overdue, term.met_on = False, account_day(account)
    return term


def _first_entry_awaited(hiring):
    """Whether the record still has only its first version, a draft."""
    return not db.session.scalar(select(RecordVersion.id).where(
        RecordVersion.employee_id == hiring.employee_id,
        (RecordVersion.number > 1) | (RecordVersion.status != DRAFT)).limit(1))


def hiring_terms(hiring, account=None, today=None):
    """[Term] of ``hiring`` for hiring/_terms.html: the account's and the first entry's,
    each dated; the first entry overdue only while it is awaited."""
    terms = []
    made = account_term(hiring, account, today)
    if made is not None:
        terms.append(made)
    entry = first_entry_term(hiring, account, today)
    if entry is not None:
        if entry.overdue and not _first_entry_awaited(hiring):
            entry.overdue = False
        terms.append(entry)
    return terms


def first_entry_terms(hirings, today=None):
    """{hiring id: Term} of the first entries awaited for ``hirings`` (their people
    loaded), with the linked accounts read in one statement."""
    ids = [h.employee.account_id for h in hirings if h.employee.account_id]
    accounts = {account.id: account for account in db.session.scalars(
        select(Account).where(Account.id.in_(ids)))} if ids else {}
    return {h.id: first_entry_term(h, accounts.get(h.employee.account_id), today)
            for h in hirings}


def _offer_hiring_terms(sender, template, context, **extra):
    """hiring/_terms.html is included by pages whose views this module does not render;
    every template gets ``hiring_terms`` to date the terms it shows."""
    context.setdefault("hiring_terms", hiring_terms)


before_render_template.connect(_offer_hiring_terms)
