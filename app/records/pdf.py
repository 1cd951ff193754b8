"""The printed sơ yếu lý lịch (appendix of Thông tư 06/2023/TT-BNV) as a PDF.

Laid out from the form's definition (app/records/form.py), item by item and
table by table, so the printed form cannot drift from the data model; a người
lao động's labour contract, which the record holds too, follows the form. The
DejaVu fonts are bundled (fonts/, with their licence) for the Vietnamese
glyphs on any machine. The PDF is plain and unencrypted: signing appends
incremental signatures to it later.
"""
import io
import os
import unicodedata
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer,
                                Table, TableStyle)

from app.core.rendering import PDF_RENDER_LOCK
from app.records import form
from app.records.values import display

FONT_DIR = os.path.join(os.path.dirname(__file__), "fonts")
FONT, FONT_BOLD, FONT_ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"

TITLE = "SƠ YẾU LÝ LỊCH"
METADATA_TITLE = "Sơ yếu lý lịch"
PRODUCER_NAME = "HoSo CBCCVC"
FORM_REFERENCE = ("Mẫu ban hành kèm theo Thông tư số 06/2023/TT-BNV ngày 04/5/2023 "
                  "của Bộ trưởng Bộ Nội vụ")
PHOTO_CAPTION = ("Ảnh màu", "(4 x 6 cm)")
PLACE_AND_DATE = "…………, ngày …… tháng …… năm ………"
# filled on a signed copy (Nghị định 30/2020/NĐ-CP, Phụ lục I, "Địa danh và thời gian ban
# hành văn bản": a day below 10 and the months 1 and 2 take a leading zero)
FILLED_PLACE_AND_DATE = "%s, ngày %02d tháng %s năm %d"
SIGNERS = (("Người khai", "(Ký tên, ghi rõ họ tên)"),
           ("Thủ trưởng cơ quan, tổ chức, đơn vị sử dụng", "(Ký tên, đóng dấu)"))
# item 1: "(viết chữ in hoa)"
CAPITALISED_FIELDS = {"ho_ten"}
# what a paper form leaves for a missing answer
BLANK = "…………"
FIELD_GAP = "&nbsp;&nbsp; "        # between the answers of one item, still breakable

PAGE_WIDTH = A4[0]
MARGIN = 2 * cm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
PHOTO_WIDTH, PHOTO_HEIGHT = 4 * cm, 6 * cm
EMPTY_TABLE_ROWS = 3               # room to write by hand, like the paper form
EMPTY_ROW_HEIGHT = 7 * mm
SIGNATURE_SPACE = 3 * cm
# the blank cells under SIGNERS, left to right
SIGNATURE_SPOTS = ("declarant", "authority")
CELL_SIZE, CELL_PADDING = 8.5, 3
# kinds whose column is only as wide as a date; the rest share the width by weight
NARROW_KINDS = {form.DATE, form.PARTIAL_DATE, form.YEAR}
COLUMN_WEIGHTS = {form.LONGTEXT: 4, form.TEXT: 2, form.CATALOG: 2}


@cache
def register_fonts():
    for name in (FONT, FONT_BOLD, FONT_ITALIC):
        pdfmetrics.registerFont(TTFont(name, os.path.join(FONT_DIR, name + ".ttf")))
    # the family lets <b> and <i> work in Paragraph markup
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                  boldItalic=FONT_BOLD)


@cache
def paragraph_styles():
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, spaceAfter=2.5)
    return {
        "body": body,
        "answer": ParagraphStyle("answer", body, leftIndent=5 * mm, alignment=TA_JUSTIFY),
        "heading": ParagraphStyle("heading", body, fontName=FONT_BOLD, spaceBefore=6,
                                  keepWithNext=1),
        "subheading": ParagraphStyle("subheading", body, spaceBefore=3, keepWithNext=1),
        "title": ParagraphStyle("title", body, fontName=FONT_BOLD, fontSize=16, leading=20,
                                alignment=TA_CENTER, spaceBefore=8, spaceAfter=2),
        "note": ParagraphStyle("note", body, fontName=FONT_ITALIC, alignment=TA_CENTER),
        "reference": ParagraphStyle("reference", body, fontName=FONT_ITALIC, fontSize=8,
                                    leading=10, alignment=TA_RIGHT, leftIndent=CONTENT_WIDTH / 2),
        "centred": ParagraphStyle("centred", body, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", body, fontSize=CELL_SIZE, leading=CELL_SIZE + 2,
                               spaceAfter=0),
        "column": ParagraphStyle("column", body, fontName=FONT_BOLD, fontSize=CELL_SIZE,
                                 leading=CELL_SIZE + 2, spaceAfter=0, alignment=TA_CENTER),
    }


