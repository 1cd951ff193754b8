"""The people whose records the province keeps.

Minimal for now (name, category, unit, status, the personal account): the
records piece adds the sơ yếu lý lịch of Thông tư 06/2023/TT-BNV, its
versions and attachments.
"""
from flask_appbuilder import Model
from sqlalchemy import Column, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from app.security import roles
from app.security.scope import scoped

# DESIGN §2: cán bộ, công chức, viên chức, CBCC cấp xã, người lao động hợp đồng
CATEGORIES = ("can_bo", "cong_chuc", "vien_chuc", "cbcc_cap_xa", "nguoi_lao_dong")
STATUS_WORKING = "dang_cong_tac"


def _own_record(user):
    return Employee.account_id == user.id


@scoped(roles.RECORD, own=_own_record, subtree="unit_id")
class Employee(Model):
    __tablename__ = "employee"

    id = Column(Integer, primary_key=True)
    full_name = Column(String(128), nullable=False)
    category = Column(String(32), nullable=False)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    status = Column(String(32), nullable=False, default=STATUS_WORKING)
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True, unique=True)

    unit = relationship("Unit")

    __table_args__ = (
        # covering: a subtree's count and first page read the index alone
        Index("ix_employee_unit_id", "unit_id", postgresql_include=["id", "full_name"]),
        # the default order of every list of people
        Index("ix_employee_full_name", "full_name"),
        {"extend_existing": True},
    )
