"""The deadlines a hiring runs (the profile's terms stored with it): the personal account
within N working days of the decision (Điều 6.3 ĐN), and the first entry of the record
within N working days of the decision (Điều 10.1.b ĐNg) or of the account (Điều 6.4 ĐN).

Each list is what the actor must act on or chase, in their scope; the person sees their
own first entry.
"""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from app.core.deadlines import Deadline
from app.extensions import db
from app.hiring import queries, services
from app.hiring.models import Hiring
from app.org.models import Employee
from app.records.models import DRAFT, RecordVersion
from app.security import roles, scope

# a board lists at most this many of one kind (its page says when there are more)
LIMIT = 500


def _awaiting_first_entry(query):
    """Hirings whose record has only its first version, still a draft."""
    later = aliased(RecordVersion)
    return query.join(RecordVersion, (RecordVersion.employee_id == Hiring.employee_id)
                      & (RecordVersion.number == 1) & (RecordVersion.status == DRAFT)).where(
        ~select(later.id).where(later.employee_id == Hiring.employee_id, later.number > 1)
        .correlate(Hiring).exists())


def account_deadlines(actor, limit=LIMIT):
    """People hired without an account yet, where the profile sets a term for it and the
    actor is the one who makes it."""
    if not services.may_make_accounts(actor):
        return []
    query = scope.restrict(select(Hiring), actor, "read", model=Hiring).join(
        Employee, Employee.id == Hiring.employee_id).where(
        Hiring.account_term_days.is_not(None), Employee.account_id.is_(None)).options(
        joinedload(Hiring.employee).joinedload(Employee.unit)).order_by(
        Hiring.decision_date, Hiring.id).limit(limit)
    found = []
    for hiring in db.session.scalars(query).unique():
        if not services.makes_accounts(actor, hiring.employee.unit):
            continue
        term = queries.account_term(hiring, None)
        found.append(Deadline(
            "hiring.account", _("Make the personal account"), hiring.employee_id,
            hiring.employee.full_name, hiring.employee.unit.name, term.due,
            hiring.decision_date, term.cite, "HiringView.person_account",
            {"pk": hiring.employee_id}))
    return found


def first_entry_deadlines(actor, limit=LIMIT):
    """First entries awaited: the person's own, or those in the actor's hiring scope.
    A term that runs from the account has no date until the account is made."""
    query = select(Hiring).where(Hiring.first_entry_term_days.is_not(None))
    if scope.user_scopes(actor, "read", roles.HIRING):
        query = scope.restrict(query, actor, "read", model=Hiring)
    else:
        query = query.join(Employee, Employee.id == Hiring.employee_id).where(
            Employee.account_id == actor.id)
    query = _awaiting_first_entry(query).options(
        joinedload(Hiring.employee).joinedload(Employee.unit)).order_by(
        Hiring.decision_date, Hiring.id).limit(limit)
    hirings = list(db.session.scalars(query).unique())
    terms = queries.first_entry_terms(hirings)
    found = []
    for hiring in hirings:
        term = terms[hiring.id]
        what = _("Enter and submit the record for the first time")
        if term.due is None:
            what = "%s (%s)" % (what, term.waiting)
        found.append(Deadline(
            "hiring.first_entry", what, hiring.employee_id, hiring.employee.full_name,
            hiring.employee.unit.name, term.due,
            hiring.decision_date if term.due is None else term.start, term.cite,
            "RecordView.person", {"pk": hiring.employee_id}))
    return found


def deadlines(actor, limit=LIMIT):
    return account_deadlines(actor, limit) + first_entry_deadlines(actor, limit)
