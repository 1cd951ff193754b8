"""The month's seal: the head signs the list of the month's approved changes,
sensitive values only as keyed hashes, the list embedded in the PDF and
chained to the month before; an altered or missing month shows."""
import datetime as dt
import io
import json

import pytest
from sqlalchemy import select, text

from app.approval import canonical, month_seal
from app.approval.models import MonthSeal
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.org.models import Unit
from tests.approval.conftest import account, submitted
from tests.approval.test_approval import approve
from tests.conftest import csrf_token, login
from tests.security.world import PASSWORD
from tests.signing.tools import pyhanko_statuses

NOVEMBER_END = dt.datetime(2026, 11, 30, 17, 0)
DECEMBER_END = dt.datetime(2026, 12, 31, 17, 0)


def _seal(app, province, approvers, moment, year, month, username="thutruong"):
    with app.app_context(), clock.freeze(moment):
        unit = db.session.get(Unit, province.units["A"])
        seal = month_seal.seal_month(account(province, username), unit, year, month,
                                     approvers.signer(username))
        result = seal.id
        db.session.remove()
    return result


def test_the_heads_list_of_the_month(app, province, people, approvers, test_ca):
    first = submitted(app, province, people, "canhan")
    approve(app, province, approvers, "thutruong", first, moment=dt.datetime(2026, 11, 27, 9))
    second = submitted(app, province, people, "canhan", address="Phường Phúc Yên")
    approve(app, province, approvers, "thutruong", second, moment=dt.datetime(2026, 11, 28, 9))
    with app.app_context(), clock.freeze(dt.datetime(2026, 11, 29, 9)):
        unit = db.session.get(Unit, province.units["A"])
        with pytest.raises(DomainError, match="30/11/2026"):      # the window is not over
            month_seal.seal_month(account(province, "thutruong"), unit, 2026, 11,
                                  approvers.signer("thutruong"))
        db.session.remove()
    with app.app_context(), clock.freeze(NOVEMBER_END):
        with pytest.raises(DomainError, match="Chỉ người đứng đầu"):
            month_seal.seal_month(account(province, "canbo"), db.session.get(
                Unit, province.units["A"]), 2026, 11, approvers.signer("thutruong"))
        db.session.remove()
    seal_id = _seal(app, province, approvers, NOVEMBER_END, 2026, 11)
    with app.app_context():
        seal = db.session.get(MonthSeal, seal_id)
        doc = seal.entries
        assert doc["month"] == "2026-11" and doc["previous_seal_sha256"] is None
        assert [(e["version"], e["employee"]) for e in doc["entries"]] == [
            (1, people.ids["canhan"]), (2, people.ids["canhan"])]
        changes = {c.get("field"): c for c in doc["entries"][1]["changes"]}
        assert changes["noi_o"]["old"] == "Phường Vĩnh Yên"
        assert changes["noi_o"]["new"] == "Phường Phúc Yên"
        # the first version's sensitive values appear only as keyed hashes
        first_changes = {c.get("field") or c.get("table"): c
                         for c in doc["entries"][0]["changes"]}
        number = first_changes["so_dinh_danh"]["new"]
        assert set(number) == {"hmac_sha256"} and len(number["hmac_sha256"]) == 64
        assert "001085" not in json.dumps(doc)
        assert set(first_changes["gia_dinh_ban_than"]["new"]) == {"hmac_sha256"}
        body = month_seal.content_of(seal)
        # the embedded list is the stored one, and its hash is the seal's
        assert month_seal.embedded_list(body) == canonical.encode(doc)
        assert canonical.sha256(canonical.encode(doc)) == seal.entries_sha256
        [status] = pyhanko_statuses(body, test_ca[1])
        assert status.intact and status.valid and status.trusted
        unit = db.session.get(Unit, province.units["A"])
        assert [c.ok for c in month_seal.verify_chain(unit)] == [True]
        state = month_seal.rebuild(unit, "2026-11")
        assert state[people.ids["canhan"]]["fields"]["noi_o"] == "Phường Phúc Yên"
        # sealed once only
        with clock.freeze(NOVEMBER_END), pytest.raises(DomainError, match="2026-11"):
            month_seal.seal_month(account(province, "thutruong"), unit, 2026, 11,
                                  approvers.signer("thutruong"))


