"""The pull on transfer-in: a person received from another province or a ministry, their
record read from the national database (CSDLQG về CBCCVC) and shown to the receiving unit
beside what the province holds, field by field; a draft of it made only when the unit's
officer asks, then checked, submitted and approved as every other change. Never applied
silently, never approved here.

The transfer case's DATA_REQUEST step writes a ``TransferSyncItem`` (app/transfers); a
successful pull marks it done. The key is ``<org_Code>_<SoHieuCBCCVC_BNDP>``: the previous
agency's unit code, which the officer enters or confirms (prefilled from the case's last
pull), and the record key the province holds for the person (the số định danh cá nhân
under NĐ 27/2026, app/sync/mapping.py ``key_field``), from the record or the hiring. The
read is made with the receiving side's own national account (``client.account_code``).

A pull (``SyncPull``) keeps what came back encrypted; a receiver that is down, slow or
without an account for the unit writes nothing, and the officer is told so in Vietnamese.
"""
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, func, select
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.catalogs import services as catalogs
from app.core import clock, crypto
from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.extensions import db
from app.records import form, values
from app.records import services as records
from app.security import roles, scope
from app.sync import client as wire
from app.sync import mapping
from app.sync.models import (
    PULL_APPLIED, PULL_DISMISSED, PULL_FAILED, PULL_FETCHED, PULL_NOT_FOUND, SyncPull,
)
from app.transfers import queries as transfer_queries
from app.transfers.models import (
    IN_FROM_OUTSIDE, SYNC_DATA_REQUEST, TransferCase, TransferSyncItem,
)

ACTION = "pull"
# QĐ 20/2020/QĐ-TTg codes: letters and digits, levels joined by dots (H45, H45.02.01)
UNIT_CODE = re.compile(r"[A-Za-z0-9]{1,16}(\.[A-Za-z0-9]{1,16}){0,7}")
# the fields that describe the previous agency, not the person: shown, never copied
NOT_CARRIED = ("co_quan_quan_ly", "co_quan_su_dung", "so_hieu", "ngay_vao_co_quan")
RECENT = 50
CODE_LENGTH = 64          # SyncPull.org_code
# a run of digits as long as a số định danh or a CCCD: never kept or shown from an answer
_NUMBER = re.compile(r"\d{9,}")


def _masked(text, record_key):
    """The receiver's words without the record's key or any long number in them (its
    "Không tìm thấy hồ sơ <org>_<số định danh>" repeats the number)."""
    text = (text or "").replace(record_key, "…")
    return _NUMBER.sub("…", text)

STATE_LABELS = {PULL_FETCHED: _l("Fetched, to check"), PULL_NOT_FOUND: _l("Not found"),
                PULL_FAILED: _l("Fetch failed"), PULL_APPLIED: _l("Draft made"),
                PULL_DISMISSED: _l("Set aside")}
REASON_LABELS = {
    mapping.NOT_HELD: _l("our form has no field for it"),
    mapping.BAD_DATE: _l("not a date as yyyy, yyyymm or yyyymmdd"),
    mapping.NO_CODE: _l("the code map has no code of ours for it"),
    mapping.NO_COLUMN: _l("our table has no such column"),
    mapping.NO_TABLE: _l("names none of our tables"),
    mapping.UNKNOWN_FIELD: _l("a field the contract does not name"),
    mapping.BAD_SHAPE: _l("not the shape the contract gives"),
}


class PullRefused(DomainError):
    pass


# --- scope -------------------------------------------------------------------------------

def may_pull(actor):
    return bool(scope.user_scopes(actor, ACTION, roles.SYNC))


def _case_condition(actor):
    """The cases whose receiving unit lies in the actor's pull scope (None: every one)."""
    scopes = scope.user_scopes(actor, ACTION, roles.SYNC)
    if roles.SCOPE_PROVINCE in scopes or roles.SCOPE_SYSTEM in scopes:
        return None
    if roles.SCOPE_SUBTREE in scopes:
        return scope.unit_subtree(TransferCase, "to_unit_id")(actor)
    return false()


