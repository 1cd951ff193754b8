"""Loading the shipped catalogs and reading them."""
import datetime
import os

import yaml
from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import services as audit
from app.catalogs.models import Catalog, CatalogEntry
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


# libyaml's parser where PyYAML was built with it (ten times faster on xa_phuong.yaml)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# path -> (modification time, parsed YAML): each file is parsed once per process
_PARSED = {}


def shipped_names():
    """The names of the shipped catalogs (the files in data/), sorted."""
    return sorted(name[:-5] for name in os.listdir(DATA_DIR) if name.endswith(".yaml"))


def shipped_catalog(name):
    """The parsed YAML of one shipped catalog, read once per process (the cache
    keeps a file's modification time, so an edited file is read again)."""
    path = os.path.join(DATA_DIR, name + ".yaml")
    mtime = os.stat(path).st_mtime_ns
    cached = _PARSED.get(path)
    if cached is None or cached[0] != mtime:
        with open(path, encoding="utf-8") as f:
            cached = _PARSED[path] = (mtime, yaml.load(f, Loader=_LOADER))
    return cached[1]


def shipped_catalogs(names=None):
    """{name: parsed YAML} of the files in data/ (only ``names`` when given)."""
    wanted = shipped_names() if names is None else sorted(set(names) & set(shipped_names()))
    return {name: shipped_catalog(name) for name in wanted}


def _date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def load_shipped(actor=None, names=None):
    """Add what the shipped files have and the database lacks; one transaction.

    Entries already there are left as they are: Sở Nội vụ may have corrected or
    retired them. ``names`` limits the load to some catalogs. Returns {catalog
    name: number of entries added}.
    """
    added = {}
    try:
        for name, data in shipped_catalogs(names).items():
            catalog = db.session.scalar(select(Catalog).where(Catalog.name == name))
            if catalog is None:
                catalog = Catalog(name=name, title=data["title"], source=data["source"],
                                  confidence=data.get("confidence"), note=data.get("note"))
                db.session.add(catalog)
                db.session.flush()
            existing = set(db.session.scalars(select(CatalogEntry.code).where(
                CatalogEntry.catalog_id == catalog.id)))
            count = 0
            for entry in data["entries"]:
                if entry["code"] in existing:
                    continue
                db.session.add(CatalogEntry(
                    catalog_id=catalog.id, code=entry["code"], name=entry["name"],
                    source=entry.get("source"), valid_from=_date(entry.get("valid_from")),
                    valid_to=_date(entry.get("valid_to")), attrs=entry.get("attrs") or {}))
                count += 1
            added[name] = count
        if any(added.values()):
            db.session.flush()
            audit.record("catalog.load", object_type="Catalog", details=added, actor=actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return added


def entries(name, on=None, include_retired=False):
    """The entries of a catalog valid on a day (today by default), by code."""
    on = on or clock.today()
    query = select(CatalogEntry).join(Catalog).where(Catalog.name == name)
    if not include_retired:
        query = query.where(CatalogEntry.holds_on(on))
    return list(db.session.scalars(query.order_by(CatalogEntry.code)))


def require_unchanged(entry):
    """Nobody changed the entry since its form was shown: the form carried the
    version it showed into ``entry.version``; the entry's row is locked until the
    transaction ends (``SELECT … FOR UPDATE``) and its version compared. Refused,
    nothing of the form stays in the session."""
    with db.session.no_autoflush:
        current = db.session.scalar(select(CatalogEntry.version).where(
            CatalogEntry.id == entry.id).with_for_update())
    if entry.version is None or entry.version != current:
        db.session.rollback()
        raise DomainError(_("Someone changed this catalog entry after you opened it; nothing "
                            "was saved. Reload the page to see their change, then make yours "
                            "again."))


def code_taken(catalog, code, except_id=None):
    """Whether an entry of ``catalog`` other than ``except_id`` already bears ``code``."""
    with db.session.no_autoflush:
        # a new entry may already be in the session (its catalog's entries cascade it)
        return db.session.scalar(select(CatalogEntry.id).where(
            CatalogEntry.catalog_id == catalog.id, CatalogEntry.code == code,
            CatalogEntry.id != (except_id or 0))) is not None
