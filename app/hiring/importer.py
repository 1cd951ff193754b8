"""A list of new hires from Excel, for the start of a school year: every row checked,
each refusal named by row and column, and all rows entered or none.

One scan (the decision that lists them, or a file of the decisions) goes with the
list and is attached to each new record.
"""
import secrets

from flask_babel import gettext as _

from app.accounts.importer import find_unit
from app.audit import services as audit
from app.core import spreadsheets
from app.core.text import fold
from app.extensions import db
from app.hiring import services
from app.hiring.models import KINDS
from app.org.models import CATEGORIES
from app.records import form

# (input name, heading): the template's columns, in order
COLUMNS = [
    ("ho_ten", "Họ và tên"),
    ("gioi_tinh", "Giới tính"),
    ("ngay_sinh", "Ngày sinh"),
    ("so_dinh_danh", "Số định danh cá nhân"),
    ("category", "Đối tượng"),
    ("unit", "Đơn vị"),
    ("kind", "Loại quyết định"),
    ("decision_number", "Số quyết định"),
    ("decision_date", "Ngày quyết định"),
    ("decided_by", "Cơ quan ra quyết định"),
    ("start_date", "Ngày bắt đầu làm việc"),
    ("grade_code", "Mã ngạch/chức danh nghề nghiệp"),
    ("bac_luong", "Bậc lương"),
    ("he_so_luong", "Hệ số lương"),
    ("username", "Tên đăng nhập"),
    ("email", "Thư điện tử"),
    ("first_recruited_on", "Ngày tuyển dụng lần đầu (khi tiếp nhận)"),
    ("first_recruited_by", "Cơ quan tuyển dụng lần đầu (khi tiếp nhận)"),
    ("hd_loai", "Loại hợp đồng lao động"),
    ("hd_chuc_danh", "Chức danh theo hợp đồng"),
    ("hd_den_ngay", "Hợp đồng đến ngày"),
]
HEADINGS = [heading for _key, heading in COLUMNS]
COLUMN_INDEX = {key: index for index, (key, _heading) in enumerate(COLUMNS)}
HEADING_OF = dict(COLUMNS)
HEADING_OF["unit_id"] = HEADING_OF["unit"]
HEADING_OF["scan"] = "Bản quét quyết định"
MAX_ROWS = 2000
# typed as text: numbers whose leading zeros count, codes that look like numbers
TEXT_COLUMNS = ("so_dinh_danh", "grade_code", "decision_number", "username", "bac_luong",
                "he_so_luong")
NATIONAL_ID_DIGITS = 12


class ImportFailed(ValueError):
    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


def _words(pairs):
    """{folded word or code: code}: a cell may hold the word or the code."""
    found = {}
    for code, word in pairs:
        found[fold(code)] = code
        found[fold(str(word))] = code
    return found


# the list is a Vietnamese document, as its headings: the words a cell may hold, whatever
# the screen's language (the screen's own words are taken too)
CATEGORY_WORDS = {"can_bo": "Cán bộ", "cong_chuc": "Công chức", "vien_chuc": "Viên chức",
                  "cbcc_cap_xa": "Cán bộ, công chức cấp xã",
                  "nguoi_lao_dong": "Người lao động"}
KIND_WORDS = {"tuyen_dung": "Tuyển dụng", "tiep_nhan": "Tiếp nhận",
              "hop_dong": "Hợp đồng lao động"}


def _choices():
    return {
        "gioi_tinh": _words((code, word) for code, word, _en in form.GENDERS),
        "category": _words([(code, CATEGORY_WORDS[code]) for code in CATEGORIES]
                           + [(code, services.CATEGORY_LABELS[code]) for code in CATEGORIES]),
        "kind": _words([(code, KIND_WORDS[code]) for code in KINDS]
                       + [(code, services.KIND_LABELS[code]) for code in KINDS]),
        "hd_loai": _words((code, word) for code, word, _en in form.CONTRACT_TYPES),
    }


