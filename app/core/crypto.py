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
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class DecryptionError(RuntimeError):
    """A stored value does not open with any configured key."""


def _record_keys():
    return [Fernet(key.strip().encode())
            for key in current_app.config["RECORD_ENCRYPTION_KEYS"].split(",") if key.strip()]


def _fernet():
    return MultiFernet(_record_keys())


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


# Envelope encryption (the file store): each file has a random data key of its own;
# the data key is kept beside the file, wrapped (encrypted) with the record keys, so
# a key rotation re-wraps a few bytes per file instead of re-encrypting the files.

DATA_KEY_BYTES = 32  # AES-256


def new_data_key():
    """A random data key for one file (AES-256)."""
    return os.urandom(DATA_KEY_BYTES)


def wrap_data_key(data_key):
    """The data key as a Fernet token (bytes) under the newest record key."""
    return _fernet().encrypt(data_key)


def unwrap_data_key(wrapped):
    """The data key from its token; any configured record key opens it."""
    try:
        return _fernet().decrypt(wrapped)
    except InvalidToken:
        raise DecryptionError("a data key does not open with the configured keys") from None


def is_wrapped_with_newest_key(wrapped):
    """Whether the newest record key (the first) opens the token."""
    try:
        _record_keys()[0].decrypt(wrapped)
        return True
    except InvalidToken:
        return False


def rewrap_data_key(wrapped):
    """The same data key wrapped with the newest record key (key rotation)."""
    try:
        return _fernet().rotate(wrapped)
    except InvalidToken:
        raise DecryptionError("a data key does not open with the configured keys") from None
