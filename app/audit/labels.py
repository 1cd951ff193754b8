"""What each audit action and object type is called on screen."""
from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "access.denied": _l("Access refused"),
    "account.create": _l("Account created"),
    "account.update": _l("Account details changed"),
    "account.read": _l("Account viewed"),
    "account.list": _l("Account list viewed"),
    "account.lock": _l("Account locked"),
    "account.unlock": _l("Account unlocked"),
    "account.reset_password": _l("Password reset"),
    "account.change_password": _l("Own password changed"),
    "account.sign_in": _l("Signed in"),
    "account.sign_in_failed": _l("Failed sign-in"),
    "account.assign_roles": _l("Roles assigned"),
    "account.access_grant": _l("Access granted"),
    "account.access_restrict": _l("Access restricted"),
    "account.access_extend": _l("Access extended"),
    "account.access_revoke": _l("Access revoked"),
    "role.sync": _l("Roles synced with the role table"),
    "unit.create": _l("Unit created"),
    "unit.update": _l("Unit changed"),
    "unit.read": _l("Unit viewed"),
    "unit.list": _l("Unit list viewed"),
    "unit.tree": _l("Org tree viewed"),
    "unit.restructure": _l("Units restructured"),
    "unit.leader_appoint": _l("Head or deputy appointed"),
    "unit.leader_end": _l("Appointment ended"),
    "catalog.load": _l("Shipped catalogs loaded"),
    "catalog.entry_add": _l("Catalog entry added"),
    "catalog.entry_update": _l("Catalog entry changed"),
    "catalogentry.list": _l("Catalog viewed"),
    "catalogentry.read": _l("Catalog entry viewed"),
    "auditentry.read": _l("Audit entry viewed"),
    "auditentry.list": _l("Audit log viewed"),
}
OBJECT_LABELS = {"Account": _l("Account"), "Unit": _l("Unit"), "AuditEntry": _l("Audit entry"),
                 "Role": _l("Role"), "OrgRestructuring": _l("Restructuring"),
                 "Catalog": _l("Catalog"), "CatalogEntry": _l("Catalog entry")}


def action_label(code):
    return str(ACTION_LABELS.get(code, code))


def object_label(name):
    return "" if name is None else str(OBJECT_LABELS.get(name, name))
