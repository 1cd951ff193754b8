"""Signed PDF exports: incremental `adbe.pkcs7.detached` signatures with a visible box
(Vietnamese text in DejaVu Sans), and an in-app verifier.

`sign_pdf` appends one signature (endesive's `endesive.pdf.cms.sign`): call it once for
the person with authority, then again for the agency seal, each with its own field and
box. `verify_pdf` reads each signature field with pypdf, takes the signed byte ranges and
the CMS from the file itself and checks them with `cms.verify_detached` — it shares
nothing with the signing library. Tests cross-check with poppler's pdfsig and pyHanko.
"""
import datetime as dt
import io
import os
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.signing import cms
from app.signing.providers import SigningError

FONT_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "records", "fonts")
FONT_PATH = os.path.join(FONT_DIR, "DejaVuSans.ttf")
VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")
APPLICATION = "HoSo CBCCVC"


@dataclass
class PdfSignature:
    field_name: str
    signer_name: str = ""
    signed_at: dt.datetime | None = None
    chain: list = field(default_factory=list)    # subjects, signer → root
    intact: bool = False            # the signed byte ranges' digest matches
    signature_ok: bool = False
    trusted: bool = False
    covers_whole_document: bool = False  # to the end, or only later signatures follow
    reason: str | None = None
    location: str | None = None
    byte_range: tuple = ()
    certificate: object = None
    problems: list = field(default_factory=list)

    @property
    def valid(self):
        return (self.intact and self.signature_ok and self.trusted
                and self.covers_whole_document)


def box_lines_for(signer_name, signed_at, *, role=None):
    """The default text of a signature box, in Vietnamese."""
    when = signed_at.astimezone(VIETNAM_TIME)
    lines = ["Ký bởi: %s" % signer_name]
    if role:
        lines.append(role)
    lines.append("Thời gian: %s" % when.strftime("%d/%m/%Y %H:%M"))
    return lines


def _pdf_date(when):
    return when.astimezone(dt.timezone.utc).strftime("D:%Y%m%d%H%M%S+00'00'")


def _field_names(reader):
    names = set()
    root = reader.trailer["/Root"]
    if "/AcroForm" not in root:
        return names
    for f in _walk_fields(root["/AcroForm"].get_object().get("/Fields", [])):
        if "/T" in f:
            names.add(str(f["/T"]))
    return names


def _walk_fields(fields):
    for ref in fields or []:
        f = ref.get_object()
        yield f
        if "/Kids" in f:
            yield from _walk_fields(f["/Kids"])


def sign_pdf(pdf_bytes, signer, *, field_name, reason, location, contact=None,
             box_lines=None, page=0, box=(350, 40, 560, 100), signed_at=None,
             font_path=FONT_PATH, font_size=8):
    """``pdf_bytes`` with one more signature appended (an incremental update).

    ``box`` is (x1, y1, x2, y2) in points on page ``page``; ``box_lines`` the text shown
    in it (default: "Ký bởi: …", "Thời gian: dd/mm/yyyy HH:MM", Vietnam time)."""
    from endesive.pdf import cms as pdf_cms
    from pypdf import PdfReader

    when = (signed_at or dt.datetime.now(dt.timezone.utc))
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    when = when.replace(microsecond=0)
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes))
        existing = _field_names(reader)
        page_count = len(reader.pages)
    except Exception:   # noqa: BLE001 - pypdf raises many kinds
        raise SigningError(_("The document is not a readable PDF.")) from None
    if field_name in existing:
        raise SigningError(_("The document already has a signature field named %(name)s.",
                             name=field_name))
    if not 0 <= page < page_count:
        raise SigningError(_("The document has no page %(page)s.", page=page + 1))
    lines = box_lines or box_lines_for(signer.signer_name, when)
    x1, y1, x2, y2 = box
    udct = {
        "sigflags": 3,
        "sigpage": page,
        "sigfield": field_name,
        "signaturebox": (x1, y1, x2, y2),
        "manual_fonts": {"DejaVu": font_path},
        "signature_manual": [
            ["stroke_colour", 0.1, 0.2, 0.6],
            ["border", 1],
            ["fill_colour", 0.1, 0.2, 0.6],
            ["text_box", "\n".join(lines), "DejaVu", 4, 2, (x2 - x1) - 8, (y2 - y1) - 4,
             font_size, True, "left", "middle", 1.25],
        ],
        "reason": reason,
        "location": location,
        "signingdate": _pdf_date(when),
        "attrs": cms.endesive_attrs(signer, when),
        "application": APPLICATION.replace(" ", "_"),
    }
    if contact:
        udct["contact"] = contact
    appended = pdf_cms.sign(pdf_bytes, udct, None, signer.certificate, list(signer.chain),
                            cms.HASH_NAME, hsm=signer.endesive_hsm())
    return pdf_bytes + appended


