"""Digitized documents (bản số hóa) attached to the change they support.

A file is accepted when its bytes are a PDF, a JPEG or a PNG (the name and
the browser's claimed type are ignored) and it is within the configured
size; it is stored once by SHA-256 in the file store, and the database
keeps what it is and which version it supports.
"""
import io

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import select

from app.audit import services as audit
from app.core import clock
from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.extensions import db
from app.files.store import file_store
from app.records import services
from app.records.models import ATTACHMENT_KINDS, DRAFT, Attachment
from app.security import scope

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
KIND_LABELS = {
    "quyet_dinh_tuyen_dung": _l("Recruitment decision"),
    "quyet_dinh_bo_nhiem": _l("Appointment decision"),
    "quyet_dinh_dieu_dong": _l("Transfer decision"),
    "quyet_dinh_luong": _l("Salary decision"),
    "van_bang": _l("Diploma"), "chung_chi": _l("Certificate"),
    "quyet_dinh_khen_thuong": _l("Reward decision"),
    "quyet_dinh_ky_luat": _l("Discipline decision"),
    "danh_gia": _l("Evaluation"), "giay_to_tuy_than": _l("Identity document"),
    "khac": _l("Other document"),
}


def detect_type(data):
    """The document's type from its first bytes, or None."""
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def _readable(data, content_type):
    if content_type == PDF:
        # a whole PDF ends with %%EOF (possibly followed by a newline)
        return b"%%EOF" in data[-1024:]
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        return True
    except Exception:  # Pillow raises many kinds on a broken image
        return False


def check_document(data):
    """The content type of a scanned document, or a refusal: empty, too large,
    not a PDF, JPEG or PNG by its bytes, or damaged."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if not data:
        raise DomainError(_("Choose a file to attach."))
    if len(data) > limit:
        size = "%d MB" % (limit // 2 ** 20) if limit >= 2 ** 20 else "%d KB" % (limit // 2 ** 10)
        raise DomainError(_("The file is larger than %(size)s.", size=size))
    content_type = detect_type(data)
    if content_type is None:
        raise DomainError(_("Only PDF, JPEG and PNG documents are accepted; this file is none "
                            "of them, whatever its name says."))
    if not _readable(data, content_type):
        raise DomainError(_("The file is damaged or incomplete; scan or export it again."))
    return content_type


def attach_in_transaction(actor, version, filename, data, kind, note=None):
    """Attach a document to a draft; refused as a whole with a clear message."""
    if not scope.allows(actor, "write", version.employee) or not services.editable_groups(
            actor, version.employee):
        raise DomainError(_("You may not change this record."))
    if version.status != DRAFT:
        raise DomainError(_("Documents are attached to a draft; this version is no longer "
                            "one."))
    if kind not in ATTACHMENT_KINDS:
        raise DomainError(_("Choose what the document is."))
    content_type = check_document(data)
    digest = file_store().put(data)
    attachment = Attachment(
        employee_id=version.employee_id, version_id=version.id, kind=kind,
        filename=(filename or "tai-lieu")[-255:], content_type=content_type, size=len(data),
        sha256=digest, note=(note or "").strip()[:255] or None, uploaded_by=actor.id,
        uploaded_at=clock.now())
    db.session.add(attachment)
    db.session.flush()
    audit.record("record.attachment_add", attachment, unit_id=version.employee.unit_id,
                 details={"employee_id": version.employee_id, "version": version.number,
                          "kind": kind, "sha256": digest, "size": len(data)})
    return attachment


attach = atomic(attach_in_transaction)


@atomic
def remove(actor, attachment):
    """Take a document off a draft (the bytes stay in the store: another
    record may hold the same file)."""
    if not scope.allows(actor, "write", attachment.employee):
        raise DomainError(_("You may not change this record."))
    if attachment.version.status != DRAFT:
        raise DomainError(_("A submitted or decided version keeps its documents."))
    audit.record("record.attachment_remove", attachment, unit_id=attachment.employee.unit_id,
                 details={"employee_id": attachment.employee_id, "sha256": attachment.sha256})
    db.session.delete(attachment)


def readable(actor, attachment_id):
    return db.session.scalar(scope.restrict(select(Attachment).where(
        Attachment.id == attachment_id), actor, "read", model=Attachment))


def content_of(attachment):
    """The document's bytes; its reading is audited."""
    audit.record("record.attachment_read", attachment, unit_id=attachment.employee.unit_id,
                 details={"employee_id": attachment.employee_id})
    db.session.commit()
    return file_store().get(attachment.sha256)


def of_versions(versions):
    ids = [v.id for v in versions if v is not None]
    if not ids:
        return []
    return list(db.session.scalars(select(Attachment).where(Attachment.version_id.in_(ids))
                                   .order_by(Attachment.uploaded_at, Attachment.id)))
