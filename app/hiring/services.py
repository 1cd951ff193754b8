"""Entering a new person from the recruitment or reception decision (Điều 4 HP, 6 ĐN,
7 VP, 6 and 9 HN, 10 ĐNg), and linking accounts to people.

One hiring is one transaction: the person, the first version of their record (a
draft holding what the decision says, which the person completes), the decision's
scan on that version, the personal account where the actor is the one the profile
has make it, and the profile's terms (account within N working days, first entry
within N working days) stored with the hiring. Every refusal names the field and
changes nothing.
"""
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts import services as accounts
from app.accounts.models import KIND_PERSONAL, STATUS_REVOKED, Account
from app.audit import services as audit
from app.catalogs import services as catalogs
from app.core import clock, crypto
from app.core.exceptions import DomainError, FieldErrors
from app.core.text import fold
from app.extensions import db
from app.hiring.models import (
    FROM_DECISION, KIND_CONTRACT, KIND_RECEPTION, KIND_RECRUITMENT, KINDS, Hiring,
)
from app.org import services as org_services
from app.org.models import CATEGORIES, STATUS_WORKING, Employee, Unit
from app.policy.profiles import rule_entry
from app.records import attachments, form, inputs, values
from app.records import services as records
from app.records.inputs import date as _date, text as _text
from app.security import roles, scope, standing

KIND_LABELS = {"tuyen_dung": _l("Recruitment"), "tiep_nhan": _l("Reception"),
               "hop_dong": _l("Labour contract")}
CATEGORY_LABELS = {"can_bo": _l("Cadre"), "cong_chuc": _l("Civil servant"),
                   "vien_chuc": _l("Public employee"),
                   "cbcc_cap_xa": _l("Commune cán bộ, công chức"),
                   "nguoi_lao_dong": _l("Contract worker")}
# the catalog that names a category's grade: ngạch for công chức, chức danh nghề
# nghiệp for viên chức; required where the law ranks the post by it
GRADE_CATALOG = {"cong_chuc": "ngach", "cbcc_cap_xa": "ngach", "can_bo": "ngach",
                 "vien_chuc": "chuc_danh_nghe_nghiep"}
GRADE_REQUIRED = ("cong_chuc", "vien_chuc")
CONTRACT_CATEGORY = form.CONTRACT_CATEGORY
# Luật CBCC Điều 36.1, Luật Viên chức Điều 22.1: đủ 18 tuổi; BLLĐ 2019 Điều 3: 15
MINIMUM_AGE = {"nguoi_lao_dong": 15}
ADULT_AGE = 18
# the scan's kind among the record's documents
SCAN_KIND = "quyet_dinh_tuyen_dung"
# the identity fields of the record the decision gives (the person completes the rest)
IDENTITY_FIELDS = ("ho_ten", "gioi_tinh", "ngay_sinh", "so_dinh_danh")
# the record's field -> the hiring input its value came from (for the record's own checks)
RECORD_INPUT = {"ngay_tuyen_dung": "start_date", "ngay_vao_co_quan": "start_date",
                "hd_tu_ngay": "start_date", "hd_ngay_ky": "decision_date"}


class HiringInvalid(FieldErrors):
    """A refused hiring: ``errors`` maps each input's name to its Vietnamese message."""


Scan = attachments.Scan


def checked_scan(scan):
    """``scan`` ((file name, bytes) or a Scan) checked once; raises HiringInvalid."""
    try:
        return attachments.checked_scan(scan)
    except DomainError as exc:
        raise HiringInvalid({"scan": str(exc)}) from None


@dataclass
class Hired:
    employee: Employee
    hiring: Hiring
    account: Account = None
    # the account's temporary password until it is handed over (services.hand_over)
    password: str = field(default=None, repr=False)


# ------------------------------------------------------------------ who may

def may_hire(actor):
    return bool(scope.user_scopes(actor, "hire", roles.HIRING))


def may_hire_into(actor, unit):
    return unit is not None and org_services.unit_in_scope(actor, "hire", roles.HIRING, unit)


def may_make_accounts(actor):
    """Whether the actor makes personal accounts at all under the profile."""
    return accounts.may(actor, "create_personal")


