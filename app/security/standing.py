"""Who may act on whom: the one rule every account action asks (DESIGN §9).

Accounts rank by the roles they hold: personal < unit officer < head (agency) <
Sở Nội vụ < admin. Nobody resets, locks, restricts, edits or re-roles an account
of equal or higher standing, nor their own; agency and staff accounts belong to
Sở Nội vụ and the admin; an admin's account is acted on only by a second admin
(or from the command line). Nobody grants a role above their own standing, and
an account holding the admin role holds no role that reads personal records.

Scope (app/security/scope.py) says which accounts an actor reaches; this says
which of those they may act on. Both are checked.
"""
from flask_babel import gettext as _

from app.security import roles

# DESIGN §9
STANDING = {roles.ROLE_PERSONAL: 1, roles.ROLE_OFFICER: 2, roles.ROLE_HEAD: 3,
            roles.ROLE_SO_NOI_VU: 4, roles.ROLE_ADMIN: 5}
# account kinds (app/accounts/models.py) that only Sở Nội vụ and the admin act on
KINDS_OF_SO_NOI_VU_AND_ADMIN = ("agency", "staff")
OWNERS_OF_AGENCY_AND_STAFF = (roles.ROLE_SO_NOI_VU, roles.ROLE_ADMIN)


def role_names(account):
    return {role.name for role in (getattr(account, "roles", None) or [])}


def standing(account):
    """The account's rank: that of its highest role (0 with none)."""
    return max((STANDING.get(name, 0) for name in role_names(account)), default=0)


def is_admin(account):
    return roles.ROLE_ADMIN in role_names(account)


def roles_reading_records():
    """The roles the table lets read personal records (whatever the profile)."""
    return {entry["role"] for entry in roles.ROLE_CONFIGS
            if any(perm[:2] == ("read", roles.RECORD) for perm in entry["perms"])}


def refusal_to_act_on(actor, target):
    """Why ``actor`` may not act on ``target``'s account, or None when they may."""
    if actor is None or target is None:
        return _("You are not allowed to do this.")
    if actor.id == target.id:
        return _("Nobody changes the access or the roles of their own account; ask the "
                 "person in charge above you.")
    if is_admin(target):
        if not is_admin(actor):
            return _("Only a second system administrator may act on an administrator's "
                     "account.")
        return None
    if standing(actor) <= standing(target):
        return _("This account stands as high as yours or higher; ask the person in "
                 "charge above you.")
    if getattr(target, "kind", None) in KINDS_OF_SO_NOI_VU_AND_ADMIN \
            and not role_names(actor) & set(OWNERS_OF_AGENCY_AND_STAFF):
        return _("Agency and staff accounts are managed by Sở Nội vụ and the system "
                 "administrator.")
    return None


def refusal_to_grant(actor, target, names):
    """Why ``actor`` may not give ``target`` exactly the roles ``names``, or None."""
    names = set(names)
    if actor is not None and target is not None and actor.id == target.id:
        return _("Nobody grants roles to their own account.")
    if roles.ROLE_ADMIN in names and names & roles_reading_records():
        return _("A system administrator's account holds no role that reads personal "
                 "records.")
    actor_standing = standing(actor)
    for name in names:
        if name == roles.ROLE_ADMIN and is_admin(actor):
            continue  # a second administrator is made by an administrator
        if STANDING.get(name, 0) >= actor_standing:
            return _("You may grant only roles below your own.")
    return None
