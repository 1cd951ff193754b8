"""Bulk creation of personal accounts from an Excel staff list.

All or nothing: every row is checked first; when any row fails, the officer
gets each row's Vietnamese error and no account is created.
"""
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts import services
from app.accounts.models import KIND_PERSONAL
from app.core import spreadsheets
from app.extensions import db
from app.org.models import Unit
from app.security import scope

# Column headings of the template, in order (what the officer fills in).
COLUMNS = [
    ("last_name", "Họ và tên đệm"),
    ("first_name", "Tên"),
    ("username", "Tên đăng nhập"),
    ("email", "Thư điện tử"),
    ("unit", "Đơn vị"),
]
MAX_ROWS = 5000


class ImportFailed(ValueError):
    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


def template_workbook():
    """An empty staff list with the expected headings."""
    return spreadsheets.template([heading for _key, heading in COLUMNS], "Danh sách")


def _read_rows(content):
    try:
        return spreadsheets.data_rows(content, [heading for _key, heading in COLUMNS],
                                      MAX_ROWS, _("The file has no staff rows."))
    except spreadsheets.SheetRefused as exc:
        raise ImportFailed(exc.errors) from None


def find_unit(value):
    """The unit a row names, by number or exact name; (unit, error message)."""
    if value is None or str(value).strip() == "":
        return None, None
    text = str(value).strip()
    if text.isdecimal():
        # int() reads any script's digits; scope.as_id refuses what no row can be
        unit_id = scope.as_id(text)
        return (db.session.get(Unit, unit_id) if unit_id else None), None
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
        unit, ambiguity = find_unit(values["unit"])
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
