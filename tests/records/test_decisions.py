"""Decisions the unit enters: each sets its fields, adds its row to the
form's table and attaches its scan to the draft, all or nothing."""
import io
import re

import pytest
from sqlalchemy import func, select

from app.core.exceptions import DomainError
from app.extensions import db
from app.records import decisions, services
from app.org.models import Employee
from app.records.models import Attachment
from tests.conftest import login
from tests.records.conftest import account
from tests.records.test_attachments import PDF
from tests.security import world as w


def _person(people, username="canhan"):
    return db.session.get(Employee, people.ids[username])


def test_a_salary_step_sets_30_1_and_adds_to_the_salary_history(app, province, people):
    with app.app_context():
        officer = account(province, "canbo")
        version = decisions.record_decision(
            officer, _person(people), "nang_luong", "QĐ 215/QĐ-SGDĐT", "15/06/2026",
            {"ngach": "Giáo viên THPT hạng III", "ma_ngach": "V.07.05.15", "bac_luong": "4",
             "he_so_luong": "3,33", "ngay_huong_luong": "01/06/2026"},
            "qd-215.pdf", PDF)
        content = services.read_content(version)
        assert content["fields"]["he_so_luong"] == "3.33"
        assert content["fields"]["ngay_huong_luong"] == "2026-06-01"
        row = content["tables"]["dien_bien_luong"][-1]
        assert (row["tu"], row["ma_so"], row["bac_luong"], row["he_so_luong"]) == (
            "2026-06", "V.07.05.15", "4", "3.33")
        (scan,) = version.attachments
        assert scan.kind == "quyet_dinh_luong" and "QĐ 215/QĐ-SGDĐT" in scan.note
        assert "QĐ 215/QĐ-SGDĐT" in version.note
        # a second decision joins the same draft and adds its own row
        decisions.record_decision(officer, _person(people), "khen_thuong", "QĐ 9/QĐ-UBND",
                                  "20/05/2026", {"hinh_thuc_khen_thuong": "Bằng khen"},
                                  "qd-9.pdf", PDF)
        content = services.read_content(version)
        assert content["tables"]["danh_gia_khen_thuong"][-1] == {
            **content["tables"]["danh_gia_khen_thuong"][-1], "nam": "2026",
            "hinh_thuc_khen_thuong": "Bằng khen"}
        assert len(content["tables"]["dien_bien_luong"]) == 1


def test_all_or_nothing_and_only_the_officer(app, province, people):
    with app.app_context():
        officer = account(province, "canbo")
        cases = [
            ("nang_luong", "QĐ 1", "15/06/2026", {"he_so_luong": "ba"}, PDF, "chưa hợp lệ"),
            ("nang_luong", "", "15/06/2026", {"he_so_luong": "3,33"}, PDF, "số của quyết định"),
            ("nang_luong", "QĐ 1", "31/06/2026", {"he_so_luong": "3,33"}, PDF, "dd/mm/yyyy"),
            ("ky_luat", "QĐ 2", "01/03/2026", {"tu": "03/2026", "hinh_thuc": "Khiển trách"},
             b"not a pdf", "PDF, JPEG"),
            ("ky_luat", "QĐ 2", "01/03/2026", {"tu": "03/2026"}, PDF, "chưa hợp lệ"),
            ("bay_gio", "QĐ 3", "01/03/2026", {}, PDF, "loại quyết định"),
        ]
        for kind, number, day, typed, document, message in cases:
            with pytest.raises(DomainError, match=message):
                decisions.record_decision(officer, _person(people), kind, number, day, typed,
                                          "qd.pdf", document)
        assert db.session.scalar(select(func.count(Attachment.id))) == 0
        assert services.open_version(_person(people)) is None      # not even a draft
        with pytest.raises(DomainError, match="cán bộ quản lý dữ liệu"):
            decisions.record_decision(account(province, "canhan"), _person(people),
                                      "khen_thuong", "QĐ 9", "20/05/2026",
                                      {"hinh_thuc_khen_thuong": "Bằng khen"}, "qd.pdf", PDF)


def test_the_officer_enters_an_appointment_in_the_screen(app, province, people, client):
    me = people.ids["canhan"]
    login(client, "canbo", w.PASSWORD)
    page = client.get("/records/person/%d" % me).get_data(as_text=True)
    assert "Nhập quyết định" in page
    page = client.get("/records/person/%d/decision?kind=bo_nhiem" % me).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "kind": "bo_nhiem", "decision_number": "QĐ 77/QĐ-SGDĐT",
            "decision_date": "10/07/2026", "chuc_vu": "PHO_HIEU_TRUONG",
            "ngay_bo_nhiem": "32/07/2026"}
    body = client.post("/records/person/%d/decision" % me, data=dict(
        form, document=(io.BytesIO(PDF), "qd-77.pdf")), content_type="multipart/form-data",
        follow_redirects=True).get_data(as_text=True)
    assert "Ngày này không có trong lịch." in body and 'value="QĐ 77/QĐ-SGDĐT"' in body
    form["ngay_bo_nhiem"] = "15/07/2026"
    body = client.post("/records/person/%d/decision" % me, data=dict(
        form, document=(io.BytesIO(PDF), "qd-77.pdf")), content_type="multipart/form-data",
        follow_redirects=True).get_data(as_text=True)
    assert "đã vào bản nháp" in body
    assert "Phó Hiệu trưởng" in body and "qd-77.pdf" in body      # the diff and the scan
    client.get("/logout/")
    login(client, "canhan", w.PASSWORD)
    assert client.get("/records/person/%d/decision" % me).status_code == 302
    page = client.get("/records/person/%d" % me).get_data(as_text=True)
    assert "Nhập quyết định" not in page
