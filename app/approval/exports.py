"""The sơ yếu lý lịch exported as the paper original (Điều 6.4 HP): the
approved version's PDF, signed first by the person with authority with their
own key, then by the agency's seal: two incremental signatures, each with
its signer's name and time in the box under "Thủ trưởng cơ quan"."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.approval import keys, services
from app.approval.models import SignedExport
from app.audit import services as audit
from app.core import clock
from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.extensions import db
from app.files.store import file_store
from app.records import pdf as record_pdf
from app.records import services as records
from app.security import scope
from app.signing.pdf import box_lines_for, sign_pdf
from app.signing.providers import SigningError

SIGNED_NOTE = "Bản điện tử có chữ ký số"
AUTHORITY_FIELD, SEAL_FIELD = "NguoiCoThamQuyen", "CoQuan"
AUTHORITY_ROLE = "Người có thẩm quyền"
SEAL_ROLE = "Cơ quan"


@atomic
def sign_record(actor, employee, signer):
    """Sign the approved record of ``employee``; one transaction. Returns the SignedExport."""
    if not scope.allows(actor, "read", employee):
        raise DomainError(_("You may not export this record."))
    version = records.approved_version(employee)
    if version is None:
        raise DomainError(_("This record has no approved version to sign yet."))
    if any(not verdict.intact for verdict in services.verdicts(version)):
        raise DomainError(_("The stored data was changed after it was signed; it cannot be "
                            "exported as the original. Tell Sở Nội vụ."))
    with keys.seal_signer(employee.unit) as seal:
        return _sign_record(actor, employee, version, signer, seal)


def _sign_record(actor, employee, version, signer, seal):
    when = clock.now()
    try:
        sealed = signed_record_pdf(records.read_content(version), signer, seal,
                                   location=employee.unit.name, when=when,
                                   catalog_name=records.catalog_namer())
    except SigningError as error:
        raise DomainError(str(error)) from None
    export = SignedExport(employee_id=employee.id, version_id=version.id,
                          sha256=file_store().put(sealed), size=len(sealed), signed_by=actor.id,
                          signer_name=signer.signer_name, seal_name=seal.signer_name,
                          signed_at=when)
    db.session.add(export)
    db.session.flush()
    audit.record("record.export_signed", version, unit_id=employee.unit_id,
                 details={"employee_id": employee.id, "number": version.number,
                          "sha256": export.sha256})
    return export


def signed_record_pdf(content, signer, seal, *, location, when, catalog_name=None):
    """The record's PDF signed by ``signer`` and then by ``seal``, both boxes under
    "Thủ trưởng cơ quan": the render and the two signatures of an export, without the
    database (bench/pdf_bench.py measures this)."""
    body, spots = record_pdf.record_pdf_with_spots(content, catalog_name=catalog_name,
                                                   title_note=SIGNED_NOTE)
    page, x1, y1, x2, y2 = spots["authority"]
    middle = (y1 + y2) / 2
    signed = sign_pdf(body, signer, field_name=AUTHORITY_FIELD,
                      reason="Xác nhận sơ yếu lý lịch", location=location,
                      box_lines=box_lines_for(signer.signer_name, when, role=AUTHORITY_ROLE),
                      page=page, box=(x1, middle + 1, x2, y2), signed_at=when)
    return sign_pdf(signed, seal, field_name=SEAL_FIELD,
                    reason="Chữ ký số của cơ quan", location=location,
                    box_lines=box_lines_for(seal.signer_name, when, role=SEAL_ROLE),
                    page=page, box=(x1, y1, x2, middle - 1), signed_at=when)


def latest(employee):
    return db.session.scalar(select(SignedExport).where(SignedExport.employee_id == employee.id)
                             .order_by(SignedExport.signed_at.desc(), SignedExport.id.desc())
                             .limit(1))


def content_of(export):
    return file_store().get(export.sha256)
