"""The province's agencies and units, a tree of any depth, with its history.

Subtrees are found through a materialized path (``/1/5/23/``): one indexed
prefix comparison, whatever the depth. The tree changes as law changes it
(rename, move, sáp nhập, hợp nhất, chia tách, giải thể); each change is an
``OrgRestructuring`` with its decision, and the attributes that change are
kept as dated periods (``UnitState``, ``UnitCode``, ``UnitLeader``) so that a
report for a past date sees the tree as it was. Units are closed, never deleted.

The staff are here too: each ``Employee`` (cán bộ, công chức, viên chức, người lao
động) works in a unit, and ``EmployeePlacement`` keeps where they worked when, so
that a restructuring moves people with the decision as their reason. Their
records (the sơ yếu lý lịch and its versions) are app/records.

Periods are half-open (app.core.periods).
"""
import functools

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean, Column, Date, DateTime, FetchedValue, ForeignKey, Index, Integer, String, Text,
    event, false, func, insert, text,
)
from sqlalchemy.orm import relationship

from app.core.periods import DatedPeriod
from app.core.text import fold
from app.extensions import db
from app.security import roles
from app.security.scope import scoped

# DESIGN §2; the root (UBND tỉnh) has its own type
UNIT_TYPES = {
    "ubnd_tinh": _l("Provincial People's Committee"),
    "so": _l("Department or equivalent"),
    "chi_cuc": _l("Sub-department or equivalent"),
    "ubnd_huyen": _l("District People's Committee"),
    "phong": _l("Specialised office"),
    "ubnd_xa": _l("Commune People's Committee"),
    "dvsncl": _l("Public service unit"),
    "hoi": _l("Special association"),
    "bo_phan": _l("Internal section"),
}
LEADER_HEAD = "head"
LEADER_DEPUTY = "deputy"
LEADER_POSITIONS = {LEADER_HEAD: _l("Head"), LEADER_DEPUTY: _l("Deputy")}

# restructuring kinds (Luật Tổ chức chính quyền địa phương, NĐ 158/2018 for agencies)
RENAME, MOVE, MERGE, CONSOLIDATE, SPLIT, DISSOLVE, RECODE = (
    "rename", "move", "merge", "consolidate", "split", "dissolve", "recode")
RESTRUCTURING_KINDS = {
    RENAME: _l("Rename"),
    MOVE: _l("Move to another parent"),
    MERGE: _l("Merger"),
    CONSOLIDATE: _l("Consolidation"),
    SPLIT: _l("Split"),
    DISSOLVE: _l("Dissolution"),
    RECODE: _l("New identifier code"),
}
# how a unit took part in a restructuring
PART_SOURCE, PART_TARGET, PART_CREATED, PART_CLOSED = "source", "target", "created", "closed"


def _own_unit(user):
    return Unit.id == user.unit_id if user.unit_id else false()


def _unit_subtree(user):
    return Unit.path.startswith(user.unit.path) if user.unit is not None else false()


@scoped(roles.UNIT, own=_own_unit, subtree=_unit_subtree)
class Unit(Model):
    __tablename__ = "org_unit"

    id = Column(Integer, primary_key=True)
    name = Column(String(255), nullable=False)
    parent_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True)
    # "/<root id>/…/<own id>/"; maintained by org.services, never by hand.
    path = Column(String(1024), nullable=False, default="/")
    # đơn vị trực tiếp sử dụng: employs staff and has a head (DESIGN §9)
    is_employing = Column(Boolean, nullable=False, default=True)
    unit_type = Column(String(32), nullable=False, default="bo_phan")
    # the current mã định danh (its history is in UnitCode)
    code = Column(String(35), nullable=True)
    # lower case without accents, for search ("so noi vu" finds "Sở Nội vụ")
    search_name = Column(String(255), nullable=False, default="")
    valid_from = Column(Date, nullable=True)
    valid_to = Column(Date, nullable=True)
    # where a closed unit's staff and duties went
    successor_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True)
    # bumped by every UPDATE, which names the version it read: a stale write fails
    version = Column(Integer, nullable=False, default=1, server_default="1")

    parent = relationship("Unit", remote_side=[id], foreign_keys=[parent_id],
                          backref="children")
    successor = relationship("Unit", remote_side=[id], foreign_keys=[successor_id])

    __table_args__ = (
        # pattern ops: the prefix LIKE of a subtree uses the index on PostgreSQL
        Index("ix_org_unit_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
        Index("ix_org_unit_parent_id", "parent_id"),
        # a code names one open unit; closed units keep theirs in the history
        Index("uq_org_unit_open_code", "code", unique=True,
              postgresql_where=valid_to.is_(None), sqlite_where=valid_to.is_(None)),
        {"extend_existing": True},
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self):
        return self.valid_to is None

    @property
    def type_label(self):
        return UNIT_TYPES.get(self.unit_type, self.unit_type)

    def __repr__(self):
        return self.name


class OrgRestructuring(Model):
    """One change to the tree, made under one decision (quyết định)."""

    __tablename__ = "org_restructuring"

    id = Column(Integer, primary_key=True)
    kind = Column(String(16), nullable=False)
    decision_number = Column(String(64), nullable=False)
    decision_date = Column(Date, nullable=False)
    effective_on = Column(Date, nullable=False)
    note = Column(Text, nullable=True)
    created_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False)

    parts = relationship("RestructuringPart", back_populates="restructuring",
                         order_by="RestructuringPart.id")

    @property
    def kind_label(self):
        return RESTRUCTURING_KINDS.get(self.kind, self.kind)


