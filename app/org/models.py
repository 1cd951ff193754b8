"""The province's agencies and units, a tree of any depth.

Subtrees are found through a materialized path (``/1/5/23/``): one indexed
prefix comparison, whatever the depth. The org-tree piece adds types, codes,
validity dates and restructuring on top of this.
"""
from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, false
from sqlalchemy.orm import relationship

from app.security import roles
from app.security.scope import scoped


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

    parent = relationship("Unit", remote_side=[id], backref="children")

    __table_args__ = (
        # pattern ops: the prefix LIKE of a subtree uses the index on PostgreSQL
        Index("ix_org_unit_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
        Index("ix_org_unit_parent_id", "parent_id"),
        {"extend_existing": True},
    )

    def __repr__(self):
        return self.name
