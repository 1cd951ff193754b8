"""Signed PDF exports: incremental `adbe.pkcs7.detached` signatures with a visible box
(Vietnamese text in DejaVu Sans), and an in-app verifier.

`sign_pdf` appends one signature (endesive's `endesive.pdf.cms`: the incremental
update, the signature field and its widget): call it once for the person with
authority, then again for the agency seal, each with its own field and box. Two
things endesive would redo for every signature are done once per process here: the
box's font is parsed once (`box_font_file`, reportlab's TrueType parser and subsetter;
endesive re-reads the whole font file for each box), and the certificates'
encoded pieces come from `cms.certificate_parts`. The box is laid out under
`PDF_RENDER_LOCK`, like every use of reportlab's fonts.

`verify_pdf` reads each signature field with pypdf, takes the signed byte ranges and
the CMS from the file itself and checks them with `cms.verify_detached` — it shares
nothing with the signing library. Tests cross-check with poppler's pdfsig and pyHanko.
"""
import datetime as dt
import functools
import hashlib
import io
import os
import string
import zlib
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.core.rendering import PDF_RENDER_LOCK
from app.signing import cms
from app.signing.providers import SigningError

FONT_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "records", "fonts")
FONT_PATH = os.path.join(FONT_DIR, "DejaVuSans.ttf")
VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")
APPLICATION = "HoSo CBCCVC"
BOX_FONT = "DejaVu"     # the box font's resource name in the appearance
# room for the CMS beyond its certificates and signature value: attributes, names, DER
SIGNATURE_ROOM = 2048


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
        "signature_manual": [
            ["stroke_colour", 0.1, 0.2, 0.6],
            ["border", 1],
            ["fill_colour", 0.1, 0.2, 0.6],
            ["text_box", "\n".join(lines), BOX_FONT, 4, 2, (x2 - x1) - 8, (y2 - y1) - 4,
             font_size, True, "left", "middle", 1.25],
        ],
        "reason": reason,
        "location": location,
        "signingdate": _pdf_date(when),
        "attrs": cms.endesive_attrs(signer, when),
        "application": APPLICATION.replace(" ", "_"),
        # the room the CMS takes, known beforehand: endesive otherwise signs once more
        # only to measure it
        "aligned": _signature_room(signer),
    }
    if contact:
        udct["contact"] = contact
    chain = [cms.certificate_parts(c).certificate() for c in signer.chain]
    writer = _box_writer()(box_font_file(font_path))
    appended = writer.sign(pdf_bytes, udct, None, signer.certificate, chain, cms.HASH_NAME,
                           signer.endesive_hsm())
    return pdf_bytes + appended


