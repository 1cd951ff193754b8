"""The personal record's versions: open a draft, save it, submit, decide;
the diff between two versions; what is still missing.

A record's content is ``{"schema": 1, "fields": {key: value}, "tables":
{key: [row, ...]}}`` with canonical strings (app/records/values.py); each
table row carries an ``_id`` so that a diff follows a row through edits.
The sensitive part (DESIGN §9) is stored encrypted beside the rest.
Every write is one transaction and is audited without the values.
"""
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.audit import services as audit
from app.catalogs import services as catalogs
from app.core import clock, crypto
from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.extensions import db
from app.policy.profiles import rule
from app.records import form, values
from app.org.models import Employee
from app.records.models import (
    APPROVED, DISCARDED, DRAFT, OPEN_STATES, REJECTED, SUBMITTED, RecordVersion,
)
from app.security import scope

SCHEMA_VERSION = 1
PERSON, OFFICER, BOTH = "individual", "unit_officer", "both"


class RecordInvalid(DomainError):
    """Input refused; ``errors`` maps a field key, or (table, row index,
    column), to its Vietnamese message."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(_("Some values are not valid; see the messages beside them."))


def empty_content():
    return {"schema": SCHEMA_VERSION, "fields": {}, "tables": {}}


# --- reading ------------------------------------------------------------------------------

def read_content(version):
    """The version's whole content, the sensitive part decrypted."""
    if version is None:
        return empty_content()
    content = empty_content()
    hidden = crypto.decrypt_json(version.sensitive)
    for part in (version.content or {}, hidden):
        content["fields"].update(part.get("fields", {}))
        content["tables"].update(part.get("tables", {}))
    return content


def _split(content):
    """(stored in clear, stored encrypted): the sensitive keys go to the second."""
    clear, hidden = empty_content(), {"fields": {}, "tables": {}}
    for key, value in content["fields"].items():
        (hidden if form.field_is_sensitive(key) else clear)["fields"][key] = value
    for key, rows in content["tables"].items():
        (hidden if form.table_is_sensitive(key) else clear)["tables"][key] = rows
    return clear, hidden


def store(version, content):
    """Write ``content`` into the version: the sensitive part encrypted."""
    clear, hidden = _split(content)
    version.content = clear
    version.sensitive = crypto.encrypt_json(hidden)
    version.completeness = completeness(content, version.employee.category)


def open_version(employee):
    """The record's draft or submitted version, if any."""
    return db.session.scalar(select(RecordVersion).where(
        RecordVersion.employee_id == employee.id, RecordVersion.status.in_(OPEN_STATES)))


def approved_version(employee):
    return db.session.scalar(select(RecordVersion).where(
        RecordVersion.employee_id == employee.id, RecordVersion.status == APPROVED)
        .order_by(RecordVersion.number.desc()).limit(1))


def versions_of(employee):
    return list(db.session.scalars(select(RecordVersion).where(
        RecordVersion.employee_id == employee.id).order_by(RecordVersion.number.desc())))


# --- who may change what --------------------------------------------------------------------

def actor_kind(actor, employee):
    """Whether ``actor`` edits this record as the person or as the unit's officer."""
    if employee.account_id is not None and employee.account_id == actor.id:
        return PERSON
    return OFFICER


def may_change(kind, owner_group):
    owner = rule("records.field_owners")[owner_group]
    return owner in (kind, BOTH)


def editable_groups(actor, employee):
    """The parts of the form this actor may change in this record now: the
    profile's split, and for the person only what a window opens."""
    kind = actor_kind(actor, employee)
    groups = {group for group in form.OWNER_GROUPS if may_change(kind, group)}
    if kind == PERSON and approved_version(employee) is not None:
        from app.records.self_service import open_groups

        groups &= open_groups(employee)
    # until a version is approved the record is the person's first entry, theirs to make
    # without a window (Điều 4.2 HP, 6.2 ĐN, 7.2 VP, 6.2 HN: each enters their own data)
    return groups