def _markup(text):
    """User text as Paragraph markup: escaped, its line breaks kept."""
    # NFC: reportlab does no shaping, so combining accents would print apart
    text = unicodedata.normalize("NFC", text)
    return "<br/>".join(escape(line) for line in text.splitlines())


def _labelled(label, answer):
    # "…, những vấn đề gì?" takes no colon after its question mark
    return "%s%s %s" % (escape(label), "" if label[-1] in "?:" else ":", answer)


class _Answers:
    """The record's stored values, as markup for the printed form."""

    def __init__(self, content, catalog_name):
        self.fields = content.get("fields") or {}
        self.tables = content.get("tables") or {}
        self.catalog_name = catalog_name

    def markup(self, field, stored, blank=BLANK, capitals=False):
        stored = None if stored is None else str(stored)
        try:
            text = display(field, stored, self.catalog_name)
        except ValueError:           # a non-canonical number (imported data): print it as stored
            text = stored
        if capitals:
            text = text.upper()
        return _markup(text) if text else blank

    def field(self, field):
        # only the form's own fields: a table's "ho_ten" column (item 36) keeps its case
        return self.markup(field, self.fields.get(field.key),
                           capitals=field.key in CAPITALISED_FIELDS)

    def rows(self, table):
        return self.tables.get(table.key) or []


def _field_label(item, field, first):
    """The label printed before a field's answer inside its item's line."""
    if item.label.startswith(field.label + " ("):
        return item.label            # 1, 16, 19: the item adds a note to its field's label
    if not first and field.label.startswith(item.label + " ("):
        return field.label[len(item.label) + 1:]   # 5: "Quê quán (xã, phường): … (tỉnh, TP): …"
    return field.label


def _is_section(item):
    """Items printed as a heading with their parts below (30, 32–38)."""
    return bool(item.tables or item.children) or item.label == item.label.upper()


def _same_words(a, b):
    return a.upper() == b.upper()


def _item_flowables(item, answers):
    styles = paragraph_styles()
    if not _is_section(item):
        answers_markup = FIELD_GAP.join(
            _labelled(_field_label(item, f, i == 0), answers.field(f))
            for i, f in enumerate(item.fields))
        return [Paragraph("%s) %s" % (item.number, answers_markup), styles["body"])]
    flowables = [Paragraph("%s) %s" % (item.number, escape(item.label)), styles["heading"])]
    if item.text:
        flowables.append(Paragraph(escape(item.text), styles["body"]))
    for child in item.children:
        flowables += _item_flowables(child, answers)
    # 34: the fields are the 34.1 the tables' numbering leaves; 37: they follow 37.1, 37.2
    fields_number = None
    if item.tables and item.tables[0].number.endswith(".2"):
        fields_number = item.tables[0].number[:-1] + "1"
    fields = _section_fields(item, answers, fields_number)
    tables = [f for table in item.tables for f in _table_flowables(item, table, answers)]
    return flowables + (tables + fields if item.tables and not fields_number else fields + tables)


def _section_fields(item, answers, number):
    styles = paragraph_styles()
    flowables = []
    for field in item.fields:
        prefix = "%s) " % number if number else "- "
        answer = answers.field(field)
        if _same_words(field.label, item.label):          # 38: the heading says it
            flowables.append(Paragraph(answer, styles["answer"]))
        elif field.kind == form.LONGTEXT:
            flowables.append(Paragraph(prefix + escape(field.label), styles["subheading"]))
            flowables.append(Paragraph(answer, styles["answer"]))
        else:
            flowables.append(Paragraph(prefix + _labelled(field.label, answer), styles["body"]))
    return flowables


