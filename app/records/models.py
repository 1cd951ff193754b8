"""The people whose records the province keeps.

Minimal for now (name, category, unit, status, the personal account, where
they worked when): the records piece adds the sơ yếu lý lịch of Thông tư
06/2023/TT-BNV, its versions and attachments.
"""
import functools

from flask_appbuilder import Model
from sqlalchemy import (
    JSON, Column, Date, DateTime, FetchedValue, ForeignKey, Index, Integer, String, Text,
    UniqueConstraint, event, false, func, insert, select, text,
)
from sqlalchemy.orm import relationship

from app.core.periods import DatedPeriod
from app.core.text import fold
from app.extensions import db
from app.security import roles
from app.security.scope import scoped

# DESIGN §2: cán bộ, công chức, viên chức, CBCC cấp xã, người lao động hợp đồng
CATEGORIES = ("can_bo", "cong_chuc", "vien_chuc", "cbcc_cap_xa", "nguoi_lao_dong")
STATUS_WORKING = "dang_cong_tac"


def _own_record(user):
    return Employee.account_id == user.id


# Path positions (split by "/") of the levels whose subtrees are large enough to
# need their own index ordered by name: Sở / UBND xã (2) and chi cục / trường (3).
# Deeper subtrees are small; the root's is everyone.
INDEXED_LEVELS = (2, 3)


def _unit_subtree(user):
    """The people in the user's unit subtree, as the database can best find them.

    On PostgreSQL a subtree at an indexed level is "the level-k ancestor is my
    unit": its first page by name is 50 entries of one index
    (bench/scope_bench.py measures it). Elsewhere: a prefix of the copied path.
    """
    unit = user.unit
    if unit is None:
        return false()
    return _subtree_condition(unit.path, db.session.get_bind().dialect.name)


@functools.lru_cache(maxsize=8192)
def _subtree_condition(path, dialect):
    # SQL expressions are immutable: one per unit serves every query (building
    # one costs as much as planning the query, bench/scope_bench.py)
    level = path.count("/") - 1
    if level in INDEXED_LEVELS and dialect == "postgresql":
        return LEVEL_KEYS[level] == path.rstrip("/").rsplit("/", 1)[1]
    return Employee.unit_path.startswith(path)


@scoped(roles.RECORD, own=_own_record, subtree=_unit_subtree)
class Employee(Model):
    __tablename__ = "employee"

    id = Column(Integer, primary_key=True)
    full_name = Column(String(128), nullable=False)
    category = Column(String(32), nullable=False)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    status = Column(String(32), nullable=False, default=STATUS_WORKING)
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, unique=True)
    # a copy of the unit's path, kept by database triggers (migration 7c1e0b4d2a91)
    # whenever the unit changes or the tree above it moves
    unit_path = Column(String(1024), nullable=True, server_default=FetchedValue(),
                       server_onupdate=FetchedValue())

    # the số định danh cá nhân (NĐ 27/2026): encrypted, and as a keyed hash that carries
    # the province-wide uniqueness and the look-ups (DESIGN §9; app/core/crypto.py)
    # the name folded for search (app/core/text.fold: no accents, đ -> d, lower case),
    # kept by the ORM events below; a trigram index serves "contains" on PostgreSQL
    search_name = Column(String(128), nullable=True)
    national_id_hash = Column(String(64), nullable=True)
    national_id_enc = Column(Text, nullable=True)

    unit = relationship("Unit")

    __table_args__ = (
        Index("ix_employee_unit_id", "unit_id", postgresql_include=["id", "full_name"]),
        # the default order of every list of people
        Index("ix_employee_full_name_id", "full_name", "id", postgresql_include=["unit_id"]),
        # a subtree below the indexed levels: its count and its page read this index alone
        Index("uq_employee_national_id_hash", "national_id_hash", unique=True),
        Index("ix_employee_unit_path", "unit_path",
              postgresql_include=["id", "full_name", "unit_id"],
              postgresql_ops={"unit_path": "varchar_pattern_ops"}),
        {"extend_existing": True},
    )

    def __repr__(self):
        return self.full_name