def _require_current_draft(actor, version, lock):
    """The actor may write the record, the version is a draft, and nobody
    saved it since the actor loaded it (``lock``).

    The version's row is locked first and read again (``SELECT … FOR UPDATE``):
    a save or a submit of the same draft at the same moment waits until this
    transaction ends, then reads its outcome and is refused here."""
    _lock_row(version)
    _require(actor, version.employee, "write")
    if version.status != DRAFT:
        raise DomainError(_("This version is no longer a draft."))
    if lock != version.lock:
        raise _stale()


def _stale():
    return DomainError(_("Someone saved this record after you opened it; reload the page "
                         "to see their changes, then make yours again."))


def _lock_row(version):
    """Hold the version's row until the transaction ends, its values re-read. Only the
    version's row (``of``): a version loaded with its person joined (approval's
    ``_locked``) is refreshed with that join, which PostgreSQL cannot lock."""
    db.session.refresh(version, with_for_update={"of": RecordVersion})


def _write(version):
    """Flush the version's UPDATE, which names the ``lock`` it read: a write that
    got in between (where the database has no row locks, as SQLite) refuses it."""
    try:
        db.session.flush()
    except StaleDataError:
        raise _stale() from None


def _require(actor, employee, action):
    if not scope.allows(actor, action, employee):
        raise DomainError(_("You may not change this record."))


# --- drafts ---------------------------------------------------------------------------------

def last_rejected(employee):
    """The latest version, when it was rejected: the person corrects it."""
    latest = db.session.scalar(select(RecordVersion).where(
        RecordVersion.employee_id == employee.id).order_by(RecordVersion.number.desc()).limit(1))
    return latest if latest is not None and latest.status == REJECTED else None


def _initial_content(employee):
    # a rejected change comes back to be corrected, not typed again
    content = read_content(last_rejected(employee) or approved_version(employee))
    if not content["fields"]:
        # a first record starts from what the province already knows
        content["fields"].update({"ho_ten": employee.full_name,
                                  "co_quan_su_dung": employee.unit.name})
    return content


def start_record_in_transaction(actor, employee, fields, tables=None, note=None):
    """The first version of a new person's record, holding what the hiring decision
    says (``fields``, and ``tables``: key -> rows; canonical values the caller has
    checked): a draft the unit started, which the person completes and submits. The
    caller has checked that the actor may hire into the person's unit."""
    if db.session.scalar(select(func.count()).select_from(RecordVersion).where(
            RecordVersion.employee_id == employee.id)):
        raise DomainError(_("This person already has a record."))
    now = clock.now()
    version = RecordVersion(employee=employee, number=1, status=DRAFT, base_id=None,
                            note=note, created_by=actor.id, created_at=now,
                            updated_by=actor.id, updated_at=now)
    content = empty_content()
    content["fields"].update(fields)
    for key, rows in (tables or {}).items():
        content["tables"][key] = [dict(row, _id=secrets.token_hex(6)) for row in rows]
    store(version, content)
    db.session.add(version)
    db.session.flush()
    audit.record("record.draft_open", version, unit_id=employee.unit_id, actor=actor,
                 details={"employee_id": employee.id, "number": 1, "from": "hiring"})
    return version


def open_draft_in_transaction(actor, employee):
    """The record's open draft: the existing one (the second editor joins
    it) or a new one from the last approved version."""
    _require(actor, employee, "write")
    if actor_kind(actor, employee) == PERSON and not editable_groups(actor, employee):
        raise DomainError(_("Your unit has not opened self-service for you now; ask its data "
                            "officer."))
    version = open_version(employee)
    if version is not None:
        if version.status == SUBMITTED:
            raise DomainError(_("This record is waiting for approval; it can be changed again "
                                "once it is approved or rejected."))
        return version
    number = (db.session.scalar(select(func.max(RecordVersion.number)).where(
        RecordVersion.employee_id == employee.id)) or 0) + 1
    now = clock.now()
    base = approved_version(employee)
    version = RecordVersion(employee=employee, number=number, status=DRAFT,
                            base_id=base.id if base else None, created_by=actor.id,
                            created_at=now, updated_by=actor.id, updated_at=now)
    store(version, _initial_content(employee))
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError:
        # another editor opened one at the same moment: join theirs
        db.session.rollback()
        return open_version(employee)
    audit.record("record.draft_open", version, unit_id=employee.unit_id,
                 details={"employee_id": employee.id, "number": number})
    return version


