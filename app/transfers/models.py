"""A transfer case: the decision that moves a person, its scan, its effective date and
the steps the regulation asks of the units, each with its due date and who must act.

The person stays one ``Employee`` with one record across every transfer: the case
changes the person's unit (``Employee.unit_id`` and an ``EmployeePlacement`` period,
as the org tree's moves do), never copies the record. Cases are closed (done or
cancelled), never deleted.
"""
from flask_appbuilder import Model
from sqlalchemy import (
    Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, or_, select,
)
from sqlalchemy.orm import relationship

from app.org.models import Employee, own_record
from app.security import roles
from app.security.scope import scoped, unit_subtree

# the kinds, in the order of Điều 9 HP / 8 ĐN / 11 VP / 12 HN / 11 ĐNg
BETWEEN_UNITS = "giua_don_vi"        # between units of the province
INSIDE_UNIT = "trong_don_vi"         # to another bộ phận of the same employing unit
OUT_OF_PROVINCE = "ra_ngoai"         # out of the province or to a Party body
IN_FROM_OUTSIDE = "tu_ngoai_vao"     # in from another province, a ministry or a Party body
SECONDMENT = "biet_phai"             # biệt phái: the managing unit stays
COMMUNE = "giua_cap_xa"              # commune staff moved by the level above (ĐN 8.2)
KINDS = (BETWEEN_UNITS, INSIDE_UNIT, OUT_OF_PROVINCE, IN_FROM_OUTSIDE, SECONDMENT, COMMUNE)

OPEN, DONE, CANCELLED = "open", "done", "cancelled"
STATES = (OPEN, DONE, CANCELLED)

# the steps a case can hold
HANDOVER = "handover"          # the record is handed over to the new unit / bộ phận
RECEIVE = "receive"            # the receiving unit accepts it and gives the account
FORWARD = "forward"            # ĐNg 11.2: forwarded to the unit that employs the person
DEPART = "depart"              # status changed, access revoked, marked for the sync
ACCOUNT = "account"            # a person received from outside gets an account
DATA_REQUEST = "data_request"  # the request to Sở Nội vụ for the national data
RETURN = "return"              # a secondment ends: the person is back
STEPS = (HANDOVER, RECEIVE, FORWARD, DEPART, ACCOUNT, DATA_REQUEST, RETURN)

# who acts on a step
SENDING, RECEIVING, SUPERIOR, SO_NOI_VU = "sending_unit", "receiving_unit", "superior", \
    "so_noi_vu"
SIDES = (SENDING, RECEIVING, SUPERIOR, SO_NOI_VU)

# what the national sync (its own issue) reads
SYNC_DEPARTURE, SYNC_DATA_REQUEST = "departure", "data_request"


def _own(user):
    return TransferCase.employee_id.in_(
        select(Employee.id).where(own_record(user)).scalar_subquery())


def _either_unit(user):
    # the sending and the receiving unit both see the case
    return or_(unit_subtree(TransferCase, "from_unit_id")(user),
               unit_subtree(TransferCase, "to_unit_id")(user))


@scoped(roles.TRANSFERS, own=_own, subtree=_either_unit)
class TransferCase(Model):
    __tablename__ = "transfer_case"

    id = Column(Integer, primary_key=True)
    kind = Column(String(16), nullable=False)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    # None where the other end lies outside the province's tree (``outside_body``)
    from_unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True)
    to_unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True)
    outside_body = Column(String(255), nullable=True)
    # the decision
    decision_number = Column(String(64), nullable=False)
    decision_date = Column(Date, nullable=False)
    decided_by = Column(String(255), nullable=False)
    scan_sha256 = Column(String(64), nullable=False)
    scan_content_type = Column(String(64), nullable=False)
    scan_filename = Column(String(255), nullable=False)
    effective_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=True)            # a secondment's end
    # the person's unit (or status) changed on the effective date
    applied_on = Column(Date, nullable=True)
    state = Column(String(16), nullable=False, default=OPEN)
    note = Column(Text, nullable=True)
    created_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False)
    closed_at = Column(DateTime(timezone=True), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=True)
    # bumped by every UPDATE, which names the version it read: a stale write fails
    version = Column(Integer, nullable=False, default=1, server_default="1")

    employee = relationship("Employee")
    from_unit = relationship("Unit", foreign_keys=[from_unit_id])
    to_unit = relationship("Unit", foreign_keys=[to_unit_id])
    steps = relationship("TransferStep", back_populates="case",
                         order_by="TransferStep.position")

    __table_args__ = (
        Index("ix_transfer_case_from_unit", "from_unit_id", "state"),
        Index("ix_transfer_case_to_unit", "to_unit_id", "state"),
        Index("ix_transfer_case_employee", "employee_id"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def next_step(self):
        return next((step for step in self.steps if step.done_at is None), None)


class TransferStep(Model):
    """One act a case asks for, its due date (the profile's rule on the day the case
    was entered) and who must do it."""

    __tablename__ = "transfer_step"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("transfer_case.id"), nullable=False)
    position = Column(Integer, nullable=False)
    code = Column(String(16), nullable=False)
    side = Column(String(16), nullable=False)
    # the unit whose officers act (None: Sở Nội vụ, province-wide)
    acting_unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True)
    rule_key = Column(String(64), nullable=True)
    cite = Column(Text, nullable=True)
    due_on = Column(Date, nullable=True)
    done_at = Column(DateTime(timezone=True), nullable=True)
    done_on = Column(Date, nullable=True)
    done_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    note = Column(String(500), nullable=True)

    case = relationship("TransferCase", back_populates="steps")
    acting_unit = relationship("Unit")

    __table_args__ = (
        Index("ix_transfer_step_case", "case_id", "position", unique=True),
        Index("ix_transfer_step_due", "due_on", "done_at"),
    )


class TransferSyncItem(Model):
    """What the national sync (its issue) has to do for a case: send a departure, or
    fetch a received person's data from the national database. ``done_at`` is set by
    the sync when it has."""

    __tablename__ = "transfer_sync_item"

    id = Column(Integer, primary_key=True)
    case_id = Column(Integer, ForeignKey("transfer_case.id"), nullable=False)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    kind = Column(String(16), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)
    done_at = Column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        Index("ix_transfer_sync_item_pending", "kind", "done_at"),
        Index("uq_transfer_sync_item", "case_id", "kind", unique=True),
    )
