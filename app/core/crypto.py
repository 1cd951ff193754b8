"""Encryption at rest of sensitive values and the keyed hash of identifiers
(DESIGN §9).

Sensitive values are Fernet tokens (AES-128-CBC + HMAC-SHA256) made with the
first key of ``RECORD_ENCRYPTION_KEYS``; the others still decrypt, so keys
can be rotated. The số định danh is also stored as an HMAC-SHA256 with
``IDENTITY_HASH_KEY``: that column carries the uniqueness constraint and the
look-ups, so finding a person by number never needs decryption.
"""
import hashlib
import hmac
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class DecryptionError(RuntimeError):
    """A stored value does not open with any configured key."""


def _fernet():
    keys = [key.strip() for key in current_app.config["RECORD_ENCRYPTION_KEYS"].split(",")
            if key.strip()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt_text(text):
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token):
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionError("a stored value does not open with the configured keys") from None


def encrypt_bytes(data):
    return _fernet().encrypt(data)


def decrypt_bytes(token):
    try:
        return _fernet().decrypt(token)
    except InvalidToken:
        raise DecryptionError("a stored value does not open with the configured keys") from None


def encrypt_json(value):
    return encrypt_text(json.dumps(value, ensure_ascii=False, sort_keys=True))


def decrypt_json(token):
    return json.loads(decrypt_text(token)) if token else {}


def keyed_hash(text):
    """HMAC-SHA256 of ``text`` with the look-up key (hex): proves a value without
    showing it, to whoever holds the key."""
    key = current_app.config["IDENTITY_HASH_KEY"].encode()
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def identity_hash(number):
    """The look-up hash of a số định danh (hex, 64 characters)."""
    return keyed_hash(number)