open_draft = atomic(open_draft_in_transaction)


def _catalog_codes(catalog_name, cache):
    if catalog_name not in cache:
        cache[catalog_name] = {entry.code for entry in catalogs.entries(catalog_name)}
    return cache[catalog_name]


def parse_input(raw_fields, raw_tables, previous, append=None):
    """Canonical content from what was typed; the unchanged values are kept
    as stored (a retired catalog code stays valid for an old record)."""
    errors, cache = {}, {}
    content = {"schema": SCHEMA_VERSION, "fields": dict(previous["fields"]),
               "tables": {key: list(rows) for key, rows in previous["tables"].items()}}

    def parsed(field, text, old, where):
        # selects post the code, inputs the displayed text
        shown = old if field.kind in (form.CATALOG, form.CHOICE) else values.display(field, old)
        if old is not None and (text or "").strip() == shown:
            return old
        codes = _catalog_codes(field.catalog, cache) if field.kind == form.CATALOG else None
        try:
            return values.parse(field, text, codes)
        except ValueError as exc:
            errors[where] = str(exc.args[0])
            return old

    for key, text in raw_fields.items():
        field = form.FIELDS[key][0]
        value = parsed(field, text, previous["fields"].get(key), key)
        if value is None:
            content["fields"].pop(key, None)
        else:
            content["fields"][key] = value
    raw_tables = dict(raw_tables)
    for key, rows in (append or {}).items():
        # the stored rows stay as they are (their _id finds them), the new ones follow
        kept = [{"_id": row["_id"]} for row in previous["tables"].get(key, [])]
        raw_tables[key] = list(raw_tables.get(key, kept)) + list(rows)
    for key, rows in raw_tables.items():
        table = form.TABLES[key][0]
        old_rows = {row.get("_id"): row for row in previous["tables"].get(key, [])}
        new_rows = []
        for index, raw in enumerate(rows):
            if raw.get("_remove"):
                continue
            old = old_rows.get(raw.get("_id"), {})
            row = {"_id": old.get("_id") or secrets.token_hex(6)}
            for column in table.columns:
                if column.key not in raw:      # not sent: kept as stored
                    value = old.get(column.key)
                else:
                    value = parsed(column, raw[column.key], old.get(column.key),
                                   (key, index, column.key))
                if value is not None:
                    row[column.key] = value
            if len(row) > 1:           # a row left blank is no row
                new_rows.append((index, row))
        content["tables"][key] = [row for _index, row in new_rows]
        _check_rows(table, new_rows, errors)
    return content, errors


def _check_rows(table, rows, errors):
    for index, row in rows:
        for column in table.columns:
            if column.required and column.key not in row and (table.key, index,
                                                              column.key) not in errors:
                errors[(table.key, index, column.key)] = _("Required.")
        if table.period and "tu" in row and "den" in row:
            start = values.PartialDate.from_canonical(row["tu"])
            end = values.PartialDate.from_canonical(row["den"])
            if end.last_day() < start.first_day():
                errors[(table.key, index, "den")] = _("The period ends before it starts.")


# (earlier, later, message): pairs of the form's dates that must be in order
DATE_ORDER = (
    ("ngay_sinh", "ngay_cap_cccd", _l("The card cannot be issued before the birth date.")),
    ("ngay_sinh", "ngay_tuyen_dung", _l("Recruitment must come after the birth date.")),
    ("ngay_tuyen_dung", "ngay_vao_co_quan",
     _l("Joining the current unit cannot come before the first recruitment.")),
    ("ngay_vao_dang", "ngay_chinh_thuc",
     _l("Full membership cannot come before joining the Party.")),
    ("ngay_nhap_ngu", "ngay_xuat_ngu", _l("Discharge cannot come before enlistment.")),
    ("ngay_bo_nhiem", "ngay_bo_nhiem_lai",
     _l("Reappointment cannot come before the appointment.")),
    ("hd_tu_ngay", "hd_den_ngay", _l("The contract ends before it starts.")),
    ("hd_thu_viec_tu", "hd_thu_viec_den", _l("Probation ends before it starts.")),
)
# BLLĐ 2019 Điều 20: a fixed-term contract runs at most 36 months
FIXED_TERM_MONTHS = 36


