"""Digitized documents: type from the bytes, size limit, stored once by
SHA-256 outside the database, readable only within scope, removable only
from a draft."""
import hashlib
import io
import os
import re
import struct
import time
import zlib

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (ArrayObject, DictionaryObject, FloatObject, NameObject,
                           TextStringObject)
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



# Security issue 14: a document is only a document. The attacks are built here, byte by
# byte, so that each test shows what is refused.

def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _declared_png(width, height):
    """A valid black 1-bit PNG of ``width`` × ``height``: a few KB even at 144
    megapixels, since its rows are all alike and compress to almost nothing."""
    rows = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    pixels = b"".join(rows.compress(row) for _ in range(height)) + rows.flush()
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1,
                                                                 0, 0, 0, 0))
            + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b""))


def _declared_jpeg(width, height):
    """A small JPEG whose frame header (SOF0) says ``width`` × ``height``."""
    data = _jpeg()
    at = data.index(b"\xff\xc0") + 5      # marker, length, precision, then height, width
    return data[:at] + struct.pack(">HH", height, width) + data[at + 4:]


def _pdf(*edits):
    """A one-page PDF from pypdf, changed by each ``edit(writer)``."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    for edit in edits:
        edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _action(**entries):
    return DictionaryObject({NameObject("/" + key): value for key, value in entries.items()})


def _open_action(action):
    def edit(writer):
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return edit


def _link(action):
    def edit(writer):
        writer.add_annotation(0, DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 200, 40)]),
            NameObject("/A"): action}))
    return edit


def _xfa(writer):
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(DictionaryObject({
        NameObject("/Fields"): ArrayObject(),
        NameObject("/XFA"): TextStringObject("<xdp:xdp/>")}))


def _object_stream_pdf(action):
    """A PDF 1.5 whose objects all sit in one compressed object stream, the catalog's
    /OpenAction being ``action``: nothing of them shows in the file's raw bytes."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", action]
    body, offsets = b"", []
    for obj in objects:
        offsets.append(len(body))
        body += obj + b"\n"
    index = b" ".join(b"%d %d" % (number, at) for number, at in enumerate(offsets, 1)) + b"\n"
    packed = zlib.compress(index + body)
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    stream_at = len(out)
    out += (b"5 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\n"
            b"stream\n" % (len(index), len(packed))) + packed + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = (b"\x00" + bytes(4) + b"\xff\xff"
            + b"".join(b"\x02" + (5).to_bytes(4, "big") + i.to_bytes(2, "big") for i in range(4))
            + b"\x01" + stream_at.to_bytes(4, "big") + bytes(2)
            + b"\x01" + xref_at.to_bytes(4, "big") + bytes(2))
    return out + (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\n"
                  b"stream\n" % len(rows)) + rows + (b"\nendstream\nendobj\nstartxref\n%d\n"
                                                     b"%%%%EOF\n" % xref_at)


def _signed_record_pdf():
    """The app's own printed record (reportlab), signed twice (endesive), as an
    approver and then the agency's seal sign it."""
    from app.records.pdf import record_pdf
    from app.signing import pki
    from app.signing.pdf import sign_pdf
    from app.signing.providers import Pkcs12Signer

    ca_key, ca = pki.make_ca()
    key, cert = pki.issue(ca_key, ca, "Nguyễn Văn An", organization="UBND xã Hòa Bình")
    signer = Pkcs12Signer.load(pki.to_pkcs12(key, cert, [ca], "1"), "1")
    document = record_pdf(services.empty_content(), photo=_jpeg())
    once = sign_pdf(document, signer, field_name="NguoiCoThamQuyen", reason="Phê duyệt",
                    location="Phú Thọ", box=(40, 40, 270, 95))
    return sign_pdf(once, signer, field_name="DauCoQuan", reason="Đóng dấu",
                    location="Phú Thọ", box=(300, 40, 555, 95))


def _refused_and_nothing_kept(actor, draft, name, data, message):
    """Refused with ``message``: no attachment row more, no file in the store."""
    rows = db.session.scalar(select(func.count(Attachment.id)))
    with pytest.raises(DomainError, match=message):
        attachments.attach(actor, draft, name, data, "van_bang")
    assert db.session.scalar(select(func.count(Attachment.id))) == rows, name
    assert not file_store().exists(hashlib.sha256(data).hexdigest()), name


HTML_REFUSED = "mã trang web"
ACTIVE_REFUSED = "nội dung chủ động"


