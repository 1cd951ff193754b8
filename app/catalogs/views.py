"""Catalog screens: everyone with the right reads them, Sở Nội vụ maintains them."""
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import services as audit
from app.catalogs.models import CatalogEntry
from app.core.dates import date_field
from app.core.exceptions import DomainError
from app.core.views import AuditedReadsMixin, VietnameseFormatsMixin
from app.extensions import db
from app.security import roles


def format_attrs(attrs):
    """The extra fields of an entry as "key: value" lines (lists joined)."""
    if not attrs:
        return ""
    return "; ".join("%s: %s" % (key, ", ".join(map(str, value)) if isinstance(value, list)
                                 else value) for key, value in sorted(attrs.items()))


class CatalogEntryView(AuditedReadsMixin, VietnameseFormatsMixin, ModelView):
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
    # never deleted: an entry is retired by its "retired from" date
    edit_columns = ["name", "source", "valid_from", "valid_to"]
    search_columns = ["catalog", "code", "name"]
    order_columns = ["code", "name", "valid_to"]
    base_order = ("code", "asc")
    page_size = 50
    formatters_columns = {"attrs": format_attrs}
    add_form_extra_fields = {"valid_from": date_field(_l("Valid from")),
                             "valid_to": date_field(_l("Retired from"))}
    edit_form_extra_fields = {"valid_from": date_field(_l("Valid from")),
                              "valid_to": date_field(_l("Retired from"))}

    def pre_add(self, item):
        _check(item)
        with db.session.no_autoflush:
            # the new entry may already be flushed (its catalog's entries cascade it)
            taken = db.session.scalar(select(CatalogEntry.id).where(
                CatalogEntry.catalog_id == item.catalog.id, CatalogEntry.code == item.code,
                CatalogEntry.id != (item.id or 0)))
        if taken is not None:
            db.session.rollback()
            raise DomainError(str(_l("This catalog already has the code %(code)s.",
                                     code=item.code)))
        item.attrs = item.attrs or {}

    def post_add(self, item):
        audit.record("catalog.entry_add", item, details={"catalog": item.catalog.name,
                                                         "code": item.code})
        db.session.commit()

    def pre_update(self, item):
        _check(item)

    def post_update(self, item):
        audit.record("catalog.entry_update", item, details={
            "catalog": item.catalog.name, "code": item.code,
            "valid_to": item.valid_to.isoformat() if item.valid_to else None})
        db.session.commit()


def _check(item):
    item.code = (item.code or "").strip()
    item.name = " ".join((item.name or "").split())
    problem = None
    if item.catalog is None:
        problem = _l("Choose the catalog.")
    elif not item.code or not item.name:
        problem = _l("The code and the name are required.")
    elif item.valid_from and item.valid_to and item.valid_to <= item.valid_from:
        problem = _l("The retirement date must come after the start date.")
    if problem is not None:
        db.session.rollback()
        raise DomainError(str(problem))
