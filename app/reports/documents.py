"""A statutory report's documents, drawn from its frozen numbers (app/reports/statutory.py)
and nothing else: the PDF (A4 landscape, Vietnamese, in the layout of an administrative
document of Nghị định 30/2020/NĐ-CP: the agency and the national motto above, the place
and date and "Thủ trưởng cơ quan" under it) signed by the person with authority and then
with the agency's seal, and the workbook beside it (Vietnamese headers, a sheet per
table)."""
import datetime
import io
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from app.core.rendering import PDF_RENDER_LOCK
from app.records import pdf as record_pdf
from app.signing.pdf import box_lines_for, sign_pdf

PAGE = landscape(A4)
MARGIN = 1.5 * cm
WIDTH = PAGE[0] - 2 * MARGIN
UNIT_COLUMN = 5.2 * cm
COLUMNS_PER_TABLE = 14
SIGNATURE_HEIGHT = 3 * cm
AUTHORITY_FIELD, SEAL_FIELD = "NguoiCoThamQuyen", "CoQuan"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
TITLE = "BÁO CÁO SỐ LƯỢNG, CHẤT LƯỢNG CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, NGƯỜI LAO ĐỘNG"
SIGNER_TITLE = "THỦ TRƯỞNG CƠ QUAN"
SIGNED_NOTE = "Bản điện tử có chữ ký số"
QUALITY_WORDS = (("dung", "Đúng"), ("du", "Đủ"), ("sach", "Sạch"), ("song", "Sống"))
GRID = [("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (-1, -1), "CENTER")]


def _styles():
    base = record_pdf.paragraph_styles()
    cell = ParagraphStyle("report-cell", base["cell"], fontSize=7, leading=8.5)
    return {
        "body": base["body"], "heading": base["heading"], "centred": base["centred"],
        "title": ParagraphStyle("report-title", base["title"], fontSize=12, leading=15),
        "cell": cell,
        "head": ParagraphStyle("report-head", cell, fontName=record_pdf.FONT_BOLD,
                               alignment=TA_CENTER),
        "left": ParagraphStyle("report-left", base["body"], alignment=TA_LEFT),
    }


def _p(text, style):
    return Paragraph(escape(str(text)), style)


def _date(iso):
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y")


def _chunks(columns, size):
    """The columns cut into tables of at most ``size``, a group never split when it fits."""
    chunks, current = [], []
    groups = []
    for column in columns:
        if groups and groups[-1][0] == column["group"]:
            groups[-1][1].append(column)
        else:
            groups.append((column["group"], [column]))
    for _group, members in groups:
        if current and len(current) + len(members) > size:
            chunks.append(current)
            current = []
        current.extend(members)
        while len(current) > size:
            chunks.append(current[:size])
            current = current[size:]
    if current:
        chunks.append(current)
    return chunks


def _counts_table(rows, totals, columns, styles, unit_header="Cơ quan, đơn vị"):
    """A table: a row per unit, a column per count, the group above its columns."""
    header_groups = [_p(unit_header, styles["head"])]
    header_labels = [""]
    spans = []
    start = 1
    for index, column in enumerate(columns, 1):
        header_groups.append(_p(column["group"], styles["head"]) if column["group"] else "")
        header_labels.append(_p(column["label"], styles["head"]))
        last = index == len(columns) or columns[index]["group"] != column["group"]
        if last:
            if index > start:
                spans.append(("SPAN", (start, 0), (index, 0)))
            start = index + 1
    data = [header_groups, header_labels]
    for row in rows:
        data.append([_p(row["label"], styles["cell"])]
                    + [str(row["counts"].get(c["key"], 0)) for c in columns])
    data.append([_p("Tổng số", styles["head"])] + [str(totals.get(c["key"], 0))
                                                    for c in columns])
    width = (WIDTH - UNIT_COLUMN) / max(len(columns), 1)
    return Table(data, colWidths=[UNIT_COLUMN] + [width] * len(columns), repeatRows=2,
                 style=GRID + spans + [("SPAN", (0, 0), (0, 1)),
                                       ("FONT", (0, 0), (-1, -1), record_pdf.FONT, 7),
                                       ("FONT", (0, -1), (-1, -1), record_pdf.FONT_BOLD, 7),
                                       ("BACKGROUND", (0, 0), (-1, 1),
                                        colors.HexColor("#eeeeee"))])


def _simple_table(header, rows, widths, styles):
    data = [[_p(text, styles["head"]) for text in header]]
    data += [[_p(cell, styles["cell"]) if isinstance(cell, str) else str(cell)
              for cell in row] for row in rows]
    return Table(data, colWidths=widths, repeatRows=1,
                 style=GRID + [("FONT", (0, 0), (-1, -1), record_pdf.FONT, 7),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))])


