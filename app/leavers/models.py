"""A change of a person's status from a decision: a departure (nghỉ hưu, thôi việc,
buộc thôi việc, từ trần, and the transfers' move out of the province) or the
reinstatement that brings the person back to work on the same record.

The person (``Employee``) and their status belong to the org tree; a status change
keeps what only the decision says (its number, date, issuing body and scan) and the
deadline the profile set for recording it, so that a later profile change does not
move a deadline already running. Rows are never deleted: they are the history of
the person's status, and an open departure (one no reinstatement closed) is what
puts the record in the archive (thư mục riêng).
"""
from flask_appbuilder import Model
from sqlalchemy import (
    Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, select, text,
)
from sqlalchemy.orm import relationship

from app.org.models import Employee, own_record, people_in_unit_subtree
from app.security import roles
from app.security.scope import scoped

DEPARTURE, REINSTATEMENT = "departure", "reinstatement"
# an open departure: no reinstatement has closed it and it was not cancelled before its
# day (the archive, one per person)
OPEN_DEPARTURE = "kind = 'departure' AND reinstated_by_id IS NULL AND cancelled_at IS NULL"
# an open departure recorded ahead of its effective date, not applied yet (apply_due)
PENDING_DEPARTURE = OPEN_DEPARTURE + " AND applied_on IS NULL"


def _of_people(people_condition):
    return lambda user: StatusChange.employee_id.in_(
        select(Employee.id).where(people_condition(user)).scalar_subquery())


@scoped(roles.LEAVERS, own=_of_people(own_record), subtree=_of_people(people_in_unit_subtree))
class StatusChange(Model):
    __tablename__ = "leaver_status_change"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    kind = Column(String(16), nullable=False)            # DEPARTURE or REINSTATEMENT
    status_from = Column(String(32), nullable=False)
    status_to = Column(String(32), nullable=False)
    # the person's unit when it happened (a leaver stays in their last unit)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    effective_date = Column(Date, nullable=False)        # ngày văn bản có hiệu lực
    decision_number = Column(String(64), nullable=False)
    decision_date = Column(Date, nullable=False)
    decided_by = Column(String(255), nullable=False)     # the body that signed it
    note = Column(Text, nullable=True)
    # the decision's scan, in the file store by its SHA-256
    scan_sha256 = Column(String(64), nullable=False)
    scan_content_type = Column(String(64), nullable=False)
    scan_filename = Column(String(255), nullable=False)
    scan_size = Column(Integer, nullable=False)
    # the profile's term for recording a departure, on the day it was recorded: the
    # rule, its days, how they count, its article, and the last day it gives
    term_rule = Column(String(64), nullable=True)
    term_days = Column(Integer, nullable=True)
    term_counted_in = Column(String(16), nullable=True)
    term_cite = Column(Text, nullable=True)
    due_on = Column(Date, nullable=True)
    # a departure's reinstatement, once the person is back
    reinstated_by_id = Column(Integer, ForeignKey("leaver_status_change.id"), nullable=True)
    # the account whose access the change revoked or granted again, if any
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    recorded_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    recorded_at = Column(DateTime(timezone=True), nullable=False)
    # the day the change took effect in the system (the status set, access revoked or
    # granted): the day it was recorded, or for a departure recorded ahead of its
    # effective date, the day services.apply_due applied it; None while it waits
    applied_on = Column(Date, nullable=True)
    # a departure withdrawn before it took effect (its decision revoked or postponed): it
    # stays in the history, with who cancelled it, when and why
    cancelled_at = Column(DateTime(timezone=True), nullable=True)
    cancelled_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    cancel_reason = Column(Text, nullable=True)

    employee = relationship("Employee")
    unit = relationship("Unit")

    __table_args__ = (
        Index("ix_leaver_status_change_employee", "employee_id", "id"),
        # the archive of a unit, newest first
        Index("ix_leaver_status_change_unit", "unit_id", "effective_date"),
        # one open departure per person
        Index("uq_leaver_status_change_open", "employee_id", unique=True,
              postgresql_where=text(OPEN_DEPARTURE), sqlite_where=text(OPEN_DEPARTURE)),
        # the departures waiting for their day, by that day (the daily apply_due)
        Index("ix_leaver_status_change_pending", "effective_date",
              postgresql_where=text(PENDING_DEPARTURE), sqlite_where=text(PENDING_DEPARTURE)),
    )

    @property
    def is_open_departure(self):
        return self.kind == DEPARTURE and self.reinstated_by_id is None and \
            self.cancelled_at is None

    @classmethod
    def open_departure(cls):
        """The SQL condition of is_open_departure (OPEN_DEPARTURE)."""
        return (cls.kind == DEPARTURE) & cls.reinstated_by_id.is_(None) & \
            cls.cancelled_at.is_(None)

    @property
    def is_pending(self):
        """An open departure recorded ahead of its effective date and not applied yet:
        the person still works, with their access, until apply_due on that day."""
        return self.is_open_departure and self.applied_on is None
