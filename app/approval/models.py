"""Monthly approval: who signed which version, delegations, the signing keys
people hold, exports signed as the paper original, and each month's seal.

A signature is never edited or deleted: a version's approvals are the proof
that the stored data is what the approver saw (DESIGN §2, §9).
"""
from datetime import timedelta

from flask_appbuilder import Model
from sqlalchemy import (
    JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, LargeBinary, String,
    Text, UniqueConstraint, false,
)
from sqlalchemy.orm import relationship

from app.core.periods import DatedPeriod
from app.security import roles
from app.security.scope import scoped

# the two steps of DESIGN §4: the unit's head (or delegate), then, under some
# profiles, Sở Nội vụ before the national sync
STEP_UNIT = "unit"
STEP_SO_NOI_VU = "so_noi_vu"

# why this person may approve this version (DESIGN §9 "Who approves")
BASIS_HEAD = "head"                # head of the nearest employing unit
BASIS_DEPUTY = "deputy"            # a deputy, for the head's own record
BASIS_UPPER_HEAD = "upper_head"    # no deputy: the head of the next employing unit above
BASIS_DELEGATE = "delegate"        # written delegation (ủy quyền) for a period
BASIS_SO_NOI_VU = "so_noi_vu"      # the province's second step

# how the key is held (one signing interface, three providers)
KIND_PKCS12 = "pkcs12"        # a key file unlocked by the signer's own PIN
KIND_PKCS11 = "pkcs11"        # a token or HSM
KIND_EXTERNAL = "external"    # a USB token through a desktop plugin, or remote signing
CREDENTIAL_KINDS = (KIND_PKCS12, KIND_PKCS11, KIND_EXTERNAL)


def _of_unit_people(column):
    def rule(user):
        return column() == user.unit_id if user.unit_id else false()
    return rule


@scoped(roles.APPROVAL, own=_of_unit_people(lambda: Delegation.unit_id), subtree="unit_id")
class Delegation(DatedPeriod, Model):
    """A head's written delegation (giấy ủy quyền) of the unit's approvals to a
    named person, from ``valid_from`` to ``valid_to`` inclusive; it lapses by
    itself (``valid_to`` is the day after its last). The signed document is
    kept in the file store."""

    __tablename__ = "approval_delegation"

    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    delegator_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    delegate_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    document_number = Column(String(64), nullable=False)
    document_sha256 = Column(String(64), nullable=False)
    document_type = Column(String(64), nullable=False)
    document_name = Column(String(255), nullable=False)
    revoked_at = Column(DateTime(timezone=True), nullable=True)
    created_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False)
    # bumped by every UPDATE, which names the version it read: a stale write fails
    version = Column(Integer, nullable=False, default=1, server_default="1")

    unit = relationship("Unit")
    delegator = relationship("Employee", foreign_keys=[delegator_id])
    delegate = relationship("Employee", foreign_keys=[delegate_id])

    __table_args__ = (Index("ix_approval_delegation_unit", "unit_id", "valid_to"),
                      Index("ix_approval_delegation_delegate", "delegate_id"))
    __mapper_args__ = {"version_id_col": version}

    @property
    def last_day(self):
        # stored half-open like every period (app/core/periods.py)
        return self.valid_to - timedelta(days=1)


