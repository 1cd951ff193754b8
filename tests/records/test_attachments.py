"""Digitized documents: type from the bytes, size limit, stored once by
SHA-256 outside the database, readable only within scope, removable only
from a draft."""
import hashlib
import io
import os
import re

import pytest
from PIL import Image
from sqlalchemy import func, select, text

from app.accounts.models import Account
from app.core.exceptions import DomainError
from app.extensions import db
from app.files.store import file_store
from app.records import attachments, services
from app.org.models import Employee
from app.records.models import Attachment
from tests.conftest import FILE_STORE_DIR, login
from tests.security import world as w

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png():
    out = io.BytesIO()
    Image.new("RGB", (20, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _jpeg():
    out = io.BytesIO()
    Image.new("RGB", (20, 30), (30, 30, 200)).save(out, "JPEG")
    return out.getvalue()


def _draft(province, people, username="canhan"):
    person = db.session.get(Employee, people.ids[username])
    return services.open_draft(db.session.get(Account, province.accounts[username]), person)


def _actor(province, username):
    return db.session.get(Account, province.accounts[username])


def test_the_type_comes_from_the_bytes_and_bad_files_change_nothing(app, province, people):
    with app.app_context():
        app.config["ATTACHMENT_MAX_BYTES"] = 64 * 1024
        draft = _draft(province, people)
        me = _actor(province, "canhan")
        refused = [
            ("bang.pdf", b"MZ\x90\x00 an executable", "PDF, JPEG"),
            ("bang.pdf", b"<html><script>alert(1)</script></html>", "PDF, JPEG"),
            ("bang.pdf", b"", "Chọn tệp"),
            ("bang.pdf", PDF[:40], "hỏng"),                          # cut short
            ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "hỏng"),   # not an image inside
            ("lon.pdf", b"%PDF-" + b"x" * 70000 + b"%%EOF", "lớn hơn"),
        ]
        for name, data, message in refused:
            with pytest.raises(DomainError, match=message):
                attachments.attach(me, draft, name, data, "van_bang")
        with pytest.raises(DomainError, match="tài liệu gì"):
            attachments.attach(me, draft, "x.pdf", PDF, "not_a_kind")
        assert db.session.scalar(select(func.count(Attachment.id))) == 0
        # a JPEG named .pdf is kept as what it is
        photo = attachments.attach(me, draft, "bang.pdf", _jpeg(), "van_bang")
        scan = attachments.attach(me, draft, "scan", _png(), "giay_to_tuy_than")
        decision = attachments.attach(me, draft, "qd.pdf", PDF, "quyet_dinh_bo_nhiem")
        assert (photo.content_type, scan.content_type, decision.content_type) == (
            "image/jpeg", "image/png", "application/pdf")


def test_stored_once_by_sha256_outside_the_database(app, province, people):
    with app.app_context():
        first = attachments.attach(_actor(province, "canhan"), _draft(province, people),
                                   "qd.pdf", PDF, "quyet_dinh_luong")
        second = attachments.attach(_actor(province, "giaovien"),
                                    _draft(province, people, "giaovien"), "qd.pdf", PDF,
                                    "quyet_dinh_luong")
        digest = hashlib.sha256(PDF).hexdigest()
        assert first.sha256 == second.sha256 == digest
        path = os.path.join(FILE_STORE_DIR, digest[:2], digest[2:4], digest)
        with open(path, "rb") as f:
            stored = f.read()
        # encrypted at rest (app/files/store.py), read back as the document
        assert stored != PDF and b"/Catalog" not in stored
        assert file_store().get(digest) == PDF
        # no column of the table holds the bytes
        columns = db.session.execute(text(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'record_attachment'")).all()
        assert all(kind != "bytea" for _name, kind in columns)


def test_removable_from_a_draft_only(app, province, people):
    from tests.records.conftest import CAREER_ROW, COMPLETE, FAMILY_ROW, OFFICER_OWNED

    with app.app_context():
        me = _actor(province, "canhan")
        draft = _draft(province, people)
        kept = attachments.attach(me, draft, "qd.pdf", PDF, "quyet_dinh_luong")
        gone = attachments.attach(me, draft, "scan.png", _png(), "khac")
        attachments.remove(me, gone)
        services.save(me, draft, COMPLETE, {"qua_trinh_cong_tac": [CAREER_ROW],
                                            "gia_dinh_ban_than": [FAMILY_ROW]}, draft.lock)
        services.save(_actor(province, "canbo"), draft, OFFICER_OWNED, {}, draft.lock)
        services.submit(me, draft, draft.lock)
        with pytest.raises(DomainError, match="giữ nguyên"):
            attachments.remove(me, kept)
        with pytest.raises(DomainError, match="bản nháp"):
            attachments.attach(me, draft, "x.pdf", PDF, "khac")
        assert [a.id for a in draft.attachments] == [kept.id]


def test_nobody_downloads_another_persons_document_by_its_id(app, province, people, client):
    with app.app_context():
        theirs = attachments.attach(_actor(province, "bacsi"), _draft(province, people, "bacsi"),
                                    "qd.pdf", PDF, "quyet_dinh_luong").id
        colleague = attachments.attach(_actor(province, "giaovien"),
                                       _draft(province, people, "giaovien"), "qd.png", _png(),
                                       "khac").id
        mine = attachments.attach(_actor(province, "canhan"), _draft(province, people),
                                  "qd.pdf", PDF, "khac").id
    login(client, "canhan", w.PASSWORD)
    for pk in (theirs, colleague):
        assert client.get("/records/attachment/%d" % pk).status_code == 404
    response = client.get("/records/attachment/%d" % mine)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/pdf"
    client.get("/logout/")
    login(client, "canbo", w.PASSWORD)                  # the officer of unit A
    assert client.get("/records/attachment/%d" % colleague).status_code == 200
    assert client.get("/records/attachment/%d" % theirs).status_code == 404


def test_uploading_through_the_page(app, province, people, client):
    me = people.ids["canhan"]
    login(client, "canhan", w.PASSWORD)
    page = client.get("/records/person/%d" % me).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/records/person/%d/open" % me, data={"csrf_token": token})
    body = client.post("/records/person/%d/attach" % me, data={
        "csrf_token": token, "kind": "van_bang", "note": "Bằng đại học",
        "document": (io.BytesIO(b"not a document"), "bang.pdf")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Chỉ nhận tài liệu PDF, JPEG và PNG" in body
    body = client.post("/records/person/%d/attach" % me, data={
        "csrf_token": token, "kind": "van_bang", "note": "Bằng đại học",
        "document": (io.BytesIO(PDF), "bang.pdf")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Đã đính kèm tài liệu." in body and "Văn bằng: bang.pdf" in body
    # a request far over the limit is refused before it is read, in Vietnamese
    response = client.post("/records/person/%d/attach" % me, data={
        "csrf_token": token, "kind": "van_bang",
        "document": (io.BytesIO(b"%PDF-" + b"x" * (11 * 1024 * 1024)), "big.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 413 and "Tệp lớn hơn" in response.get_data(as_text=True)
