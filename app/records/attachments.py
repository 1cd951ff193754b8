"""Digitized documents (bản số hóa) attached to the change they support.

A file is accepted when its bytes are a PDF, a JPEG or a PNG (the name and
the browser's claimed type are ignored) and it is within the configured
size; it is stored once by SHA-256 in the file store, and the database
keeps what it is and which version it supports.

A document is only ever a document (security issue 14), so `check_document` also
refuses, whatever the type:
- HTML or script markers in the first 1024 bytes, the window a browser sniffs
  (Chromium's `kMaxBytesToSniff`): such a file could be run as a page if it were ever
  served without its type or without `nosniff`;
- a PDF carrying active content: JavaScript (document, page, field, annotation or
  bookmark actions, the /Names /JavaScript tree), Launch, GoToE, ImportData,
  SubmitForm, Rendition or RichMedia actions, embedded files, file-attachment, media or
  3D annotations, and XFA forms. Every object of the parsed file is inspected (pypdf
  decodes `/J#61vaScript` to `/JavaScript` and opens object streams), and the raw bytes
  outside streams are scanned as well. pypdf runs in a child process with limits on
  its time and memory (a small PDF can make a parser build millions of objects); a
  PDF that it cannot parse within them is refused as damaged, unless it has no stream
  at all (then the raw scan has seen every byte of it), and a password-protected one
  is refused, since it cannot be inspected;
- an image whose header declares more than ATTACHMENT_MAX_PIXELS pixels (or more than
  Pillow's own ceiling, `Image.MAX_IMAGE_PIXELS`): a decompression bomb. Only the
  header is read; no pixel is decoded.
"""
import io
import os
import re
import resource
import signal
import time
import warnings
from dataclasses import dataclass, field
from select import select as wait_for

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject
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


# The bytes a browser reads to sniff a type (Chromium's net/base/mime_sniffer.h,
# kMaxBytesToSniff), and what in them would make it render HTML or run a script. Tags
# must end as tags do, so that the odd "<b" in a JPEG's bytes is no HTML.
SNIFF_WINDOW = 1024
HTML_MARKERS = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|frame|frameset|object|embed|applet|"
    rb"svg|math|style|meta|link|base|form|img|a\s+href)[\s/>]|(?:java|vb)script:",
    re.IGNORECASE)
# PDF active content (ISO 32000-1 §12.6 actions, §12.5.6 annotations, §7.11.4 embedded
# files, §12.7.8 XFA), by where the name stands in a dictionary.
ACTIVE_KEYS = frozenset(("/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA",
                         "/RichMediaContent", "/RichMediaSettings", "/Collection"))
ACTIVE_VALUES = {
    "/S": frozenset(("/JavaScript", "/Launch", "/GoToE", "/ImportData", "/SubmitForm",
                     "/Rendition", "/RichMediaExecute")),
    "/Subtype": frozenset(("/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound",
                           "/3D")),
    "/Type": frozenset(("/EmbeddedFile",)),
}
SCRIPT_URI = re.compile(r"^[\x00-\x20]*(?:java|vb)script:|^[\x00-\x20]*data:",
                        re.IGNORECASE)
# The belt: the same names in the raw bytes outside streams, #xx escapes decoded.
RAW_ACTIVE_NAMES = frozenset((b"JS", b"JavaScript", b"Launch", b"EmbeddedFile",
                              b"EmbeddedFiles", b"XFA", b"RichMedia", b"RichMediaExecute",
                              b"GoToE"))
STREAM_KEYWORD = re.compile(rb"(?<![A-Za-z0-9])stream\r?\n")
PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# pypdf parses the PDF in a child process under these limits: a few KB of compressed
# cross-reference stream can declare ten million objects (30 s and 900 MB in pypdf),
# and object streams inflate 1000-fold. A legitimate 10 MB PDF takes a few seconds.
PDF_CHECK_SECONDS = 15                  # of CPU time
PDF_CHECK_MEMORY = 512 * 2 ** 20        # bytes of address space above the worker's own


class _Encrypted(Exception):
    """A PDF that opens only with a password."""


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
        with Image.open(io.BytesIO(data)) as image:   # its pixels were counted first
            image.verify()
        return True
    except Exception:  # Pillow raises many kinds on a broken image
        return False


