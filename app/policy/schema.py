"""The schema every province profile (and overlay) must satisfy.

A profile is checked at start-up; a broken file stops the app with a message
naming the bad key. Each rule is ``{value, cite}``: ``cite`` is the article
that sets it ("Điều 7.2", or "Không quy định" with a null value when the text
is silent). A rule taken from another text than the profile's regulation
names it in ``document`` with that text's ``status``. Later issues add their
rules here (lifecycle deadlines, reports, sync) and to every profile.
"""
import copy

from app.policy.owner_groups import OWNER_GROUPS

STATUSES = ["draft", "enacted", "superseded"]
OVERLAYS = ["nd27_2026"]


def _rule(value_schema):
    return {
        "type": "object",
        "required": ["value", "cite"],
        "additionalProperties": False,
        "properties": {
            "value": value_schema,
            "cite": {"type": "string", "minLength": 3},
            "note": {"type": "string"},
            "document": {"type": "string", "minLength": 3},
            "status": {"enum": STATUSES},
        },
        # a rule from another text says how binding that text is
        "dependentRequired": {"document": ["status"]},
    }


def _days():
    """A term in working days (or, where the text says plain "ngày", calendar days:
    ``counted_in: calendar_days``); null: the text sets none."""
    schema = _rule({"type": ["integer", "null"], "minimum": 0})
    schema["properties"]["counted_in"] = {"enum": ["working_days", "calendar_days"]}
    # the event the term runs from, where the text names it (a hiring's first entry runs
    # from the decision in ĐNg, from the account in ĐN)
    schema["properties"]["counted_from"] = {"enum": ["hiring_decision", "account"]}
    return schema


def _transfer_days():
    """A transfer step's term: ``acted_by`` who must act (where the text names another
    than the usual side: HN's "via the superior", ĐN's receiving unit that asks Sở Nội
    vụ); ``immediately``: the text says "ngay" (due on the event's day, value 0);
    ``counted_from``: ``effective_date`` (default) or ``previous_step``; ``applies_to``:
    the kinds of transfer the term is set for, where the text limits it (HN's account term
    is for people from outside the city only)."""
    schema = _rule({"type": ["integer", "null"], "minimum": 0})
    schema["properties"]["counted_in"] = {"enum": ["working_days", "calendar_days"]}
    schema["properties"]["counted_from"] = {"enum": ["effective_date", "previous_step"]}
    schema["properties"]["acted_by"] = {"enum": ["sending_unit", "receiving_unit", "superior",
                                                 "so_noi_vu"]}
    schema["properties"]["immediately"] = {"type": "boolean"}
    schema["properties"]["applies_to"] = {
        "type": "array", "minItems": 1, "uniqueItems": True,
        "items": {"enum": ["giua_don_vi", "trong_don_vi", "ra_ngoai", "tu_ngoai_vao",
                           "biet_phai", "giua_cap_xa"]}}
    return schema


def _enum(*values, nullable=False):
    return _rule({"enum": list(values) + ([None] if nullable else [])})


def _boolean(nullable=False):
    return _rule({"type": ["boolean", "null"] if nullable else "boolean"})


DAY_MONTH = {"type": "string", "pattern": r"^(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])$"}

