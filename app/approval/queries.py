"""What the approval screens read, and what approval adds to the records' pages.

The records sit below the approval layer (docs/architecture.md): the person's
page shows the approval panel and the signed copy through the hooks of
app/records/queries.py, which ``register_hooks`` fills at start-up.
"""
from app.approval import exports, keys, services
from app.records import queries as record_queries
from app.records.models import SUBMITTED
from app.security import roles, scope


def person_panel(actor, employee, approved, open_version):
    """The approval part of the person's page: the approved version's signatures
    checked against the stored data, and what the viewer may decide or sign."""
    verdicts = services.verdicts(approved)
    return {
        "verdicts": verdicts,
        "altered": any(not verdict.intact for verdict in verdicts),
        "may_decide": open_version is not None and open_version.status == SUBMITTED
        and services.authority_for(actor, open_version) is not None,
        "credentials": keys.credentials_of(actor),
        "may_sign_export": approved is not None
        and bool(scope.user_scopes(actor, "sign_export", roles.APPROVAL)),
        "signed_copy": exports.latest(employee),
    }


def register_hooks():
    record_queries.add_person_panel(person_panel)
    record_queries.use_signed_copies(exports.latest, exports.content_of)
