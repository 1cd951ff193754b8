"""Every view, API and menu entry in one place.

View and permission names stay stable English; only labels are translated.
``MENU`` also tells the role sync which menu entries each resource opens.
"""
from flask_babel import lazy_gettext as _l

from app.security import roles

# (menu name, resource whose "read" (or given action) shows the entry)
MENU_ENTRIES = {
    "Org tree": (roles.UNIT, "read"),
    "Units": (roles.UNIT, "read"),
    "Restructuring": (roles.UNIT, "restructure"),
    "Accounts": (roles.ACCOUNT, "read"),
    "Create personal account": (roles.ACCOUNT, "create_personal"),
    "Create agency account": (roles.ACCOUNT, "create_agency"),
    "Create staff account": (roles.ACCOUNT, "create_staff"),
    "Import accounts": (roles.ACCOUNT, "create_personal"),
    "Roles": (roles.ROLE, "read"),
    "Province profile": (roles.PROFILE, "read"),
    "Catalogs": (roles.CATALOG, "read"),
    "Working-day calendar": (roles.CALENDAR, "read"),
    "Audit log": (roles.AUDIT_LOG, "read"),
    "Failed mail": (roles.NOTICE, "read_failed_mail"),
    "Scheduled jobs": (roles.JOBS, "read"),
    "My record": (roles.RECORD, "read"),
    "Personal records": (roles.RECORD, "read"),
    "Self-service": (roles.RECORD, "self_service"),
    "Hiring": (roles.HIRING, "read"),
    "Archive of leavers": (roles.LEAVERS, "read"),
    "Retiring soon": (roles.LEAVERS, "read"),
    "Deadlines": (roles.DEADLINES, "read"),
    "Hire a person": (roles.HIRING, "hire"),
    "Import new hires": (roles.HIRING, "hire"),
    "Transfers": (roles.TRANSFERS, "read"),
    "Notifications": (roles.NOTICE, "read"),
    "Approval queue": (roles.APPROVAL, "read"),
    "Delegations": (roles.APPROVAL, "delegate"),
    "Verify a signed document": (roles.SIGNING, "verify"),
    "My signing keys": (roles.SIGNING, "keys"),
    "Search": (roles.REPORTS, "read"),
    "Staff report": (roles.REPORTS, "read"),
    "Overview": (roles.REPORTS, "read"),
    "Data quality": (roles.REPORTS, "read"),
    "Inspection": (roles.REPORTS, "inspect"),
    "Statutory reports": (roles.REPORTS, "read"),
    "Reports of the units": (roles.REPORTS, "inspect"),
    "Staffing quotas": (roles.REPORTS, "staffing"),
    "National sync": (roles.SYNC, "read"),
    "Reconciliation": (roles.SYNC, "reconcile"),
    "Records from the national database": (roles.SYNC, "pull"),
}
MENU_CATEGORIES = {
    "Records": ["My record", "Personal records", "Self-service", "Deadlines", "Hiring",
                "Hire a person", "Import new hires", "Transfers", "Archive of leavers",
                "Retiring soon"],
    "Monthly approval": ["Approval queue", "Delegations", "Verify a signed document",
                         "My signing keys", "National sync", "Reconciliation",
                         "Records from the national database"],
    "Organisation": ["Org tree", "Units", "Restructuring"],
    "Accounts and access": ["Accounts", "Create personal account", "Create agency account",
                            "Create staff account", "Import accounts", "Roles", "Audit log",
                            "Failed mail"],
    "Exploitation": ["Overview", "Search", "Staff report", "Statutory reports",
                     "Reports of the units", "Staffing quotas", "Data quality", "Inspection"],
    "Settings": ["Province profile", "Catalogs", "Working-day calendar", "Scheduled jobs"],
    # a top-level entry, its own "category": every role sees it
    "Notifications": ["Notifications"],
}


