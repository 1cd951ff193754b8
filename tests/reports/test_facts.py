"""The reporting facts (issue 18.1): typed values taken from the approved record and the
person's place, written in the transaction of each change and rebuilt by one command to
the same rows."""
import datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.leavers import retirement
from app.leavers import services as leavers
from app.org.models import Employee, Unit
from app.records import services as records
from app.records.models import RecordVersion
from app.reports import facts, services
from app.reports.models import ReportFact, ReportFactQuality
from app.transfers import services as transfers
from app.transfers.models import BETWEEN_UNITS
from tests.transfers.conftest import (  # noqa: F401 (the fixture)
    MONDAY, PDF, actor, at, decision, person, transfer_app,
)

D = datetime.date
CONTENT = {
    "fields": {"ho_ten": "Nguyễn Thị Giáo", "gioi_tinh": "nu", "ngay_sinh": "1969-06-15",
               "dan_toc": "02", "ton_giao": "01", "ngay_vao_dang": "1995-05-19",
               "ma_ngach": "V.07.05.15", "bac_luong": "4", "he_so_luong": "3.33",
               "vi_tri_viec_lam": "Giáo viên trung học phổ thông hạng III",
               "chuc_vu": "TP", "trinh_do_chuyen_mon": "DH", "giao_duc_pho_thong": "12/12",
               "ngay_tuyen_dung": "1992-09-01"},
    "tables": {
        "ly_luan_chinh_tri": [{"tu": "2010-09", "co_so": "Trường Chính trị tỉnh",
                               "van_bang": "Trung cấp lý luận chính trị"},
                              {"tu": "2018-09", "co_so": "Học viện Chính trị khu vực I",
                               "van_bang": "Cao cấp lý luận chính trị"}],
        "boi_duong_qlnn": [{"tu": "2015-03", "co_so": "Trường Chính trị tỉnh",
                            "chung_chi": "Chứng chỉ bồi dưỡng ngạch chuyên viên chính"}],
        "tin_hoc": [{"tu": "2016-01", "co_so": "Trung tâm Tin học",
                     "chung_chi": "Chuẩn kỹ năng sử dụng CNTT cơ bản"}],
        "ngoai_ngu": [{"tu": "2012-01", "co_so": "Trung tâm Ngoại ngữ", "ngon_ngu": "Tiếng Pháp",
                       "chung_chi": "Chứng chỉ B"},
                      {"tu": "2014-01", "co_so": "Đại học Hà Nội", "ngon_ngu": "Tiếng Anh",
                       "chung_chi": "Chứng chỉ B1"}],
    },
}


def test_the_facts_of_a_record_are_typed_and_the_highest_level_of_each_training():
    found = facts.record_facts(CONTENT)
    assert (found["sex"], found["birth_date"], found["ethnicity"], found["religion"]) == (
        "nu", D(1969, 6, 15), "02", "01")
    assert found["party_member"] is True
    assert (found["grade_code"], found["salary_step"], str(found["salary_coefficient"])) == (
        "V.07.05.15", 4, "3.33")
    # Cao cấp outranks Trung cấp; "chuyên viên chính" is not "chuyên viên"
    assert (found["political_theory"], found["state_management"]) == ("CC", "CVC")
    assert found["it_level"] == "CNTT_CB"
    # English outranks another language at the same (certificate) level
    assert found["language_level"] == "TA_CC"
    # NĐ 135/2020: a woman born 06/1969 retires at 57 in 2026, the end of 06/2026
    assert found["retires_on"] == retirement.retirement(D(1969, 6, 15), "nu").last_day
    assert found["recruited_on"] == D(1992, 9, 1)
    # nothing that cannot be a fact is taken for one
    odd = facts.record_facts({"fields": {"ngay_sinh": "15/06/1969", "bac_luong": "bốn",
                                         "he_so_luong": "99999"}})
    assert (odd["birth_date"], odd["salary_step"], odd["salary_coefficient"]) == (None, None,
                                                                               None)
    assert facts.record_facts({}) == facts.EMPTY


