"""What a form sent for a write made from a decision (a hiring, a transfer, a status
change): text, dd/mm/yyyy dates, and the decision's own fields. Each refusal goes into
``errors`` under the input's name, so that a form names every problem at once."""
from flask_babel import gettext as _

from app.core import clock
from app.records import values

# the decision's text inputs and the most characters their columns hold
DECISION_TEXT_LIMITS = {"decision_number": 64, "decided_by": 255}


def text(data, key):
    value = data.get(key)
    return "" if value is None else str(value).strip()


def date(data, key, errors, required=True):
    """The day typed as dd/mm/yyyy (any script's digits), or a date given as one; None
    with the refusal in ``errors`` (none for an empty optional input)."""
    value = data.get(key)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value
    typed = text(data, key)
    if not typed:
        if required:
            errors[key] = _("Required.")
        return None
    try:
        return values.parse_full_date(values.ascii_digits(typed))
    except ValueError as exc:
        errors[key] = str(exc.args[0])
        return None


def decision(data, errors):
    """(number, issuing body, date) of the decision: both texts required within their
    columns, the date required and not in the future."""
    texts = {}
    for key, limit in DECISION_TEXT_LIMITS.items():
        texts[key] = text(data, key)
        if not texts[key]:
            errors[key] = _("Required.")
        elif len(texts[key]) > limit:
            errors[key] = _("At most %(n)d characters.", n=limit)
    decided_on = date(data, "decision_date", errors)
    if decided_on and decided_on > clock.today():
        errors["decision_date"] = _("The decision cannot be dated in the future.")
    return texts["decision_number"], texts["decided_by"], decided_on
