"""Forms of the org-tree screens: restructuring under a decision, leaders."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, SelectField, SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from app.core.dates import DATE_FORMAT
from app.core.views import fits, without_browser_checks
from app.org.models import (
    LEADER_POSITIONS, UNIT_TYPES, OrgRestructuring, UnitCode, UnitLeader, UnitState,
)

_DATE_MESSAGE = _l("Enter the date as dd/mm/yyyy.")
# a restructuring's note is a Text column: a few paragraphs at most
NOTE_MAX = 2000


def _date(label, required=True):
    return DateField(label, format=DATE_FORMAT,
                     validators=[InputRequired(_DATE_MESSAGE) if required else Optional()])


def _unit(label, required=True):
    return SelectField(label, choices=[], coerce=_optional_int, validate_choice=required,
                       validators=[InputRequired(_l("Choose a unit."))] if required else [])


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class DecisionForm(FlaskForm):
    decision_number = StringField(_l("Decision number"),
                                  validators=[fits(OrgRestructuring.decision_number)])
    decision_date = _date(_l("Decision date (dd/mm/yyyy)"))
    effective_on = _date(_l("Effective from (dd/mm/yyyy)"))
    note = TextAreaField(_l("Note"), validators=[fits(OrgRestructuring.note, NOTE_MAX)])


class RenameForm(DecisionForm):
    unit_id = _unit(_l("Unit"))
    new_name = StringField(_l("New name"), validators=[fits(UnitState.name)])


class RecodeForm(DecisionForm):
    unit_id = _unit(_l("Unit"))
    code = StringField(_l("New identifier code (e.g. 000.00.00.H62 or H62.14)"),
                       validators=[fits(UnitCode.code)])


class MoveForm(DecisionForm):
    unit_id = _unit(_l("Unit"))
    parent_id = _unit(_l("New parent unit"))


class MergeForm(DecisionForm):
    absorbing_id = _unit(_l("Unit that absorbs"))
    absorbed_ids = SelectMultipleField(_l("Units absorbed (they close)"), choices=[],
                                       coerce=int)


class ConsolidateForm(DecisionForm):
    unit_ids = SelectMultipleField(_l("Units consolidated (they close)"), choices=[],
                                   coerce=int)
    name = StringField(_l("Name of the new unit"), validators=[fits(UnitState.name)])
    unit_type = SelectField(_l("Type of the new unit"), choices=[])
    parent_id = _unit(_l("Parent of the new unit"))
    code = StringField(_l("Identifier code of the new unit"), validators=[fits(UnitCode.code)])
    is_employing = BooleanField(_l("Employs staff and has a head"), default=True)


class DissolveForm(DecisionForm):
    unit_id = _unit(_l("Unit dissolved"))
    staff_to_id = _unit(_l("Unit receiving its staff"), required=False)
    children_to_id = _unit(_l("Unit receiving the units below it (default: its parent)"),
                           required=False)


class SplitStartForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form choosing what the split form shows

    unit_id = _unit(_l("Unit split"))
    parts = SelectField(_l("Number of new units"), choices=[(n, str(n)) for n in range(1, 7)],
                        coerce=int, default=2)
    keep = BooleanField(_l("The unit stays and parts are separated from it (tách)"))


class SplitForm(DecisionForm):
    """The decision; the parts and who goes where are read from the request
    (their number depends on the unit), see RestructureView.split."""


class LeaderForm(FlaskForm):
    employee_id = SelectField(_l("Person"), choices=[], coerce=_optional_int,
                              validators=[InputRequired(_l("Choose a person."))])
    position = SelectField(_l("Position"), choices=[])
    since = _date(_l("From (dd/mm/yyyy)"))
    decision_number = StringField(_l("Decision number"),
                                  validators=[fits(UnitLeader.decision_number)])


# every check on the server, in Vietnamese: no browser-native "Please fill out this field."
for _form in (DecisionForm, RenameForm, RecodeForm, MoveForm, MergeForm, ConsolidateForm,
              DissolveForm, SplitStartForm, SplitForm, LeaderForm):
    without_browser_checks(_form)


def type_choices():
    return [(key, str(label)) for key, label in UNIT_TYPES.items()]


def position_choices():
    return [(key, str(label)) for key, label in LEADER_POSITIONS.items()]