def _restricted_cases(query, actor):
    condition = _case_condition(actor)
    return query if condition is None else query.where(condition)


def case_for_pull(actor, case_id):
    """The transfer case if the actor may pull for it (its receiving unit in scope), else
    None: the screens answer 404 for a case outside the scope as for no case."""
    case_id = scope.as_id(case_id)
    if case_id is None:
        return None
    case = db.session.scalar(_restricted_cases(
        select(TransferCase).where(TransferCase.id == case_id)
        .options(joinedload(TransferCase.employee), joinedload(TransferCase.to_unit)), actor))
    # the screen shows the person's record beside the national one: only to who may read it
    # (a person since moved out of the receiving unit is no longer its to read)
    if case is not None and not scope.allows(actor, "read", case.employee):
        return None
    return case


# --- the key -----------------------------------------------------------------------------

def _record_number(employee):
    """The record key the province holds for the person (``mapping.key_field``): from the
    open or approved version, else (the số định danh) from the hiring. "" when none."""
    key = mapping.key_field()
    content = records.read_content(records.open_version(employee)
                                   or records.approved_version(employee))
    number = (content["fields"].get(key) or "").strip()
    if not number and key == "so_dinh_danh" and employee.national_id_enc:
        number = crypto.decrypt_text(employee.national_id_enc).strip()
    return number


def _reading_account(case):
    """The unit code whose national account reads: the receiving unit's employing unit's
    (the account above it, ``client.account_code``, reads for it)."""
    unit = mapping.using_unit(case.employee) or case.to_unit
    while unit is not None and not unit.code:
        unit = unit.parent
    return unit.code if unit is not None else None


def _latest(case_id):
    return db.session.scalar(select(SyncPull).where(SyncPull.case_id == case_id)
                             .order_by(SyncPull.id.desc()).limit(1))


def _latest_of(case_ids):
    """{case id: its latest pull} of these cases, in one statement."""
    if not case_ids:
        return {}
    newest = select(func.max(SyncPull.id)).where(SyncPull.case_id.in_(case_ids)).group_by(
        SyncPull.case_id)
    return {pull.case_id: pull for pull in db.session.scalars(
        select(SyncPull).where(SyncPull.id.in_(newest)))}


def _item(case_id):
    return db.session.scalar(select(TransferSyncItem).where(
        TransferSyncItem.case_id == case_id, TransferSyncItem.kind == SYNC_DATA_REQUEST))


# --- fetching ------------------------------------------------------------------------------

def _case_of(item_or_case):
    if isinstance(item_or_case, TransferSyncItem):
        return db.session.get(TransferCase, item_or_case.case_id)
    return item_or_case


def fetch(actor, item_or_case, org_code, key=None, client=None):
    """Read the received person's record from the national database under the previous
    agency's ``org_code`` (or the whole ``key``, ``<org_Code>_<SoHieuCBCCVC_BNDP>``) and
    keep what came back; returns the ``SyncPull``. A found record marks the case's data
    request done. Refused with a Vietnamese message, writing nothing, when the input is
    wrong; when the receiver cannot be asked (down, too slow, no account), writing only
    the attempt's audit entry."""
    case = _case_of(item_or_case)
    if case is None or case_for_pull(actor, case.id) is None:
        raise PullRefused(_("This transfer case does not exist or is not yours to act on."))
    if case.kind != IN_FROM_OUTSIDE:
        raise PullRefused(_("Only a person received from another province, a ministry or a "
                            "Party body is fetched from the national database."))
    if _item(case.id) is None:
        raise PullRefused(_("Do the case's step \"request the national data\" first."))
    if key:
        org_code, _sep, number = str(key).partition("_")
    else:
        number = _record_number(case.employee)
    org_code = (org_code or "").strip()
    if not org_code:
        raise PullRefused(_("Enter the unit code of the agency the person comes from."))
    if len(org_code) > CODE_LENGTH or not UNIT_CODE.fullmatch(org_code):
        raise PullRefused(_("%(code)s is not a unit code (such as H45 or H45.02.01).",
                            code=org_code[:64]))
    if not number:
        raise PullRefused(_("The person's record holds no %(label)s: enter it in the record "
                            "first.", label=records.label_of(mapping.key_field())))
    account = _reading_account(case)
    if account is None:
        raise PullRefused(_("The receiving unit has no unit code for the national "
                            "database."))
    record_key = mapping.pulled_key(org_code, number)
    db.session.rollback()       # no transaction held while the receiver answers
    own_client = client is None
    client = client or wire.Client()
    try:
        answer = client.fetch(account, record_key)
    finally:
        if own_client:
            client.close()
    if answer.outcome == wire.OK:
        hoso = (answer.data or {}).get("HOSO_CBCCVC")
        status = PULL_FETCHED if isinstance(hoso, dict) and hoso else PULL_FAILED
        message = answer.message if status == PULL_FETCHED else _(
            "The national database's answer holds no record.")
    elif answer.outcome == wire.REFUSED and str((answer.data or {}).get("err_code")) == "1":
        hoso, status, message = None, PULL_NOT_FOUND, answer.message or _(
            "The national database holds no record under this key.")
    else:
        _failed(actor, case.id, org_code, answer.outcome)
        raise PullRefused(_masked(answer.message, record_key) or _(
            "The national database's answer is not one it gives (no err_code)."))
    return _keep(actor, case.id, org_code, record_key, status, hoso,
                 _masked(message, record_key))


