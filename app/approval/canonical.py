"""The signed form of a record version (DESIGN §9 "Canonical content").

JSON with sorted keys, UTF-8, no insignificant whitespace; dates are already
the canonical ``yyyy``/``yyyy-mm``/``yyyy-mm-dd`` strings of the record;
attachments appear as their SHA-256. ``format`` is versioned: a signature
made under format 1 is checked against format 1's bytes even after the
record model grows, so old approvals keep verifying.
"""
import hashlib
import json

from app.records import services as records

FORMAT = 1


def document(version, fmt=FORMAT):
    """The canonical document of ``version`` under format ``fmt``."""
    if fmt != 1:
        raise ValueError("unknown canonical format %r" % fmt)
    content = records.read_content(version)
    return {
        "format": 1,
        "record": {"employee": version.employee_id, "version": version.number},
        "schema": content.get("schema"),
        "fields": content["fields"],
        "tables": content["tables"],
        "attachments": sorted(
            ({"sha256": item.sha256, "kind": item.kind} for item in version.attachments),
            key=lambda item: (item["sha256"], item["kind"])),
    }


def encode(doc):
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def canonical_bytes(version, fmt=FORMAT):
    return encode(document(version, fmt))


def sha256(data):
    return hashlib.sha256(data).hexdigest()