def _category_rows(numbers):
    categories = numbers.get("categories") or []
    rows = []
    for row in numbers.get("by_category", ()):
        counts = row["counts"]
        rows.append([row["label"]] + [counts.get(c["key"], 0) for c in categories]
                    + [sum(counts.values())])
    totals = [sum(row[index] for row in rows) for index in range(1, len(categories) + 2)]
    return categories, rows, totals


def _heading(text, styles):
    return Paragraph("<b>%s</b>" % escape(text), styles["heading"])


def report_story(numbers, spots, authority_line=None, signed=False):
    styles = _styles()
    unit_name = numbers["unit"]["name"]
    header = Table([[_p(unit_name.upper(), styles["head"]),
                     [_p(MOTTO[0], styles["head"]), _p(MOTTO[1], styles["head"])]]],
                   colWidths=[WIDTH * 0.45, WIDTH * 0.55])
    story = [header, Spacer(0, 5 * mm), _p(TITLE, styles["title"]),
             _p(numbers["period"]["label"], styles["centred"]),
             _p("(Số liệu tính đến ngày %s)" % _date(numbers["on"]), styles["centred"])]
    if signed:
        story.append(Paragraph("<i>%s</i>" % SIGNED_NOTE, styles["centred"]))
    story.append(Spacer(0, 4 * mm))
    number = 0

    def section(title):
        nonlocal number
        number += 1
        return _heading("%s. %s" % (("I", "II", "III", "IV", "V", "VI", "VII")[number - 1],
                                    title), styles)

    categories, rows, totals = _category_rows(numbers)
    story.append(section("Tổng số theo đối tượng"))
    width = (WIDTH - UNIT_COLUMN) / (len(categories) + 1)
    story.append(_simple_table(["Cơ quan, đơn vị"] + [c["label"] for c in categories]
                               + ["Tổng số"], rows + [["Tổng số"] + totals],
                               [UNIT_COLUMN] + [width] * (len(categories) + 1), styles))
    story.append(section("Số lượng, chất lượng theo ngạch, chức danh nghề nghiệp, trình độ "
                         "và độ tuổi"))
    for chunk in _chunks(numbers["columns"], COLUMNS_PER_TABLE):
        story += [_counts_table(numbers["rows"], numbers["totals"], chunk, styles),
                  Spacer(0, 3 * mm)]
    positions = numbers.get("positions")
    if positions is not None:
        story.append(section("Theo vị trí việc làm"))
        listed = [[row["position"], row["people"]] for row in positions["rows"]]
        if positions.get("others"):
            listed.append(["Các vị trí khác", positions["others"]])
        story.append(_simple_table(["Vị trí việc làm", "Số người"], listed or [["—", 0]],
                                   [WIDTH * 0.6, WIDTH * 0.15], styles))
    staffing = numbers.get("staffing")
    if staffing is not None:
        story.append(section("Biên chế được giao năm %d và số người hiện có"
                             % staffing["year"]))
        header_cells = ["Cơ quan, đơn vị"]
        for category in staffing["categories"]:
            header_cells += ["%s: được giao" % category["label"], "hiện có", "chênh lệch"]
        body = []
        for row in staffing["rows"] + [staffing["total"]]:
            cells = [row["label"]]
            for category in staffing["categories"]:
                quota, present = row["quota"].get(category["key"]), row["present"][category["key"]]
                cells += ["—" if quota is None else quota, present,
                          "—" if quota is None else present - quota]
            body.append(cells)
        width = (WIDTH - UNIT_COLUMN) / (3 * len(staffing["categories"]))
        story.append(_simple_table(header_cells, body,
                                   [UNIT_COLUMN] + [width] * 3 * len(staffing["categories"]),
                                   styles))
    quality = numbers.get("quality")
    if quality is not None:
        story.append(section("Bảo đảm tiêu chí Đúng – Đủ – Sạch – Sống"))
        body = [[word, quality[key]["failing"], "%.1f%%" % quality[key]["score"]]
                for key, word in QUALITY_WORDS]
        body.append(["Chung", "", "%.1f%%" % quality["overall"]])
        story.append(_p("Dữ liệu của %d người đang công tác:" % quality["people"],
                        styles["left"]))
        story.append(_simple_table(["Tiêu chí", "Số hồ sơ chưa đạt", "Tỷ lệ đạt"], body,
                                   [WIDTH * 0.3, WIDTH * 0.2, WIDTH * 0.2], styles))
    if numbers.get("level") == "province":
        story.append(section("Tình hình gửi báo cáo của các cơ quan, đơn vị"))
        story.append(_p("Đã gửi: %d/%d cơ quan, đơn vị." % (numbers["submitted"],
                                                            numbers["expected"]),
                        styles["left"]))
        if numbers.get("missing"):
            story.append(_p("Chưa gửi: %s." % "; ".join(numbers["missing"]), styles["left"]))
    story.append(section("Khó khăn, vướng mắc và kiến nghị"))
    story.append(_p(numbers.get("remarks") or "Không có.", styles["left"]))
    line = authority_line or record_pdf.PLACE_AND_DATE
    spot = record_pdf.SignatureSpot("authority", spots, WIDTH * 0.4 - 12,
                                    SIGNATURE_HEIGHT - 6)
    signature = Table([["", [_p(line, styles["centred"]),
                             Paragraph("<b>%s</b>" % SIGNER_TITLE, styles["centred"])]],
                       ["", spot]], colWidths=[WIDTH * 0.55, WIDTH * 0.45],
                      rowHeights=[None, SIGNATURE_HEIGHT],
                      style=[("VALIGN", (0, 0), (-1, -1), "TOP")])
    story += [Spacer(0, 5 * mm), KeepTogether([signature])]
    return story