@atomic
def _failed(actor, case_id, org_code, outcome):
    """The audit entry of a read of a person's record that brought nothing back (the
    receiver down, too slow, no account, or an answer it does not give): who tried, for
    whom, under which code, the outcome; nothing else."""
    case = db.session.get(TransferCase, case_id)
    audit.record("sync.pull_fetch_failed", object_type="TransferCase", object_id=case.id,
                 unit_id=case.to_unit_id, actor=actor, details={
                     "case_id": case.id, "employee_id": case.employee_id,
                     "org_code": org_code, "outcome": outcome})


@atomic
def _keep(actor, case_id, org_code, record_key, status, hoso, message):
    case = db.session.get(TransferCase, case_id)
    now = clock.now()
    pull = SyncPull(case_id=case.id, employee_id=case.employee_id,
                    unit_id=case.to_unit_id or case.employee.unit_id, org_code=org_code,
                    record_key_hash=crypto.keyed_hash(record_key),
                    record_key=crypto.encrypt_text(record_key), fetched_at=now,
                    fetched_by=actor.id, status=status,
                    content=crypto.encrypt_json(hoso) if hoso else None,
                    message=(message or "")[:1000] or None)
    db.session.add(pull)
    if status == PULL_FETCHED:
        item = _item(case.id)
        if item is not None and item.done_at is None:
            item.done_at = now
    db.session.flush()
    audit.record("sync.pull_fetch", pull, actor=actor, details={
        "case_id": case.id, "employee_id": case.employee_id, "org_code": org_code,
        "status": status})
    return pull


# --- what the screen shows -----------------------------------------------------------------

@dataclass
class FieldRow:
    number: str          # the form's item ("" for the header)
    label: str
    key: str
    ours: str            # as the screen shows them
    theirs: str
    differs: bool
    carried: bool        # copied into the draft when asked
    problem: str = ""    # why the national value cannot be stored (our form's check)


@dataclass
class TableRows:
    number: str
    title: str
    key: str
    columns: list        # [(key, label)]
    ours: list           # [[shown value per column]]
    theirs: list         # [([shown values], new: bool)]
    carried: bool


@dataclass
class Plan:
    """What a draft from the pull would hold: typed values for records.save."""
    fields: dict = field(default_factory=dict)      # key -> typed text
    append: dict = field(default_factory=dict)      # table -> [typed row]
    withheld: list = field(default_factory=list)    # labels the actor may not change
    invalid: list = field(default_factory=list)     # (label, message)