def check_consistency(content, errors):
    fields = content["fields"]
    today = clock.today()
    for key in ("ngay_sinh", "ngay_tuyen_dung", "ngay_vao_co_quan", "ngay_cap_cccd"):
        if key in fields and key not in errors and \
                values.PartialDate.from_canonical(fields[key]).first_day() > today:
            errors[key] = _("This date is in the future.")
    _check_contract(fields, errors)
    for earlier, later, message in DATE_ORDER:
        if earlier in fields and later in fields and earlier not in errors \
                and later not in errors:
            if values.PartialDate.from_canonical(fields[later]).last_day() < \
                    values.PartialDate.from_canonical(fields[earlier]).first_day():
                errors[later] = str(message)


def _check_contract(fields, errors):
    kind = fields.get("hd_loai")
    if kind == "khong_xac_dinh_thoi_han" and "hd_den_ngay" in fields:
        errors["hd_den_ngay"] = _("An indefinite-term contract has no end date.")
    if kind == "xac_dinh_thoi_han" and "hd_tu_ngay" in fields:
        if "hd_den_ngay" not in fields:
            errors.setdefault("hd_den_ngay", _("A fixed-term contract needs its end date."))
        elif "hd_den_ngay" not in errors:
            start = values.PartialDate.from_canonical(fields["hd_tu_ngay"])
            end = values.PartialDate.from_canonical(fields["hd_den_ngay"])
            months = (end.year - start.year) * 12 + end.month - start.month
            if months > FIXED_TERM_MONTHS or (months == FIXED_TERM_MONTHS
                                              and end.day >= start.day):
                errors["hd_den_ngay"] = _("A fixed-term contract runs at most 36 months.")


def changed_keys(before, after):
    """The field and table keys whose value differs."""
    keys = {key for key in set(before["fields"]) | set(after["fields"])
            if before["fields"].get(key) != after["fields"].get(key)}
    keys |= {key for key in set(before["tables"]) | set(after["tables"])
             if before["tables"].get(key, []) != after["tables"].get(key, [])}
    return keys


def _owner_of(key):
    # field and table keys never collide (tests/records/test_form.py)
    return (form.TABLES.get(key) or form.FIELDS[key])[1]


def save_in_transaction(actor, version, raw_fields, raw_tables, lock, append=None):
    """Save typed values into the draft; returns the keys that changed.
    ``append``: {table: [typed row]} added after the table's rows.

    Refused as a whole (nothing saved) when a value is invalid, when the
    draft moved on since the editor loaded it (``lock``), or when the
    profile gives a changed field to the other party.
    """
    employee = version.employee
    _require_current_draft(actor, version, lock)
    previous = read_content(version)
    content, errors = parse_input(raw_fields, raw_tables, previous, append)
    check_consistency(content, errors)
    if errors:
        raise RecordInvalid(errors)
    changed = changed_keys(previous, content)
    groups = editable_groups(actor, employee)
    refused = sorted(key for key in changed if _owner_of(key) not in groups)
    if refused:
        raise DomainError(_("You may not change these now: %(items)s. The province's rules "
                            "or your unit's self-service period decide who changes what.",
                            items=", ".join(label_of(key) for key in refused)))
    _check_national_id(employee, content)
    if changed:
        # the mapper bumps ``lock`` in the UPDATE (RecordVersion's version column)
        store(version, content)
        version.updated_by, version.updated_at = actor.id, clock.now()
        _write(version)
    audit.record("record.draft_save", version, unit_id=employee.unit_id,
                 details={"employee_id": employee.id, "changed": sorted(changed)})
    return changed


save = atomic(save_in_transaction)


