"""Approving and rejecting record versions with a digital signature.

Approving signs the version's canonical content (app/approval/canonical.py)
with a detached CMS made by the approver's own key, stores the signature
beside the version and makes the version the record's approved state, in one
transaction that holds the version's row lock: of two heads (or two tabs)
approving at once, one approves and the other is told who already did. A
batch approves each version in its own transaction and reports per version.
"""
import secrets
from dataclasses import dataclass, field

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from app.approval import authority as authorities
from app.approval import canonical, keys, window
from app.approval.models import (
    BASIS_SO_NOI_VU, KIND_EXTERNAL, STEP_SO_NOI_VU, STEP_UNIT, Approval, ExternalSigningRequest,
)
from app.audit import services as audit
from app.core import clock
from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.extensions import db
from app.notify import services as notify
from app.policy.profiles import rule
from app.records import services as records
from app.org.models import Employee
from app.records.models import APPROVED, REJECTED, SUBMITTED, RecordVersion
from app.records.queries import UNIT_APPROVED
from app.security import roles, scope
from app.signing import pki
from app.signing.cms import detached_signer, sign_detached, verify_detached
from app.signing.pdf import verify_pdf
from app.signing.providers import SigningError


class ApprovalRefused(DomainError):
    pass


def second_step_required():
    return bool(rule("approval.so_noi_vu_second_step"))


def approval_required():
    """Whether the profile has changes approved at all: under da_nang (ĐNg Điều 10, 16:
    the unit's officer enters and answers for the records) nobody approves, and the
    officer's entry is the act (records.services.record_entry)."""
    return records.approval_required()


def _no_approval():
    return ApprovalRefused(_("Under this province's rules changes are not approved: the "
                             "unit's data officer records them."))


# --- who may ------------------------------------------------------------------------------

def _locked(version_id):
    """The version, its row locked until the transaction ends (re-read, not cached),
    with its person read in the same statement (their row is not locked)."""
    version = db.session.scalar(select(RecordVersion).where(RecordVersion.id == version_id)
                                .options(joinedload(RecordVersion.employee))
                                .with_for_update(of=RecordVersion)
                                .execution_options(populate_existing=True))
    if version is None:
        raise ApprovalRefused(_("This version does not exist."))
    return version


def _decided_message(version):
    who = _approver_name(version.decided_by)
    if version.status == APPROVED:
        return _("%(who)s has already approved this version.", who=who)
    return _("%(who)s has already rejected this version.", who=who)


def _approver_name(account_id):
    from app.accounts.models import User
    account = db.session.get(User, account_id) if account_id else None
    return " ".join(filter(None, [account.last_name, account.first_name])) if account else "?"


# "look the actor's own employee up": a batch reads it once and passes its id along
LOOK_UP = object()


def _own_employee_id(actor, approver_id=LOOK_UP):
    if approver_id is not LOOK_UP:
        return approver_id
    me = records.own_employee(actor)
    return me.id if me is not None else None


def authority_for(actor, version, approver_id=LOOK_UP):
    """The actor's Authority over the version's record, or None. ``approver_id``:
    the actor's own employee id (or None: they have none), when already known."""
    if not approval_required():
        return None
    approver_id = _own_employee_id(actor, approver_id)
    if approver_id is None or version.employee.account_id == actor.id:
        return None
    if not scope.allows(actor, "approve", version.employee):
        return None
    return authorities.authority_of(approver_id, version.employee)


def _require_unit_step(actor, version, approver_id=LOOK_UP):
    if not approval_required():
        raise _no_approval()
    if version.status != SUBMITTED:
        raise ApprovalRefused(_decided_message(version) if version.decided_by else
                              _("Only a submitted version can be approved or rejected."))
    if version.employee.account_id == actor.id:
        raise ApprovalRefused(_("Nobody approves their own record."))
    found = authority_for(actor, version, approver_id)
    if found is None:
        raise ApprovalRefused(_("You are not the approver of this record: it is approved by "
                                "the head of the person's unit, a deputy for the head's own "
                                "record, or a person the head delegated in writing."))
    return found