class Approval(Model):
    """One signed approval of a record version: the detached CMS over the
    version's canonical content (app/approval/canonical.py)."""

    __tablename__ = "record_approval"

    id = Column(Integer, primary_key=True)
    version_id = Column(Integer, ForeignKey("record_version.id"), nullable=False)
    step = Column(String(16), nullable=False)
    # the employing unit whose approval this is (the month's seal lists them)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True)
    basis = Column(String(16), nullable=False)
    approver_account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    approver_employee_id = Column(Integer, ForeignKey("employee.id"), nullable=True)
    delegation_id = Column(Integer, ForeignKey("approval_delegation.id"), nullable=True)
    provider = Column(String(16), nullable=False)
    # the content format's version, so that old signatures keep verifying
    canonical_format = Column(Integer, nullable=False)
    canonical_sha256 = Column(String(64), nullable=False)
    cms = Column(LargeBinary, nullable=False)
    signer_name = Column(String(255), nullable=False)
    certificate_serial = Column(String(64), nullable=False)
    signed_at = Column(DateTime(timezone=True), nullable=False)
    # approving outside the profile's window is allowed and recorded as such
    in_window = Column(Boolean, nullable=False)

    version = relationship("RecordVersion", backref="approvals")
    delegation = relationship("Delegation")

    __table_args__ = (
        # one approval per step: a second, concurrent approval fails here
        UniqueConstraint("version_id", "step", name="uq_record_approval_step"),
        Index("ix_record_approval_unit", "unit_id", "signed_at"),
    )


class SigningCredential(Model):
    """A signing key registered for an account (a person's) or a unit (the
    agency seal). A person's PKCS#12 is kept only as the file their PIN
    unlocks; the server never stores that PIN. A seal's passphrase is held by
    the server, encrypted with the record keys."""

    __tablename__ = "signing_credential"

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=True)
    kind = Column(String(16), nullable=False)
    label = Column(String(255), nullable=False)
    certificate = Column(LargeBinary, nullable=False)          # DER
    pkcs12 = Column(LargeBinary, nullable=True)                # PIN-protected file
    seal_passphrase = Column(Text, nullable=True)              # encrypted (seals only)
    token_label = Column(String(64), nullable=True)            # PKCS#11
    key_label = Column(String(64), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False)
    revoked_at = Column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("ix_signing_credential_account", "account_id"),
                      Index("ix_signing_credential_unit", "unit_id"))


class ExternalSigningRequest(Model):
    """An approval waiting for a signature made outside the server: the digest
    went to the signer's plugin or remote service, the CMS comes back here."""

    __tablename__ = "signing_external_request"

    id = Column(Integer, primary_key=True)
    token = Column(String(64), nullable=False, unique=True)
    version_id = Column(Integer, ForeignKey("record_version.id"), nullable=False)
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    credential_id = Column(Integer, ForeignKey("signing_credential.id"), nullable=False)
    step = Column(String(16), nullable=False)
    canonical_sha256 = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)
    completed_at = Column(DateTime(timezone=True), nullable=True)

    version = relationship("RecordVersion")
    credential = relationship("SigningCredential")


class SignedExport(Model):
    """A sơ yếu lý lịch PDF signed by the person with authority and then the
    agency seal; the bytes are in the file store."""

    __tablename__ = "signed_export"

    id = Column(Integer, primary_key=True)
    employee_id = Column(Integer, ForeignKey("employee.id"), nullable=False)
    version_id = Column(Integer, ForeignKey("record_version.id"), nullable=False)
    sha256 = Column(String(64), nullable=False)
    size = Column(Integer, nullable=False)
    signed_by = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    signer_name = Column(String(255), nullable=False)
    seal_name = Column(String(255), nullable=False)
    signed_at = Column(DateTime(timezone=True), nullable=False)

    version = relationship("RecordVersion")

    __table_args__ = (Index("ix_signed_export_employee", "employee_id", "signed_at"),)


class MonthSeal(Model):
    """The head's signed list of a month's approved changes in a unit, chained
    to the previous month's seal so a missing or altered month shows."""

    __tablename__ = "approval_month_seal"

    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    month = Column(String(7), nullable=False)         # yyyy-mm
    entries = Column(JSON, nullable=False)            # the machine-readable list
    entries_sha256 = Column(String(64), nullable=False)
    previous_sha256 = Column(String(64), nullable=True)
    pdf_sha256 = Column(String(64), nullable=False)
    signed_by = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    signed_at = Column(DateTime(timezone=True), nullable=False)

    __table_args__ = (UniqueConstraint("unit_id", "month", name="uq_approval_month_seal"),)