def makes_accounts(actor, unit):
    """Whether the actor makes the personal account of someone hired into ``unit``: the
    profile's accounts.personal_account_creator is the actor's role (Điều 4.2 HP, 6.2-6.3
    ĐN, 7.2 VP, 6.2 HN); otherwise the person is entered and the account waits."""
    return accounts.may(actor, "create_personal") and accounts.unit_reachable(
        actor, "create_personal", unit)


# ------------------------------------------------------------------ checking

def _unit(data, errors, actor):
    unit_id = scope.as_id(_text(data, "unit_id"))
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        errors["unit_id"] = _("Choose the unit the person is hired into.")
    elif not may_hire_into(actor, unit):
        errors["unit_id"] = _("This unit is outside your scope.")
    elif not unit.is_open:
        errors["unit_id"] = _("The unit %(unit)s is closed; choose the unit that took over "
                              "its work.", unit=unit.name)
    else:
        return unit
    return None


def _identity(data, errors):
    """The record's identity fields from what was typed, canonical."""
    raw = {key: _text(data, key) for key in IDENTITY_FIELDS}
    content, field_errors = records.parse_input(raw, {}, records.empty_content())
    for key in IDENTITY_FIELDS:
        if key in field_errors:
            errors[key] = field_errors[key]
        elif key not in content["fields"]:
            errors[key] = _("Required.")
    return content["fields"]


def _age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _holder_unit(national_id):
    """The unit of the person who already holds this số định danh, or None."""
    return db.session.scalar(select(Unit.name).join(Employee, Employee.unit_id == Unit.id)
                             .where(Employee.national_id_hash == crypto.identity_hash(
                                 national_id)))


def _grade(data, category, on, errors):
    """The catalog entry of the ngạch / chức danh nghề nghiệp, or None."""
    catalog = GRADE_CATALOG.get(category)
    code = _text(data, "grade_code")
    if catalog is None:
        if code:
            errors["grade_code"] = _("A contract worker has no ngạch or chức danh nghề "
                                     "nghiệp.")
        return None
    if not code:
        if category in GRADE_REQUIRED:
            errors["grade_code"] = (_("Choose the ngạch.") if catalog == "ngach"
                                    else _("Choose the chức danh nghề nghiệp."))
        return None
    entry = next((entry for entry in catalogs.entries(catalog, on=on) if entry.code == code),
                 None)
    if entry is None:
        errors["grade_code"] = (_("No ngạch has the code %(code)s on the start date.",
                                  code=code) if catalog == "ngach" else
                                _("No chức danh nghề nghiệp has the code %(code)s on the "
                                  "start date.", code=code))
    return entry


def _salary(data, errors):
    """Bậc and hệ số as the record holds them (both optional)."""
    raw = {"bac_luong": _text(data, "bac_luong"), "he_so_luong": _text(data, "he_so_luong")}
    content, field_errors = records.parse_input(raw, {}, records.empty_content())
    errors.update({key: message for key, message in field_errors.items()})
    return content["fields"]


def _earlier_recruitment(data, kind, start_date, errors):
    """A reception's first recruitment (item 13), which happened elsewhere before: the
    record needs it and the person does not enter it (the unit's part of the form)."""
    if kind != KIND_RECEPTION:
        return {}
    fields = {}
    day = _date(data, "first_recruited_on", errors)
    if day is not None:
        if start_date and day > start_date:
            errors["first_recruited_on"] = _("The first recruitment comes before the "
                                             "reception.")
        fields["ngay_tuyen_dung"] = day.isoformat()
    body = _text(data, "first_recruited_by")
    if not body:
        errors["first_recruited_by"] = _("Required.")
    elif len(body) > form.max_length(form.FIELDS["co_quan_tuyen_dung"][0]):
        errors["first_recruited_by"] = _("At most %(n)d characters.", n=form.max_length(
            form.FIELDS["co_quan_tuyen_dung"][0]))
    else:
        fields["co_quan_tuyen_dung"] = body
    return fields


