"""Imports every domain's models so that the metadata is complete.

Alembic autogenerate and the migration check both rely on this module.
"""
from flask_appbuilder.security.sqla import models as fab_security_models  # noqa: F401

from app.accounts.models import Account  # noqa: F401
from app.approval.models import (  # noqa: F401
    Approval, Delegation, ExternalSigningRequest, MonthSeal, SignedExport, SigningCredential,
)
from app.audit.models import AuditEntry  # noqa: F401
from app.catalogs.models import Catalog, CatalogEntry  # noqa: F401
from app.core.models import SystemFlag  # noqa: F401
from app.hiring.models import Hiring  # noqa: F401
from app.leavers.models import StatusChange  # noqa: F401
from app.jobs.models import JobRun  # noqa: F401
from app.notify.models import MailOutbox, MailPreference, Notice  # noqa: F401
from app.org.models import (  # noqa: F401
    Employee, EmployeePlacement, OrgRestructuring, RestructuringPart, Unit, UnitCode,
    UnitLeader, UnitState,
)
from app.records.models import Attachment, RecordVersion, SelfServiceWindow  # noqa: F401
from app.reports.models import (  # noqa: F401
    ReportFact, SavedSearch, StaffingQuota, StatutoryReport,
)
from app.sync.models import SyncMessage, SyncReconciliation, SyncRecord  # noqa: F401
from app.transfers.models import TransferCase, TransferStep, TransferSyncItem  # noqa: F401
from app.workdays.models import AnnouncedDay  # noqa: F401
