"""The month's seal: when a unit's approval window has closed, its head signs
one PDF listing every change approved in the unit that month.

Each change is the field (or table row), its old and new value and the
version's document hashes; a ``sensitive`` value (DESIGN §9) appears only as
a keyed hash. The machine-readable list is embedded in the PDF and stored,
and it carries the previous month's seal hash: the seals form a chain, so any
month's state can be rebuilt from the list and proven by the signature, and
a missing or altered month breaks the chain.
"""
import calendar
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import func, select

from app.approval import canonical, keys, window
from app.approval import authority as authorities
from app.approval.models import STEP_UNIT, Approval, MonthSeal
from app.audit import services as audit
from app.core import clock, crypto
from app.core.exceptions import DomainError
from app.core.rendering import PDF_RENDER_LOCK
from app.core.transactions import atomic
from app.extensions import db
from app.files.store import file_store
from app.records import form
from app.records import pdf as record_pdf
from app.records import services as records
from app.records.models import APPROVED, RecordVersion
from app.signing.pdf import box_lines_for, sign_pdf, verify_pdf
from app.signing.providers import SigningError

FORMAT = 1
LIST_NAME = "thay-doi-da-phe-duyet-%s.json"
SIGNATURE_FIELD = "ThuTruongKyTongHop"


def _keyed(value):
    return {"hmac_sha256": crypto.keyed_hash(canonical.encode(value).decode("utf-8"))}


def _shown(key, value, sensitive):
    return _keyed(value) if sensitive and value is not None else value


def changes_between(before, after):
    """Field by field and row by row (rows by their ``_id``), machine-readable."""
    changes = []
    old_fields, new_fields = before["fields"], after["fields"]
    for key in sorted(set(old_fields) | set(new_fields)):
        if old_fields.get(key) != new_fields.get(key):
            sensitive = form.field_is_sensitive(key)
            changes.append({"field": key, "old": _shown(key, old_fields.get(key), sensitive),
                            "new": _shown(key, new_fields.get(key), sensitive)})
    for table in sorted(set(before["tables"]) | set(after["tables"])):
        old_rows = {row.get("_id"): row for row in before["tables"].get(table, [])}
        new_rows = {row.get("_id"): row for row in after["tables"].get(table, [])}
        sensitive = form.table_is_sensitive(table)
        for row_id in sorted(set(old_rows) | set(new_rows), key=str):
            if old_rows.get(row_id) != new_rows.get(row_id):
                changes.append({"table": table, "row": row_id,
                                "old": _shown(table, old_rows.get(row_id), sensitive),
                                "new": _shown(table, new_rows.get(row_id), sensitive)})
    return changes


def _previous_approved(version):
    return db.session.scalar(select(RecordVersion).where(
        RecordVersion.employee_id == version.employee_id, RecordVersion.status == APPROVED,
        RecordVersion.number < version.number).order_by(RecordVersion.number.desc()).limit(1))


def _month_bounds(year, month):
    tz = clock.PROVINCE_TZ
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = start + dt.timedelta(days=calendar.monthrange(year, month)[1])
    return start, end


