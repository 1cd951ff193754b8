"""Bulk creation of personal accounts from an Excel staff list.

All or nothing: every row is checked first; when any row fails, the officer
gets each row's Vietnamese error and no account is created.
"""
import io
import zipfile

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.accounts import services
from app.accounts.models import KIND_PERSONAL
from app.extensions import db
from app.org.models import Unit

# Column headings of the template, in order (what the officer fills in).
COLUMNS = [
    ("last_name", "Họ và tên đệm"),
    ("first_name", "Tên"),
    ("username", "Tên đăng nhập"),
    ("email", "Thư điện tử"),
    ("unit", "Đơn vị"),
]
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024


class ImportFailed(ValueError):
    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


def template_workbook():
    """An empty staff list with the expected headings."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([heading for _key, heading in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _read_rows(content):
    if not content:
        raise ImportFailed([_("The file is empty.")])
    if len(content) > MAX_BYTES:
        raise ImportFailed([_("The file is larger than 5 MB.")])
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise ImportFailed([_("The file is not an Excel workbook (.xlsx).")])
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        raise ImportFailed([_("The file is empty.")])
    headings = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    expected = [heading for _key, heading in COLUMNS]
    if headings[: len(expected)] != expected:
        raise ImportFailed([_("The first row must hold the headings: %(headings)s.",
                              headings=", ".join(expected))])
    data_rows = [
        (number, row) for number, row in enumerate(rows[1:], start=2)
        if any(cell not in (None, "") for cell in row)
    ]
    if not data_rows:
        raise ImportFailed([_("The file has no staff rows.")])
    if len(data_rows) > MAX_ROWS:
        raise ImportFailed([_("At most %(n)d rows per file.", n=MAX_ROWS)])
    return data_rows


def _find_unit(value):
    """The unit a row names, by number or exact name; (unit, error message)."""
    if value is None or str(value).strip() == "":
        return None, None
    text = str(value).strip()
    if text.isdigit():
        return db.session.get(Unit, int(text)), None
    found = db.session.scalars(
        select(Unit).where(func.lower(Unit.name) == text.lower()).limit(2)).all()
    if len(found) > 1:
        # two schools may share a name in different communes
        return None, _("several units are named %(unit)s: give the unit's number instead",
                       unit=text)
    return (found[0] if found else None), None


def import_personal_accounts(actor, content):
    """Create one personal account per row; returns [(account, password)], the
    password None where it was mailed to the owner (services.hand_over_password)."""
    rows = _read_rows(content)
    errors, created = [], []
    for number, row in rows:
        values = {key: (row[i] if i < len(row) else None) for i, (key, _h) in enumerate(COLUMNS)}
        data = {key: ("" if value is None else str(value).strip()) for key, value in values.items()}
        unit, ambiguity = _find_unit(values["unit"])
        if unit is None:
            errors.append(_("Row %(row)d: %(error)s", row=number, error=ambiguity) if ambiguity
                          else _("Row %(row)d: no unit named %(unit)s.", row=number,
                                 unit=data["unit"]))
            continue
        data["unit_id"] = unit.id
        try:
            # validated before anything is added: a refused row leaves no trace,
            # and earlier rows are flushed, so a repeated username is caught too
            created.append(services.create_account(actor, KIND_PERSONAL, data, commit=False))
        except services.AccountError as exc:
            errors.append(_("Row %(row)d: %(error)s", row=number, error=exc.message))
    if errors:
        db.session.rollback()
        raise ImportFailed(errors)
    db.session.commit()
    return [(account, services.hand_over_password(actor, account, password, created=True))
            for account, password in created]