def _require_second_step(actor, version):
    if not second_step_required():
        raise ApprovalRefused(_("The province profile has no second approval by Sở Nội vụ."))
    if not scope.allows(actor, "read", version.employee) or \
            not scope.user_scopes(actor, "second_step", roles.APPROVAL):
        raise ApprovalRefused(_("Only Sở Nội vụ signs the second approval."))
    if version.status == REJECTED and version.decided_by:
        raise ApprovalRefused(_decided_message(version))
    if version.status != APPROVED or unit_approval(version) is None:
        raise ApprovalRefused(_("Sở Nội vụ approves a version after its unit has approved it."))
    if step_approval(version, STEP_SO_NOI_VU) is not None:
        raise ApprovalRefused(_("Sở Nội vụ has already approved this version."))
    if version.employee.account_id == actor.id:
        raise ApprovalRefused(_("Nobody approves their own record."))


def second_step_pending(actor, version):
    """Whether the actor may sign (or refuse) Sở Nội vụ's step on the version now."""
    try:
        _require_second_step(actor, version)
    except ApprovalRefused:
        return False
    return True


def step_approval(version, step):
    return db.session.scalar(select(Approval).where(Approval.version_id == version.id,
                                                    Approval.step == step))


def unit_approval(version):
    return step_approval(version, STEP_UNIT)


def last_signed_by_so_noi_vu(version):
    """The person's latest version before ``version`` that Sở Nội vụ approved, or None:
    what Sở Nội vụ's review compares with."""
    return db.session.scalar(
        select(RecordVersion).join(Approval, (Approval.version_id == RecordVersion.id)
                                   & (Approval.step == STEP_SO_NOI_VU))
        .where(RecordVersion.employee_id == version.employee_id,
               RecordVersion.number < version.number)
        .order_by(RecordVersion.number.desc()).limit(1))


def awaiting_second_step(versions):
    """{version id: records' UNIT_APPROVED} for the approved ``versions`` that their
    unit signed and Sở Nội vụ has not yet, where the profile wants its step; one
    statement for them all (the records' pages call it through
    ``records.queries.use_version_states``)."""
    approved = sorted({version.id for version in versions if version.status == APPROVED})
    if not approved or not second_step_required():
        return {}
    steps = {}
    for version_id, step in db.session.execute(
            select(Approval.version_id, Approval.step).where(Approval.version_id.in_(approved))):
        steps.setdefault(version_id, set()).add(step)
    return {version_id: UNIT_APPROVED for version_id, signed in steps.items()
            if STEP_UNIT in signed and STEP_SO_NOI_VU not in signed}


def ready_for_sync(version):
    """Whether an approved version may go to the national database: signed by its unit
    (and by Sở Nội vụ where the profile wants it). A version the officer recorded where
    the profile has no approver (basis ``officer_entry``) carries no signature and is
    never ready: the one such profile, da_nang, has no national sync (sync.trigger none)."""
    if version.status != APPROVED or unit_approval(version) is None:
        return False
    return not second_step_required() or step_approval(version, STEP_SO_NOI_VU) is not None


# what runs, in the approval's transaction, when a version becomes ready for the national
# sync: the sync's outbox registers itself here (app/sync/services.register_hooks); the
# approval never imports it
_ready_hooks = []


def on_ready_for_sync(hook):
    """Register ``hook(version)``, called in the transaction of the signature that makes a
    version ready for the national sync (idempotent)."""
    if hook not in _ready_hooks:
        _ready_hooks.append(hook)


def _announce_if_ready(version):
    if _ready_hooks and ready_for_sync(version):
        for hook in _ready_hooks:
            hook(version)


# --- approving ----------------------------------------------------------------------------

def _record_signature(actor, version, step, basis, cms_der, certificate, provider, data,
                      delegation_id=None, unit_id=None, approver_id=LOOK_UP):
    approval = Approval(
        version_id=version.id, step=step, unit_id=unit_id, basis=basis,
        approver_account_id=actor.id,
        approver_employee_id=_own_employee_id(actor, approver_id), delegation_id=delegation_id,
        provider=provider, canonical_format=canonical.FORMAT,
        canonical_sha256=canonical.sha256(data), cms=cms_der,
        signer_name=pki.subject_name(certificate),
        certificate_serial=format(certificate.serial_number, "x"),
        signed_at=clock.now(), in_window=window.in_window())
    db.session.add(approval)
    try:
        db.session.flush()
    except IntegrityError:
        # another approval of the same step committed first
        raise ApprovalRefused(_("Someone else approved this version at the same moment.")) \
            from None
    return approval


