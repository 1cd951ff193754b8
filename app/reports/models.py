"""One row of reporting facts per person (``ReportFact``): what the statutory reports,
the dashboards and the search count and filter on, as typed and indexed columns, taken
from the person's approved version (the official record) and their place and status in
the org tree.

Written in the transaction that changes any of them (app/reports/services.py listens to
the session's flushes), and rebuilt from the records by `flask reports rebuild`. Only
public and internal fields of the form are copied here, never a sensitive one (those stay
encrypted in the version)."""
from sqlalchemy import (
    JSON, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, Numeric, SmallInteger,
    String, UniqueConstraint,
)

from flask_appbuilder import Model
from sqlalchemy import false, text
from sqlalchemy.dialects.postgresql import JSONB

from app.security import roles
from app.security.scope import scoped


def _in_unit_subtree(user):
    """The people of the user's unit and every unit below it (the copied path's prefix:
    one range of ix_report_fact_unit_path_status)."""
    if user.unit is None:
        return false()
    return ReportFact.unit_path.startswith(user.unit.path)


@scoped(roles.REPORTS, own=lambda user: false(), subtree=_in_unit_subtree)
class ReportFact(Model):
    __tablename__ = "report_fact"

    employee_id = Column(Integer, ForeignKey("employee.id"), primary_key=True)
    # the approved version the record's facts come from (None: nothing approved yet; the
    # person still counts by unit, category and status)
    version_id = Column(Integer, ForeignKey("record_version.id"), nullable=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    unit_path = Column(String(1024), nullable=False)
    category = Column(String(32), nullable=False)
    status = Column(String(32), nullable=False)
    sex = Column(String(8), nullable=True)
    birth_date = Column(Date, nullable=True)
    ethnicity = Column(String(8), nullable=True)          # dan_toc code (01 Kinh)
    religion = Column(String(8), nullable=True)           # ton_giao code (00 Không)
    party_member = Column(Boolean, nullable=False, default=False)
    grade_code = Column(String(16), nullable=True)        # mã ngạch / chức danh nghề nghiệp
    salary_step = Column(SmallInteger, nullable=True)
    salary_coefficient = Column(Numeric(5, 2), nullable=True)
    # the day the current step is paid from (item 30, ngày hưởng): when the next regular
    # step falls due (NĐ 204/2004/NĐ-CP Điều 7; app/reports/forecast.py)
    salary_since = Column(Date, nullable=True)
    job_position = Column(String(255), nullable=True)     # vị trí việc làm
    job_position_code = Column(String(64), nullable=True)
    position = Column(String(16), nullable=True)          # chức vụ code
    education = Column(String(16), nullable=True)         # trình độ chuyên môn code
    general_education = Column(String(16), nullable=True)
    political_theory = Column(String(16), nullable=True)  # lý luận chính trị (catalog code)
    state_management = Column(String(16), nullable=True)  # quản lý nhà nước
    it_level = Column(String(16), nullable=True)          # tin học
    language_level = Column(String(16), nullable=True)    # ngoại ngữ (BM01 group)
    recruited_on = Column(Date, nullable=True)
    retires_on = Column(Date, nullable=True)              # NĐ 135/2020 forecast, last day
    # the approved version's completeness (0–100; None: nothing approved), copied so that
    # the overview's panel reads it with the rest instead of joining every version
    completeness = Column(SmallInteger, nullable=True)
    # data quality (issue 18.5, app/reports/quality.py): Đúng, Đủ, Sạch, Sống per person,
    # checked when the facts are written; the counts (the items' labels are in
    # ReportFactQuality, read by the drill-down only)
    invalid_values = Column(SmallInteger, nullable=False, default=0, server_default="0")
    missing_required = Column(SmallInteger, nullable=False, default=0, server_default="0")
    orphan_codes = Column(SmallInteger, nullable=False, default=0, server_default="0")
    # "one person twice", "one number on two records" (the keys compared are in
    # ReportFactQuality)
    duplicate_person = Column(Boolean, nullable=False, default=False, server_default=false())
    duplicate_id = Column(Boolean, nullable=False, default=False, server_default=false())
    approved_at = Column(DateTime(timezone=True), nullable=True)
    # the open version: the day it was submitted, or the day a change's draft was opened
    submitted_on = Column(Date, nullable=True)
    change_opened_on = Column(Date, nullable=True)
    refreshed_at = Column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        # a unit's subtree by prefix (the index serves LIKE 'path%' on PostgreSQL); with
        # the status, the overview's people per unit come from the index alone
        Index("ix_report_fact_unit_path_status", "unit_path", "status",
              postgresql_ops={"unit_path": "varchar_pattern_ops"}),
        Index("ix_report_fact_category_status", "category", "status"),
        Index("ix_report_fact_birth_date", "birth_date"),
        Index("ix_report_fact_grade_code", "grade_code"),
        Index("ix_report_fact_retires_on", "retires_on"),
        # the search's criteria that narrow most (a fifth of the people or fewer each,
        # combined by a bitmap AND): without them a count read every fact
        Index("ix_report_fact_education", "education"),
        Index("ix_report_fact_political_theory", "political_theory"),
        Index("ix_report_fact_state_management", "state_management"),
        # "any religion", "an ethnic minority": the few who are not 00 Không / 01 Kinh
        Index("ix_report_fact_religion", "religion",
              postgresql_where=text("religion <> '00'"),
              sqlite_where=text("religion <> '00'")),
        Index("ix_report_fact_ethnicity", "ethnicity",
              postgresql_where=text("ethnicity <> '01'"),
              sqlite_where=text("ethnicity <> '01'")),
    )


