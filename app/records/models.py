"""The people whose records the province keeps.

Minimal for now (name, category, unit, status, the personal account, where
they worked when): the records piece adds the sơ yếu lý lịch of Thông tư
06/2023/TT-BNV, its versions and attachments.
"""
import functools

from flask_appbuilder import Model
from sqlalchemy import (
    Column, FetchedValue, ForeignKey, Index, Integer, String, event, false, func, insert,
)
from sqlalchemy.orm import relationship

from app.core.periods import DatedPeriod
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

    unit = relationship("Unit")

    __table_args__ = (
        Index("ix_employee_unit_id", "unit_id", postgresql_include=["id", "full_name"]),
        # the default order of every list of people
        Index("ix_employee_full_name_id", "full_name", "id", postgresql_include=["unit_id"]),
        # a subtree below the indexed levels: its count and its page read this index alone
        Index("ix_employee_unit_path", "unit_path",
              postgresql_include=["id", "full_name", "unit_id"],
              postgresql_ops={"unit_path": "varchar_pattern_ops"}),
        {"extend_existing": True},
    )

    def __repr__(self):
        return self.full_name


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
