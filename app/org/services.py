"""Operations on the org tree."""
from flask_babel import gettext
from sqlalchemy import select

from app.core.exceptions import DomainError
from app.extensions import db
from app.org.models import Unit


def place(unit):
    """Set the unit's path (and its descendants') from its parent; flushed ids only."""
    old_path = unit.path
    unit.path = "%s%d/" % (unit.parent.path if unit.parent else "/", unit.id)
    if old_path and old_path != "/" and old_path != unit.path:
        if unit.path.startswith(old_path):
            raise DomainError(gettext("A unit cannot be moved below itself."))
        for child in db.session.scalars(
            select(Unit).where(Unit.path.startswith(old_path), Unit.id != unit.id)
        ):
            child.path = unit.path + child.path[len(old_path):]


def create_unit(name, parent=None, is_employing=True):
    """Add a unit under ``parent`` (a root when None); the caller commits."""
    unit = Unit(name=name, parent=parent, is_employing=is_employing, path="/")
    db.session.add(unit)
    db.session.flush()  # the id goes into the path
    place(unit)
    return unit


def subtree_condition(unit_column, unit):
    """An SQL condition: ``unit_column`` is ``unit`` or one of its descendants."""
    return unit_column.in_(select(Unit.id).where(Unit.path.startswith(unit.path)))


def is_within(unit, ancestor):
    """Whether ``unit`` lies in the subtree of ``ancestor``."""
    return unit is not None and ancestor is not None and unit.path.startswith(ancestor.path)