class RestructuringPart(Model):
    """A unit's part in a restructuring: source, target, created or closed."""

    __tablename__ = "org_restructuring_part"

    id = Column(Integer, primary_key=True)
    restructuring_id = Column(Integer, ForeignKey("org_restructuring.id"), nullable=False)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    part = Column(String(16), nullable=False)

    restructuring = relationship("OrgRestructuring", back_populates="parts")
    unit = relationship("Unit")

    __table_args__ = (
        Index("ix_org_restructuring_part_unit_id", "unit_id"),
        Index("ix_org_restructuring_part_restructuring_id", "restructuring_id"),
    )


class UnitState(DatedPeriod, Model):
    """A period during which a unit had one name, parent, type and flag."""

    __tablename__ = "org_unit_state"

    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    name = Column(String(255), nullable=False)
    parent_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True)
    unit_type = Column(String(32), nullable=False)
    is_employing = Column(Boolean, nullable=False)
    restructuring_id = Column(Integer, ForeignKey("org_restructuring.id"), nullable=True)

    __table_args__ = (
        Index("ix_org_unit_state_unit_id", "unit_id", "valid_from"),
        Index("ix_org_unit_state_parent_id", "parent_id"),
    )


class UnitCode(DatedPeriod, Model):
    """A period during which a unit bore one identifier code."""

    __tablename__ = "org_unit_code"

    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    code = Column(String(35), nullable=False)
    form = Column(String(16), nullable=False)  # codes.FORM_LEGACY or codes.FORM_QD20
    restructuring_id = Column(Integer, ForeignKey("org_restructuring.id"), nullable=True)

    __table_args__ = (
        Index("ix_org_unit_code_unit_id", "unit_id", "valid_from"),
        Index("ix_org_unit_code_code", "code"),
    )


OPEN_HEAD = "position = '%s' AND valid_to IS NULL" % LEADER_HEAD


class UnitLeader(DatedPeriod, Model):
    """A head (thủ trưởng) or deputy (cấp phó) of a unit for a period."""

    __tablename__ = "org_unit_leader"

    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    position = Column(String(16), nullable=False)
    decision_number = Column(String(64), nullable=True)

    unit = relationship("Unit")
    employee = relationship("Employee")

    __table_args__ = (
        Index("ix_org_unit_leader_unit_id", "unit_id", "position"),
        Index("ix_org_unit_leader_employee_id", "employee_id"),
        # one head at a time
        Index("uq_org_unit_leader_open_head", "unit_id", unique=True,
              postgresql_where=text(OPEN_HEAD), sqlite_where=text(OPEN_HEAD)),
    )

    @property
    def position_label(self):
        return LEADER_POSITIONS.get(self.position, self.position)


# ---------------------------------------------------------------- the staff

# DESIGN §2: cán bộ, công chức, viên chức, CBCC cấp xã, người lao động hợp đồng
CATEGORIES = ("can_bo", "cong_chuc", "vien_chuc", "cbcc_cap_xa", "nguoi_lao_dong")
STATUS_WORKING = "dang_cong_tac"
# the leavers' statuses (app/leavers), each set from a decision: nghỉ hưu, thôi việc,
# buộc thôi việc (kỷ luật), từ trần; the record goes to the archive (DESIGN §2)
STATUS_RETIRED, STATUS_RESIGNED, STATUS_DISMISSED, STATUS_DECEASED = (
    "nghi_huu", "thoi_viec", "buoc_thoi_viec", "tu_tran")
LEAVER_STATUSES = (STATUS_RETIRED, STATUS_RESIGNED, STATUS_DISMISSED, STATUS_DECEASED)
# what each status is called on screen (the transfers add theirs)
STATUS_LABELS = {
    STATUS_WORKING: _l("Working"),
    STATUS_RETIRED: _l("Retired"),
    STATUS_RESIGNED: _l("Resigned"),
    STATUS_DISMISSED: _l("Dismissed"),
    STATUS_DECEASED: _l("Deceased"),
}
# set by app/transfers: moved out of the province or to a Party body; seconded (biệt phái)
STATUS_TRANSFERRED_OUT = "chuyen_cong_tac"
STATUS_SECONDED = "biet_phai"
STATUS_LABELS.update({STATUS_TRANSFERRED_OUT: _l("Transferred out"),
                      STATUS_SECONDED: _l("Seconded")})


def own_record(user):
    return Employee.account_id == user.id


# Path positions (split by "/") of the levels whose subtrees are large enough to
# need their own index ordered by name: Sở / UBND xã (2) and chi cục / trường (3).
# Deeper subtrees are small; the root's is everyone.
INDEXED_LEVELS = (2, 3)


def people_in_unit_subtree(user):
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


@scoped(roles.RECORD, own=own_record, subtree=people_in_unit_subtree)
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