def _sign(signer, data):
    try:
        return sign_detached(data, signer)
    except SigningError as error:
        raise ApprovalRefused(str(error)) from None


@atomic
def approve(actor, version_id, signer, provider, *, approver_id=LOOK_UP):
    """Approve one submitted version with ``signer`` (an unlocked key); one
    transaction. Returns the Approval. ``approver_id``: the actor's own employee id
    when the caller has read it (a batch, once for all its versions)."""
    version = _locked(version_id)
    found = _require_unit_step(actor, version, approver_id)
    data = canonical.canonical_bytes(version)
    approval = _record_signature(actor, version, STEP_UNIT, found.basis,
                                 _sign(signer, data), signer.certificate, provider, data,
                                 found.delegation_id, found.unit_id, approver_id)
    records.mark_approved(actor, version, step=STEP_UNIT, basis=found.basis,
                          in_window=approval.in_window)
    _announce_if_ready(version)
    return approval


@atomic
def approve_second_step(actor, version_id, signer, provider, *, approver_id=LOOK_UP):
    """Sở Nội vụ's signature on a version its unit approved (vinh_phuc, ha_noi)."""
    version = _locked(version_id)
    _require_second_step(actor, version)
    data = canonical.canonical_bytes(version)
    approval = _record_signature(actor, version, STEP_SO_NOI_VU, BASIS_SO_NOI_VU,
                                 _sign(signer, data), signer.certificate, provider, data,
                                 approver_id=approver_id)
    audit.record("record.approve_second", version, unit_id=version.employee.unit_id,
                 details={"employee_id": version.employee_id, "number": version.number,
                          "in_window": approval.in_window})
    _announce_if_ready(version)
    return approval


@dataclass
class Outcome:
    version_id: int
    person: str = ""
    approved: bool = False
    message: str = ""


def approve_many(actor, version_ids, key, provider, second_step=False):
    """Approve each version in its own transaction; report per version.

    ``key`` is an unlocked signer, or a block that unlocks one (`keys.unlocked`): it is
    entered once, before the first version — one key file opened, one token session —
    and left when the batch ends, whatever happens; a signer left is closed, so the
    unlocked key lives no longer than the batch. What is the same for every version
    is prepared once: the signer's certificates for CMS (`cms.DetachedSigner`), the
    approver's own employee id. Who may approve each version is checked in its own
    transaction, as a single approval checks it."""
    outcomes = []
    with key as signer:
        batch_signer = detached_signer(signer)
        approver_id = _own_employee_id(actor)
        approve_one = approve_second_step if second_step else approve
        for version_id in dict.fromkeys(version_ids):
            outcome = Outcome(version_id)
            try:
                approve_one(actor, version_id, batch_signer, provider,
                            approver_id=approver_id)
                outcome.approved = True
            except DomainError as error:
                outcome.message = str(error)
                outcome.person = _person_shown(actor, version_id)
            outcomes.append(outcome)
    _name_approved(outcomes)
    return outcomes


def _person_shown(actor, version_id):
    """The name of the version's person, if the actor may read their record."""
    version = db.session.get(RecordVersion, version_id)
    if version is not None and scope.allows(actor, "read", version.employee):
        return version.employee.full_name
    return ""


def _name_approved(outcomes):
    """The people of the approved versions, in one statement (the actor has just
    approved their records: each was theirs to decide)."""
    approved = {o.version_id: o for o in outcomes if o.approved}
    if not approved:
        return
    for version_id, name in db.session.execute(
            select(RecordVersion.id, Employee.full_name)
            .join(Employee, Employee.id == RecordVersion.employee_id)
            .where(RecordVersion.id.in_(approved))):
        approved[version_id].person = name