def _looks_like_html(data):
    """HTML or script markers where a browser sniffing the type would find them."""
    return HTML_MARKERS.search(data[:SNIFF_WINDOW]) is not None


def _image_pixels(data):
    """Width × height as the image's header declares them (no pixel is decoded), or
    None when Pillow reads no header. Over Pillow's own ceiling counts as too many."""
    # Pillow warns over MAX_IMAGE_PIXELS and raises over twice that; the warning is
    # turned into a refusal too. (catch_warnings changes the process's filters for
    # this block: only this warning's category, and only to be stricter.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return float("inf")
        except Exception:  # Pillow raises many kinds on a broken image
            return None
    return width * height


def _resolved(value, depth=8):
    while isinstance(value, IndirectObject) and depth:
        value, depth = value.get_object(), depth - 1
    return value


def _text(value):
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def _active_in(value):
    """Whether a parsed PDF object (without following its references) is active
    content."""
    pending = [value]
    while pending:
        value = pending.pop()
        if isinstance(value, DictionaryObject):
            for key, item in value.items():
                if key in ACTIVE_KEYS:
                    return True
                if key in ACTIVE_VALUES or key == "/URI":
                    # the one place a reference is followed: `/S 9 0 R` names the action
                    # type in object 9, which is no action when inspected alone
                    item = _resolved(item)
                    if str(item) in ACTIVE_VALUES.get(key, ()):
                        return True
                    if key == "/URI" and SCRIPT_URI.match(_text(item)):
                        return True
                if not isinstance(item, IndirectObject):
                    pending.append(item)
        elif isinstance(value, ArrayObject):
            pending.extend(item for item in value if not isinstance(item, IndirectObject))
    return False


