"""Forms of the account screens (labels in Vietnamese through gettext)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Optional

from app.accounts.models import Account
from app.core.dates import DATE_FORMAT
from app.core.views import fits


class AccountCreateForm(FlaskForm):
    last_name = StringField(_l("Family and middle name"), validators=[fits(Account.last_name)])
    first_name = StringField(_l("Given name"), validators=[fits(Account.first_name)])
    username = StringField(_l("Username"), validators=[fits(Account.username)])
    email = StringField(_l("Email"), validators=[fits(Account.email)])
    unit_id = SelectField(_l("Unit"), choices=[], validate_choice=False)
    access_expires_on = DateField(_l("Access expires on (dd/mm/yyyy)"), format=DATE_FORMAT,
                                  validators=[Optional()])


class AccountEditForm(FlaskForm):
    last_name = StringField(_l("Family and middle name"), validators=[fits(Account.last_name)])
    first_name = StringField(_l("Given name"), validators=[fits(Account.first_name)])
    email = StringField(_l("Email"), validators=[fits(Account.email)])
    unit_id = SelectField(_l("Unit"), choices=[], validate_choice=False)


class AccountImportForm(FlaskForm):
    file = FileField(_l("Excel staff list (.xlsx)"))


class AccessForm(FlaskForm):
    mode = SelectField(_l("Change"), choices=[
        ("grant", _l("Grant access")), ("restrict", _l("Restrict to reading")),
        ("extend", _l("Extend access")), ("revoke", _l("Revoke access")),
    ])
    expires_on = DateField(_l("Expiry date (dd/mm/yyyy)"), format=DATE_FORMAT,
                           validators=[Optional()])


class RolesForm(FlaskForm):
    roles = SelectMultipleField(_l("Roles"), choices=[])


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"))
    new_password = PasswordField(_l("New password"))
    confirm_password = PasswordField(_l("Confirm the new password"))