@dataclass
class PullPage:
    case: TransferCase
    employee: object
    pull: SyncPull          # the case's latest pull, or None
    org_code: str           # the form's prefill
    pending: bool           # the data request waits for a pull
    requested: bool         # the case's data request was made
    receivable: bool        # a case in from outside
    fields: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    unmapped: list = field(default_factory=list)    # (where, value, reason in words)
    plan: Plan = None
    history: list = field(default_factory=list)
    may_draft: bool = False  # Sở Nội vụ fetches and reads; the unit writes the record
    record_state: str = ""   # record_state() of the version compared


def _typed(form_field, canonical):
    """The text a person would type for a canonical value (records.save parses text)."""
    if form_field.kind in (form.CATALOG, form.CHOICE):
        return canonical
    if form_field.kind in (form.DATE, form.PARTIAL_DATE):
        try:
            return values.PartialDate.from_canonical(canonical).display()
        except ValueError:
            return canonical
    return canonical


def _checked(form_field, canonical, codes):
    """(typed text, canonical as our form stores it, problem): our form's own check."""
    typed = _typed(form_field, canonical)
    allowed = None
    if form_field.kind == form.CATALOG:
        if form_field.catalog not in codes:
            codes[form_field.catalog] = {entry.code
                                         for entry in catalogs.entries(form_field.catalog)}
        allowed = codes[form_field.catalog]
    try:
        stored = values.parse(form_field, typed, allowed)
    except ValueError as exc:
        return typed, None, str(exc.args[0])
    return typed, stored, ""


def _row_key(row, columns):
    return tuple((key, row.get(key)) for key in columns if row.get(key) not in (None, ""))


def compare(actor, employee, hoso, current):
    """(field rows, table rows, unmapped, plan) of a national record against ``current``
    (our content): every national value beside ours, marked where they differ."""
    back = mapping.reverse_document(hoso)
    namer = records.catalog_namer()
    groups = records.editable_groups(actor, employee)
    codes, plan, rows, tables = {}, Plan(), [], []
    for key, (form_field, owner, _privacy) in form.FIELDS.items():
        if key not in back["fields"]:
            continue
        typed, stored, problem = _checked(form_field, back["fields"][key], codes)
        ours = current["fields"].get(key)
        carried = key not in NOT_CARRIED
        differs = (stored if stored is not None else back["fields"][key]) != ours
        shown = values.display(form_field, stored, namer) if stored is not None else \
            str(back["fields"][key])
        rows.append(FieldRow(form.ITEM_NUMBERS.get(key, ""), form_field.label, key,
                             values.display(form_field, ours, namer), shown, differs,
                             carried, problem))
        if not (carried and differs):
            continue
        if problem:
            plan.invalid.append((form_field.label, problem))
        elif owner not in groups:
            plan.withheld.append(form_field.label)
        else:
            plan.fields[key] = typed
    for key, (table, owner, _privacy) in form.TABLES.items():
        national = back["tables"].get(key)
        if not national:
            continue
        columns = [(column.key, column.label) for column in table.columns]
        column_of = {column.key: column for column in table.columns}
        have = {_row_key(row, column_of) for row in current["tables"].get(key) or ()}
        theirs, new_rows = [], []
        for national_row in national:
            typed_row, stored_row, problems = {}, {}, []
            for column_key, value in national_row.items():
                typed, stored, problem = _checked(column_of[column_key], value, codes)
                if problem:
                    problems.append((column_of[column_key].label, problem))
                else:
                    typed_row[column_key], stored_row[column_key] = typed, stored
            new = _row_key(stored_row, column_of) not in have
            theirs.append(([values.display(column_of[c], stored_row.get(c), namer)
                            for c, _label in columns], new))
            if not new:
                continue
            if problems:
                plan.invalid.extend(("%s. %s" % (table.number, label), message)
                                    for label, message in problems)
            elif owner not in groups:
                plan.withheld.append("%s. %s" % (table.number, table.title))
            else:
                new_rows.append(typed_row)
        if new_rows:
            plan.append[key] = new_rows
        ours = [[values.display(column_of[c], row.get(c), namer) for c, _label in columns]
                for row in current["tables"].get(key) or ()]
        tables.append(TableRows(table.number, table.title, key, columns, ours, theirs,
                                True))
    plan.withheld = sorted(set(plan.withheld))
    unmapped = [(item.where, item.value, str(REASON_LABELS.get(item.reason, item.reason)))
                for item in back["unmapped"]]
    return rows, tables, unmapped, plan