def test_the_chain_shows_an_altered_or_missing_month(app, province, people, approvers):
    version = submitted(app, province, people, "canhan")
    approve(app, province, approvers, "thutruong", version, moment=dt.datetime(2026, 11, 27))
    november = _seal(app, province, approvers, NOVEMBER_END, 2026, 11)
    # January cannot be sealed before December
    with pytest.raises(DomainError, match="2026-11"):
        _seal(app, province, approvers, dt.datetime(2027, 1, 31, 17), 2027, 1)
    december = _seal(app, province, approvers, DECEMBER_END, 2026, 12)
    with app.app_context():
        unit = db.session.get(Unit, province.units["A"])
        seals = {s.month: s for s in month_seal.seals_of(unit)}
        assert seals["2026-12"].previous_sha256 == seals["2026-11"].entries_sha256
        assert seals["2026-12"].entries["entries"] == []
        assert [c.ok for c in month_seal.verify_chain(unit)] == [True, True]
        # someone edits November's stored list
        db.session.execute(text(
            "UPDATE approval_month_seal SET entries = jsonb_set(entries::jsonb, "
            "'{entries,0,name}', '\"Người khác\"')::json WHERE id = :id"), {"id": november})
        db.session.commit()
        checks = month_seal.verify_chain(unit)
        assert not checks[0].ok and "đã bị thay đổi" in str(checks[0].problems[0])
        # someone removes November altogether
        db.session.execute(text("DELETE FROM approval_month_seal WHERE id = :id"),
                           {"id": november})
        db.session.commit()
        [check] = month_seal.verify_chain(unit)
        assert check.seal.id == december and not check.ok
        assert any("Thiếu một tháng" in str(p) for p in check.problems)


def test_sealing_through_the_page(app, province, people, approvers, client):
    version = submitted(app, province, people, "canhan")
    approve(app, province, approvers, "thutruong", version, moment=dt.datetime(2026, 11, 27))
    login(client, "thutruong", PASSWORD)
    with clock.freeze(NOVEMBER_END):
        queue = client.get("/approval/").get_data(as_text=True)
        assert "/approval/unit/%d/seals" % province.units["A"] in queue
        page = client.get("/approval/unit/%d/seals" % province.units["A"]).get_data(
            as_text=True)
        assert "11/2026" in page
        body = client.post("/approval/unit/%d/seals" % province.units["A"], data={
            "csrf_token": csrf_token(page), "month": "2026-11", "pin": "2468"},
            follow_redirects=True).get_data(as_text=True)
    assert "1 thay đổi đã phê duyệt" in body and "2026-11" in body
    assert "Hợp lệ, nối đúng với tháng trước." in body
    pdf = client.get("/approval/unit/%d/seals/pdf?month=2026-11" % province.units["A"])
    assert pdf.data.startswith(b"%PDF")
    with app.app_context():
        assert month_seal.embedded_list(pdf.data) == canonical.encode(
            db.session.scalar(select(MonthSeal)).entries)
    assert io.BytesIO(pdf.data).getbuffer().nbytes > 1000


def test_the_month_to_seal_is_the_last_closed_window(app):
    with app.app_context():
        assert month_seal.last_closed_window(dt.date(2026, 11, 29)).end == dt.date(2026, 10, 31)
        assert month_seal.last_closed_window(dt.date(2026, 11, 30)).end == dt.date(2026, 11, 30)
        assert month_seal.last_closed_window(dt.date(2027, 1, 5)).end == dt.date(2026, 12, 31)


def test_the_seal_carries_the_audit_logs_head_and_a_cut_log_shows(app, province, people,
                                                                   approvers, tmp_path):
    """Truncating the audit log before a signed month is detected even when the anchor
    file was lost with the server: the seal's signed list names the chain's head."""
    from app.audit import services as audit
    from tests.audit.test_chain import _as_superuser, _entry_row, _reinsert

    version = submitted(app, province, people, "canhan")
    approve(app, province, approvers, "thutruong", version, moment=dt.datetime(2026, 11, 27))
    with app.app_context():
        head = audit.chain_head()
        db.session.remove()
    seal_id = _seal(app, province, approvers, NOVEMBER_END, 2026, 11)
    with app.app_context():
        seal = db.session.get(MonthSeal, seal_id)
        assert seal.entries["audit_anchor"] == head
        body = month_seal.content_of(seal)
        assert json.loads(month_seal.embedded_list(body))["audit_anchor"] == head
        db.session.remove()
    app.config["AUDIT_ANCHOR_FILE"] = str(tmp_path / "lost" / "anchors.jsonl")
    with app.app_context():
        assert audit.verify_chain()[1] == []
        last_id = audit.chain_head()["last_id"]
        db.session.remove()
    tail = [_entry_row(app, i) for i in range(head["last_id"], last_id + 1)]
    _as_superuser(app, "DELETE FROM audit_entry WHERE id >= :first", first=head["last_id"])
    try:
        with app.app_context():
            assert audit.verify_chain()[1] == [(head["last_id"], "signed_anchor")]
            db.session.remove()
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 1
        assert "Bản ghi nhật ký %d" % head["last_id"] in result.output
        assert "bảng tổng hợp tháng" in result.output
    finally:
        _reinsert(app, tail)
    with app.app_context():
        assert audit.verify_chain()[1] == []
        db.session.remove()