# section -> rule -> schema of the rule
RULES = {
    "accounts": {
        "personal_account_creator": _enum("unit_officer", "so_noi_vu", "agency"),
        "account_after_hiring_working_days": _days(),
        "lockout_after_failures": _rule({"type": "integer", "minimum": 1}),
        "password_min_length": _rule({"type": "integer", "minimum": 8}),
        # null: the text is silent, and the system's safe default applies (forced change)
        "first_login_password_change": _boolean(nullable=True),
    },
    "records": {
        "who_enters": _enum("individual", "unit_officer"),
        "first_entry_working_days": _days(),
        "update_after_change_working_days": _days(),
        "personal_yearly_update": _boolean(),
        # who may change each group of the form's fields (app/policy/owner_groups.py)
        "field_owners": _rule({
            "type": "object", "additionalProperties": False, "required": list(OWNER_GROUPS),
            "properties": {group: {"enum": ["individual", "unit_officer", "both"]}
                           for group in OWNER_GROUPS}}),
    },
    "approval": {
        "window_last_days_of_month": _rule({"type": ["integer", "null"], "minimum": 1,
                                            "maximum": 10}),
        "approver": _enum("head", "head_or_delegate", nullable=True),
        "head_record_approver": _enum("deputy", "superior_head", nullable=True),
        "so_noi_vu_second_step": _boolean(),
    },
    "transfers": {
        "inside_unit_working_days": _transfer_days(),
        "to_other_unit_working_days": _transfer_days(),
        "receiver_account_working_days": _transfer_days(),
        # ĐNg 11.2: the new unit forwards the record to the unit that employs the person
        "forward_to_employing_unit_days": _transfer_days(),
        # a person received from another province, a ministry or a Party body: the
        # receiving unit asks Sở Nội vụ for the national data within N days
        "data_request_working_days": _transfer_days(),
        # out of the province or to a Party body: status changed within N days
        "out_status_change_days": _transfer_days(),
        # ĐN 8.2: who moves commune staff between communes (null: no such rule)
        "commune_moved_by": _enum("so_noi_vu", "superior", nullable=True),
        # a person received from another province or a ministry: the receiving unit makes
        # their personal account, also where Sở Nội vụ makes all others (VP 11.1a vs 7.2)
        "receiver_creates_account": _boolean(nullable=True),
    },
    "leavers": {
        # the unit records a leaver's new status within N days of the decision's
        # effective date, a term per kind (ĐNg Điều 11.3.b: 15 days for retirement,
        # resignation and death; a move out is the transfers' out_status_change_days)
        "retirement_days": _days(),
        "resignation_days": _days(),
        "dismissal_days": _days(),
        "death_days": _days(),
    },
    "sync": {
        "trigger": _enum("after_approval", "after_so_noi_vu_signature", "monthly_window", "none"),
        # the days at the month's end in which a ``monthly_window`` profile sends
        "window_last_days_of_month": _rule({"type": ["integer", "null"], "minimum": 1,
                                            "maximum": 28}),
    },
    "reports": {
        "unit_report_dates": _rule({"type": "array", "items": DAY_MONTH}),
        "unit_report_quarterly_day": _rule({"type": ["integer", "null"], "minimum": 1,
                                            "maximum": 31}),
        "so_noi_vu_report_date": _rule({"anyOf": [DAY_MONTH, {"type": "null"}]}),
        "staffing_against_positions": _boolean(),
        "quality_statement": _boolean(),
        # how many working days before a report's due date the unit is reminded and its
        # draft compiled (the system's default where the text is silent)
        "reminder_days_before": _rule({"type": "integer", "minimum": 1}),
    },
    "backups": {
        "frequency": _enum("periodic", "monthly"),
        "keep_months": _rule({"type": ["integer", "null"], "minimum": 1}),
        "restore_tested": _boolean(),
    },
    "modules": {
        "extra": _rule({"type": "array", "uniqueItems": True, "items": {"enum": [
            "news", "messages", "training", "rewards_discipline", "income_declaration",
            "annual_evaluation", "salary_raises"]}}),
    },
}

SOURCE = {
    "type": "object",
    "required": ["document", "status"],
    "additionalProperties": False,
    "properties": {
        "document": {"type": "string", "minLength": 3},
        "status": {"enum": STATUSES},
        "date": {"type": "string", "format": "date"},
        "in_force": {"type": "string", "format": "date"},
        "file": {"type": "string"},
    },
}


def _sections(required):
    return {
        section: {
            "type": "object",
            "additionalProperties": False,
            "required": sorted(rules) if required else [],
            "properties": rules,
        }
        for section, rules in RULES.items()
    }


PROFILE_SCHEMA = {
    "type": "object",
    "required": ["name", "title", "source", "overlays"] + sorted(RULES),
    "additionalProperties": False,
    "properties": dict(
        name={"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        title={"type": "string", "minLength": 3},
        source=SOURCE,
        overlays={"type": "object", "additionalProperties": False,
                  "properties": {name: {"type": "boolean"} for name in OVERLAYS}},
        **_sections(required=True),
    ),
    # a profile that syncs once a month says in which of its last days
    "if": {"properties": {"sync": {"properties": {"trigger": {"properties": {
        "value": {"const": "monthly_window"}}}}}}},
    "then": {"properties": {"sync": {"properties": {"window_last_days_of_month": {
        "properties": {"value": {"type": "integer"}}}}}}},
}

# an overlay changes some rules of a profile; each of its rules cites the overlay's text
OVERLAY_SCHEMA = {
    "type": "object",
    "required": ["name", "title", "source"],
    "additionalProperties": False,
    "properties": dict(
        name={"enum": OVERLAYS},
        title={"type": "string", "minLength": 3},
        source=SOURCE,
        **copy.deepcopy(_sections(required=False)),
    ),
}