def previous_month(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def last_closed_window(today=None):
    """The latest approval window that has reached its last day (the month to seal)."""
    today = today or clock.today()
    current = window.window_of(today.year, today.month)
    if current is not None and today >= current.end:
        return current
    return window.window_of(*previous_month(today.year, today.month))


def month_key(year, month):
    return "%04d-%02d" % (year, month)


def entries_of(unit, year, month):
    """The unit's approvals signed in that month (Vietnam time), each with its changes."""
    start, end = _month_bounds(year, month)
    approvals = db.session.scalars(select(Approval).where(
        Approval.unit_id == unit.id, Approval.step == STEP_UNIT, Approval.signed_at >= start,
        Approval.signed_at < end).order_by(Approval.signed_at, Approval.id))
    entries = []
    for approval in approvals:
        version = approval.version
        entries.append({
            "employee": version.employee_id, "name": version.employee.full_name,
            "version": version.number, "approved_at": approval.signed_at.astimezone(
                clock.PROVINCE_TZ).isoformat(timespec="seconds"),
            "signer": approval.signer_name, "canonical_sha256": approval.canonical_sha256,
            "signature_sha256": hashlib.sha256(approval.cms).hexdigest(),
            "changes": changes_between(records.read_content(_previous_approved(version)),
                                       records.read_content(version)),
            "attachments": sorted(item.sha256 for item in version.attachments),
        })
    return entries


def document(unit, year, month, entries, previous, audit_anchor=None):
    doc = {"format": FORMAT, "unit": {"id": unit.id, "name": unit.name, "code": unit.code},
           "month": month_key(year, month),
           "previous_seal_sha256": previous.entries_sha256 if previous else None,
           "entries": entries}
    if audit_anchor is not None:
        # the audit log's head as the head signs: a log cut short or rewritten before it
        # no longer reaches it (audit.verify_chain, through signed_audit_anchors)
        doc["audit_anchor"] = audit_anchor
    return doc


def seals_of(unit):
    return list(db.session.scalars(select(MonthSeal).where(MonthSeal.unit_id == unit.id)
                                   .order_by(MonthSeal.month)))


def may_seal(actor, unit):
    """The head of the unit, or the person the head delegated, signs its seal."""
    me = records.own_employee(actor)
    if me is None or not unit.is_employing:
        return False
    if authorities.head_of(unit) == me.id:
        return True
    return any(d.delegate_id == me.id for d in authorities.active_delegations(unit))


@atomic
def seal_month(actor, unit, year, month, signer):
    """Sign the month's list for ``unit``; refused as a whole with a clear message."""
    closing = window.window_of(year, month)
    if closing is None:
        raise DomainError(_("The province profile has no monthly approval period to seal."))
    if clock.today() < closing.end:
        raise DomainError(_("The month is sealed once its approval period has ended, on "
                            "%(day)s.", day=closing.end.strftime("%d/%m/%Y")))
    if not may_seal(actor, unit):
        raise DomainError(_("Only the head of the unit, or the person the head delegated, "
                            "signs the month's list."))
    key = month_key(year, month)
    seals = seals_of(unit)
    if any(seal.month == key for seal in seals):
        raise DomainError(_("%(month)s is already sealed.", month=key))
    previous = seals[-1] if seals else None
    if previous is not None and previous.month != month_key(*previous_month(year, month)):
        raise DomainError(_("Seal the months in order: the last sealed month is %(month)s.",
                            month=previous.month))
    doc = document(unit, year, month, entries_of(unit, year, month), previous,
                   audit_anchor=audit.chain_head())
    data = canonical.encode(doc)
    body = _signed_pdf(doc, data, signer, unit)
    seal = MonthSeal(unit_id=unit.id, month=key, entries=doc, entries_sha256=canonical.sha256(
        data), previous_sha256=doc["previous_seal_sha256"],
        pdf_sha256=file_store().put(body), signed_by=actor.id, signed_at=clock.now())
    db.session.add(seal)
    db.session.flush()
    audit.record("approval.month_seal", seal, unit_id=unit.id,
                 details={"month": key, "entries": len(doc["entries"]),
                          "sha256": seal.entries_sha256})
    return seal


def _signed_pdf(doc, data, signer, unit):
    body, spot = _list_pdf(doc)
    body = _embed(body, LIST_NAME % doc["month"], data)
    page, x1, y1, x2, y2 = spot
    when = clock.now()
    try:
        return sign_pdf(body, signer, field_name=SIGNATURE_FIELD,
                        reason="Xác nhận dữ liệu đã phê duyệt tháng %s" % doc["month"],
                        location=unit.name, page=page, box=(x1, y1, x2, y2), signed_at=when,
                        box_lines=box_lines_for(signer.signer_name, when,
                                                role="Thủ trưởng cơ quan, đơn vị"))
    except SigningError as error:
        raise DomainError(str(error)) from None


def _value_text(value):
    if value is None:
        return ""
    if isinstance(value, dict) and set(value) == {"hmac_sha256"}:
        return "[HMAC] " + value["hmac_sha256"][:16] + "…"
    if isinstance(value, dict):
        return "; ".join("%s: %s" % (k, v) for k, v in sorted(value.items())
                         if not k.startswith("_") and v)
    return str(value)


def _label(change):
    if "field" in change:
        entry = form.FIELDS.get(change["field"])
        return entry[0].label if entry else change["field"]
    entry = form.TABLES.get(change["table"])
    return (entry[0].title if entry else change["table"]) + " (dòng)"


def _anchor_text(anchor):
    if anchor is None:
        return "Nhật ký kiểm toán: chưa có mục nào."
    return "Nhật ký kiểm toán đến mục %d (%d mục), mã băm %s" % (
        anchor["last_id"], anchor["count"], anchor["last_hash"])


def _list_pdf(doc):
    """The printed list; returns (bytes, where the signature goes)."""
    # the registered fonts are shared by every thread of the process (app/core/rendering.py)
    with PDF_RENDER_LOCK:
        record_pdf.register_fonts()
        styles = record_pdf.paragraph_styles()
        cell = styles["cell"]
        story = [Paragraph(escape(doc["unit"]["name"]), styles["centred"]),
                 Paragraph("BẢNG TỔNG HỢP THAY ĐỔI ĐÃ PHÊ DUYỆT THÁNG %s" % "/".join(
                     reversed(doc["month"].split("-"))), styles["title"]),
                 Paragraph(escape("Mã băm bảng tháng trước: %s" % (
                     doc["previous_seal_sha256"] or "— (tháng đầu tiên)")), styles["note"]),
                 Paragraph(escape(_anchor_text(doc.get("audit_anchor"))), styles["note"]),
                 Spacer(0, 0.4 * cm)]
        rows = [[Paragraph("<b>%s</b>" % h, cell) for h in
                 ("STT", "Họ và tên · phiên bản", "Mục", "Giá trị cũ", "Giá trị mới")]]
        number = 0
        for entry in doc["entries"]:
            number += 1
            who = "%s · phiên bản %d" % (entry["name"], entry["version"])
            for change in entry["changes"] or [{"field": "", "old": None, "new": None}]:
                rows.append([Paragraph(str(number), cell), Paragraph(escape(who), cell),
                             Paragraph(escape(_label(change) if change.get("field") != "" else
                                              "(không đổi nội dung)"), cell),
                             Paragraph(escape(_value_text(change["old"])), cell),
                             Paragraph(escape(_value_text(change["new"])), cell)])
                who = ""
            if entry["attachments"]:
                rows.append(["", "", Paragraph("Tài liệu (SHA-256)", cell),
                             Paragraph(escape(", ".join(entry["attachments"])), cell), ""])
        if number == 0:
            rows.append(["", Paragraph("Không có thay đổi nào được phê duyệt trong tháng.", cell),
                         "", "", ""])
        widths = [1.0 * cm, 4.2 * cm, 3.8 * cm, 4.0 * cm, 4.0 * cm]
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#777777"),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        spots = {}
        story += [table, Spacer(0, 0.6 * cm),
                  Paragraph(escape("Danh sách máy đọc được đính kèm trong tệp: " + LIST_NAME % doc[
                      "month"]), styles["note"]),
                  Spacer(0, 0.4 * cm),
                  Table([["", record_pdf.SignatureSpot("head", spots, 8 * cm, 2.4 * cm)]],
                        colWidths=[9 * cm, 8.5 * cm])]
        output = io.BytesIO()
        SimpleDocTemplate(output, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm,
                          topMargin=2 * cm, bottomMargin=2 * cm,
                          title="Bảng tổng hợp %s" % doc["month"]).build(story)
    return output.getvalue(), spots["head"]


def _embed(body, name, data):
    """The machine-readable list as a file attached to the PDF (before signing)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(body)))
    writer.add_attachment(name, data)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def embedded_list(body):
    from pypdf import PdfReader

    for name, contents in PdfReader(io.BytesIO(body)).attachments.items():
        if name.startswith("thay-doi-da-phe-duyet-"):
            return contents[0]
    return None


@dataclass
class SealCheck:
    seal: MonthSeal
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def verify_chain(unit):
    """Each seal, checked: its PDF's signature, the embedded list against the
    stored one and its hash, the link to the month before, and no month skipped."""
    checks = []
    previous = None
    roots = keys.trusted_roots()
    for seal in seals_of(unit):
        check = SealCheck(seal)
        data = canonical.encode(seal.entries)
        if canonical.sha256(data) != seal.entries_sha256:
            check.problems.append(_("The stored list was changed after it was signed."))
        try:
            body = file_store().get(seal.pdf_sha256)
        except Exception:   # noqa: BLE001 - any store's "missing"
            body = None
        if body is None:
            check.problems.append(_("The signed PDF is missing."))
        else:
            signatures = verify_pdf(body, roots)
            if not signatures or not all(s.valid for s in signatures):
                check.problems.append(_("The PDF's signature is not valid."))
            if embedded_list(body) != data:
                check.problems.append(_("The list in the PDF differs from the stored list."))
        if previous is None and seal.previous_sha256 is not None:
            check.problems.append(_("A month is missing before this one."))
        if previous is not None:
            year, month = map(int, seal.month.split("-"))
            if previous.month != month_key(*previous_month(year, month)):
                check.problems.append(_("A month is missing before this one."))
            if seal.previous_sha256 != previous.entries_sha256 or \
                    seal.entries.get("previous_seal_sha256") != previous.entries_sha256:
                check.problems.append(_("The link to the month before is broken."))
        checks.append(check)
        previous = seal
    return checks


def signed_audit_anchors():
    """The audit chain's heads that the month seals carry (the newest seal of each
    month, province-wide): read from the signed PDF when its signature holds, else
    from the stored list, whose changes verify_chain(unit) reports on its own."""
    newest = select(func.max(MonthSeal.id)).group_by(MonthSeal.month)
    roots = None
    for seal in db.session.scalars(select(MonthSeal).where(MonthSeal.id.in_(newest))
                                   .order_by(MonthSeal.id)):
        listed = seal.entries
        try:
            body = file_store().get(seal.pdf_sha256)
        except Exception:   # noqa: BLE001 - any store's "missing"
            body = None
        if body is not None:
            roots = keys.trusted_roots() if roots is None else roots
            signatures = verify_pdf(body, roots)
            embedded = embedded_list(body)
            if signatures and all(s.valid for s in signatures) and embedded is not None:
                listed = json.loads(embedded)
        if listed.get("audit_anchor"):
            yield listed["audit_anchor"]


def rebuild(unit, month_through):
    """The approved state of each record, as the chain of lists tells it: for
    each employee, {field: value} and {(table, row id): row} after the last
    change up to ``month_through`` (sensitive values stay keyed hashes)."""
    state = {}
    for seal in seals_of(unit):
        if seal.month > month_through:
            break
        for entry in seal.entries["entries"]:
            person = state.setdefault(entry["employee"], {"fields": {}, "rows": {}})
            for change in entry["changes"]:
                if "field" in change:
                    person["fields"][change["field"]] = change["new"]
                else:
                    person["rows"][(change["table"], change["row"])] = change["new"]
    return state


def content_of(seal):
    return file_store().get(seal.pdf_sha256)


def json_of(seal):
    return json.dumps(seal.entries, ensure_ascii=False, indent=1)