@pytest.mark.parametrize("raw, level", [
    ("Cử nhân chính trị", "CN"), ("sơ cấp", "SC"), ("", None), ("Bằng khác", None)])
def test_the_political_theory_level_is_read_from_the_degree_as_written(raw, level):
    assert facts.record_facts({"tables": {"ly_luan_chinh_tri": [
        {"van_bang": raw}]}})["political_theory"] == level


def _facts():
    """Every fact row, without the moment it was written, and the row beside it (the
    quality's labels and keys)."""
    db.session.expire_all()
    beside = {row.employee_id: row for row in db.session.scalars(select(ReportFactQuality))}
    rows = db.session.scalars(select(ReportFact).order_by(ReportFact.employee_id)).all()
    return [({column.name: getattr(row, column.name) for column in ReportFact.__table__.columns
              if column.name != "refreshed_at"},
             {column.name: getattr(beside[row.employee_id], column.name)
              for column in ReportFactQuality.__table__.columns}) for row in rows]


def _fact(employee_id):
    db.session.expire_all()
    return db.session.get(ReportFact, employee_id)


def _approve(employee_id, content):
    version = db.session.scalar(select(RecordVersion).where(
        RecordVersion.employee_id == employee_id))
    version.content = content
    records.mark_approved(None, version)
    db.session.commit()
    return version.id


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_each_change_writes_the_facts_in_its_transaction_and_a_rebuild_finds_the_same(
        transfer_app):
    app, world = transfer_app
    with app.app_context(), at(D(2026, 12, 2)):
        teacher_id = world.employees["giaovien"]
        # entered people count by unit, category and status before anything is approved
        fact = _fact(teacher_id)
        assert (fact.version_id, fact.unit_id, fact.category, fact.status) == (
            None, world.units["A"], "cong_chuc", "dang_cong_tac")
        assert fact.unit_path == db.session.get(Unit, world.units["A"]).path
        # the approval writes the record's facts
        version_id = _approve(teacher_id, CONTENT)
        fact = _fact(teacher_id)
        assert (fact.version_id, fact.grade_code, fact.political_theory) == (
            version_id, "V.07.05.15", "CC")
        # a change rolled back leaves the facts as they were
        db.session.get(Employee, teacher_id).status = "nghi_huu"
        db.session.flush()
        assert _fact(teacher_id).status == "nghi_huu", "written in the same transaction"
        db.session.rollback()
        assert _fact(teacher_id).status == "dang_cong_tac"
        # a transfer moves the person's facts to the new unit on the effective date
        transfers.open_case(actor(world, "canbo"), decision(
            kind=BETWEEN_UNITS, employee_id=str(teacher_id), to_unit_id=str(world.units["B"])),
            ("qd.pdf", PDF))
        assert _fact(teacher_id).unit_id == world.units["A"]
        db.session.remove()
    with app.app_context(), at(MONDAY):
        transfers.apply_effective()
        fact = _fact(teacher_id)
        assert (fact.unit_id, fact.unit_path) == (
            world.units["B"], db.session.get(Unit, world.units["B"]).path)
        # a departure changes the status
        doctor = person(world, "bacsi")
        leavers.depart(actor(world, "sonoivu"), doctor, {
            "status": "thoi_viec", "decision_number": "12/QĐ-SYT", "decided_by": "Sở Y tế",
            "decision_date": "01/12/2026", "effective_date": "04/12/2026"}, ("qd.pdf", PDF))
        assert _fact(world.employees["bacsi"]).status == "thoi_viec"
        incremental = _facts()
        assert len(incremental) == db.session.query(Employee).count()
        # the rebuild, from the records alone, writes the same rows
        assert services.rebuild() == len(incremental)
        assert _facts() == incremental
        db.session.remove()