def _page_number(canvas, document):
    canvas.setFont(record_pdf.FONT, 7)
    canvas.drawCentredString(PAGE[0] / 2, MARGIN / 2, "Trang %d" % document.page)


def report_pdf_with_spots(numbers, authority_line=None, signed=False):
    """The report's PDF bytes and where its signature goes: {"authority": (page, x1, y1,
    x2, y2)}."""
    spots = {}
    with PDF_RENDER_LOCK:
        record_pdf.register_fonts()
        output = io.BytesIO()
        document = SimpleDocTemplate(output, pagesize=PAGE, leftMargin=MARGIN,
                                     rightMargin=MARGIN, topMargin=MARGIN,
                                     bottomMargin=MARGIN, title=TITLE.capitalize(),
                                     subject=numbers["period"]["label"],
                                     creator=record_pdf.PRODUCER_NAME,
                                     author=numbers["unit"]["name"])
        document.build(report_story(numbers, spots, authority_line, signed),
                       onFirstPage=_page_number, onLaterPages=_page_number)
    return output.getvalue(), spots


def signed_report_pdf(numbers, signer, seal, *, location, when, day):
    """The report's PDF signed by ``signer`` and then by ``seal`` (two boxes under
    "Thủ trưởng cơ quan"), the line above them "<location>, ngày … tháng … năm …"."""
    line = record_pdf.place_and_date(location, day)
    body, spots = report_pdf_with_spots(numbers, authority_line=line, signed=True)
    page, x1, y1, x2, y2 = spots["authority"]
    middle = (y1 + y2) / 2
    signed = sign_pdf(body, signer, field_name=AUTHORITY_FIELD,
                      reason="Ký báo cáo " + numbers["period"]["label"], location=location,
                      box_lines=box_lines_for(signer.signer_name, when,
                                              role="Người có thẩm quyền"),
                      page=page, box=(x1, middle + 1, x2, y2), signed_at=when)
    return sign_pdf(signed, seal, field_name=SEAL_FIELD, reason="Chữ ký số của cơ quan",
                    location=location,
                    box_lines=box_lines_for(seal.signer_name, when, role="Cơ quan"),
                    page=page, box=(x1, y1, x2, middle - 1), signed_at=when)