def _contract(data, category, start_date, errors):
    """The labour contract's own fields a người lao động's record needs (Phụ lục II TT
    05/2023/TT-BNV), beyond what the decision's number and dates give."""
    if category != CONTRACT_CATEGORY:
        return {}
    raw = {"hd_loai": _text(data, "hd_loai"), "hd_chuc_danh": _text(data, "hd_chuc_danh"),
           "hd_den_ngay": _text(data, "hd_den_ngay")}
    content, field_errors = records.parse_input(raw, {}, records.empty_content())
    errors.update(field_errors)
    fields = content["fields"]
    for key in ("hd_loai", "hd_chuc_danh"):
        if key not in fields and key not in errors:
            errors[key] = _("Required.")
    if fields.get("hd_loai") == "xac_dinh_thoi_han" and "hd_den_ngay" not in fields and \
            "hd_den_ngay" not in errors:
        errors["hd_den_ngay"] = _("A fixed-term contract has an end date.")
    if fields.get("hd_loai") == "khong_xac_dinh_thoi_han" and "hd_den_ngay" in fields:
        errors["hd_den_ngay"] = _("An indefinite-term contract has no end date.")
    if "hd_den_ngay" in fields and start_date and \
            date.fromisoformat(fields["hd_den_ngay"]) < start_date:
        errors["hd_den_ngay"] = _("The contract ends before it starts.")
    return fields


def check(actor, data, errors=None):
    """Everything a hiring needs, checked; returns the cleaned values or raises
    HiringInvalid with every problem at once (``errors``: those found before, the
    scan's)."""
    errors = dict(errors or {})
    kind = _text(data, "kind")
    if kind not in KINDS:
        errors["kind"] = _("Choose what the decision is.")
    decision_number, decided_by, decision_date = inputs.decision(data, errors)
    start_date = _date(data, "start_date", errors)
    today = clock.today()
    if decision_date and start_date and start_date < decision_date:
        errors["start_date"] = _("The first day of work cannot come before the decision.")
    category = _text(data, "category")
    if category not in CATEGORIES:
        errors["category"] = _("Choose the person's category.")
    unit = _unit(data, errors, actor)
    fields = _identity(data, errors)
    if "ngay_sinh" in fields and start_date:
        birth = date.fromisoformat(fields["ngay_sinh"])
        minimum = MINIMUM_AGE.get(category, ADULT_AGE)
        if _age_on(birth, start_date) < minimum:
            errors["ngay_sinh"] = _("On the first day of work the person must be at least "
                                    "%(n)d years old.", n=minimum)
    if "so_dinh_danh" in fields:
        holder = _holder_unit(fields["so_dinh_danh"])
        if holder is not None:
            errors["so_dinh_danh"] = _("A person with this personal identification number "
                                       "is already in the province's records, at %(unit)s.",
                                       unit=holder)
    if kind in KINDS and category in CATEGORIES and \
            (kind == KIND_CONTRACT) != (category == CONTRACT_CATEGORY):
        # BLLĐ 2019: a người lao động works under a labour contract, and only they do
        errors["kind"] = (_("A contract worker is hired by a labour contract.")
                          if category == CONTRACT_CATEGORY else
                          _("A labour contract hires a contract worker; choose that category "
                            "or another kind of decision."))
    grade = None
    if category in CATEGORIES:
        grade = _grade(data, category, start_date or today, errors)
    salary = _salary(data, errors)
    earlier = _earlier_recruitment(data, kind, start_date, errors)
    contract = _contract(data, category, start_date, errors)
    if unit is not None and makes_accounts(actor, unit) and not _text(data, "email"):
        errors["email"] = _("Enter the person's e-mail: the account's temporary password "
                            "is sent there.")
    if errors:
        raise HiringInvalid(errors)
    cleaned = {"kind": kind, "decision_number": decision_number,
               "decided_by": decided_by, "decision_date": decision_date,
               "start_date": start_date, "category": category, "unit": unit,
               "fields": fields, "grade": grade, "salary": salary, "earlier": earlier,
               "contract": contract}
    # the record's own rules over what it will hold (dates in order, a fixed-term
    # contract's 36 months), named by the input that gave the value
    content = records.empty_content()
    content["fields"].update(_first_fields(cleaned))
    record_errors = {}
    records.check_consistency(content, record_errors)
    if record_errors:
        by_input = dict(RECORD_INPUT, **({"ngay_tuyen_dung": "first_recruited_on"}
                                         if kind == KIND_RECEPTION else {}))
        raise HiringInvalid({by_input.get(key, key): message
                             for key, message in record_errors.items()})
    return cleaned


