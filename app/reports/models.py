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
from sqlalchemy import false

from app.security import roles
from app.security.scope import scoped


def _in_unit_subtree(user):
    """The people of the user's unit and every unit below it (the copied path's prefix:
    one range of ix_report_fact_unit_path)."""
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
    refreshed_at = Column(DateTime(timezone=True), nullable=False)

    __table_args__ = (
        # a unit's subtree by prefix (the index serves LIKE 'path%' on PostgreSQL)
        Index("ix_report_fact_unit_path", "unit_path",
              postgresql_ops={"unit_path": "varchar_pattern_ops"}),
        Index("ix_report_fact_category_status", "category", "status"),
        Index("ix_report_fact_birth_date", "birth_date"),
        Index("ix_report_fact_grade_code", "grade_code"),
        Index("ix_report_fact_retires_on", "retires_on"),
    )


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