def _column_widths(columns):
    def widest(texts, font):
        return max(pdfmetrics.stringWidth(t, font, CELL_SIZE) for t in texts)

    # a date column fits "05/09/1985" and its heading's longest word, unbroken
    narrow = {c.key: 2 * CELL_PADDING + 1 + max(widest(["00/00/0000"], FONT),
                                                   widest(c.label.split(), FONT_BOLD))
              for c in columns if c.kind in NARROW_KINDS}
    rest = CONTENT_WIDTH - sum(narrow.values())
    weights = {c.key: COLUMN_WEIGHTS.get(c.kind, 1) for c in columns if c.key not in narrow}
    total_weight = sum(weights.values())
    return [narrow.get(c.key) or rest * weights[c.key] / total_weight for c in columns]


TABLE_STYLE = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
    ("VALIGN", (0, 1), (-1, -1), "TOP"),
    *((side, (0, 0), (-1, -1), CELL_PADDING)
      for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")),
])


def _table_flowables(item, table, answers):
    styles = paragraph_styles()
    flowables = []
    if not _same_words(table.title, item.label):      # 33: the heading says it
        flowables.append(Paragraph("%s) %s" % (table.number, escape(table.title)),
                                   styles["subheading"]))
    header = [Paragraph(escape(c.label), styles["column"]) for c in table.columns]
    rows = [[Paragraph(answers.markup(c, row.get(c.key), blank=""), styles["cell"])
             for c in table.columns] for row in answers.rows(table)]
    heights = [None] * (1 + len(rows))
    if not rows:
        rows = [[""] * len(table.columns)] * EMPTY_TABLE_ROWS
        heights = [None] + [EMPTY_ROW_HEIGHT] * EMPTY_TABLE_ROWS
    # splitInRow: one long answer may be taller than a page
    flowables.append(Table([header] + rows, colWidths=_column_widths(table.columns),
                           rowHeights=heights, repeatRows=1, splitInRow=1, style=TABLE_STYLE,
                           spaceBefore=2, spaceAfter=6))
    return flowables


class _PhotoBox(Flowable):
    """The 4 x 6 cm frame: the photo fitted inside, or the caption asking for one."""

    def __init__(self, photo=None):
        super().__init__()
        self.width, self.height = PHOTO_WIDTH, PHOTO_HEIGHT
        self.image = ImageReader(io.BytesIO(photo)) if photo else None

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        canvas.setLineWidth(0.6)
        canvas.rect(0, 0, self.width, self.height)
        if self.image:
            canvas.drawImage(self.image, 1, 1, self.width - 2, self.height - 2,
                             preserveAspectRatio=True, anchor="c", mask="auto")
            return
        canvas.setFont(FONT, 9)
        for line, text in enumerate(PHOTO_CAPTION):
            canvas.drawCentredString(self.width / 2, self.height / 2 + 2 - 12 * line, text)