def test_a_pdf_or_image_that_a_browser_would_take_for_a_web_page_is_refused(
        app, province, people):
    """HTML in the first 1024 bytes, the window a browser sniffs, whatever the type."""
    pdf_page = _pdf()
    png_page = _png()
    polyglots = [
        # a valid PDF with a web page in a comment after its header
        ("trang.pdf", pdf_page[:9] + b"%<html><body><script>alert(document.cookie)</script>\n"
         + pdf_page[9:]),
        ("trang.pdf", pdf_page[:9] + b"%<IFRAME SRC=x onload=alert(1)>\n" + pdf_page[9:]),
        ("trang.pdf", pdf_page[:9] + b"%<svg/onload=alert(1)>\n" + pdf_page[9:]),
        ("trang.pdf", pdf_page[:9] + b"% javascript:alert(1)\n" + pdf_page[9:]),
        # a valid PNG with a script in a text chunk before its pixels
        ("anh.png", png_page[:33] + _chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>")
         + png_page[33:]),
    ]
    with app.app_context():
        me, draft = _actor(province, "canhan"), _draft(province, people)
        for name, data in polyglots:
            assert attachments.detect_type(data) is not None       # a PDF or a PNG indeed
            _refused_and_nothing_kept(me, draft, name, data, HTML_REFUSED)
        # past the sniffing window no browser takes it for a page, and a PDF reader
        # runs no HTML: a document that quotes a web page is still a document
        deep = (pdf_page[:9] + b"%" + b" " * attachments.SNIFF_WINDOW
                + b"\n% <html><script>quoted</script>\n" + pdf_page[9:])
        assert attachments.attach(me, draft, "muc-luc.pdf", deep, "khac").content_type == (
            "application/pdf")


