"""The five roles of the regulations and what each may do: one table.

Like Airflow's ROLE_CONFIGS, this table is the only place permissions are
declared; `flask sync-roles` (and every start-up) makes the database match it
exactly. The admin assigns roles to accounts but never edits them in the UI.

A permission is (action, resource); a resource's actions are the
``method_permission_name`` values of its views and APIs. ``when`` makes a
grant depend on the province profile. ``scope`` says which rows the role's
grants reach (app.security.scope).
"""
from flask_babel import lazy_gettext as _l

import config

ROLE_PERSONAL = "Cá nhân"
ROLE_OFFICER = "Cán bộ quản lý dữ liệu"
ROLE_HEAD = "Thủ trưởng"
ROLE_SO_NOI_VU = "Sở Nội vụ"
ROLE_ADMIN = config.ROLE_ADMIN          # "Quản trị hệ thống"
ROLE_PUBLIC = config.ROLE_PUBLIC        # FAB's anonymous role: the login page only

SCOPE_OWN = "own"            # own account / own unit
SCOPE_SUBTREE = "subtree"    # own unit and every unit below it
SCOPE_PROVINCE = "province"  # the whole province
SCOPE_SYSTEM = "system"      # everything, for technical administration

# Resources (view-menu names; stable English, never shown to users).
UNIT = "Unit"
ACCOUNT = "Account"
AUDIT_LOG = "AuditLog"
MY_ACCOUNT = "MyAccount"
ROLE = "Role"
RECORD = "Record"            # personal records (the records piece adds its views)
PROFILE = "Profile"          # the active province profile's rules
CATALOG = "Catalog"          # danh mục: ngạch, dân tộc, tôn giáo, …
OPENAPI = "OpenApi"          # FAB's spec endpoint and Swagger UI
SWAGGER = "SwaggerView"
NOTICE = "Notice"            # the account's own notifications (app/notify)
APPROVAL = "Approval"        # the monthly approval queue, delegations, signed exports
SIGNING = "Signing"          # verifying signed documents
HIRING = "Hiring"            # new people from recruitment or reception decisions
CALENDAR = "Calendar"        # the working-day calendar and the days announced each year
TRANSFERS = "Transfers"      # transfer cases: within, between, out of and into the province
LEAVERS = "Leavers"          # leavers' status changes, the archive, reinstatement
DEADLINES = "Deadlines"      # every term running for the people in scope, in one list
REPORTS = "Reports"          # search, statistics and reports over the people in scope
JOBS = "Jobs"                # the scheduled jobs, their runs and the mail outbox
SYNC = "Sync"                # the national sync: the board, dead letters, reconciliation

# Actions of each resource, with the Vietnamese description an admin sees.
ACTIONS = {
    UNIT: {"read": _l("View units"), "write": _l("Create and edit units, heads and deputies"),
           "restructure": _l("Restructure units: rename, move, merge, split, dissolve")},
    ACCOUNT: {
        "read": _l("View accounts"),
        "write": _l("Edit account details"),
        "create_personal": _l("Create personal accounts"),
        "create_agency": _l("Create agency accounts"),
        "create_staff": _l("Create staff accounts"),
        "manage": _l("Lock, unlock, reset passwords, grant and revoke access"),
        "assign_roles": _l("Assign roles"),
    },
    AUDIT_LOG: {"read": _l("View the audit log")},
    MY_ACCOUNT: {"read": _l("View own account"), "write": _l("Change own password")},
    ROLE: {"read": _l("View roles and their permissions")},
    RECORD: {"read": _l("View personal records"),
             "write": _l("Edit personal records: drafts, submission"),
             "approve": _l("Approve or reject changes to personal records"),
             "self_service": _l("Open self-service: let staff edit their own records for a "
                                "period")},
    PROFILE: {"read": _l("View the province profile's rules")},
    CATALOG: {"read": _l("View catalogs"), "write": _l("Maintain catalogs")},
    OPENAPI: {"get": _l("Read the REST API's OpenAPI description")},
    SWAGGER: {"show": _l("Browse the REST API")},
    NOTICE: {"read": _l("Read and mark read own notifications"),
             "read_failed_mail": _l("View failed mail: recipient account, time and reason")},
    APPROVAL: {"read": _l("View the approval queue and approvals' signatures"),
               "approve": _l("Approve or reject with a digital signature"),
               "second_step": _l("Approve approved changes before the national sync"),
               "delegate": _l("Delegate approval in writing for a period"),
               "sign_export": _l("Sign exported records as the person with authority")},
    HIRING: {"read": _l("View hirings and their deadlines"),
             "hire": _l("Enter new people from recruitment or reception decisions"),
             "link": _l("Link personal accounts to people and unlink them")},
    CALENDAR: {"read": _l("View the working-day calendar"),
               "write": _l("Enter and withdraw the days off and make-up working days the "
                           "government announces")},
    TRANSFERS: {"read": _l("View transfer cases and their deadlines"),
                "write": _l("Enter transfer cases and act on their steps"),
                "create_received": _l("Create the personal account of a person received "
                                      "from another province or a ministry")},
    LEAVERS: {"read": _l("View the archive of leavers and the retirement forecast"),
              "write": _l("Record retirements, resignations, dismissals and deaths from the "
                          "decision, and reinstatements")},
    DEADLINES: {"read": _l("View the deadlines running for the people in scope")},
    REPORTS: {"read": _l("Search and count the people in scope"),
              "export": _l("Export search results and reports to Excel"),
              "compile": _l("Compile the statutory reports of one's unit and submit them"),
              "sign": _l("Sign the statutory reports of one's unit as the person with "
                         "authority"),
              "inspect": _l("Inspect the units' data quality and their report submissions, "
                            "and compile the province's report"),
              "staffing": _l("Enter the staffing quotas (biên chế) given to the units")},
    JOBS: {"read": _l("View the scheduled jobs, their runs and the mail queue"),
           "run": _l("Run a scheduled job now (once per period, as its schedule would)")},
    SYNC: {"read": _l("View the national sync's board: records ready, blocked, sent and "
                      "failed"),
           "requeue": _l("Send a failed national sync message again"),
           "reconcile": _l("Compare the province's approved records with the national "
                           "database's"),
           "pull": _l("Fetch a received person's record from the national database and "
                      "make a draft of it")},
    SIGNING: {"verify": _l("Verify signed documents"),
              "keys": _l("Register and withdraw one's own signing keys")},
}

