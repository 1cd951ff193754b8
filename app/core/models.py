"""Installation-wide facts, such as whether demo data was loaded."""
from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, String, func


class SystemFlag(Model):
    """A named fact about this installation (e.g. ``demo_loaded``)."""

    __tablename__ = "system_flag"

    name = Column(String(64), primary_key=True)
    value = Column(String(255), nullable=False)
    set_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())

    def __repr__(self):
        return "<SystemFlag %s=%s>" % (self.name, self.value)
