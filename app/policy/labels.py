"""What the profile's sections, rules and values are called on screen."""
from flask_babel import lazy_gettext as _l

SECTIONS = {
    "accounts": _l("Accounts"),
    "records": _l("Personal records"),
    "approval": _l("Monthly approval"),
    "transfers": _l("Transfers"),
    "leavers": _l("Leavers"),
    "sync": _l("National database sync"),
    "reports": _l("Reports"),
    "backups": _l("Backups"),
    "modules": _l("Extra modules"),
}

RULE_LABELS = {
    "accounts.personal_account_creator": _l("Who creates personal accounts"),
    "accounts.account_after_hiring_working_days": _l("Account created after hiring within (working days)"),
    "accounts.lockout_after_failures": _l("Account locked after failed sign-ins"),
    "accounts.password_min_length": _l("Minimum password length"),
    "accounts.first_login_password_change": _l("Password changed at first sign-in"),
    "records.who_enters": _l("Who enters personal data"),
    "records.first_entry_working_days": _l("First entry after the account within (working days)"),
    "records.update_after_change_working_days": _l("Update after a change within (working days)"),
    "records.personal_yearly_update": _l("Personal data updated every year"),
    "records.field_owners": _l("Who may change each part of the record"),
    "approval.window_last_days_of_month": _l("Approval in the last days of each month"),
    "approval.approver": _l("Who approves"),
    "approval.head_record_approver": _l("Who approves the head's own record"),
    "approval.so_noi_vu_second_step": _l("Sở Nội vụ approves after the head"),
    "transfers.inside_unit_working_days": _l("Transfer inside a unit within (working days)"),
    "transfers.to_other_unit_working_days": _l("Transfer to another unit within (working days)"),
    "transfers.receiver_account_working_days": _l("Receiving unit creates the account within (working days)"),
    "transfers.forward_to_employing_unit_days": _l("New unit forwards the record to the employing unit within"),
    "transfers.data_request_working_days": _l("Receiving unit asks for the national data within"),
    "transfers.out_status_change_days": _l("Status changed after a transfer out within"),
    "transfers.commune_moved_by": _l("Who moves commune staff between communes"),
    "transfers.receiver_creates_account": _l(
        "The receiving unit creates the account of a person received from outside"),
    "leavers.retirement_days": _l("Status changed after a retirement within (days)"),
    "leavers.resignation_days": _l("Status changed after a resignation within (days)"),
    "leavers.dismissal_days": _l("Status changed after a dismissal within (days)"),
    "leavers.death_days": _l("Status changed after a death within (days)"),
    "sync.trigger": _l("When data goes to the national database"),
    "sync.window_last_days_of_month": _l("Sent to the national database in the last days of "
                                         "each month"),
    "reports.unit_report_dates": _l("Unit reports to Sở Nội vụ by"),
    "reports.unit_report_quarterly_day": _l("Quarterly unit report on day"),
    "reports.so_noi_vu_report_date": _l("Sở Nội vụ reports to Bộ Nội vụ by"),
    "reports.staffing_against_positions": _l("The report sets the staff present against the "
                                              "staffing quota and the job positions"),
    "reports.quality_statement": _l("The report states its data's quality (Đúng–Đủ–Sạch–Sống)"),
    "reports.reminder_days_before": _l("Units reminded and drafts compiled before a report's "
                                       "date (working days)"),
    "backups.frequency": _l("Backup frequency"),
    "backups.keep_months": _l("Backups kept for (months)"),
    "backups.restore_tested": _l("Restoring backups is tested"),
    "modules.extra": _l("Extra modules"),
}

VALUE_LABELS = {
    "unit_officer": _l("The unit's data officer"),
    "so_noi_vu": "Sở Nội vụ",  # a name, the same in both languages
    "agency": _l("The agency"),
    "individual": _l("The person"),
    "both": _l("The person and the unit's data officer"),
    "head": _l("The head"),
    "head_or_delegate": _l("The head or a written delegate"),
    "deputy": _l("A deputy"),
    "superior_head": _l("The head of the unit above"),
    "superior": _l("The managing body above both units"),
    "after_approval": _l("After the signed approval"),
    "after_so_noi_vu_signature": _l("After Sở Nội vụ signs"),
    "monthly_window": _l("In the last days of each month"),
    "none": _l("Not synced"),
    "periodic": _l("Periodic"),
    "monthly": _l("Monthly"),
    "news": _l("News"),
    "messages": _l("Messages"),
    "training": _l("Training"),
    "rewards_discipline": _l("Rewards and discipline"),
    "income_declaration": _l("Income declaration"),
    "annual_evaluation": _l("Annual evaluation"),
    "salary_raises": _l("Salary raises"),
}

# the groups of the form's fields (app/records/form.py)
OWNER_GROUP_LABELS = {
    "identity": _l("Identity and origin"), "contact": _l("Contact"),
    "background": _l("Background, Party, unions, military service"),
    "education": _l("Education and training"), "position": _l("Recruitment and posts"),
    "salary": _l("Salary and allowances"), "health": _l("Health"),
    "work_history": _l("Career and personal history"),
    "rewards": _l("Rewards, discipline, evaluation"), "family": _l("Family"),
    "assessment": _l("The unit's assessment"),
}

STATUS_LABELS = {"draft": _l("draft"), "enacted": _l("enacted"),
                 "superseded": _l("superseded")}
