"""The sơ yếu lý lịch of Thông tư 06/2023/TT-BNV: its versions, the documents
that support them, and the self-service windows.

The people themselves (``Employee``, where they worked when) belong to the org
tree (app/org/models.py); a record is a person's versions.
"""
from flask_appbuilder import Model
from sqlalchemy import (
    JSON, Column, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
    select, text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import relationship

from app.org.models import Employee, own_record, people_in_unit_subtree
from app.security import roles
from app.security.scope import scoped

# The states of a version (DESIGN §2): a draft is edited, a submitted version
# waits for the head, then it is approved (what reports and sync read) or
# rejected with a reason the person sees.
DRAFT, SUBMITTED, APPROVED, REJECTED = "draft", "submitted", "approved", "rejected"
# a draft its writer threw away: kept (versions are never deleted, nor their numbers
# reused), never open again
DISCARDED = "discarded"
VERSION_STATES = (DRAFT, SUBMITTED, APPROVED, REJECTED, DISCARDED)
OPEN_STATES = (DRAFT, SUBMITTED)


def _of_people(column, people_condition):
    """A scope rule for rows that belong to a person: the person is in scope."""
    return lambda user: column().in_(
        select(Employee.id).where(people_condition(user)).scalar_subquery())


@scoped(roles.RECORD, own=_of_people(lambda: RecordVersion.employee_id, own_record),
        subtree=_of_people(lambda: RecordVersion.employee_id, people_in_unit_subtree))
class RecordVersion(Model):
    """One version of a person's sơ yếu lý lịch.

    ``content`` holds the public and internal fields and tables as canonical
    strings (app/records/form.py names them); ``sensitive`` the sensitive
    ones, encrypted (DESIGN §9). Versions are never deleted; one record has
    at most one open (draft or submitted) version, and ``lock`` counts its
    writes (the mapper's version column: every UPDATE names the ``lock`` it
    read and bumps it, so a write over a newer one fails instead of winning)
    so that a stale save or submit is refused.
    """

    __tablename__ = "record_version"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    number = Column(Integer, nullable=False)
    status = Column(String(16), nullable=False, default=DRAFT)
    # jsonb on PostgreSQL (parsed once when written, read by key without re-parsing): the
    # signed bytes come from the parsed dict (app/approval/canonical.py), never this text
    content = Column(JSON().with_variant(JSONB(), "postgresql"), nullable=False, default=dict)
    sensitive = Column(Text, nullable=True)
    # the approved version this one started from (None for the first)
    base_id = Column(Integer, ForeignKey("record_version.id"), nullable=True)
    lock = Column(Integer, nullable=False, default=0)
    # per cent of the form's required fields filled: the unit's list reads it undecrypted
    completeness = Column(Integer, nullable=False, default=0)
    reason = Column(Text, nullable=True)          # why it was rejected
    note = Column(String(500), nullable=True)     # what the change is about (officer entry)
    created_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False)
    updated_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False)
    submitted_at = Column(DateTime(timezone=True), nullable=True)
    decided_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    decided_at = Column(DateTime(timezone=True), nullable=True)

    employee = relationship("Employee")
    base = relationship("RecordVersion", remote_side=[id])

    __table_args__ = (
        UniqueConstraint("employee_id", "number", name="uq_record_version_number"),
        # one open version per record (DESIGN §9): the second editor joins it
        Index("uq_record_version_open", "employee_id", unique=True,
              postgresql_where=text("status IN ('draft', 'submitted')"),
              sqlite_where=text("status IN ('draft', 'submitted')")),
        Index("ix_record_version_status", "status", "employee_id"),
    )

    # UPDATE … SET lock = :seen + 1 WHERE id = :id AND lock = :seen; StaleDataError if none
    __mapper_args__ = {"version_id_col": lock}

    @property
    def is_open(self):
        return self.status in OPEN_STATES


# what a document proves (the list of supporting decisions)
ATTACHMENT_KINDS = ("quyet_dinh_tuyen_dung", "quyet_dinh_bo_nhiem", "quyet_dinh_dieu_dong",
                    "quyet_dinh_luong", "van_bang", "chung_chi", "quyet_dinh_khen_thuong",
                    "quyet_dinh_ky_luat", "danh_gia", "giay_to_tuy_than", "khac")


@scoped(roles.RECORD, own=_of_people(lambda: Attachment.employee_id, own_record),
        subtree=_of_people(lambda: Attachment.employee_id, people_in_unit_subtree))
class Attachment(Model):
    """A digitized document (bản số hóa) supporting one version's change.

    The bytes live in the file store under ``sha256``; the database keeps
    what they are. Content type comes from the bytes, never from the name.
    """

    __tablename__ = "record_attachment"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    version_id = Column(Integer, ForeignKey("record_version.id"), nullable=False)
    kind = Column(String(32), nullable=False)
    filename = Column(String(255), nullable=False)
    content_type = Column(String(64), nullable=False)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    note = Column(String(255), nullable=True)
    uploaded_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    uploaded_at = Column(DateTime(timezone=True), nullable=False)

    employee = relationship("Employee")
    version = relationship("RecordVersion", backref="attachments")

    __table_args__ = (
        Index("ix_record_attachment_version", "version_id"),
        Index("ix_record_attachment_employee", "employee_id"),
    )


@scoped(roles.RECORD, own=lambda user: SelfServiceWindow.unit_id == user.unit_id,
        subtree="unit_id")
class SelfServiceWindow(Model):
    """A period in which the people of a unit (its subtree, or chosen people)
    may edit chosen parts of their own record, opened by the unit's officer
    (as MISA QLCB's "mở quyền tự cập nhật")."""

    __tablename__ = "record_self_service"

    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    opens_on = Column(Date, nullable=False)
    closes_on = Column(Date, nullable=False)        # the last day it is open
    groups = Column(JSON, nullable=False, default=list)        # owner groups; all when empty
    employee_ids = Column(JSON, nullable=False, default=list)  # chosen people; all when empty
    note = Column(String(255), nullable=True)
    opened_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    opened_at = Column(DateTime(timezone=True), nullable=False)

    unit = relationship("Unit")

    __table_args__ = (Index("ix_record_self_service_unit", "unit_id", "closes_on"),)