def _check_national_id(employee, content):
    number = content["fields"].get("so_dinh_danh")
    if number is None:
        return
    taken = db.session.scalar(select(Employee.id).where(
        Employee.national_id_hash == crypto.identity_hash(number), Employee.id != employee.id))
    if taken is not None:
        raise RecordInvalid({"so_dinh_danh": _(
            "This personal identification number already belongs to another record in the "
            "province.")})


def label_of(key):
    entry = form.FIELDS.get(key)
    if entry is not None:
        return entry[0].label
    table = form.TABLES[key][0]
    return "%s. %s" % (table.number, table.title)


# --- completeness -------------------------------------------------------------------------

@dataclass(frozen=True)
class Missing:
    item: str
    label: str


def missing_required(content, category=None):
    """The form's required fields and tables still empty, in the form's order
    (with the labour contract's for a người lao động)."""
    missing = []
    fields = content["fields"]
    for f in form.HEADER:
        if f.required and not fields.get(f.key):
            missing.append(Missing("", f.label))
    for item in tuple(form.all_items()) + _contract_for(category):
        for f in item.fields:
            if f.required and not fields.get(f.key):
                missing.append(Missing(item.number, f.label))
        for table in item.tables:
            if table.required and not content["tables"].get(table.key):
                missing.append(Missing(table.number, table.title))
    return missing


def _contract_for(category):
    return (form.CONTRACT,) if category == form.CONTRACT_CATEGORY else ()


def required_count(category=None):
    count = sum(f.required for f in form.HEADER)
    for item in tuple(form.all_items()) + _contract_for(category):
        count += sum(f.required for f in item.fields) + sum(t.required for t in item.tables)
    return count


def completeness(content, category=None):
    """Share of the required fields filled, in per cent (rounded down)."""
    total = required_count(category)
    return (total - len(missing_required(content, category))) * 100 // total


# --- submit and decide --------------------------------------------------------------------

def _require_complete(version):
    missing = missing_required(read_content(version), version.employee.category)
    if missing:
        raise DomainError(_("The record is not complete yet: %(items)s.", items="; ".join(
            ("%s. %s" % (m.item, m.label)) if m.item else m.label for m in missing)))


@atomic
def submit(actor, version, lock):
    employee = version.employee
    if not approval_required():
        raise DomainError(_("Under this province's rules changes are not submitted for "
                            "approval: the unit's data officer records them."))
    _require_current_draft(actor, version, lock)
    _require_complete(version)
    version.status, version.submitted_at = SUBMITTED, clock.now()
    _write(version)
    audit.record("record.submit", version, unit_id=employee.unit_id,
                 details={"employee_id": employee.id, "number": version.number})
    return version


# --- the officer's entry, where nothing is approved (the da_nang model) --------------------

# Điều 10 and 16.1-16.3 ĐNg (QĐ 8060/QĐ-UBND, 2012): the unit's appointed officer enters and
# updates the records in the software and answers for their accuracy (Điều 15.4, 16.3); the
# text has no approval and no signature. Where the profile names no approver
# (``approval.approver`` null) the officer's confirmed entry ("ghi nhận") is the act: the
# draft becomes the record's approved state through ``mark_approved``, with no signature
# (so no Approval row: approval.services.ready_for_sync says no, and the national sync has
# nothing to send, as ĐNg has none), audited as ``record.approve`` with this basis, still
# one more version diffable against the one before. ``decided_by`` is who recorded it.
BASIS_OFFICER_ENTRY = "officer_entry"


def approval_required():
    """Whether a change waits for an approver (the profile's ``approval.approver``)."""
    return rule("approval.approver") is not None


def may_record(actor, version):
    """Whether the actor may record this open version as the record's state now (the
    person's page offers it): the profile has no approver, the version is a draft, and
    the actor writes the record as the unit's officer, not as its person."""
    return (version is not None and version.status == DRAFT and not approval_required()
            and scope.allows(actor, "write", version.employee)
            and actor_kind(actor, version.employee) == OFFICER)