# ------------------------------------------------------------------ the record

def _first_fields(cleaned):
    """The first version's fields: identity, unit, and what the decision says."""
    fields = dict(cleaned["fields"])
    start = cleaned["start_date"].isoformat()
    fields["co_quan_su_dung"] = cleaned["unit"].name
    fields["ngay_vao_co_quan"] = start
    if cleaned["kind"] in (KIND_RECRUITMENT, KIND_CONTRACT):
        # the first recruitment itself (item 13); a reception's came earlier elsewhere
        fields["ngay_tuyen_dung"] = start
        fields["co_quan_tuyen_dung"] = cleaned["decided_by"]
    fields.update(cleaned["earlier"])
    if cleaned["contract"]:
        fields.update(cleaned["contract"])
        fields.update({"hd_so": cleaned["decision_number"],
                       "hd_ngay_ky": cleaned["decision_date"].isoformat(),
                       "hd_tu_ngay": start, "hd_dia_diem": cleaned["unit"].name})
    if cleaned["grade"] is not None:
        fields["ngach"] = cleaned["grade"].name
        fields["ma_ngach"] = cleaned["grade"].code
        fields["ngay_bo_nhiem_ngach"] = start
    fields.update(cleaned["salary"])
    if cleaned["salary"]:
        fields["ngay_huong_luong"] = start
    return fields


def _first_tables(cleaned):
    """The career summary's first row (item 33): the post the decision gives, from its
    first day; the person adds what came before."""
    start = cleaned["start_date"]
    title = (cleaned["contract"].get("hd_chuc_danh") if cleaned["contract"] else None) or (
        cleaned["grade"].name if cleaned["grade"] is not None else None)
    row = {"tu": values.PartialDate(start.year, start.month).canonical(),
           "don_vi": cleaned["unit"].name}
    if title:
        row["chuc_danh"] = title
    return {"qua_trinh_cong_tac": [row]}


def _term(key):
    entry = rule_entry(key)
    if entry.get("value") is None:
        return None, None, None
    return entry["value"], entry.get("counted_from", FROM_DECISION), entry.get("cite")


# ------------------------------------------------------------------ accounts

def _names(full_name):
    parts = full_name.split()
    return (" ".join(parts[:-1]) or parts[-1]), parts[-1]


def suggested_username(full_name):
    """An unused user name from the person's name: "Nguyễn Thị Mai" -> "nguyenthimai",
    then "nguyenthimai2", … (the officer may type another)."""
    stem = re.sub(r"[^a-z0-9]", "", fold(full_name))[:56] or "canhan"
    stem = stem if len(stem) >= 3 else stem + "cbccvc"
    taken = set(db.session.scalars(select(func.lower(Account.username)).where(
        func.lower(Account.username).like(stem + "%"))))
    if stem not in taken:
        return stem
    number = 2
    while "%s%d" % (stem, number) in taken:
        number += 1
    return "%s%d" % (stem, number)


def _make_account(actor, employee, unit, data, errors):
    last_name, first_name = _names(employee.full_name)
    username = _text(data, "username").lower() or suggested_username(employee.full_name)
    details = {"username": username, "first_name": first_name, "last_name": last_name,
               "email": _text(data, "email"), "unit_id": unit.id}
    try:
        # a savepoint: the same user name or e-mail taken by another hiring at this
        # moment is the database's refusal, answered as the check's would be
        with db.session.begin_nested():
            account, password = accounts.create_account(actor, KIND_PERSONAL, details,
                                                        commit=False)
    except accounts.AccountError as exc:
        errors[exc.field if exc.field in ("username", "email") else "ho_ten"] = exc.message
        return None, None
    except IntegrityError:
        errors["username"] = _("The username or the e-mail address was taken a moment ago; "
                               "choose another.")
        return None, None
    employee.account_id = account.id
    return account, password


