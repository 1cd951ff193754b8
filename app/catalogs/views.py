"""Catalog screens: everyone with the right reads them, Sở Nội vụ maintains them."""
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField

from app.audit import services as audit
from app.catalogs import services
from app.catalogs.models import CatalogEntry
from app.core.dates import date_field
from app.audit.views import AuditedReadsMixin
from app.core.views import KeepsInputMixin, VietnameseFormatsMixin, refusal
from app.extensions import db
from app.security import roles


# The extra fields of the shipped catalogs, in the user's language.
ATTR_LABELS = {
    "amount": _l("Amount (đồng)"), "bac": _l("Step"), "bac_count": _l("Number of steps"),
    "cap": _l("Level"), "certificates": _l("Certificates"), "confidence": _l("Source reliability"),
    "confidence_endpoints": _l("Reliability of the first and last coefficients"),
    "confidence_steps": _l("Reliability of the steps in between"), "currency": _l("Currency"),
    "division_type": _l("Kind of division"), "field": _l("Field"), "ghi_chu": _l("Note"),
    "group": _l("Group"), "hang": _l("Grade"), "hang_label": _l("Grade name"),
    "he_so_phu_cap": _l("Allowance coefficient"), "hinh_thuc": _l("Paid as"),
    "language": _l("Language"), "lanh_dao": _l("Leadership"),
    "muc_trong_mau": _l("Item of the personal record form"),
    "name_as_written": _l("Name as written in the source"),
    "name_derived_from": _l("Name derived from"), "note": _l("Note"), "obsolete": _l("No longer used"),
    "other_names": _l("Other names"), "province_code": _l("Province code"),
    "report_columns": _l("Report columns"), "salary_type": _l("Salary type"),
    "salary_type_as_written": _l("Salary type as written in the source"),
    "scheme": _l("Scheme"), "short_name": _l("Short name"), "step": _l("Step increment"),
    "steps": _l("Coefficients by step"), "table_row": _l("Table row"),
}
ATTR_VALUES = {
    "cap": {"tinh": _l("Province"), "so": _l("Department (Sở) and equivalent"),
            "chi_cuc": _l("Sub-department (chi cục)"), "huyen": _l("District (before 01/07/2025)"),
            "xa": _l("Commune, ward, special zone"), "su_nghiep": _l("Public service unit"),
            "truong_hoc": _l("School")},
    "lanh_dao": {"truong": _l("Head position"), "pho": _l("Deputy position")},
    "hinh_thuc": {"he_so": _l("Coefficient × base salary"),
                  "phan_tram": _l("Percentage of the current salary")},
    "he_so_phu_cap": {"ha_noi_hcm": _l("Hà Nội and Hồ Chí Minh City"),
                      "con_lai": _l("Other provinces and cities")},
}


def _attr_value(key, value):
    labels = ATTR_VALUES.get(key, {})
    if isinstance(value, dict):
        return ", ".join("%s %s" % (labels.get(k, k), v) for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    return str(labels.get(value, value))


def format_attrs(attrs):
    """The extra fields of an entry as "label: value" pairs, labels translated."""
    if not attrs:
        return ""
    return "; ".join("%s: %s" % (ATTR_LABELS.get(key, key), _attr_value(key, value))
                     for key, value in sorted(attrs.items()))


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CatalogEntryView(AuditedReadsMixin, KeepsInputMixin, VietnameseFormatsMixin, ModelView):
    """A refused add or edit shows the form again with what was typed and the message
    beside its field (KeepsInputMixin); the column's lengths are checked with a
    Vietnamese message; no browser-native checks (VietnameseFormatsMixin)."""

    route_base = "/catalogs"
    datamodel = SQLAInterface(CatalogEntry)
    class_permission_name = roles.CATALOG
    method_permission_name = {"list": "read", "show": "read", "add": "write", "edit": "write"}
    base_permissions = roles.base_permissions(roles.CATALOG)
    include_route_methods = {"list", "show", "add", "edit"}
    list_title = _l("Catalogs")
    show_title = _l("Catalog entry")
    add_title = _l("Add catalog entry")
    edit_title = _l("Edit catalog entry")
    label_columns = {"catalog": _l("Catalog"), "code": _l("Code"), "name": _l("Name"),
                     "source": _l("Legal source"), "valid_from": _l("Valid from"),
                     "valid_to": _l("Retired from"), "attrs": _l("Other fields")}
    list_columns = ["catalog", "code", "name", "valid_from", "valid_to"]
    show_columns = ["catalog", "code", "name", "source", "valid_from", "valid_to", "attrs"]
    add_columns = ["catalog", "code", "name", "source", "valid_from", "valid_to"]
    # never deleted: an entry is retired by its "retired from" date; the version the
    # form showed comes back with it (a save over someone else's change is refused)
    edit_columns = ["name", "source", "valid_from", "valid_to", "version"]
    search_columns = ["catalog", "code", "name"]
    order_columns = ["code", "name", "valid_to"]
    base_order = ("code", "asc")
    page_size = 50
    formatters_columns = {"attrs": format_attrs}
    add_form_extra_fields = {"valid_from": date_field(_l("Valid from")),
                             "valid_to": date_field(_l("Retired from"))}
    edit_form_extra_fields = {"valid_from": date_field(_l("Valid from")),
                              "valid_to": date_field(_l("Retired from")),
                              "version": HiddenField(filters=[_as_int])}

    def pre_add(self, item):
        _check(item)
        if services.code_taken(item.catalog, item.code, except_id=item.id):
            db.session.rollback()
            raise refusal(_l("This catalog already has the code %(code)s.", code=item.code),
                          "code")
        item.attrs = item.attrs or {}

    def post_add(self, item):
        audit.record("catalog.entry_add", item, details={"catalog": item.catalog.name,
                                                         "code": item.code})
        db.session.commit()

    def pre_update(self, item):
        services.require_unchanged(item)
        _check(item)

    def post_update(self, item):
        audit.record("catalog.entry_update", item, details={
            "catalog": item.catalog.name, "code": item.code,
            "valid_to": item.valid_to.isoformat() if item.valid_to else None})
        db.session.commit()


def _check(item):
    item.code = (item.code or "").strip()
    item.name = " ".join((item.name or "").split())
    problem = field = None
    if item.catalog is None:
        problem, field = _l("Choose the catalog."), "catalog"
    elif not item.code or not item.name:
        problem, field = _l("The code and the name are required."), (
            "code" if not item.code else "name")
    elif item.valid_from and item.valid_to and item.valid_to <= item.valid_from:
        problem, field = _l("The retirement date must come after the start date."), "valid_to"
    if problem is not None:
        db.session.rollback()
        raise refusal(problem, field)