@atomic
def record_entry(actor, version, lock):
    """The unit's officer records the draft they saw (``lock``) as the record's state,
    where the profile has no approver; one transaction. Refused, nothing changed, where
    the profile has one (the change is submitted), for the person's own record (nobody
    records their own), for a stale draft, or while the form is incomplete."""
    employee = version.employee
    if approval_required():
        raise DomainError(_("Under this province's rules a change is submitted for approval; "
                            "the data officer does not record it alone."))
    _require_current_draft(actor, version, lock)
    if actor_kind(actor, employee) != OFFICER:
        raise DomainError(_("The unit's data officer records a change; nobody records their "
                            "own record."))
    _require_complete(version)
    return mark_approved(actor, version, basis=BASIS_OFFICER_ENTRY)


def recorded_by(version):
    """The name of the account that recorded (decided) ``version``, or None: the
    person's page says who recorded the record where nothing is approved."""
    if version is None or version.decided_by is None:
        return None
    from app.accounts.models import Account

    account = db.session.get(Account, version.decided_by)
    if account is None:
        return None
    return " ".join(filter(None, [account.last_name, account.first_name])) or account.username


# A discarded draft (issue 16; models.DISCARDED): kept, never deleted, out of the
# one-open-version index (it covers draft and submitted only), so a new draft can be
# opened; its content, its documents (their rows still name it, their bytes stay in the
# content-addressed store) and its audit entries stay as history. ``status`` is a plain
# String(16) without a CHECK, so the state needs no migration.


@atomic
def discard(actor, version, lock):
    """Throw away the open draft as the actor saw it (``lock``): whoever may write
    the draft (a person within a self-service period) may discard it; a submitted
    version cannot be. The approved version is not touched; the next draft starts
    from it again."""
    employee = version.employee
    _require_current_draft(actor, version, lock)
    if actor_kind(actor, employee) == PERSON and not editable_groups(actor, employee):
        raise DomainError(_("You may not change this record."))
    version.status = DISCARDED
    version.updated_by, version.updated_at = actor.id, clock.now()
    _write(version)
    audit.record("record.discard", version, unit_id=employee.unit_id,
                 details={"employee_id": employee.id, "number": version.number})
    return version