# ------------------------------------------------------------------ hiring

def hire_in_transaction(actor, data, scan, batch=None):
    """Enter one person in the caller's transaction; returns Hired. ``scan``: (file
    name, bytes) of the decision. Raises HiringInvalid and leaves the session for the
    caller to roll back."""
    if not may_hire(actor):
        raise HiringInvalid({"unit_id": _("You are not allowed to do this.")})
    try:
        scan = checked_scan(scan)
        scan_error = {}
    except HiringInvalid as exc:
        scan, scan_error = None, exc.errors
    cleaned = check(actor, data, scan_error)
    unit, fields = cleaned["unit"], cleaned["fields"]
    number = fields["so_dinh_danh"]
    employee = Employee(full_name=fields["ho_ten"], category=cleaned["category"],
                        unit_id=unit.id, status=STATUS_WORKING,
                        national_id_hash=crypto.identity_hash(number),
                        national_id_enc=crypto.encrypt_text(number))
    try:
        # added inside the savepoint, so that its refusal takes the person out of the
        # session too (else the next query's autoflush would try the INSERT again)
        with db.session.begin_nested():
            db.session.add(employee)
            db.session.flush()
    except IntegrityError:
        # entered by someone else a moment ago
        raise HiringInvalid({"so_dinh_danh": _(
            "A person with this personal identification number is already in the "
            "province's records, at %(unit)s.", unit=_holder_unit(number) or "?")}) from None
    errors = {}
    account = password = None
    if makes_accounts(actor, unit):
        account, password = _make_account(actor, employee, unit, data, errors)
    if errors:
        raise HiringInvalid(errors)
    note = _("Hired: %(kind)s, decision %(number)s of %(day)s", kind=KIND_LABELS[
        cleaned["kind"]], number=cleaned["decision_number"],
        day=cleaned["decision_date"].strftime("%d/%m/%Y"))
    org_services.start_placement(employee, cleaned["start_date"], note)
    version = records.start_record_in_transaction(actor, employee, _first_fields(cleaned),
                                                  _first_tables(cleaned), note=note[:500])
    document = attachments.store_document(actor, version, scan.filename, scan.content,
                                          SCAN_KIND, note=cleaned["decision_number"],
                                          content_type=scan.content_type)
    account_days, account_from, account_cite = _term("accounts.account_after_hiring_working_days")
    entry_days, entry_from, entry_cite = _term("records.first_entry_working_days")
    hiring = Hiring(employee_id=employee.id, kind=cleaned["kind"],
                    decision_number=cleaned["decision_number"],
                    decision_date=cleaned["decision_date"], decided_by=cleaned["decided_by"],
                    start_date=cleaned["start_date"], unit_id=unit.id,
                    category=cleaned["category"], attachment_id=document.id,
                    account_term_days=account_days, account_term_from=account_from,
                    account_term_cite=account_cite, first_entry_term_days=entry_days,
                    first_entry_term_from=entry_from, first_entry_term_cite=entry_cite,
                    batch=batch, entered_by=actor.id, entered_at=clock.now())
    db.session.add(hiring)
    db.session.flush()
    audit.record("hiring.hire", employee, unit_id=unit.id, actor=actor, details={
        "kind": cleaned["kind"], "category": cleaned["category"], "hiring_id": hiring.id,
        "account": account.username if account else None, "batch": batch})
    return Hired(employee, hiring, account, password)


def hire(actor, data, scan):
    """Enter one person and commit; returns Hired, its ``password`` the account's
    temporary password to show once, or None (mailed, or no account)."""
    try:
        hired = hire_in_transaction(actor, data, scan)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return handed_over(actor, hired)


def handed_over(actor, hired):
    """After the commit: the new account's password goes to its owner (mail) or, where
    it cannot, stays on ``hired`` to be shown once (accounts.hand_over_password)."""
    if hired.account is not None:
        hired.password = accounts.hand_over_password(actor, hired.account, hired.password,
                                                     created=True)
    return hired


# ------------------------------------------------------------------ linking

def may_link(actor):
    return bool(scope.user_scopes(actor, "link", roles.HIRING))