def register_menu(appbuilder):
    from app.accounts.api import AccountApi
    from app.accounts.views import AccountAdminView, AccountView, MyAccountView
    from app.approval.api import ApprovalApi, SigningApi
    from app.approval.views import ApprovalView, SigningView
    from app.audit.views import AuditLogView
    from app.org.api import UnitApi
    from app.org.views import RestructureView, UnitTreeView, UnitView
    from app.catalogs.views import CatalogEntryView
    from app.deadlines.views import DeadlineView
    from app.hiring.api import HiringApi
    from app.hiring.views import HiringView
    from app.leavers.views import LeaversView
    from app.transfers.views import TransferView
    from app.jobs.views import JobsView
    from app.sync.pull_views import SyncPullView
    from app.sync.views import SyncView
    from app.notify.views import FailedMailView, NoticeView
    from app.policy.views import ProfileView
    from app.records.views import RecordView
    from app.reports.views import (
        BreakdownView, DashboardView, InspectionView, QualityView, SearchView, StatutoryView,
    )
    from app.security.views import RoleView
    from app.workdays.views import CalendarView

    appbuilder.add_view(RecordView, "Personal records", label=_l("Personal records"),
                        icon="fa-address-card", category="Records",
                        category_label=_l("Records"), category_icon="fa-folder-open")
    appbuilder.add_link("My record", label=_l("My record"), href="/records/me",
                        icon="fa-user", category="Records")
    appbuilder.add_link("Self-service", label=_l("Self-service"), href="/records/self-service",
                        icon="fa-unlock", category="Records")
    appbuilder.add_view(DeadlineView, "Deadlines", label=_l("Deadlines"),
                        icon="fa-hourglass-half", category="Records")
    appbuilder.add_view(HiringView, "Hiring", label=_l("Hiring"), icon="fa-user-plus",
                        category="Records")
    appbuilder.add_link("Hire a person", label=_l("Hire a person"), href="/hiring/new",
                        icon="fa-plus", category="Records")
    appbuilder.add_link("Import new hires", label=_l("Import new hires"),
                        href="/hiring/import", icon="fa-file-excel-o", category="Records")
    appbuilder.add_view(LeaversView, "Archive of leavers", label=_l("Archive of leavers"),
                        icon="fa-archive", category="Records")
    appbuilder.add_link("Retiring soon", label=_l("Retiring soon"), href="/leavers/retiring",
                        icon="fa-hourglass-end", category="Records")
    appbuilder.add_view(TransferView, "Transfers", label=_l("Transfers"), icon="fa-exchange",
                        category="Records")
    appbuilder.add_view(ApprovalView, "Approval queue", label=_l("Approval queue"),
                        icon="fa-check-square-o", category="Monthly approval",
                        category_label=_l("Monthly approval"), category_icon="fa-pencil-square-o")
    appbuilder.add_link("Delegations", label=_l("Delegations"), href="/approval/delegations",
                        icon="fa-share", category="Monthly approval")
    appbuilder.add_view(SigningView, "Verify a signed document",
                        label=_l("Verify a signed document"), icon="fa-certificate",
                        category="Monthly approval")
    appbuilder.add_link("My signing keys", label=_l("My signing keys"), href="/signing/keys",
                        icon="fa-key", category="Monthly approval")
    appbuilder.add_view(DashboardView, "Overview", label=_l("Overview"),
                        icon="fa-pie-chart", category="Exploitation",
                        category_label=_l("Exploitation"), category_icon="fa-bar-chart")
    appbuilder.add_view(SearchView, "Search", label=_l("Search"), icon="fa-search",
                        category="Exploitation")
    appbuilder.add_view(BreakdownView, "Staff report", label=_l("Quantity and quality"),
                        icon="fa-table", category="Exploitation")
    appbuilder.add_view(StatutoryView, "Statutory reports", label=_l("Statutory reports"),
                        icon="fa-file-text-o", category="Exploitation")
    appbuilder.add_link("Reports of the units", label=_l("Reports of the units"),
                        href="/reports/statutory/province", icon="fa-inbox",
                        category="Exploitation")
    appbuilder.add_link("Staffing quotas", label=_l("Staffing quotas"),
                        href="/reports/statutory/quotas", icon="fa-users",
                        category="Exploitation")
    appbuilder.add_view(QualityView, "Data quality", label=_l("Data quality"),
                        icon="fa-check-circle", category="Exploitation")
    appbuilder.add_view(InspectionView, "Inspection", label=_l("Inspection"),
                        icon="fa-binoculars", category="Exploitation")
    appbuilder.add_view(UnitTreeView, "Org tree", label=_l("Org tree"), icon="fa-sitemap",
                        category="Organisation", category_label=_l("Organisation"),
                        category_icon="fa-building")
    appbuilder.add_view(UnitView, "Units", label=_l("Units"), icon="fa-list",
                        category="Organisation")
    appbuilder.add_view(RestructureView, "Restructuring", label=_l("Restructuring"),
                        icon="fa-random", category="Organisation")
    appbuilder.add_view(AccountView, "Accounts", label=_l("Accounts"), icon="fa-users",
                        category="Accounts and access",
                        category_label=_l("Accounts and access"), category_icon="fa-id-card")
    admin_view = appbuilder.add_view_no_menu(AccountAdminView)
    for kind, label in (("personal", _l("Create personal account")),
                        ("agency", _l("Create agency account")),
                        ("staff", _l("Create staff account"))):
        appbuilder.add_link("Create %s account" % kind, label=label,
                            href="/account-admin/create/" + kind, icon="fa-user-plus",
                            category="Accounts and access")
    appbuilder.add_link("Import accounts", label=_l("Import accounts"),
                        href="/account-admin/import", icon="fa-file-excel-o",
                        category="Accounts and access")
    appbuilder.add_view(RoleView, "Roles", label=_l("Roles"), icon="fa-user-shield",
                        category="Accounts and access")
    appbuilder.add_view(AuditLogView, "Audit log", label=_l("Audit log"), icon="fa-history",
                        category="Accounts and access")
    appbuilder.add_view(FailedMailView, "Failed mail", label=_l("Failed mail"),
                        icon="fa-exclamation-triangle", category="Accounts and access")
    appbuilder.add_view(ProfileView, "Province profile", label=_l("Province profile"),
                        icon="fa-balance-scale", category="Settings",
                        category_label=_l("Settings"), category_icon="fa-cog")
    appbuilder.add_view(CatalogEntryView, "Catalogs", label=_l("Catalogs"), icon="fa-list-ol",
                        category="Settings")
    appbuilder.add_view(CalendarView, "Working-day calendar", label=_l("Working-day calendar"),
                        icon="fa-calendar", category="Settings")
    appbuilder.add_view(JobsView, "Scheduled jobs", label=_l("Scheduled jobs"),
                        icon="fa-clock-o", category="Settings")
    appbuilder.add_view(SyncView, "National sync", label=_l("National sync"),
                        icon="fa-cloud-upload", category="Monthly approval")
    appbuilder.add_link("Reconciliation", label=_l("Reconciliation"),
                        href="/sync/reconciliation", icon="fa-balance-scale",
                        category="Monthly approval")
    appbuilder.add_view(SyncPullView, "Records from the national database",
                        label=_l("Records from the national database"),
                        icon="fa-cloud-download", category="Monthly approval")
    appbuilder.add_view(NoticeView, "Notifications", label=_l("Notifications"),
                        icon="fa-bell")
    my_account = appbuilder.add_view_no_menu(MyAccountView)
    # FAB links "Profile" in the navbar to user_view.userinfo
    appbuilder.sm.user_view = my_account
    appbuilder.add_api(UnitApi)
    appbuilder.add_api(AccountApi)
    appbuilder.add_api(ApprovalApi)
    appbuilder.add_api(SigningApi)
    appbuilder.add_api(HiringApi)
    return admin_view