def _basis(employee):
    """The version the national record is compared with: the open one, else the
    approved one (None: neither)."""
    return records.open_version(employee) or records.approved_version(employee)


def record_state(version):
    """The compared version as the page saw it ("<id>:<lock>"): a draft made later is
    refused if the record was written since (what the officer checked is no longer it)."""
    return "" if version is None else "%d:%d" % (version.id, version.lock)


def page(actor, case):
    """The pull screen of a case (the caller has it from ``case_for_pull``): the latest
    pull with its comparison, the form's prefill, the case's earlier pulls. Audited."""
    latest = _latest(case.id)
    item = _item(case.id)
    history = list(db.session.scalars(select(SyncPull).where(SyncPull.case_id == case.id)
                                      .order_by(SyncPull.id.desc()).limit(RECENT)))
    view = PullPage(case=case, employee=case.employee, pull=latest,
                    org_code=latest.org_code if latest is not None else "",
                    pending=item is not None and item.done_at is None,
                    requested=item is not None, receivable=case.kind == IN_FROM_OUTSIDE,
                    history=history,
                    may_draft=scope.allows(actor, "write", case.employee))
    if latest is not None and latest.content and latest.status in (PULL_FETCHED,
                                                                   PULL_APPLIED):
        basis = _basis(case.employee)
        view.record_state = record_state(basis)
        view.fields, view.tables, view.unmapped, view.plan = compare(
            actor, case.employee, crypto.decrypt_json(latest.content),
            records.read_content(basis))
    audit.record("sync.pull_read", object_type="TransferCase", object_id=case.id,
                 unit_id=case.to_unit_id, actor=actor,
                 details={"employee_id": case.employee_id,
                          "pull_id": latest.id if latest is not None else None})
    return view


@dataclass
class Waiting:
    case: TransferCase
    requested_at: object
    latest: SyncPull


def waiting(actor):
    """The data requests of cases in from outside in the actor's scope that wait for a
    pull, oldest first, and the latest pulls. Audited."""
    query = _restricted_cases(
        select(TransferSyncItem, TransferCase).join(
            TransferCase, TransferCase.id == TransferSyncItem.case_id)
        .where(TransferSyncItem.kind == SYNC_DATA_REQUEST, TransferSyncItem.done_at.is_(None))
        .options(joinedload(TransferCase.employee), joinedload(TransferCase.to_unit))
        .order_by(TransferSyncItem.created_at, TransferSyncItem.id), actor)
    found = db.session.execute(query.limit(RECENT)).all()
    latest = _latest_of([case.id for _item, case in found])
    rows = [Waiting(case, item.created_at, latest.get(case.id)) for item, case in found]
    pulls = list(db.session.scalars(scope.restrict(
        select(SyncPull).order_by(SyncPull.id.desc()).limit(RECENT), actor, ACTION,
        model=SyncPull)))
    audit.record("sync.pull_list", object_type="SyncPull", actor=actor,
                 details={"waiting": len(rows), "pulls": len(pulls)})
    return rows, pulls


# --- what the unit does with a pull ----------------------------------------------------------

def _pull_to_decide(actor, case, pull_id, seen, states):
    pull = scope.get_in_scope(SyncPull, pull_id, actor, ACTION)
    if pull is not None:
        # locked until the decision commits: of two clicks, the second reads the first's
        pull = db.session.scalar(select(SyncPull).where(SyncPull.id == pull.id)
                                 .with_for_update().execution_options(populate_existing=True))
    if pull is None or pull.case_id != case.id:
        raise PullRefused(_("Fetch the record from the national database first."))
    if str(pull.row_version) != str(seen):
        raise PullRefused(_("Someone acted on this fetched record meanwhile; open the page "
                            "again."))
    if pull.status not in states:
        raise PullRefused(_("This fetched record is %(state)s: nothing to do with it.",
                            state=STATE_LABELS[pull.status]))
    return pull