# a ``when`` value meaning "the profile sets this rule" (any value but null)
IS_SET = "<set>"
# a ``when`` value ("!=", v): the rule is anything but v
HAS_SYNC = ("sync.trigger", ("!=", "none"))

PERSONAL_BY_OFFICER = ("accounts.personal_account_creator", "unit_officer")
PERSONAL_BY_SO_NOI_VU = ("accounts.personal_account_creator", "so_noi_vu")
PERSON_ENTERS_RECORD = ("records.who_enters", "individual")
DELEGATION_ALLOWED = ("approval.approver", "head_or_delegate")
SO_NOI_VU_SECOND_STEP = ("approval.so_noi_vu_second_step", True)
# da_nang's 2012 model has no approver: the officer's save is the act (no head approves)
HAS_APPROVER = ("approval.approver", IS_SET)
RECEIVER_MAKES_ACCOUNT = ("transfers.receiver_creates_account", True)

ROLE_CONFIGS = [
    {
        "role": ROLE_PERSONAL,
        "scope": SCOPE_OWN,
        "perms": [("read", MY_ACCOUNT), ("write", MY_ACCOUNT), ("read", UNIT),
                  ("read", RECORD), ("write", RECORD, PERSON_ENTERS_RECORD),
                  ("verify", SIGNING)],
    },
    {
        "role": ROLE_OFFICER,
        "scope": SCOPE_SUBTREE,
        "perms": [
            ("read", MY_ACCOUNT), ("write", MY_ACCOUNT), ("read", UNIT), ("read", RECORD),
            ("write", RECORD), ("self_service", RECORD),
            ("read", ACCOUNT), ("write", ACCOUNT), ("manage", ACCOUNT), ("read", CATALOG),
            ("create_personal", ACCOUNT, PERSONAL_BY_OFFICER), ("verify", SIGNING),
            ("read", HIRING), ("hire", HIRING), ("link", HIRING), ("read", DEADLINES),
            ("read", CALENDAR),
            ("read", TRANSFERS), ("write", TRANSFERS), ("read", LEAVERS), ("write", LEAVERS),
            # Điều 11.1a VP: the receiving unit makes the account of a person received
            # from outside, also where Sở Nội vụ makes every other (Điều 7.2 VP)
            ("create_received", TRANSFERS, RECEIVER_MAKES_ACCOUNT),
            ("read", REPORTS), ("export", REPORTS), ("compile", REPORTS),
            ("read", SYNC, HAS_SYNC), ("requeue", SYNC, HAS_SYNC), ("pull", SYNC, HAS_SYNC),
        ],
    },
    {
        "role": ROLE_HEAD,
        "scope": SCOPE_SUBTREE,
        "perms": [("read", MY_ACCOUNT), ("write", MY_ACCOUNT), ("read", UNIT),
                  ("read", ACCOUNT), ("read", RECORD), ("approve", RECORD, HAS_APPROVER),
                  ("read", CATALOG), ("read", APPROVAL), ("approve", APPROVAL, HAS_APPROVER),
                  ("sign_export", APPROVAL),
                  ("delegate", APPROVAL, DELEGATION_ALLOWED), ("verify", SIGNING),
                  ("keys", SIGNING), ("read", HIRING), ("read", DEADLINES), ("read", CALENDAR),
                  ("read", TRANSFERS),
                  ("read", LEAVERS), ("read", REPORTS), ("export", REPORTS),
                  ("compile", REPORTS), ("sign", REPORTS), ("read", SYNC, HAS_SYNC)],
    },
    {
        "role": ROLE_SO_NOI_VU,
        "scope": SCOPE_PROVINCE,
        "perms": [
            ("read", MY_ACCOUNT), ("write", MY_ACCOUNT),
            ("read", UNIT), ("write", UNIT), ("restructure", UNIT), ("read", RECORD),
            ("read", ACCOUNT), ("write", ACCOUNT), ("manage", ACCOUNT),
            ("create_agency", ACCOUNT),
            ("create_personal", ACCOUNT, PERSONAL_BY_SO_NOI_VU),
            ("read", AUDIT_LOG), ("read", PROFILE), ("read", CATALOG), ("write", CATALOG),
            ("get", OPENAPI), ("show", SWAGGER),
            ("read", APPROVAL), ("second_step", APPROVAL, SO_NOI_VU_SECOND_STEP),
            ("sign_export", APPROVAL), ("verify", SIGNING), ("keys", SIGNING),
            # Điều 7.2 VP: Sở Nội vụ makes the personal accounts, so it may enter the hire
            ("read", HIRING), ("hire", HIRING, PERSONAL_BY_SO_NOI_VU), ("link", HIRING),
            ("read", DEADLINES),
            # Sở Nội vụ enters the compensatory days off and make-up working days
            ("read", CALENDAR), ("write", CALENDAR),
            ("read", TRANSFERS), ("write", TRANSFERS), ("read", LEAVERS), ("write", LEAVERS),
            ("read", REPORTS), ("export", REPORTS), ("compile", REPORTS), ("sign", REPORTS),
            ("inspect", REPORTS), ("staffing", REPORTS),
            ("read", SYNC, HAS_SYNC), ("requeue", SYNC, HAS_SYNC),
            ("reconcile", SYNC, HAS_SYNC), ("pull", SYNC, HAS_SYNC),
        ],
    },
    {
        "role": ROLE_ADMIN,
        "scope": SCOPE_SYSTEM,
        "perms": [
            ("read", MY_ACCOUNT), ("write", MY_ACCOUNT), ("read", UNIT),
            ("read", ACCOUNT), ("manage", ACCOUNT), ("create_staff", ACCOUNT),
            ("assign_roles", ACCOUNT), ("read", AUDIT_LOG), ("read", ROLE), ("read", PROFILE),
            ("read", CATALOG), ("read_failed_mail", NOTICE), ("read", CALENDAR),
            ("get", OPENAPI), ("show", SWAGGER), ("read", JOBS), ("run", JOBS),
        ],
    },
]

