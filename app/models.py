"""Imports every domain's models so that the metadata is complete.

Alembic autogenerate and the migration check both rely on this module.
"""
from flask_appbuilder.security.sqla import models as fab_security_models  # noqa: F401

from app.accounts.models import Account  # noqa: F401
from app.audit.models import AuditEntry  # noqa: F401
from app.catalogs.models import Catalog, CatalogEntry  # noqa: F401
from app.core.models import SystemFlag  # noqa: F401
from app.org.models import (  # noqa: F401
    OrgRestructuring, RestructuringPart, Unit, UnitCode, UnitLeader, UnitState,
)
from app.records.models import Employee, EmployeePlacement  # noqa: F401