def verify_pdf(pdf_bytes, trusted_roots, *, at=None):
    """Every signature of the PDF, in file order, checked against ``trusted_roots``."""
    from pypdf import PdfReader
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes), strict=False)
        root = reader.trailer["/Root"]
        fields = (root["/AcroForm"].get_object().get("/Fields", [])
                  if "/AcroForm" in root else [])
        sig_fields = [f for f in _walk_fields(fields)
                      if f.get("/FT") == "/Sig" and f.get("/V") is not None]
    except Exception:   # noqa: BLE001
        raise SigningError(_("The document is not a readable PDF.")) from None

    found = []
    for f in sig_fields:
        v = f["/V"].get_object()
        result = PdfSignature(field_name=str(f.get("/T", "")),
                              reason=_text(v.get("/Reason")),
                              location=_text(v.get("/Location")))
        try:
            br = tuple(int(x) for x in v["/ByteRange"])
        except (KeyError, TypeError, ValueError):
            result.problems.append(_("The signature has no byte range."))
            found.append(result)
            continue
        result.byte_range = br
        found.append(_check(result, pdf_bytes, br, trusted_roots, at))

    found.sort(key=lambda s: (s.byte_range[2] + s.byte_range[3]) if s.byte_range else 0)
    _coverage(found, pdf_bytes)
    return found


def _text(value):
    return None if value is None else str(value)


def _check(result, pdf, br, trusted_roots, at):
    a, b, c, d = br if len(br) == 4 else (None,) * 4
    gap = pdf[a + b:c] if a is not None else b""
    if (a != 0 or b <= 0 or c <= a + b or d < 0 or c + d > len(pdf)
            or not gap.startswith(b"<") or not gap.endswith(b">")):
        result.problems.append(_("The signature's byte range is malformed."))
        return result
    try:
        cms_der = bytes.fromhex(gap[1:-1].decode("ascii"))
    except ValueError:
        result.problems.append(_("The signature's byte range is malformed."))
        return result
    data = pdf[a:a + b] + pdf[c:c + d]
    detached = cms.verify_detached(data, cms_der, trusted_roots, at=at)  # zero padding is ignored
    result.intact = detached.intact
    result.signature_ok = detached.signature_ok
    result.trusted = detached.trusted
    result.signer_name = detached.signer_name
    result.signed_at = detached.signed_at
    result.chain = detached.chain
    result.certificate = detached.certificate
    result.problems.extend(detached.problems)
    return result


def _coverage(signatures, pdf):
    """A signature covers the whole document when its range reaches the end of the
    file, or when only signature revisions follow: a later signature that is intact
    covers the rest of the file, and the pages (count, size, content streams) read the
    same in the revision this signature covers and in the whole file."""
    size = len(pdf)
    for sig in signatures:
        if len(sig.byte_range) != 4:
            continue
        end = sig.byte_range[2] + sig.byte_range[3]
        sig.covers_whole_document = end == size or (
            _later_signature_covers_rest(sig, signatures, size)
            and _same_pages(pdf[:end], pdf))
        if not sig.covers_whole_document:
            sig.problems.append(_("The document was changed after this signature."))


def _later_signature_covers_rest(sig, signatures, size):
    end = sig.byte_range[2] + sig.byte_range[3]
    return any(s is not sig and len(s.byte_range) == 4
               and s.byte_range[2] + s.byte_range[3] == size > end
               and s.intact and s.signature_ok for s in signatures)


def _pages(pdf):
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(pdf), strict=False)
    pages = []
    for page in reader.pages:
        contents = page.get_contents()
        pages.append((tuple(float(x) for x in page.mediabox),
                      contents.get_data() if contents is not None else b"",
                      sorted(str(k) for k in (page.get("/Resources") or {}).keys())))
    return pages


def _same_pages(signed_revision, whole):
    try:
        return _pages(signed_revision) == _pages(whole)
    except Exception:   # noqa: BLE001 - an unreadable revision is not "the same"
        return False