def test_a_pdf_carrying_javascript_or_other_active_content_is_refused(app, province, people):
    with_js = _pdf(lambda writer: writer.add_js("app.alert('x');"))
    hidden = with_js.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in hidden and b"/JS " not in hidden
    javascript = _action(S=NameObject("/JavaScript"), JS=TextStringObject("app.alert(1)"))
    attacks = [
        ("names-javascript.pdf", with_js),                        # /Names /JavaScript
        ("hex-escaped.pdf", hidden),                              # /J#61vaScript, /J#53
        ("open-action.pdf", _pdf(_open_action(javascript))),
        ("launch.pdf", _pdf(_link(_action(S=NameObject("/Launch"),
                                          F=TextStringObject("cmd.exe"))))),
        ("javascript-link.pdf", _pdf(_link(_action(
            S=NameObject("/URI"), URI=TextStringObject("javascript:alert(1)"))))),
        ("embedded-file.pdf", _pdf(lambda writer: writer.add_attachment("a.exe", b"MZ\x90"))),
        ("xfa.pdf", _pdf(_xfa)),
        # in a compressed object stream: invisible in the raw bytes, found once parsed
        ("object-stream.pdf", _object_stream_pdf(b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>")),
        ("object-stream-hex.pdf", _object_stream_pdf(b"<< /S /J#61vaScript /J#53 (x) >>")),
    ]
    with app.app_context():
        me, draft = _actor(province, "canhan"), _draft(province, people)
        for name, data in attacks:
            _refused_and_nothing_kept(me, draft, name, data, ACTIVE_REFUSED)
        # a PDF that opens only with a password cannot be inspected
        locked = _pdf(lambda writer: writer.encrypt("mat-khau", "chu-so-huu"))
        _refused_and_nothing_kept(me, draft, "khoa.pdf", locked, "bảo vệ bằng mật khẩu")


def test_a_pdf_that_would_exhaust_the_parser_is_refused_in_bounded_time(
        app, province, people, monkeypatch):
    """A 100 KB cross-reference stream declaring ten million objects (pypdf alone: 30 s
    and 900 MB) is inspected in a child process that runs out of its limits."""
    rows = zlib.compress((b"\x01" + (9).to_bytes(4, "big") + bytes(2)) * 10_000_000, 9)
    head = b"%PDF-1.5\n1 0 obj << /Type /Catalog >> endobj\n"
    bomb = (head + b"2 0 obj\n<< /Type /XRef /Size 10000000 /W [1 4 2] /Root 1 0 R "
            b"/Filter /FlateDecode /Length %d >>\nstream\n" % len(rows) + rows
            + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % len(head))
    assert len(bomb) < 150 * 1024
    monkeypatch.setattr(attachments, "PDF_CHECK_SECONDS", 2)
    with app.app_context():
        me, draft = _actor(province, "canhan"), _draft(province, people)
        started = time.monotonic()
        _refused_and_nothing_kept(me, draft, "bom.pdf", bomb, "hỏng")
        assert time.monotonic() - started < 8


def test_both_layers_of_the_pdf_check_see_through_hex_escapes():
    """The parsed check (pypdf decodes #xx) and the raw belt each find the hidden name;
    only the parsed one sees into compressed object streams."""
    hidden = _pdf(lambda writer: writer.add_js("x")).replace(b"/JavaScript", b"/J#61vaScript")
    assert attachments._raw_pdf_active(hidden) and attachments._parsed_pdf_active(hidden)
    compressed = _object_stream_pdf(b"<< /S /Launch /F (cmd.exe) >>")
    assert not attachments._raw_pdf_active(compressed)
    assert attachments._parsed_pdf_active(compressed)
    plain = _object_stream_pdf(b"<< /S /GoTo /D [3 0 R /Fit] >>")
    assert not attachments._raw_pdf_active(plain) and not attachments._parsed_pdf_active(plain)


def test_an_image_declaring_too_many_pixels_is_refused_before_it_is_decoded(
        app, province, people, monkeypatch):
    """A decompression bomb: 144 megapixels in a file of a few KB."""
    bomb = _declared_png(12000, 12000)
    assert len(bomb) < 64 * 1024
    over_pillows_ceiling = _declared_png(20000, 20000)    # Pillow's DecompressionBombError
    with app.app_context():
        assert app.config["ATTACHMENT_MAX_PIXELS"] == 40_000_000
        me, draft = _actor(province, "canhan"), _draft(province, people)
        for name, data in (("bom.png", bomb), ("bom-lon.png", over_pillows_ceiling),
                           ("bom.jpg", _declared_jpeg(12000, 12000))):
            _refused_and_nothing_kept(me, draft, name, data, "lớn hơn 40 megapixel")
        # an A3 page scanned at 300 dpi is an ordinary document
        a3 = attachments.attach(me, draft, "a3.png", _declared_png(4961, 7016), "khac")
        assert a3.content_type == "image/png"
        # the limit is the deployment's (and shown the Vietnamese way)
        monkeypatch.setitem(app.config, "ATTACHMENT_MAX_PIXELS", 1_500_000)
        _refused_and_nothing_kept(me, draft, "anh.png", _declared_png(2000, 1000),
                                  "lớn hơn 1,5 megapixel")


def test_ordinary_documents_still_pass(app, province, people):
    """What people attach: the app's own signed PDF, an exported PDF with a web link, a
    scan as PNG or JPEG."""
    with_link = _pdf(_link(_action(S=NameObject("/URI"),
                                   URI=TextStringObject("https://thuvienphapluat.vn/"))))
    documents = [("so-yeu-ly-lich-da-ky.pdf", _signed_record_pdf()), ("qd.pdf", with_link),
                 ("qd-goc.pdf", PDF), ("a4.png", _declared_png(2480, 3508)),
                 ("anh.jpg", _jpeg())]
    with app.app_context():
        me, draft = _actor(province, "canhan"), _draft(province, people)
        kept = [attachments.attach(me, draft, name, data, "khac") for name, data in documents]
        assert [a.content_type for a in kept] == ["application/pdf"] * 3 + [
            "image/png", "image/jpeg"]
        assert all(file_store().exists(a.sha256) for a in kept)


def test_a_polyglot_uploaded_through_the_page_is_refused(app, province, people, client):
    me = people.ids["canhan"]
    page = _pdf()
    polyglot = page[:9] + b"%<html><script>alert(1)</script></html>\n" + page[9:]
    login(client, "canhan", w.PASSWORD)
    html = client.get("/records/person/%d" % me).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    client.post("/records/person/%d/open" % me, data={"csrf_token": token})
    for name, data, message in (("bang.pdf", polyglot, HTML_REFUSED),
                                ("bom.png", _declared_png(12000, 12000), "megapixel")):
        body = client.post("/records/person/%d/attach" % me, data={
            "csrf_token": token, "kind": "van_bang",
            "document": (io.BytesIO(data), name)},
            content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
        assert message in body and "Đã đính kèm tài liệu." not in body
    with app.app_context():
        assert db.session.scalar(select(func.count(Attachment.id))) == 0
