"""The sơ yếu lý lịch exported as the paper original (Điều 6.4 HP, 9.5 ĐN, 9.4 VP):
the approved version's PDF, signed first by the person with authority with their
own key, then by the seal of the agency that person signs for ("ký số của cơ quan
nhà nước": the signer's own agency, never another's): two incremental signatures,
each with its signer's name and time in the box under "Thủ trưởng cơ quan", and the
line above it filled with the agency's place name and the signing day."""
import re
import unicodedata

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app.approval import authority, keys, services
from app.approval.models import SignedExport
from app.audit import services as audit
from app.core import clock
from app.core.dates import in_province_time
from app.core.exceptions import DomainError
from app.core.transactions import atomic
from app.extensions import db
from app.files.store import file_store
from app.org.models import LEADER_DEPUTY, LEADER_HEAD, Unit
from app.policy.profiles import active_profile
from app.records import pdf as record_pdf
from app.records import services as records
from app.security import roles, scope
from app.security.standing import role_names
from app.signing.pdf import box_lines_for, sign_pdf
from app.signing.providers import SigningError

SIGNED_NOTE = "Bản điện tử có chữ ký số"
AUTHORITY_FIELD, SEAL_FIELD = "NguoiCoThamQuyen", "CoQuan"
AUTHORITY_ROLE = "Người có thẩm quyền"
SEAL_ROLE = "Cơ quan"


@atomic
def sign_record(actor, employee, signer):
    """Sign the approved record of ``employee``; one transaction. Returns the SignedExport."""
    if not scope.allows(actor, "read", employee):
        raise DomainError(_("You may not export this record."))
    version = records.approved_version(employee)
    if version is None:
        raise DomainError(_("This record has no approved version to sign yet."))
    if any(not verdict.intact for verdict in services.verdicts(version)):
        raise DomainError(_("The stored data was changed after it was signed; it cannot be "
                            "exported as the original. Tell Sở Nội vụ."))
    agency = acting_agency(actor, employee)
    if agency is None:
        raise DomainError(_("You sign this record for no agency: its signed copy is signed by "
                            "the head of the person's unit or of a unit above it, a deputy of "
                            "that unit, a person its head delegated in writing, or Sở Nội vụ."))
    # never another agency's seal: the agency has its own or nothing is signed
    with keys.seal_signer(agency) as seal:
        return _sign_record(actor, employee, version, signer, seal, agency)


def acting_agency(actor, employee, on=None):
    """The agency whose seal goes under the actor's signature on ``employee``'s record
    (Điều 6.4 HP, 9.5 ĐN, 9.4 VP: "ký số của cơ quan nhà nước", the signer's own): the
    unit of the actor's authority over the record (the unit they head, the unit whose
    head's record a deputy approves, the unit whose head delegated in writing); else the
    nearest employing unit at or above the person's that the actor heads, is a deputy
    of or holds a delegation of; else, for Sở Nội vụ (its second step, its exports),
    Sở Nội vụ itself. None when the actor signs for no agency."""
    me = records.own_employee(actor)
    if me is not None:
        leadership = authority.Leadership(on)
        found = authority.authority_of(me.id, employee, on, leadership)
        if found is not None:
            return db.session.get(Unit, found.unit_id)
        unit = authority.employing_unit(employee.unit)
        while unit is not None:
            leaders = (leadership.leaders(unit, LEADER_HEAD)
                       + leadership.leaders(unit, LEADER_DEPUTY))
            if me.id in leaders or any(d.delegate_id == me.id
                                       for d in leadership.delegations(unit)):
                return unit
            unit = authority.employing_unit(unit.parent)
    if roles.ROLE_SO_NOI_VU in role_names(actor):
        return authority.employing_unit(actor.unit)
    return None


