"""What the hiring screens read (views run no query of their own)."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from app.accounts.models import KIND_PERSONAL, STATUS_REVOKED, Account
from app.audit import services as audit
from app.catalogs import services as catalogs
from app.extensions import db
from app.hiring import services
from app.hiring.models import FROM_ACCOUNT, Hiring
from app.records.models import DRAFT, RecordVersion
from app.org.models import STATUS_WORKING, Employee, Unit
from app.org import services as org_services
from app.security import roles, scope

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


def first_entries_awaited(actor, limit):
    """(how many, the first ``limit``) of the hirings in the actor's scope whose record
    has only its first version, still a draft: the person has not submitted yet."""
    later = aliased(RecordVersion)
    query = scope.restrict(select(Hiring), actor, "read", model=Hiring).join(
        RecordVersion, (RecordVersion.employee_id == Hiring.employee_id)
        & (RecordVersion.number == 1) & (RecordVersion.status == DRAFT)).where(
        ~select(later.id).where(later.employee_id == Hiring.employee_id,
                                later.number > 1).correlate(Hiring).exists())
    count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    first = list(db.session.scalars(query.options(joinedload(Hiring.employee)).order_by(
        Hiring.entered_at, Hiring.id).limit(limit))) if count else []
    return count, first


def first_entry_term_text(hiring):
    """The profile's term for the first entry, in words (empty when it sets none)."""
    if hiring.first_entry_term_days is None:
        return ""
    if hiring.first_entry_term_from == FROM_ACCOUNT:
        return _("First entry of the record within %(n)d working days of getting the "
                 "account", n=hiring.first_entry_term_days)
    return _("First entry of the record within %(n)d working days of the decision",
             n=hiring.first_entry_term_days)
