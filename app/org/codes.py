"""Electronic identifier codes of agencies (mã định danh điện tử), both forms.

Legacy (QCVN 102:2016/BTTTT): ``V1V2V3.Z1Z2.Y1Y2.MX1X2``, 13 characters, four
levels, level 1 on the right (``000.00.00.H62`` is UBND tỉnh Vĩnh Phúc); missing
levels are zero-filled. QĐ 20/2020/QĐ-TTg: at most 35 characters of ``.``,
``0-9``, ``A-Z`` in dot-separated groups growing left to right, the leftmost
group being the level-1 code (``H55.242``). See data-standards.md §4.
Pure functions over text: no database.
"""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# Mã cấp 1 (Phụ lục QĐ 20/2020): A Đảng … K HĐND tỉnh
LEVEL1_KINDS = "ABCDEFGHIJK"
LEGACY_RE = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z]\d{2})$")
LEVEL1_RE = re.compile(r"^[A-K]\d{2}$")
GROUP_RE = re.compile(r"^[0-9A-Z]+$")
QD20_MAX_LENGTH = 35

FORM_LEGACY = "legacy"
FORM_QD20 = "qd20_2020"


class CodeError(ValueError):
    """The code is malformed; the message says how, in Vietnamese."""


@dataclass(frozen=True)
class AgencyCode:
    text: str
    form: str
    level1: str          # e.g. H62
    groups: tuple        # the code's groups from level 1 downwards, zero groups left out

    @property
    def depth(self):
        return len(self.groups)


def _fail(message, **values):
    raise CodeError(str(message) % values if values else str(message))


def parse_legacy(text):
    match = LEGACY_RE.match(text)
    if match is None:
        _fail(_l("A 13-character code is written as 000.00.00.H62: three digits, two, two, "
                 "then the level-1 code."))
    v, z, y, level1 = match.groups()
    if level1[0] not in LEVEL1_KINDS:
        _fail(_l("The level-1 code must start with a letter from A to K."))
    # zero-filled from the left: a lower level needs the one above it
    if (z != "00" and y == "00") or (v != "000" and z == "00"):
        _fail(_l("A lower level is filled while the level above it is 00."))
    groups = tuple(g for g in (level1, y, z, v) if set(g) != {"0"})
    return AgencyCode(text, FORM_LEGACY, level1, groups)


def parse_qd20(text):
    if len(text) > QD20_MAX_LENGTH:
        _fail(_l("A code under QĐ 20/2020 has at most %(n)d characters."), n=QD20_MAX_LENGTH)
    if re.search(r"[^0-9A-Z.]", text):
        _fail(_l("A code may hold only capital letters A-Z, digits and dots."))
    groups = text.split(".")
    if any(group == "" for group in groups):
        _fail(_l("A code cannot have an empty group (two dots together, or a dot at an end)."))
    if not LEVEL1_RE.match(groups[0]):
        _fail(_l("The first group must be the level-1 code, a letter from A to K and two "
                 "digits (e.g. H62)."))
    if not all(GROUP_RE.match(group) for group in groups[1:]):
        _fail(_l("A code may hold only capital letters A-Z, digits and dots."))
    return AgencyCode(text, FORM_QD20, groups[0], tuple(groups))


def parse(text):
    """Read a code in either form (spaces around it ignored); raises CodeError."""
    text = (text or "").strip()
    if not text:
        _fail(_l("The identifier code is empty."))
    # the legacy form starts with the level-4 digits, QĐ 20/2020 with the level-1 letter
    return parse_legacy(text) if text[0].isdigit() else parse_qd20(text)