def _parsed_pdf_active(data):
    """Active content anywhere in the parsed PDF: every object its cross-reference
    tables name, in object streams too, and the trailer. Raises on a PDF pypdf cannot
    parse, and _Encrypted on one that needs a password."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise _Encrypted()
    references = [IndirectObject(number, generation, reader)
                  for generation, numbers in reader.xref.items() for number in numbers]
    references += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    if _active_in(reader.trailer):
        return True
    return any(_active_in(reference.get_object()) for reference in references)


def _outside_streams(data):
    """The file's bytes without its streams' data (a stream that never ends takes the
    rest of the file). Linear in the size: no pattern that backtracks over 10 MB."""
    parts, at = [], 0
    while True:
        keyword = STREAM_KEYWORD.search(data, at)
        if keyword is None:
            parts.append(data[at:])
            break
        parts.append(data[at:keyword.start()])
        end = data.find(b"endstream", keyword.end())
        if end < 0:
            break
        at = end + len(b"endstream")
    return b" ".join(parts)


def _raw_pdf_active(data):
    """The belt: active names in the file's bytes outside its streams, however their
    letters are escaped (/J#61vaScript)."""
    for match in PDF_NAME.finditer(_outside_streams(data)):
        name = PDF_NAME_ESCAPE.sub(lambda m: bytes((int(m.group(1), 16),)), match.group(1))
        if name in RAW_ACTIVE_NAMES:
            return True
    return False


def _pdf_verdict(data):
    """What pypdf finds: b"active", b"plain", b"encrypted" or b"unparsed"."""
    try:
        return b"active" if _parsed_pdf_active(data) else b"plain"
    except _Encrypted:
        return b"encrypted"
    except MemoryError:
        raise                          # over the limit: no verdict
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a broken file
        return b"unparsed"


def _limit_this_process():
    resource.setrlimit(resource.RLIMIT_CPU, (PDF_CHECK_SECONDS, PDF_CHECK_SECONDS))
    with open("/proc/self/statm") as statm:
        size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") + PDF_CHECK_MEMORY
    resource.setrlimit(resource.RLIMIT_AS, (size, size))


def _in_child(function, data):
    """``function(data)`` (a few bytes) computed in a forked child under the PDF
    check's limits, or None if the child ran out of them or died."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:                       # the child: no database, no request, just pypdf
        try:
            os.close(read_end)
            _limit_this_process()
            os.write(write_end, function(data))
        finally:
            os._exit(0)
    os.close(write_end)
    answer = b""
    try:
        deadline = time.monotonic() + 2 * PDF_CHECK_SECONDS   # CPU time, then wall time
        while (remaining := deadline - time.monotonic()) > 0:
            if not wait_for([read_end], [], [], remaining)[0]:
                break
            chunk = os.read(read_end, 64)
            if not chunk:
                break
            answer += chunk
    finally:
        os.close(read_end)
        os.kill(pid, signal.SIGKILL)   # still ours until waited for, even once exited
        os.waitpid(pid, 0)
    return answer or None


def _pdf_active(data):
    """Whether the PDF carries active content (see the module's docstring)."""
    if _raw_pdf_active(data):
        return True
    verdict = _in_child(_pdf_verdict, data)
    if verdict == b"encrypted":
        raise DomainError(_("The PDF is protected by a password; remove the protection and "
                            "attach it again."))
    if verdict == b"unparsed" and b"stream" not in data:
        return False                   # the raw scan has seen every byte of it
    if verdict not in (b"active", b"plain"):   # unparsed, or over the limits
        raise DomainError(_("The file is damaged or incomplete; scan or export it again."))
    return verdict == b"active"


def check_document(data):
    """The content type of a scanned document, or a refusal: empty, too large,
    not a PDF, JPEG or PNG by its bytes, HTML in its first bytes, damaged, a PDF with
    active content or an image of too many pixels (see the module's docstring)."""
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
    if _looks_like_html(data):
        raise DomainError(_("The file carries web-page code (HTML or a script) in its first "
                            "bytes, which a browser could run; attach the scan or the "
                            "exported document itself."))
    if content_type != PDF:
        max_pixels = current_app.config["ATTACHMENT_MAX_PIXELS"]
        pixels = _image_pixels(data)
        if pixels is not None and pixels > max_pixels:
            raise DomainError(_("The image is larger than %(limit)s megapixels; scan it again "
                                "at a lower resolution.",
                                limit=format_decimal(max_pixels / 1_000_000, "#,##0.#")))
    if not _readable(data, content_type):
        raise DomainError(_("The file is damaged or incomplete; scan or export it again."))
    if content_type == PDF and _pdf_active(data):
        raise DomainError(_("The PDF carries active content (JavaScript, actions that open "
                            "programs or files, embedded files, multimedia or XFA forms); "
                            "print or export it again as a plain PDF."))
    return content_type


@dataclass(frozen=True)
class Scan:
    """A decision's scan (hiring, transfer, status change), its bytes checked once."""
    filename: str
    content: bytes = field(repr=False)
    content_type: str = ""


def checked_scan(scan):
    """``scan`` ((file name, bytes) or a Scan) as a checked Scan; DomainError with the
    reason when it is missing or refused (check_document)."""
    if isinstance(scan, Scan):
        return scan
    filename, content = scan or (None, None)
    if not content:
        raise DomainError(_("Attach the scan of the decision (PDF or image)."))
    return Scan((filename or "quyet-dinh")[:255], content, check_document(content))


def attach_in_transaction(actor, version, filename, data, kind, note=None):
    """Attach a document to a draft; refused as a whole with a clear message."""
    if not scope.allows(actor, "write", version.employee) or not services.editable_groups(
            actor, version.employee):
        raise DomainError(_("You may not change this record."))
    if version.status != DRAFT:
        raise DomainError(_("Documents are attached to a draft; this version is no longer "
                            "one."))
    return store_document(actor, version, filename, data, kind, note)


def store_document(actor, version, filename, data, kind, note=None, content_type=None):
    """Check a document and attach it to ``version``, in the caller's transaction; the
    caller has checked that the actor may (attach_in_transaction, or a hiring that
    attaches its decision to the record it starts). ``content_type``: what
    check_document already said of these bytes (one scan for a list of hires)."""
    if kind not in ATTACHMENT_KINDS:
        raise DomainError(_("Choose what the document is."))
    content_type = content_type or check_document(data)
    digest = file_store().put(data)
    attachment = Attachment(
        employee_id=version.employee_id, version_id=version.id, kind=kind,
        filename=(filename or "tai-lieu")[-255:], content_type=content_type, size=len(data),
        sha256=digest, note=(note or "").strip()[:255] or None, uploaded_by=actor.id,
        uploaded_at=clock.now())
    db.session.add(attachment)
    db.session.flush()
    audit.record("record.attachment_add", attachment, unit_id=version.employee.unit_id,
                 actor=actor, details={"employee_id": version.employee_id, "version": version.number,
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
