"""Dated periods: what held from one day until another.

Half-open: ``valid_from`` is the first day (None: since before the records
began), ``valid_to`` the first day it no longer holds (None: it still holds).
Unit names and parents, unit codes, leaders, placements and catalog entries
are all periods, asked the same question: did it hold on this day?
"""
from sqlalchemy import Column, Date, and_, or_


class DatedPeriod:
    valid_from = Column(Date, nullable=True)
    valid_to = Column(Date, nullable=True)

    @classmethod
    def holds_on(cls, day):
        """SQL: the row's period contains ``day``."""
        return and_(or_(cls.valid_from.is_(None), cls.valid_from <= day),
                    or_(cls.valid_to.is_(None), cls.valid_to > day))

    def is_valid_on(self, day):
        return ((self.valid_from is None or self.valid_from <= day)
                and (self.valid_to is None or day < self.valid_to))
