"""Changes the unit makes by decision (quyết định): appointment, salary step,
transfer, training, reward, discipline, evaluation.

Each is entered by the unit's officer in one form and becomes part of the
record's draft in one transaction: the fields it sets, the row it adds to
the form's table (quá trình công tác, diễn biến lương, đào tạo, khen
thưởng, kỷ luật), and the scanned decision attached to that draft.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.records import attachments, form, services, values


@dataclass(frozen=True)
class DecisionKind:
    label: object
    document: str                    # attachments kind of the decision's scan
    fields: tuple = ()               # form field keys the decision sets
    table: str = None                # the table it adds a row to
    columns: tuple = ()              # that row's columns the officer types
    # row columns filled from the fields: {column: field key}
    from_fields: tuple = ()


TRAINING_TABLES = ("dao_tao_chuyen_mon", "ly_luan_chinh_tri", "boi_duong_qlnn",
                   "boi_duong_qpan", "tin_hoc", "ngoai_ngu")

KINDS = {
    "bo_nhiem": DecisionKind(_l("Appointment"), "quyet_dinh_bo_nhiem",
                             fields=("chuc_vu", "ngay_bo_nhiem"), table="qua_trinh_cong_tac",
                             columns=("don_vi", "chuc_danh")),
    "nang_luong": DecisionKind(_l("Salary step"), "quyet_dinh_luong",
                               fields=("ngach", "ma_ngach", "bac_luong", "he_so_luong",
                                       "ngay_huong_luong"),
                               table="dien_bien_luong",
                               from_fields=(("ma_so", "ma_ngach"), ("bac_luong", "bac_luong"),
                                            ("he_so_luong", "he_so_luong"))),
    "dieu_dong": DecisionKind(_l("Transfer"), "quyet_dinh_dieu_dong",
                              fields=("ngay_vao_co_quan",), table="qua_trinh_cong_tac",
                              columns=("don_vi", "chuc_danh")),
    "dao_tao": DecisionKind(_l("Training"), "van_bang", table="dao_tao_chuyen_mon",
                            columns=("tu", "den", "co_so", "chuyen_nganh", "hinh_thuc",
                                     "van_bang")),
    "khen_thuong": DecisionKind(_l("Reward"), "quyet_dinh_khen_thuong",
                                table="danh_gia_khen_thuong",
                                columns=("nam", "hinh_thuc_khen_thuong")),
    "ky_luat": DecisionKind(_l("Discipline"), "quyet_dinh_ky_luat", table="ky_luat",
                            columns=("tu", "den", "hinh_thuc", "hanh_vi", "co_quan_quyet_dinh")),
    "danh_gia": DecisionKind(_l("Yearly evaluation"), "danh_gia",
                             table="danh_gia_khen_thuong",
                             columns=("nam", "xep_loai_chuyen_mon", "xep_loai_thi_dua")),
}
# the field whose date starts the new row, for the kinds whose row has no typed period
PERIOD_FROM = {"bo_nhiem": "ngay_bo_nhiem", "nang_luong": "ngay_huong_luong",
               "dieu_dong": "ngay_vao_co_quan"}


def table_columns(kind):
    definition = KINDS[kind]
    table = form.TABLES[definition.table][0]
    return [column for column in table.columns if column.key in definition.columns]


def _month_of(field_key, typed):
    """The month/year of a typed full date, as the table's period starts."""
    field = form.FIELDS[field_key][0]
    try:
        day = values.PartialDate.from_canonical(values.parse(field, typed))
    except (ValueError, TypeError):
        return ""                                 # the field's own error says why
    return "%02d/%04d" % (day.month, day.year)


@atomic
def record_decision(actor, employee, kind, decision_number, decision_date, typed,
                    filename, document, table=None):
    """Apply one decision to the record's draft and attach its scan; all or nothing.

    ``typed``: what the officer typed, by field key and by row column key.
    ``table``: for training, which of the six tables of item 32.
    """
    definition = KINDS.get(kind)
    if definition is None:
        raise DomainError(_("Choose the kind of decision."))
    if not (decision_number or "").strip():
        raise DomainError(_("Enter the decision's number."))
    try:
        signed_on = values.parse_full_date((decision_date or "").strip())
    except ValueError:
        raise DomainError(_("Enter the decision's date as dd/mm/yyyy.")) from None
    if services.actor_kind(actor, employee) != services.OFFICER:
        raise DomainError(_("Decisions are entered by the unit's data officer."))
    target = definition.table
    if kind == "dao_tao" and table in TRAINING_TABLES:
        target = table
    version = services.open_draft_in_transaction(actor, employee)
    fields = {key: typed.get(key, "") for key in definition.fields}
    row = {column.key: typed.get(column.key, "") for column in table_columns(kind)}
    for column, field_key in definition.from_fields:
        row[column] = typed.get(field_key, "")
    if kind in PERIOD_FROM:
        row["tu"] = _month_of(PERIOD_FROM[kind], typed.get(PERIOD_FROM[kind], ""))
    if kind == "bo_nhiem" and not row.get("don_vi"):
        row["don_vi"] = employee.unit.name
    if kind == "bo_nhiem" and typed.get("chuc_vu"):
        row.setdefault("chuc_danh", "")
        row["chuc_danh"] = row["chuc_danh"] or services.catalog_namer()(
            "chuc_vu", typed["chuc_vu"]) or ""
    if kind in ("khen_thuong", "danh_gia") and not row.get("nam"):
        row["nam"] = str(signed_on.year)
    services.save_in_transaction(actor, version, fields, {}, version.lock,
                                 append={target: [row]})
    attachments.attach_in_transaction(
        actor, version, filename, document, definition.document,
        note=_("Decision %(number)s of %(date)s", number=decision_number.strip(),
               date=signed_on.strftime("%d/%m/%Y")))
    version.note = ("%s: %s (%s)" % (definition.label, decision_number.strip(),
                                     signed_on.strftime("%d/%m/%Y")))[:500]
    return version