def report_xlsx(numbers):
    """The report's workbook: a sheet per table, Vietnamese headers, dd/mm/yyyy dates."""
    book = Workbook()
    bold = Font(bold=True)
    title = "%s — %s — số liệu đến ngày %s" % (numbers["unit"]["name"],
                                                numbers["period"]["label"],
                                                _date(numbers["on"]))

    def sheet_of(name, first=False):
        sheet = book.active if first else book.create_sheet()
        sheet.title = name[:31]
        sheet.append([title])
        sheet["A1"].font = bold
        sheet.column_dimensions["A"].width = 48
        return sheet

    def bold_row(sheet, row):
        for cell in sheet[row]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")

    categories, rows, totals = _category_rows(numbers)
    sheet = sheet_of("Theo đối tượng", first=True)
    sheet.append(["Cơ quan, đơn vị"] + [c["label"] for c in categories] + ["Tổng số"])
    bold_row(sheet, 2)
    for row in rows:
        sheet.append(row)
    sheet.append(["Tổng số"] + totals)
    bold_row(sheet, sheet.max_row)

    sheet = sheet_of("Số lượng, chất lượng")
    sheet.append(["Cơ quan, đơn vị"] + [c["group"] for c in numbers["columns"]])
    sheet.append([""] + [c["label"] for c in numbers["columns"]])
    bold_row(sheet, 2)
    bold_row(sheet, 3)
    for row in numbers["rows"]:
        sheet.append([row["label"]] + [row["counts"].get(c["key"], 0)
                                       for c in numbers["columns"]])
    sheet.append(["Tổng số"] + [numbers["totals"].get(c["key"], 0)
                                for c in numbers["columns"]])
    bold_row(sheet, sheet.max_row)

    positions = numbers.get("positions")
    if positions is not None:
        sheet = sheet_of("Vị trí việc làm")
        sheet.append(["Vị trí việc làm", "Số người"])
        bold_row(sheet, 2)
        for row in positions["rows"]:
            sheet.append([row["position"], row["people"]])
        if positions.get("others"):
            sheet.append(["Các vị trí khác", positions["others"]])
    staffing = numbers.get("staffing")
    if staffing is not None:
        sheet = sheet_of("Biên chế")
        header = ["Cơ quan, đơn vị"]
        for category in staffing["categories"]:
            header += ["%s: được giao" % category["label"], "hiện có", "chênh lệch"]
        sheet.append(header)
        bold_row(sheet, 2)
        for row in staffing["rows"] + [staffing["total"]]:
            cells = [row["label"]]
            for category in staffing["categories"]:
                quota, present = row["quota"].get(category["key"]), row["present"][category["key"]]
                cells += [quota, present, None if quota is None else present - quota]
            sheet.append(cells)
    quality = numbers.get("quality")
    if quality is not None:
        sheet = sheet_of("Đúng – Đủ – Sạch – Sống")
        sheet.append(["Tiêu chí", "Số hồ sơ chưa đạt", "Tỷ lệ đạt (%)"])
        bold_row(sheet, 2)
        for key, word in QUALITY_WORDS:
            sheet.append([word, quality[key]["failing"], round(quality[key]["score"], 1)])
        sheet.append(["Chung", None, round(quality["overall"], 1)])
    if numbers.get("level") == "province" and numbers.get("missing"):
        sheet = sheet_of("Chưa gửi báo cáo")
        sheet.append(["Cơ quan, đơn vị chưa gửi báo cáo"])
        bold_row(sheet, 2)
        for name in numbers["missing"]:
            sheet.append([name])
    sheet = sheet_of("Kiến nghị")
    sheet.append(["Khó khăn, vướng mắc và kiến nghị"])
    bold_row(sheet, 2)
    sheet.append([numbers.get("remarks") or "Không có."])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