# every account reads its own notifications, whatever its role (app/notify)
for _entry in ROLE_CONFIGS:
    _entry["perms"].append(("read", NOTICE))

ROLE_NAMES = [config["role"] for config in ROLE_CONFIGS]


def role_config(name):
    for entry in ROLE_CONFIGS:
        if entry["role"] == name:
            return entry
    return None


def granted_permissions(role_name, rule):
    """The (action, resource) pairs the table grants ``role_name`` under a
    profile, where ``rule(key)`` reads the active profile."""
    entry = role_config(role_name)
    if entry is None:
        return set()
    granted = set()
    for perm in entry["perms"]:
        action, resource = perm[0], perm[1]
        if len(perm) == 3:
            key, wanted = perm[2]
            value = rule(key)
            if isinstance(wanted, tuple):
                operator, other = wanted
                assert operator == "!=", wanted
                # an unset rule is "none" (sync.services.trigger reads it so)
                if (value or "none") == other:
                    continue
            elif (value is None) if wanted == IS_SET else (value != wanted):
                continue
        granted.add((action, resource))
    return granted


def base_permissions(resource):
    """Every FAB permission name of a resource; each view and API of the
    resource declares all of them, so FAB's per-view sync never drops one."""
    return ["can_" + action for action in ACTIONS[resource]]


# What an account whose access is restricted (read-only, Điều 13.1 HP) keeps.
READ_ACTIONS = {"read", "get", "show"}
KEPT_WHEN_RESTRICTED = {("write", MY_ACCOUNT)}


def allowed_when_restricted(action, resource):
    return action in READ_ACTIONS or (action, resource) in KEPT_WHEN_RESTRICTED