def _signature_room(signer):
    """Bytes to reserve for the CMS: its certificates, the signature value (RSA's is
    key_size / 8 bytes, ECDSA's at most twice that and its DER), and room."""
    certificates = [signer.certificate] + list(signer.chain)
    key_size = getattr(signer.certificate.public_key(), "key_size", 4096)
    return (sum(len(cms.certificate_parts(c).der) for c in certificates)
            + 2 * key_size // 8 + 16 + SIGNATURE_ROOM)


# --- the signature box --------------------------------------------------------------------

class BoxFontFile:
    """A TrueType font file parsed once per process (reportlab's `TTFontFile`): the
    metrics a box's layout measures with, and the subsets its appearance embeds.
    reportlab's parser keeps a read position while subsetting, so `subset` runs under
    PDF_RENDER_LOCK."""

    def __init__(self, path):
        from reportlab.pdfbase.ttfonts import TTFontFile
        self.path = path
        self.face = TTFontFile(path, validate=0)
        name = self.face.name
        self.name = getattr(name, "ustr", None) or (
            name.decode("latin-1") if isinstance(name, bytes) else str(name))
        # in thousandths of an em, as PDF widths are
        self.widths = self.face.charWidths
        self.default_width = self.face.defaultWidth

    def width(self, code):
        return self.widths.get(code, self.default_width)

    def subset(self, codes):
        """(TrueType bytes holding the glyphs of ``codes``, {code: glyph id in them})."""
        codes = sorted(codes)
        with PDF_RENDER_LOCK:
            data = self.face.makeSubset(codes)
        # the glyph ids reportlab's makeSubset gives: 0 for .notdef, then each new
        # original glyph in the order of ``codes``
        glyph_of, new_id = {0: 0}, {}
        for code in codes:
            original = self.face.charToGlyph.get(code, 0)
            new_id[code] = glyph_of.setdefault(original, len(glyph_of))
        return data, new_id


_font_files = {}


def box_font_file(path=FONT_PATH):
    """The parsed font at ``path``: parsed the first time a process asks, then reused."""
    with PDF_RENDER_LOCK:
        font = _font_files.get(path)
        if font is None:
            font = _font_files[path] = BoxFontFile(path)
        return font


@functools.cache
def _box_font_class():
    """endesive's `TTFFont` interface over a parsed `BoxFontFile` (a class made on first
    use: importing endesive.pdf needs the oscrypto fix, docs/signing.md)."""
    from endesive.pdf.PyPDF2_annotate.pdfttf import TTFFont

    class BoxFont(TTFFont):
        """One box's font: collects the box's characters and embeds only those."""

        def __init__(self, font_file):     # endesive's parses the font file here
            self.font_file = font_file
            self.size = 12
            self.font = {"name": font_file.name, "subset": set()}

        def measure_text(self, text):
            return sum(self.font_file.width(ord(c)) for c in text) * self.size / 1000.0

        def get_font(self):
            return _embedded_font(self.font_file, self.font["subset"])

    return BoxFont


def _subset_tag(codes):
    """Six capital letters naming a font subset (PDF 32000 §9.6.4), from its content."""
    digest = hashlib.sha256(repr(sorted(codes)).encode()).digest()
    return "".join(string.ascii_uppercase[b % 26] for b in digest[:6])


def _embedded_font(font_file, used):
    """A Type 0 font with the glyphs of ``used`` (Unicode code points), in the shape
    endesive's appearance text expects: Identity-H, CID = the code point."""
    from endesive.pdf.PyPDF2_annotate.pdfrw import IndirectPdfDict, PdfArray, PdfName, PdfString

    face = font_file.face
    codes = sorted(c for c in used if 32 <= c <= 0xFFFF) or [32]
    data, glyph_ids = font_file.subset(codes)
    name = "%s+%s" % (_subset_tag(codes), font_file.name)
    cid_to_gid = bytearray(2 * (codes[-1] + 1))
    for code in codes:
        cid_to_gid[2 * code:2 * code + 2] = glyph_ids[code].to_bytes(2, "big")
    descriptor = IndirectPdfDict(
        Type=PdfName("FontDescriptor"), FontName=PdfName(name),
        Flags=(face.flags | 4) & ~32, FontBBox=[int(round(v)) for v in face.bbox],
        ItalicAngle=int(face.italicAngle), Ascent=int(round(face.ascent)),
        Descent=int(round(face.descent)), CapHeight=int(round(face.capHeight)),
        StemV=int(round(face.stemV)), MissingWidth=int(round(font_file.default_width)),
        FontFile2=IndirectPdfDict(stream=zlib.compress(data), Filter=PdfName("FlateDecode")))
    widths = []
    for code in codes:
        widths += [code, [int(round(font_file.width(code)))]]
    descendant = IndirectPdfDict(
        Type=PdfName("Font"), Subtype=PdfName("CIDFontType2"), BaseFont=PdfName(name),
        CIDSystemInfo=IndirectPdfDict(Registry=PdfString("Adobe"), Ordering=PdfString("UCS"),
                                      Supplement=0),
        FontDescriptor=descriptor, W=PdfArray(widths),
        DW=int(round(font_file.default_width)),
        CIDToGIDMap=IndirectPdfDict(stream=zlib.compress(bytes(cid_to_gid)),
                                    Filter=PdfName("FlateDecode")))
    return IndirectPdfDict(
        Type=PdfName("Font"), Subtype=PdfName("Type0"), BaseFont=PdfName(name),
        Encoding=PdfName("Identity-H"), DescendantFonts=PdfArray([descendant]),
        ToUnicode=IndirectPdfDict(stream=TO_UNICODE))


# CID = Unicode code point, so the text maps back to itself (copy, search, pdftotext)
TO_UNICODE = "\n".join((
    "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
    "/CIDSystemInfo", "<</Registry (Adobe)", "/Ordering (UCS)", "/Supplement 0", ">> def",
    "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
    "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
    "1 beginbfrange", "<0000> <FFFF> <0000>", "endbfrange",
    "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"))


@functools.cache
def _box_writer():
    """endesive's incremental signature writer, drawing our box (`_add_box`)."""
    from endesive.pdf import cms as pdf_cms

    class BoxSignedData(pdf_cms.SignedData):
        def __init__(self, font_file):
            super().__init__()
            self.box_font_file = font_file

        _addAnnotation = _add_box

    return BoxSignedData


def _add_box(self, cert, udct, box, page0ref, obj13, obj13ref, new_13):
    """`SignedData._addAnnotation` for our box: endesive 3.0.1's own, less the kinds of
    box we never draw, with the font parsed once per process instead of the font files
    endesive parses for each box (and without its default Helvetica, which the box
    never uses). Pinned with endesive: this replaces a method of its writer."""
    from endesive.pdf.PyPDF2_annotate.annotations.signature import Signature
    from endesive.pdf.PyPDF2_annotate.config.appearance import Appearance
    from endesive.pdf.PyPDF2_annotate.config.location import Location
    from endesive.pdf.PyPDF2_annotate.util.geometry import identity
    from pypdf import generic as po

    x1, y1, x2, y2 = box
    with PDF_RENDER_LOCK:
        annotation = Signature(Location(x1=x1, y1=y1, x2=x2, y2=y2, page=0), Appearance())
        annotation._ttf[BOX_FONT] = _box_font_class()(self.box_font_file)
        annotation.set_signature_appearance(*udct["signature_manual"])
        pdfa = annotation.as_pdf_object(identity(), page=page0ref)
    objapn = self._extend(pdfa["/AP"]["/N"])
    objapnref = self._add_object(objapn)
    objap = po.DictionaryObject({po.NameObject("/N"): objapnref})
    obj13.update({
        po.NameObject("/Rect"): po.ArrayObject([po.FloatObject(v) for v in (x1, y1, x2, y2)]),
        po.NameObject("/AP"): objap,
    })
    page0 = page0ref.get_object()
    if new_13:
        annots = po.ArrayObject([obj13ref])
        if "/Annots" in page0:
            page0annots = page0["/Annots"]
            if isinstance(page0annots, po.IndirectObject):
                annots.insert(0, page0annots)
            elif isinstance(page0annots, po.ArrayObject):
                annots = page0annots
                annots.append(obj13ref)
    else:
        annots = page0["/Annots"]
    page0.update({po.NameObject("/Annots"): annots})
    self._objects[page0ref.idnum - 1] = page0


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