def _require_link(actor, employee, account=None):
    if employee is None or not may_link(actor) or not org_services.unit_in_scope(
            actor, "link", roles.HIRING, employee.unit):
        raise DomainError(_("You may not change this person's account."))
    # the person's row held until the commit, read afresh: two links (or a link and a
    # new account) at the same moment go one after the other, the second one refused
    db.session.refresh(employee, with_for_update=True)
    if account is not None:
        if account.kind != KIND_PERSONAL or not org_services.unit_in_scope(
                actor, "link", roles.HIRING, account.unit):
            # the same answer for an account outside scope as for one that is no
            # person's: ids cannot be probed
            raise DomainError(_("Choose a personal account of the person's unit."))
        if account.status == STATUS_REVOKED:
            raise DomainError(_("This account is revoked."))
        refusal = standing.refusal_to_act_on(actor, account)
        if refusal:
            raise DomainError(refusal)


def link_account(actor, employee, account):
    """Give ``employee`` the personal ``account`` (one account, one person); audited."""
    try:
        _require_link(actor, employee, account)
        if employee.account_id is not None:
            raise DomainError(_("This person already has an account; unlink it first."))
        holder = db.session.scalar(select(Employee.id).where(Employee.account_id == account.id))
        if holder is not None:
            raise DomainError(_("The account %(username)s already belongs to another person.",
                                username=account.username))
        if account.unit_id != employee.unit_id:
            raise DomainError(_("The account belongs to %(account_unit)s and the person works "
                                "at %(unit)s; move the account to the person's unit first.",
                                account_unit=account.unit.name if account.unit else "?",
                                unit=employee.unit.name))
        employee.account_id = account.id
        db.session.flush()
        audit.record("hiring.link_account", employee, unit_id=employee.unit_id, actor=actor,
                     details={"account_id": account.id, "username": account.username})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(_("The account already belongs to another person.")) from None
    except Exception:
        db.session.rollback()
        raise
    return employee


def unlink_account(actor, employee, reason):
    """Take the account away from the person (the account stays; the person no longer
    signs in to their record with it); audited with the reason."""
    try:
        account = db.session.get(Account, employee.account_id) if employee and \
            employee.account_id else None
        _require_link(actor, employee)
        if account is None:
            raise DomainError(_("This person has no account."))
        refusal = standing.refusal_to_act_on(actor, account)
        if refusal:
            raise DomainError(refusal)
        reason = (reason or "").strip()
        if not reason:
            raise DomainError(_("Say why the account is unlinked."))
        employee.account_id = None
        audit.record("hiring.unlink_account", employee, unit_id=employee.unit_id, actor=actor,
                     details={"account_id": account.id, "username": account.username,
                              "reason": reason[:255]})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return employee


def make_account(actor, employee, data):
    """Create and link the personal account of a person entered without one (under
    vinh_phuc Sở Nội vụ makes it, Điều 7.2 VP); returns (account, password to show once
    or None)."""
    try:
        _require_link(actor, employee)
        if employee.account_id is not None:
            raise DomainError(_("This person already has an account."))
        if not makes_accounts(actor, employee.unit):
            raise DomainError(_("Under the province's rules you do not create personal "
                                "accounts."))
        errors = {}
        account, password = _make_account(actor, employee, employee.unit, data, errors)
        if errors:
            raise HiringInvalid(errors)
        audit.record("hiring.link_account", employee, unit_id=employee.unit_id, actor=actor,
                     details={"account_id": account.id, "username": account.username,
                              "created": True})
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return account, accounts.hand_over_password(actor, account, password, created=True)


def reload(hired):
    """The people (with their units) and accounts of ``hired`` read again in two
    statements after the commit expired them, so that a page listing them does not
    read them one by one."""
    # the keys as the session knows them: reading ``.id`` would load each row again
    people = [inspect(one.employee).identity[0] for one in hired]
    if not people:
        return
    db.session.scalars(select(Employee).options(joinedload(Employee.unit))
                       .where(Employee.id.in_(people))).all()
    account_ids = [inspect(one.account).identity[0] for one in hired
                   if one.account is not None]
    if account_ids:
        db.session.scalars(select(Account).where(Account.id.in_(account_ids))).all()