def template_workbook():
    """The empty list, with a guide sheet naming what each column takes."""
    guide = [(_("Column"), _("What to enter"))]
    guide += [
        (HEADING_OF["gioi_tinh"], ", ".join(word for _code, word, _en in form.GENDERS)),
        (HEADING_OF["ngay_sinh"], "dd/mm/yyyy"),
        (HEADING_OF["so_dinh_danh"], _("12 digits")),
        (HEADING_OF["category"], ", ".join(CATEGORY_WORDS[c] for c in CATEGORIES)),
        (HEADING_OF["unit"], _("The unit's name as in the org tree, or its number")),
        (HEADING_OF["kind"], ", ".join(KIND_WORDS[k] for k in KINDS)),
        (HEADING_OF["decision_date"], "dd/mm/yyyy"),
        (HEADING_OF["start_date"], "dd/mm/yyyy"),
        (HEADING_OF["grade_code"], _("The code in the ngạch or chức danh nghề nghiệp catalog, "
                                     "e.g. 01.003 or V.07.03.29")),
        (HEADING_OF["username"], _("Optional: made from the name when left blank")),
        (HEADING_OF["email"], _("The temporary password is mailed there")),
        (HEADING_OF["first_recruited_on"], _("Only for a reception: dd/mm/yyyy")),
        (HEADING_OF["first_recruited_by"], _("Only for a reception")),
        (HEADING_OF["hd_loai"], ", ".join(word for _c, word, _en in form.CONTRACT_TYPES)),
        (HEADING_OF["hd_chuc_danh"], _("Only for a contract worker")),
        (HEADING_OF["hd_den_ngay"], _("Only for a fixed-term contract: dd/mm/yyyy")),
    ]
    return spreadsheets.template(HEADINGS, "Danh sách tuyển dụng", guide, text_columns=[
        HEADING_OF[key] for key in TEXT_COLUMNS])


def _row_data(row, choices):
    data = {key: spreadsheets.cell_text(row[i] if i < len(row) else None)
            for i, (key, _heading) in enumerate(COLUMNS)}
    number = row[COLUMN_INDEX["so_dinh_danh"]] if len(row) > COLUMN_INDEX["so_dinh_danh"] \
        else None
    if isinstance(number, (int, float)) and not isinstance(number, bool) and number >= 0:
        # a số định danh typed into a number cell lost its leading zeros: they come back
        data["so_dinh_danh"] = str(int(number)).zfill(NATIONAL_ID_DIGITS)
    for key, known in choices.items():
        if data[key]:
            # an unknown word stays as typed: the check names it
            data[key] = known.get(fold(data[key]), data[key])
    return data


def import_hires(actor, content, scan):
    """Enter one person per row, all or none; returns [Hired] (passwords handed over).
    ``scan``: (file name, bytes) of the decision, attached to every new record."""
    try:
        rows = spreadsheets.data_rows(content, HEADINGS, MAX_ROWS,
                                      _("The file has no rows of people."))
    except spreadsheets.SheetRefused as exc:
        raise ImportFailed(exc.errors) from None
    if not scan or not scan[1]:
        raise ImportFailed([_("Attach the scan of the decision (PDF or image).")])
    try:
        # once for the list, not once a row
        scan = services.checked_scan(scan)
    except services.HiringInvalid as exc:
        raise ImportFailed(list(exc.errors.values())) from None
    choices, errors, hired = _choices(), [], []
    batch = secrets.token_hex(8)
    try:
        for number, row in rows:
            data = _row_data(row, choices)
            unit, ambiguity = find_unit(data["unit"])
            data["unit_id"] = str(unit.id) if unit is not None else ""
            try:
                # each row in a savepoint: a refused row leaves nothing for the next
                # rows' checks to see; the earlier rows stay (a repeated số định danh
                # or user name within the list is caught)
                with db.session.begin_nested():
                    hired.append(services.hire_in_transaction(actor, data, scan, batch=batch))
            except services.HiringInvalid as exc:
                for key, message in exc.errors.items():
                    if key == "unit_id" and data["unit"] and unit is None:
                        message = ambiguity or _("no unit named %(unit)s", unit=data["unit"])
                    errors.append(_("Row %(row)d, %(column)s: %(error)s", row=number,
                                    column=HEADING_OF.get(key, key), error=message))
        if errors:
            raise ImportFailed(errors)
        audit.record("hiring.import", object_type="Hiring", actor=actor, details={
            "batch": batch, "rows": len(hired)})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    services.reload(hired)
    return [services.handed_over(actor, one) for one in hired]