def _invalid_text(errors):
    parts = []
    for where, message in errors.items():
        if isinstance(where, tuple):
            table = form.TABLES[where[0]][0]
            parts.append("%s. %s: %s" % (table.number, table.title, message))
        else:
            parts.append("%s: %s" % (records.label_of(where), message))
    return "; ".join(parts)


@atomic
def make_draft(actor, case, pull_id, seen, record_seen):
    """A draft of the person's record from a fetched national record: the open draft, or a
    new one from the approved version, with the national values the actor may change
    (the rows the record lacks added after its own). It stays a draft for the unit to
    check, submit and have approved; nothing is approved here. ``record_seen``: the
    page's record_state(), refused if the record was written since. Returns (pull,
    version, plan)."""
    pull = _pull_to_decide(actor, case, pull_id, seen, (PULL_FETCHED, PULL_APPLIED))
    latest = _latest(case.id)
    if latest is not None and latest.id != pull.id:
        # an older tab: the officer checked another fetch than the newest
        raise PullRefused(_("A newer record was fetched since; open the page again."))
    employee = pull.employee
    if record_state(_basis(employee)) != str(record_seen or ""):
        # the comparison the officer checked was against another state of the record: a
        # value written since would be overwritten unseen
        raise PullRefused(_("The record was changed since the page was opened; open it "
                            "again to check the national values against it."))
    version = records.open_draft_in_transaction(actor, employee)
    seen_id, _sep, seen_lock = str(record_seen).partition(":")
    # the open draft the page compared: saved only if still at the lock the page saw (a
    # write between the check above and here is refused too); a draft opened just now
    # from the approved version holds that version's values
    lock = int(seen_lock) if seen_id == str(version.id) else version.lock
    hoso = crypto.decrypt_json(pull.content)
    _rows, _tables, _unmapped, plan = compare(actor, employee, hoso,
                                              records.read_content(version))
    try:
        changed = records.save_in_transaction(actor, version, plan.fields, {}, lock,
                                              append=plan.append)
    except records.RecordInvalid as exc:
        raise PullRefused(_("Nothing was saved: the national values do not pass the "
                            "record's checks (%(problems)s).",
                            problems=_invalid_text(exc.errors))) from None
    pull.status, pull.applied_version_id = PULL_APPLIED, version.id
    pull.decided_by, pull.decided_at = actor.id, clock.now()
    db.session.flush()
    audit.record("sync.pull_apply", pull, actor=actor, details={
        "case_id": case.id, "employee_id": employee.id, "version_id": version.id,
        "changed": sorted(changed), "withheld": len(plan.withheld),
        "invalid": len(plan.invalid)})
    return pull, version, plan


@atomic
def dismiss(actor, case, pull_id, seen):
    """Set a fetched record aside ("Bỏ qua"): nothing of it reaches the record."""
    pull = _pull_to_decide(actor, case, pull_id, seen,
                           (PULL_FETCHED, PULL_NOT_FOUND, PULL_FAILED))
    pull.status, pull.decided_by, pull.decided_at = PULL_DISMISSED, actor.id, clock.now()
    db.session.flush()
    audit.record("sync.pull_dismiss", pull, actor=actor,
                 details={"case_id": case.id, "employee_id": pull.employee_id})
    return pull


# --- the transfer case's page ---------------------------------------------------------------

def case_panel(actor, case):
    """The pull's part of a transfer case's page (transfers.queries.add_case_panel): for a
    case in from outside whose receiving unit the actor may pull for."""
    if case.kind != IN_FROM_OUTSIDE or not may_pull(actor):
        return {}
    if db.session.scalar(_restricted_cases(select(TransferCase.id).where(
            TransferCase.id == case.id), actor)) is None:
        return {}
    item = _item(case.id)
    return {"sync/pull_panel.html": {
        "requested": item is not None, "pending": item is not None and item.done_at is None,
        "latest": _latest(case.id), "state_labels": STATE_LABELS}}


def register_pull_hooks():
    """The pull's panel on the transfer case's page (idempotent)."""
    transfer_queries.add_case_panel(case_panel)