@event.listens_for(Employee, "before_insert")
@event.listens_for(Employee, "before_update")
def _fold_name(_mapper, _connection, person):
    person.search_name = fold(person.full_name)


Index("ix_employee_search_name_trgm", Employee.search_name, postgresql_using="gin",
      postgresql_ops={"search_name": "gin_trgm_ops"}).ddl_if(dialect="postgresql")

# the id of the unit at each indexed level of a person's unit path
LEVEL_KEYS = {level: func.split_part(Employee.unit_path, "/", level + 1)
              for level in INDEXED_LEVELS}
# a large subtree's list in name order (see _unit_subtree); PostgreSQL only
for _level, _key in LEVEL_KEYS.items():
    Index("ix_employee_unit_level%d" % _level, _key, Employee.full_name, Employee.id,
          postgresql_include=["unit_id"]).ddl_if(dialect="postgresql")


class EmployeePlacement(DatedPeriod, Model):
    """Where a person worked during a period, and why they moved there.

    The open period (``valid_to`` None) agrees with ``Employee.unit_id``;
    reports for a past date read these periods.
    """

    __tablename__ = "employee_placement"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    reason = Column(String(255), nullable=True)
    restructuring_id = Column(Integer, ForeignKey("org_restructuring.id"), nullable=True)

    employee = relationship("Employee")
    unit = relationship("Unit")

    __table_args__ = (
        Index("ix_employee_placement_employee_id", "employee_id", "valid_from"),
        Index("ix_employee_placement_unit_id", "unit_id"),
    )


@event.listens_for(Employee, "after_insert")
def _first_placement(mapper, connection, employee):
    """Every person has an open placement from the start (bulk loads write their own)."""
    connection.execute(insert(EmployeePlacement.__table__).values(
        employee_id=employee.id, unit_id=employee.unit_id, valid_from=None, valid_to=None))


# The states of a version (DESIGN §2): a draft is edited, a submitted version
# waits for the head, then it is approved (what reports and sync read) or
# rejected with a reason the person sees.
DRAFT, SUBMITTED, APPROVED, REJECTED = "draft", "submitted", "approved", "rejected"
VERSION_STATES = (DRAFT, SUBMITTED, APPROVED, REJECTED)
OPEN_STATES = (DRAFT, SUBMITTED)


def _of_people(column, people_condition):
    """A scope rule for rows that belong to a person: the person is in scope."""
    return lambda user: column().in_(
        select(Employee.id).where(people_condition(user)).scalar_subquery())


@scoped(roles.RECORD, own=_of_people(lambda: RecordVersion.employee_id, _own_record),
        subtree=_of_people(lambda: RecordVersion.employee_id, _unit_subtree))
class RecordVersion(Model):
    """One version of a person's sơ yếu lý lịch.

    ``content`` holds the public and internal fields and tables as canonical
    strings (app/records/form.py names them); ``sensitive`` the sensitive
    ones, encrypted (DESIGN §9). Versions are never deleted; one record has
    at most one open (draft or submitted) version, and ``lock`` counts saves
    so that a stale save is refused.
    """

    __tablename__ = "record_version"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    number = Column(Integer, nullable=False)
    status = Column(String(16), nullable=False, default=DRAFT)
    content = Column(JSON, nullable=False, default=dict)
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

    @property
    def is_open(self):
        return self.status in OPEN_STATES


# what a document proves (the list of supporting decisions)
ATTACHMENT_KINDS = ("quyet_dinh_tuyen_dung", "quyet_dinh_bo_nhiem", "quyet_dinh_dieu_dong",
                    "quyet_dinh_luong", "van_bang", "chung_chi", "quyet_dinh_khen_thuong",
                    "quyet_dinh_ky_luat", "danh_gia", "giay_to_tuy_than", "khac")


@scoped(roles.RECORD, own=_of_people(lambda: Attachment.employee_id, _own_record),
        subtree=_of_people(lambda: Attachment.employee_id, _unit_subtree))
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
