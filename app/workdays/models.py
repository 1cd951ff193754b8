"""The days the government announces each year on top of the Labour Code's public
holidays: a compensatory day off (ngày nghỉ bù, a swapped day off) or a make-up working
day (a Saturday worked in exchange), each with the document that announced it.

Sở Nội vụ enters them (app/workdays/services.py); the calendar reads them before the
library's holidays and the weekends, so an announced day always wins.
"""
from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, Column, Date, DateTime, ForeignKey, Integer, String, Text

DAY_OFF, WORKING_DAY = "day_off", "working_day"
KINDS = (DAY_OFF, WORKING_DAY)


class AnnouncedDay(Model):
    __tablename__ = "announced_day"

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, unique=True)
    kind = Column(String(16), nullable=False)        # DAY_OFF or WORKING_DAY
    # the announcing document, as its text cites it (e.g. "Thông báo 6150/TB-BLĐTBXH")
    source = Column(Text, nullable=False)
    note = Column(Text, nullable=True)
    entered_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    entered_at = Column(DateTime(timezone=True), nullable=False)
    # bumped by every UPDATE, which names the version it read: a stale write fails
    version = Column(Integer, nullable=False, default=1, server_default="1")

    __table_args__ = (
        CheckConstraint("kind IN ('day_off', 'working_day')", name="ck_announced_day_kind"),
    )
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return "%s %s" % (self.day, self.kind)
