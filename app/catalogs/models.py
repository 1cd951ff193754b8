"""Catalogs (danh mục): ngạch, chức danh nghề nghiệp, salary types, dân tộc,
tôn giáo, trình độ… as data with codes, legal sources and validity dates.

The shipped lists are YAML files in ``data/``; ``flask catalogs load`` puts
them in the database, where Sở Nội vụ maintains them. An entry is retired by
closing its validity (``valid_to``), never deleted: old records keep pointing
at it and still read it.
"""
from flask_appbuilder import Model
from sqlalchemy import (
    JSON, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.core.periods import DatedPeriod


class Catalog(Model):
    __tablename__ = "catalog"

    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False, unique=True)   # e.g. "dan_toc"
    title = Column(String(255), nullable=False)              # e.g. "Dân tộc"
    source = Column(String(512), nullable=False)             # the legal source of the list
    confidence = Column(String(8), nullable=True)            # S, M or C (data-standards.md)
    note = Column(Text, nullable=True)

    entries = relationship("CatalogEntry", back_populates="catalog",
                           order_by="CatalogEntry.code")

    def __repr__(self):
        return self.title


class CatalogEntry(DatedPeriod, Model):
    __tablename__ = "catalog_entry"

    id = Column(Integer, primary_key=True)
    catalog_id = Column(Integer, ForeignKey("catalog.id"), nullable=False)
    code = Column(String(32), nullable=False)
    name = Column(String(255), nullable=False)
    source = Column(String(512), nullable=True)   # when it differs from the catalog's
    # valid_to: retired from this day (DatedPeriod); None: in use
    attrs = Column(JSON, nullable=False, default=dict)
    # bumped by every UPDATE, which names the version it read: a stale write fails
    version = Column(Integer, nullable=False, default=1, server_default="1")

    catalog = relationship("Catalog", back_populates="entries")

    __table_args__ = (
        UniqueConstraint("catalog_id", "code", name="uq_catalog_entry_code"),
        Index("ix_catalog_entry_catalog_id", "catalog_id", "valid_to"),
    )
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return "%s – %s" % (self.code, self.name)