def _header_flowables(answers, title_note, photo):
    styles = paragraph_styles()
    lines = [Paragraph(_labelled(f.label, answers.field(f)), styles["body"]) for f in form.HEADER]
    top = Table([[lines, _PhotoBox(photo)]],
                colWidths=[CONTENT_WIDTH - PHOTO_WIDTH, PHOTO_WIDTH],
                style=[("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("LEFTPADDING", (0, 0), (-1, -1), 0),
                       ("RIGHTPADDING", (0, 0), (0, 0), 6 * mm),
                       ("RIGHTPADDING", (1, 0), (1, 0), 0)])
    flowables = [Paragraph(escape(FORM_REFERENCE), styles["reference"]), Spacer(0, 3 * mm), top,
                 Paragraph(TITLE, styles["title"])]
    if title_note:
        flowables.append(Paragraph("(%s)" % _markup(title_note), styles["note"]))
    flowables.append(Spacer(0, 4 * mm))
    return flowables


class SignatureSpot(Flowable):
    """An empty cell that notes where it landed (page index, x1, y1, x2, y2 in
    points), so that a digital signature's box can be drawn there later."""

    def __init__(self, name, spots, width, height):
        super().__init__()
        self.name, self.spots = name, spots
        self.width, self.height = width, height

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        x, y = self.canv.absolutePosition(0, 0)
        self.spots[self.name] = (self.canv.getPageNumber() - 1, x, y, x + self.width,
                                 y + self.height)


def place_and_date(place, day):
    """The line above a signature, filled: "Vĩnh Phúc, ngày 05 tháng 3 năm 2026"."""
    month = "%02d" % day.month if day.month < 3 else str(day.month)
    return FILLED_PLACE_AND_DATE % (place, day.day, month, day.year)


def _signature_flowables(spots, authority_line=None):
    """The declaration and the two signers' blocks. ``authority_line``: the authority's
    filled place-and-date line on a signed copy; an unsigned print keeps both lines
    dotted, to be written by hand (the declarant signs no digital copy)."""
    styles = paragraph_styles()
    lines = (PLACE_AND_DATE, authority_line or PLACE_AND_DATE)
    blocks = [[Paragraph(_markup(line), styles["centred"]),
               Paragraph("<b>%s</b>" % escape(signer), styles["centred"]),
               Paragraph("<i>%s</i>" % escape(how), styles["centred"])]
              for line, (signer, how) in zip(lines, SIGNERS)]
    # the blank row is where the signatures (by hand or appended digitally) go
    cells = [SignatureSpot(name, spots, CONTENT_WIDTH / 2 - 12, SIGNATURE_SPACE - 6)
             for name in SIGNATURE_SPOTS]
    signatures = Table([blocks, cells], colWidths=[CONTENT_WIDTH / 2] * 2,
                       rowHeights=[None, SIGNATURE_SPACE],
                       style=[("VALIGN", (0, 0), (-1, -1), "TOP")])
    return [Spacer(0, 4 * mm),
            Paragraph("<i>%s</i>" % escape(form.DECLARATION), styles["centred"]),
            Spacer(0, 3 * mm), signatures]


def _contract_flowables(answers):
    """A người lao động's labour contract (form.CONTRACT), which the record holds beside
    the 38 items: printed after the form, so that the signed copy carries everything the
    record holds while the form's own layout stays as the Thông tư has it. Nothing for a
    record without a contract."""
    if not any(answers.fields.get(f.key) not in (None, "") for f in form.CONTRACT.fields):
        return []
    styles = paragraph_styles()
    return [Spacer(0, 6 * mm), Paragraph(escape(form.CONTRACT.label), styles["heading"]),
            *_section_fields(form.CONTRACT, answers, None)]


class _NumberedCanvas(Canvas):
    """Keeps each page until the end, when the page count for "Trang x/y" is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for number, page in enumerate(self._pages, 1):
            self.__dict__.update(page)
            self.setFont(FONT, 8)
            self.drawCentredString(PAGE_WIDTH / 2, MARGIN / 2,
                                   "Trang %d/%d" % (number, len(self._pages)))
            super().showPage()
        super().save()


def record_pdf(content, *, catalog_name=None, title_note=None, photo=None):
    """The sơ yếu lý lịch of ``content`` (a version's ``{"schema", "fields", "tables"}``)
    as PDF bytes.

    ``catalog_name(catalog, code)`` names catalog codes; ``title_note`` is printed
    under the title (e.g. "Bản chưa ký"); ``photo`` is JPEG or PNG bytes for the
    4 x 6 cm box.
    """
    return record_pdf_with_spots(content, catalog_name=catalog_name, title_note=title_note,
                                 photo=photo)[0]


def record_pdf_with_spots(content, *, catalog_name=None, title_note=None, photo=None,
                          authority_line=None):
    """``record_pdf``'s bytes and where the signature spaces are:
    {"declarant" | "authority": (page index, x1, y1, x2, y2)}.

    ``authority_line``: the authority's place-and-date line of a signed copy
    (``place_and_date``); without it the line stays dotted, as on the paper form."""
    if content.get("schema", 1) != 1:
        # a later schema may move or add fields this layout would silently drop
        raise ValueError("unknown record schema %r" % content.get("schema"))
    # the registered fonts are shared by every thread of the process (app/core/rendering.py)
    with PDF_RENDER_LOCK:
        register_fonts()
        answers = _Answers(content, catalog_name)
        story = _header_flowables(answers, title_note, photo)
        *items, last = form.ITEMS
        for item in items:
            story += _item_flowables(item, answers)
        # the signatures never stand alone on a page: the last item goes with them
        spots = {}
        story.append(KeepTogether(_item_flowables(last, answers)
                                  + _signature_flowables(spots, authority_line)))
        story += _contract_flowables(answers)
        output = io.BytesIO()
        document = SimpleDocTemplate(
            output, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=MARGIN, title=METADATA_TITLE, subject=PRODUCER_NAME,
            creator=PRODUCER_NAME, author=PRODUCER_NAME)
        document.build(story, canvasmaker=_NumberedCanvas)
    return output.getvalue(), spots