# Nghị định 30/2020/NĐ-CP, Phụ lục I ("Địa danh và thời gian ban hành văn bản"): the place
# on a local agency's document is the proper name of the administrative unit (tỉnh, thành
# phố, huyện, quận, thị xã, xã, phường, thị trấn) where it sits; a Sở's is the province's.
ADMINISTRATIVE_TYPES = ("ubnd_xa", "ubnd_huyen", "ubnd_tinh")
_COUNCIL = re.compile(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+", re.IGNORECASE)
_LEVEL_WORDS = r"(?:tỉnh|thành phố|TP\.?|huyện|quận|thị xã|xã|phường|thị trấn|đặc khu)"
_LEVEL = re.compile(r"^%s\s+(?=\S)" % _LEVEL_WORDS, re.IGNORECASE)
_BARE_LEVEL = re.compile(_LEVEL_WORDS, re.IGNORECASE)


def _proper_name(unit_name):
    """"Tam Đảo" of "UBND xã Tam Đảo", "Vĩnh Phúc" of "Ủy ban nhân dân tỉnh Vĩnh Phúc";
    None when the name carries none ("UBND tỉnh") or is not an administrative unit's."""
    name = unicodedata.normalize("NFC", " ".join((unit_name or "").split()))
    rest = _COUNCIL.sub("", name, count=1)
    proper = _LEVEL.sub("", rest, count=1)
    if proper != rest:
        return proper
    # "UBND Vĩnh Phúc": a People's Committee named without its level
    return rest if rest != name and not _BARE_LEVEL.fullmatch(rest) else None


def province_name():
    """The province of the active profile: its title's first part ("Vĩnh Phúc")."""
    return active_profile()["title"].split("—")[0].strip()


def locality(unit):
    """The place name of ``unit``'s documents: the proper name of the nearest
    administrative unit (UBND xã, huyện, tỉnh) at or above it in the org tree; the
    province's (profile) when the tree names none."""
    while unit is not None:
        if unit.unit_type in ADMINISTRATIVE_TYPES:
            name = _proper_name(unit.name)
            if name:
                return name
        unit = unit.parent
    return province_name()


def _sign_record(actor, employee, version, signer, seal, agency):
    when = clock.now()
    tz_name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    try:
        # the place of the signatures and of the line above them: the agency's locality
        sealed = signed_record_pdf(records.read_content(version), signer, seal,
                                   location=locality(agency), when=when,
                                   catalog_name=records.catalog_namer(),
                                   day=in_province_time(when, tz_name).date())
    except SigningError as error:
        raise DomainError(str(error)) from None
    export = SignedExport(employee_id=employee.id, version_id=version.id,
                          sha256=file_store().put(sealed), size=len(sealed), signed_by=actor.id,
                          signer_name=signer.signer_name, seal_name=seal.signer_name,
                          signed_at=when)
    db.session.add(export)
    db.session.flush()
    audit.record("record.export_signed", version, unit_id=employee.unit_id,
                 details={"employee_id": employee.id, "number": version.number,
                          "sha256": export.sha256, "agency_id": agency.id})
    return export


def signed_record_pdf(content, signer, seal, *, location, when, catalog_name=None, place=None,
                      day=None):
    """The record's PDF signed by ``signer`` and then by ``seal``, both boxes under
    "Thủ trưởng cơ quan", the line above them "<place>, ngày … tháng … năm …" of ``day``
    (``place`` defaults to ``location``, ``day`` to ``when``'s): the render and the two
    signatures of an export, without the database (bench/pdf_bench.py measures this)."""
    day = day or when.astimezone(clock.PROVINCE_TZ).date()
    line = record_pdf.place_and_date(place or location, day)
    body, spots = record_pdf.record_pdf_with_spots(content, catalog_name=catalog_name,
                                                   title_note=SIGNED_NOTE,
                                                   authority_line=line)
    page, x1, y1, x2, y2 = spots["authority"]
    middle = (y1 + y2) / 2
    signed = sign_pdf(body, signer, field_name=AUTHORITY_FIELD,
                      reason="Xác nhận sơ yếu lý lịch", location=location,
                      box_lines=box_lines_for(signer.signer_name, when, role=AUTHORITY_ROLE),
                      page=page, box=(x1, middle + 1, x2, y2), signed_at=when)
    return sign_pdf(signed, seal, field_name=SEAL_FIELD,
                    reason="Chữ ký số của cơ quan", location=location,
                    box_lines=box_lines_for(seal.signer_name, when, role=SEAL_ROLE),
                    page=page, box=(x1, y1, x2, middle - 1), signed_at=when)


def latest(employee):
    return db.session.scalar(select(SignedExport).where(SignedExport.employee_id == employee.id)
                             .order_by(SignedExport.signed_at.desc(), SignedExport.id.desc())
                             .limit(1))


def content_of(export):
    return file_store().get(export.sha256)