# --- rejecting ----------------------------------------------------------------------------

# a reason is a few sentences the person reads in a notice and a mail
REJECT_REASON_MAX = 2000


@atomic
def reject(actor, version_id, reason):
    """Reject with a reason the person reads in the app and by e-mail."""
    _check_reason(reason)
    version = _locked(version_id)
    _require_unit_step(actor, version)
    records.mark_rejected(actor, version, reason)
    _notify_rejected(actor, version)
    return version


@atomic
def reject_second_step(actor, version_id, reason):
    """Sở Nội vụ refuses a version its unit approved (vinh_phuc, ha_noi): the version
    goes back to the person as rejected, with the reason, as a head's rejection does
    (audited as ``record.reject``, the person notified in the app and by e-mail; their
    next draft starts from it). The unit's signature stays: it is the proof of what the
    unit approved. The record's approved state is the last approved version again, and
    so are the person's name and số định danh."""
    _check_reason(reason)
    version = _locked(version_id)
    _require_second_step(actor, version)
    records.mark_rejected(actor, version, reason)
    _restore_identity(version.employee)
    _notify_rejected(actor, version)
    return version


def _check_reason(reason):
    if len((reason or "").strip()) > REJECT_REASON_MAX:
        raise DomainError(_("The reason is too long: at most %(n)d characters.",
                            n=REJECT_REASON_MAX))


def _restore_identity(employee):
    """The name and số định danh of the record's last approved version (mark_approved
    gave the employee those of the version now refused)."""
    approved = records.approved_version(employee)
    if approved is None:
        return
    records.take_identity(employee, records.read_content(approved)["fields"])


def _notify_rejected(actor, version):
    """The person's notice (and mail) of a rejection, with the reason and who decided."""
    person = version.employee
    if person.account_id is not None:
        from app.accounts.models import User
        link = record_path(person)
        subject, body = notify.render_mail(
            "record_rejected", person_name=person.full_name, version_number=version.number,
            reason=version.reason, approver_name=_approver_name(actor.id), link=link)
        notify.notify(db.session.get(User, person.account_id), subject, body, link=link)


def record_path(person):
    """The in-app path of a person's record, with or without a request."""
    if has_request_context():
        return url_for("RecordView.person", pk=person.id)
    return current_app.url_map.bind("localhost").build("RecordView.person", {"pk": person.id})


# --- signing outside the server -----------------------------------------------------------

@atomic
def prepare_external(actor, version_id, credential):
    """Start an approval whose signature is made by the signer's plugin or a
    remote signing service: what leaves the server is the content's digest."""
    if credential.kind != KIND_EXTERNAL:
        raise ApprovalRefused(_("This key signs on the server; enter its PIN instead."))
    version = db.session.get(RecordVersion, version_id)
    if version is None:
        raise ApprovalRefused(_("This version does not exist."))
    _require_unit_step(actor, version)
    data = canonical.canonical_bytes(version)
    request = ExternalSigningRequest(
        token=secrets.token_urlsafe(24), version_id=version.id, account_id=actor.id,
        credential_id=credential.id, step=STEP_UNIT, canonical_sha256=canonical.sha256(data),
        created_at=clock.now())
    db.session.add(request)
    audit.record("record.approve_prepare", version, unit_id=version.employee.unit_id,
                 details={"employee_id": version.employee_id, "number": version.number})
    return request


def external_request(actor, token):
    request = db.session.scalar(select(ExternalSigningRequest).where(
        ExternalSigningRequest.token == token, ExternalSigningRequest.account_id == actor.id))
    if request is None:
        raise ApprovalRefused(_("This signing request does not exist."))
    return request