class ReportFactQuality(Model):
    """Beside each person's facts, the data quality's wide text (app/reports/quality.py):
    the labels of the items behind the counts (what the validation refuses, the required
    items missing, the codes no catalog holds; never a value), which only the drill-down
    reads, and the keys the duplicate check compares, which only that check reads. Kept
    out of ReportFact, which every count and search reads whole: 195 bytes of keys and the
    labels made its rows 390 bytes where the rest needs 190 (bench/search_bench.py).

    One row per fact, written with it by the same function in the same transaction
    (app/reports/services.py); it goes with its fact."""
    __tablename__ = "report_fact_quality"

    employee_id = Column(Integer, ForeignKey("report_fact.employee_id", ondelete="CASCADE"),
                         primary_key=True)
    invalid_items = Column(String(500), nullable=True)
    missing_items = Column(String(500), nullable=True)
    orphan_items = Column(String(500), nullable=True)
    # "one person twice": the normalised name, birth date and sex (a digest); and the
    # keyed hashes (crypto.identity_hash) of the số định danh and of the CCCD number
    match_key = Column(String(64), nullable=True)
    id_hash = Column(String(64), nullable=True)
    cccd_hash = Column(String(64), nullable=True)

    __table_args__ = (
        Index("ix_report_fact_quality_match_key", "match_key"),
        Index("ix_report_fact_quality_id_hash", "id_hash"),
        Index("ix_report_fact_quality_cccd_hash", "cccd_hash"),
    )


# the columns of ReportFactQuality written with the facts (each fact row carries them
# until app/reports/services.py writes them beside it)
QUALITY_COLUMNS = ("invalid_items", "missing_items", "orphan_items", "match_key", "id_hash",
                   "cccd_hash")


class SavedSearch(Model):
    """A search an account saved under a name (app/reports/search.py): its criteria as
    the search page's parameters. Only its own account lists, runs or deletes it."""
    __tablename__ = "saved_search"

    id = Column(Integer, primary_key=True)
    account_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    name = Column(String(100), nullable=False)
    criteria = Column(JSON, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        # one name per account (and the account's list, by its first column)
        UniqueConstraint("account_id", "name", name="uq_saved_search_account_name"),
    )


# the categories a staffing quota (biên chế) is given for: công chức, viên chức (số người
# làm việc), and contract staff paid from the budget
QUOTA_CATEGORIES = ("cong_chuc", "vien_chuc", "hop_dong")


class StaffingQuota(Model):
    """The staffing quota (biên chế công chức, số lượng người làm việc) Sở Nội vụ gives a
    unit for a year, by category, with the decision it comes from: what the statutory
    report sets the people present against (ĐN Điều 3.1–3.2, HN Điều 3.1–3.2)."""
    __tablename__ = "staffing_quota"

    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    year = Column(SmallInteger, nullable=False)
    category = Column(String(32), nullable=False)
    quota = Column(Integer, nullable=False)
    source = Column(String(255), nullable=False)          # the decision giving it
    entered_by = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    entered_at = Column(DateTime(timezone=True), nullable=False)
    version = Column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "category", name="uq_staffing_quota"),
    )


REPORT_DRAFT, REPORT_SIGNED, REPORT_SUBMITTED, REPORT_SUPERSEDED = (
    "draft", "signed", "submitted", "superseded")
LEVEL_UNIT, LEVEL_PROVINCE = "unit", "province"


class StatutoryReport(Model):
    """One statutory report of a unit (its subtree) for one period of the profile (the
    yearly report, ha_noi's quarters, da_nang's May and December), or the province's
    report to Bộ Nội vụ compiled by Sở Nội vụ from the units' submissions.

    ``numbers`` is what was counted when it was compiled, frozen: the PDF and the
    workbook are drawn from it, and nothing recounts it afterwards. A draft is compiled
    (and may be compiled again), signed (the PDF with the authority's and the agency's
    signatures), then submitted; a correction after submission is a new revision that
    supersedes the earlier one when it is submitted, the earlier kept as history."""
    __tablename__ = "statutory_report"

    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("org_unit.id"), nullable=False)
    level = Column(String(16), nullable=False, default=LEVEL_UNIT)
    period = Column(String(16), nullable=False)       # "2026", "2026-Q3", "2026-05"
    due_on = Column(Date, nullable=True)
    revision = Column(SmallInteger, nullable=False, default=1)
    status = Column(String(16), nullable=False, default=REPORT_DRAFT)
    numbers = Column(JSON().with_variant(JSONB(), "postgresql"), nullable=False)
    compiled_at = Column(DateTime(timezone=True), nullable=False)
    # None: compiled by the scheduled job on the report's compilation date (a draft for
    # the unit to review, sign and submit: app/reports/reminders.py)
    compiled_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    signed_at = Column(DateTime(timezone=True), nullable=True)
    signed_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    signer_name = Column(String(255), nullable=True)
    seal_name = Column(String(255), nullable=True)
    pdf_sha256 = Column(String(64), nullable=True)
    xlsx_sha256 = Column(String(64), nullable=True)
    submitted_at = Column(DateTime(timezone=True), nullable=True)
    submitted_by = Column(Integer, ForeignKey("ab_user.id"), nullable=True)
    supersedes_id = Column(Integer, ForeignKey("statutory_report.id"), nullable=True)
    version = Column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("unit_id", "level", "period", "revision",
                         name="uq_statutory_report_revision"),
        Index("ix_statutory_report_period", "period", "level", "status"),
    )
