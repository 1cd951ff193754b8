"""Reading the lists officers fill in Excel, and writing their empty templates.

The first row holds the headings, exactly as the template has them; blank rows are
skipped; every refusal is a Vietnamese sentence.
"""
import io
import zipfile

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook

MAX_BYTES = 5 * 1024 * 1024


class SheetRefused(ValueError):
    """The file cannot be read as the list: ``errors`` says why, one sentence each."""

    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


# rows of the template formatted in advance: what an officer types there stays as typed
TEMPLATE_ROWS = 2000


def template(headings, title, notes=(), text_columns=()):
    """An empty list with ``headings`` on its first sheet, and ``notes`` (rows of
    text: what each column takes) on a second sheet. The columns whose heading is in
    ``text_columns`` are text cells: Excel keeps a number's leading zero there
    (025301000123) and does not read a code as a number (01.003)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(headings))
    for index, heading in enumerate(headings):
        letter = sheet.cell(1, index + 1).column_letter
        sheet.column_dimensions[letter].width = max(12, len(heading) + 2)
        if heading in text_columns:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row, index + 1).number_format = "@"
    if notes:
        guide = book.create_sheet(_("Guide"))
        for row in notes:
            guide.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def data_rows(content, headings, max_rows, empty_message):
    """[(row number, cells)] of a workbook whose first sheet starts with ``headings``."""
    if not content:
        raise SheetRefused([_("The file is empty.")])
    if len(content) > MAX_BYTES:
        raise SheetRefused([_("The file is larger than 5 MB.")])
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise SheetRefused([_("The file is not an Excel workbook (.xlsx).")])
    rows = book.worksheets[0].iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        raise SheetRefused([_("The file is empty.")])
    found = [str(cell).strip() if cell is not None else "" for cell in first]
    expected = list(headings)
    if found[: len(expected)] != expected:
        raise SheetRefused([_("The first row must hold the headings: %(headings)s.",
                              headings=", ".join(expected))])
    kept = []
    # read no further than one row past the limit: a small file may unpack to millions
    for number, row in enumerate(rows, start=2):
        if any(cell not in (None, "") for cell in row):
            kept.append((number, row))
            if len(kept) > max_rows:
                raise SheetRefused([_("At most %(n)d rows per file.", n=max_rows)])
    if not kept:
        raise SheetRefused([empty_message])
    return kept


def cell_text(value):
    """A cell as the text an officer typed: dates as dd/mm/yyyy, whole numbers without
    ".0", nothing as ""."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