@atomic
def complete_external(actor, token, cms_der):
    """Finish an external approval with the signed CMS that came back."""
    request = external_request(actor, token)
    if request.completed_at is not None:
        raise ApprovalRefused(_("This signing request has already been used."))
    version = _locked(request.version_id)
    found = _require_unit_step(actor, version)
    data = canonical.canonical_bytes(version)
    if canonical.sha256(data) != request.canonical_sha256:
        raise ApprovalRefused(_("The record changed after the signature was prepared; "
                                "prepare it again."))
    result = verify_detached(data, cms_der, keys.trusted_roots())
    certificate = keys.certificate_of(request.credential)
    if not result.valid:
        raise ApprovalRefused(_("The signature is not valid: %(why)s",
                                why="; ".join(result.problems)))
    if pki.cert_der(result.certificate) != pki.cert_der(certificate):
        raise ApprovalRefused(_("The signature was made with another certificate than the "
                                "one registered for you."))
    approval = _record_signature(actor, version, STEP_UNIT, found.basis, cms_der,
                                 certificate, KIND_EXTERNAL, data, found.delegation_id,
                                 found.unit_id)
    records.mark_approved(actor, version, step=STEP_UNIT, basis=found.basis,
                          in_window=approval.in_window)
    request.completed_at = clock.now()
    _announce_if_ready(version)
    return approval


# --- verifying ----------------------------------------------------------------------------

@dataclass
class Verdict:
    approval: Approval
    intact: bool              # the stored data is what was signed
    valid: bool               # intact, the signature checks out, and the CA is trusted
    problems: list = field(default_factory=list)


def verify(approval):
    """Check an approval against the version's data as stored now."""
    data = canonical.canonical_bytes(approval.version, approval.canonical_format)
    result = verify_detached(data, approval.cms, keys.trusted_roots())
    intact = result.intact and canonical.sha256(data) == approval.canonical_sha256
    problems = list(result.problems)
    if not intact:
        problems.insert(0, _("The stored data was changed after it was signed."))
    return Verdict(approval, intact, intact and result.valid, problems)


def verdicts(version):
    if version is None:
        return []
    return [verify(approval) for approval in sorted(version.approvals, key=lambda a: a.id)]


def audit_verify(version):
    """Record that someone checked a version's signatures (its page or the API)."""
    audit.record("approval.verify", version, unit_id=version.employee.unit_id,
                 details={"employee_id": version.employee_id, "number": version.number})


def verification_report(data):
    """What an uploaded PDF's signatures say, against the province's trusted CAs."""
    if not data.startswith(b"%PDF"):
        raise DomainError(_("This is not a PDF file."))
    return verify_pdf(data, keys.trusted_roots())


# --- the queue ----------------------------------------------------------------------------

@dataclass
class QueueEntry:
    version: RecordVersion
    authority: object
    overdue: bool


def queue(actor, second_step=False):
    """The submitted versions this person may approve (or, for Sở Nội vụ's
    second step, the unit-approved versions awaiting it), oldest first: the versions
    with their people in one statement, the approvers worked out once per employing
    unit (``authority.authorities_over``), not once per version. Empty where the profile
    has no approval."""
    if not approval_required():
        return []
    if second_step:
        signed = select(Approval.version_id).where(Approval.step == STEP_SO_NOI_VU)
        query = select(RecordVersion).join(Approval, (Approval.version_id == RecordVersion.id)
                                           & (Approval.step == STEP_UNIT)) \
            .where(RecordVersion.status == APPROVED, RecordVersion.id.not_in(signed))
        query = scope.restrict(query.join(Employee, Employee.id == RecordVersion.employee_id),
                               actor, "read", model=Employee)
        return [QueueEntry(v, None, False) for v in db.session.scalars(
            query.order_by(RecordVersion.decided_at, RecordVersion.id))]
    me = records.own_employee(actor)
    if me is None:
        return []
    query = scope.restrict(
        select(RecordVersion).join(Employee, Employee.id == RecordVersion.employee_id)
        .where(RecordVersion.status == SUBMITTED), actor, "approve", model=Employee)
    # nobody approves their own record; the query is already the actor's "approve" scope
    versions = [version for version in db.session.scalars(
        query.options(contains_eager(RecordVersion.employee))
        .order_by(RecordVersion.submitted_at, RecordVersion.id))
        if version.employee.account_id != actor.id]
    found = authorities.authorities_over(me.id, [version.employee for version in versions])
    return [QueueEntry(version, found[version.employee_id], window.is_overdue(version))
            for version in versions if found[version.employee_id] is not None]