def mark_rejected(actor, version, reason):
    """Reject in the caller's transaction (app.approval checks who may)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the change is rejected; the person will read it."))
    # kept as rejected; the person's next draft starts from it (last_rejected)
    version.status, version.reason = REJECTED, reason
    version.decided_by, version.decided_at = actor.id, clock.now()
    audit.record("record.reject", version, unit_id=version.employee.unit_id,
                 details={"employee_id": version.employee_id, "number": version.number})
    return version


def take_identity(employee, fields):
    """The person's name and số định danh become those of the record's approved
    ``fields`` (flushed: a số định danh another person holds is refused here)."""
    employee.full_name = fields.get("ho_ten", employee.full_name)
    number = fields.get("so_dinh_danh")
    if number is not None:
        employee.national_id_hash = crypto.identity_hash(number)
        employee.national_id_enc = crypto.encrypt_text(number)
    try:
        db.session.flush()
    except IntegrityError:
        raise DomainError(_("This personal identification number already belongs to another "
                            "record in the province.")) from None


def mark_approved(actor, version, **details):
    """Approve in the caller's transaction: the version becomes the record's
    approved state, and its name and số định danh the employee's. The one
    state change of an approval: app.approval calls it after the signature
    (and checks who may); the officer's entry where nothing is approved
    (``record_entry``, basis ``officer_entry``) and the demo's seeded records, with
    ``actor`` None (nobody's decision), go through it too."""
    employee = version.employee
    content = read_content(version)
    name = content["fields"].get("ho_ten", employee.full_name)
    if name and len(name) > form.max_length(form.FIELDS["ho_ten"][0]):
        # a draft saved before the form knew the column's length: refused for this
        # person alone (a batch carries on with the others)
        raise DomainError(_("The name is longer than a record can hold; the person must "
                            "correct it before approval."))
    version.status = APPROVED
    version.decided_by, version.decided_at = getattr(actor, "id", None), clock.now()
    take_identity(employee, content["fields"])
    # the decider named (outside a request, as a job or a test, there is no g.user)
    audit.record("record.approve", version, unit_id=employee.unit_id, actor=actor,
                 details={"employee_id": employee.id, "number": version.number, **details})
    return version


# --- diff ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    item: str          # the form's item number ("8", "32.1")
    label: str         # the field's or table's label
    what: str          # "changed", "added", "removed"
    before: str        # displayed values
    after: str
    row: str = ""      # for a table row: its columns' labels and values


def _catalog_name(cache):
    # a catalog holds a code once (uq_catalog_entry_code), its validity a period: a code
    # retired since the record was written keeps its name (valid on the record's date)
    def name(catalog, code):
        if catalog not in cache:
            cache[catalog] = {entry.code: entry.name
                              for entry in catalogs.entries(catalog, include_retired=True)}
        return cache[catalog].get(code)
    return name


def _row_text(table, row, name):
    return "; ".join("%s: %s" % (column.label, values.display(column, row[column.key], name))
                     for column in table.columns if row.get(column.key))


def diff(before, after):
    """Field-by-field and row-by-row changes from ``before`` to ``after``,
    in the form's order, with the form's labels and displayed values."""
    name = _catalog_name({})
    changes = []
    # the item number of every field, the labour contract's included
    numbers = form.ITEM_NUMBERS
    for key, (field, _owner, _privacy) in form.FIELDS.items():
        old, new = before["fields"].get(key), after["fields"].get(key)
        if old != new:
            what = "added" if old is None else "removed" if new is None else "changed"
            changes.append(Change(numbers[key], field.label, what,
                                  values.display(field, old, name),
                                  values.display(field, new, name)))
    for key, (table, _owner, _privacy) in form.TABLES.items():
        old_rows = {row["_id"]: row for row in before["tables"].get(key, [])}
        new_rows = {row["_id"]: row for row in after["tables"].get(key, [])}
        for row_id, row in new_rows.items():
            old = old_rows.get(row_id)
            if old is None:
                changes.append(Change(table.number, table.title, "added", "",
                                      _row_text(table, row, name)))
            elif old != row:
                changes.append(Change(table.number, table.title, "changed",
                                      _row_text(table, old, name), _row_text(table, row, name)))
        for row_id, row in old_rows.items():
            if row_id not in new_rows:
                changes.append(Change(table.number, table.title, "removed",
                                      _row_text(table, row, name), ""))
    return changes


def catalog_namer():
    """A ``catalog_name(catalog, code)`` for displays and the printed form."""
    return _catalog_name({})


def diff_versions(older, newer):
    return diff(read_content(older), read_content(newer))


@dataclass(frozen=True)
class ItemChanges:
    number: str        # the form's item ("" for the form's header)
    item: object       # its form.Item, or None for the header
    changes: tuple     # its fields' and tables' Changes, in the diff's order


def by_item(changes):
    """``diff``'s changes grouped by the form's item (a table "32.1" under item 32), in
    the form's order: a first version, all of it added, reads as the form does, one
    block per item with its values."""
    parent = {table.number: item.number for item in form.all_items() for table in item.tables}
    grouped = {}
    for change in changes:
        grouped.setdefault(parent.get(change.item, change.item), []).append(change)
    order = [""] + list(form.ITEM_BY_NUMBER)
    return [ItemChanges(number, form.ITEM_BY_NUMBER.get(number), tuple(grouped[number]))
            for number in sorted(grouped, key=lambda n: order.index(n) if n in order
                                 else len(order))]


def audit_read(version, what):
    """Record that someone looked at a record (DESIGN: every view is audited)."""
    audit.record(what, version, unit_id=version.employee.unit_id,
                 details={"employee_id": version.employee_id, "number": version.number})


def audit_list(searched, page):
    """Record that someone listed the records in their scope (the search term is not kept)."""
    audit.record("record.list", object_type="Employee", details={"q": searched, "page": page})


def own_employee(actor):
    return db.session.scalar(select(Employee).where(Employee.account_id == actor.id))

