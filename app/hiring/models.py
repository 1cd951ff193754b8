"""A hiring: the decision that brought a person into the province's service, and the
deadlines the profile ran from it.

The person (``Employee``) belongs to the org tree and the record to records; a hiring
keeps what only the decision says (its kind, number, date and scan) and the terms the
profile set on the day it was entered, so that a later profile change does not move a
deadline already running.
"""
from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import relationship

from app.org.models import Employee, own_record, people_in_unit_subtree
from app.security import roles
from app.security.scope import scoped

# what the decision is (Điều 4 HP, 6 ĐN, 7 VP, 6 and 9 HN, 10 ĐNg): a recruitment, the
# reception of someone already in service elsewhere, or a labour contract
KIND_RECRUITMENT, KIND_RECEPTION, KIND_CONTRACT = "tuyen_dung", "tiep_nhan", "hop_dong"
KINDS = (KIND_RECRUITMENT, KIND_RECEPTION, KIND_CONTRACT)

# what a term runs from (the profile's ``counted_from``)
FROM_DECISION, FROM_ACCOUNT = "hiring_decision", "account"


def _of_people(people_condition):
    return lambda user: Hiring.employee_id.in_(
        select(Employee.id).where(people_condition(user)).scalar_subquery())


@scoped(roles.HIRING, own=_of_people(own_record), subtree=_of_people(people_in_unit_subtree))
class Hiring(Model):
    __tablename__ = "hiring"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False, unique=True)
    kind = Column(String(16), nullable=False)
    decision_number = Column(String(64), nullable=False)
    decision_date = Column(Date, nullable=False)
    decided_by = Column(String(255), nullable=False)     # the body that signed the decision
    start_date = Column(Date, nullable=False)            # the first day of work in the unit
    # the unit and category the person was hired into (the person's may change later)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    category = Column(String(32), nullable=False)
    # the decision's scan, attached to the record's first version
    attachment_id = Column(Integer, ForeignKey("record_attachment.id"), nullable=True)
    # the profile's terms on the day of entry: working days, what they run from, the
    # article (the lifecycle issue's calendar turns them into dates)
    account_term_days = Column(Integer, nullable=True)
    account_term_from = Column(String(16), nullable=True)
    account_term_cite = Column(Text, nullable=True)
    first_entry_term_days = Column(Integer, nullable=True)
    first_entry_term_from = Column(String(16), nullable=True)
    first_entry_term_cite = Column(Text, nullable=True)
    # the Excel list it came from, when it came from one
    batch = Column(String(32), nullable=True)
    entered_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    entered_at = Column(DateTime(timezone=True), nullable=False)

    employee = relationship("Employee")
    unit = relationship("Unit")

    __table_args__ = (
        Index("ix_hiring_unit_entered", "unit_id", "entered_at"),
    )
