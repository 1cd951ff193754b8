"""Where digitized documents (bản số hóa) and signed PDFs are kept: by their
SHA-256, never in the database, encrypted.

``FILE_STORE`` chooses the store: ``folder:<path>`` (the default, a folder
under ``instance/``) or ``s3://<bucket>`` (any S3-compatible storage:
``S3_ENDPOINT_URL``, and boto3's usual ``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``). Identical files are kept once.

Encryption at rest (envelope encryption): every file gets a random AES-256 data
key of its own; the content is encrypted with it (AES-256-GCM) and the data key
is wrapped with the record keys (``RECORD_ENCRYPTION_KEYS``, app/core/crypto.py),
both kept in the one stored object::

    magic "HOSO-ENC" (8 bytes) | version 0x01 (1 byte)
    | length of the wrapped key (2 bytes, big-endian) | wrapped data key (Fernet token)
    | nonce (12 bytes) | AES-256-GCM ciphertext of the content, with its 16-byte tag

The GCM tag also covers the magic, the version and the file's SHA-256 (associated
data), so an object moved under another name does not open. A file is still
addressed by the SHA-256 of its *plain* content (signatures and the canonical
JSON's digests keep verifying), and reading checks that SHA-256 again after
decrypting: a damaged or altered object is refused (``StoredFileError``), never
returned. An object without the magic is a file written before encryption: it is
read as it is (its SHA-256 checked) until ``flask files encrypt`` encrypts it in
place. ``flask files rotate`` re-wraps the data keys with the newest record key;
the contents are not re-encrypted.
"""
import hashlib
import os
import re
import struct
import tempfile
from collections import Counter

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

from app.core import crypto

MAGIC = b"HOSO-ENC"
VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
_LENGTH = struct.Struct(">H")
_HEADER_START = len(MAGIC) + 1 + _LENGTH.size
DIGEST_RE = re.compile(r"^[0-9a-f]{64}$")


class StoredFileError(RuntimeError):
    """A stored file fails its checks. ``reason`` is ``"key"`` (its data key opens
    with no configured record key: a removed key, or an altered key) or
    ``"damaged"`` (altered, truncated, or not the file of that SHA-256)."""

    def __init__(self, digest, reason, what):
        super().__init__("stored file %s: %s" % (digest, what))
        self.digest = digest
        self.reason = reason


def _associated_data(digest):
    return MAGIC + bytes([VERSION]) + digest.encode("ascii")


def seal(digest, data):
    """The stored object of ``data`` (whose SHA-256 is ``digest``): a new data key,
    wrapped with the newest record key."""
    data_key = crypto.new_data_key()
    wrapped = crypto.wrap_data_key(data_key)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, data, _associated_data(digest))
    return MAGIC + bytes([VERSION]) + _LENGTH.pack(len(wrapped)) + wrapped + nonce + ciphertext


def is_clear(digest, stored):
    """Whether the object is a file written before encryption: no magic (or, for
    an old clear file that happens to begin with it, its own SHA-256 matches)."""
    return not stored.startswith(MAGIC) or hashlib.sha256(stored).hexdigest() == digest


def _parts(digest, stored):
    """(wrapped data key, nonce, ciphertext) of an encrypted object."""
    if len(stored) < _HEADER_START:
        raise StoredFileError(digest, "damaged", "truncated header")
    if stored[len(MAGIC)] != VERSION:
        raise StoredFileError(digest, "damaged", "unknown format version %d"
                              % stored[len(MAGIC)])
    (length,) = _LENGTH.unpack_from(stored, len(MAGIC) + 1)
    nonce_at = _HEADER_START + length
    if len(stored) < nonce_at + NONCE_BYTES + TAG_BYTES:
        raise StoredFileError(digest, "damaged", "truncated")
    return (stored[_HEADER_START:nonce_at], stored[nonce_at:nonce_at + NONCE_BYTES],
            stored[nonce_at + NONCE_BYTES:])


def open_sealed(digest, stored):
    """The plain content of a stored object, its SHA-256 checked; clear objects
    (written before encryption) are returned as they are, checked the same way."""
    if is_clear(digest, stored):
        data = stored
    else:
        wrapped, nonce, ciphertext = _parts(digest, stored)
        try:
            data_key = crypto.unwrap_data_key(wrapped)
        except crypto.DecryptionError:
            raise StoredFileError(digest, "key", "the data key does not open with the "
                                  "configured record keys") from None
        try:
            data = AESGCM(data_key).decrypt(nonce, ciphertext, _associated_data(digest))
        except (InvalidTag, ValueError):
            raise StoredFileError(digest, "damaged", "the content does not decrypt "
                                  "(altered)") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise StoredFileError(digest, "damaged", "the content does not match its SHA-256")
    return data


class _Store:
    """What both stores do; each says how to read, write and list raw objects."""

    def put(self, data):
        digest = hashlib.sha256(data).hexdigest()
        if not self.exists(digest):
            self._write(digest, seal(digest, data))
        return digest

    def get(self, digest):
        return open_sealed(digest, self._read(digest))

    # the objects as stored (sealed), for backups: copied, never opened
    def stored(self, digest):
        return self._read(digest)

    def put_stored(self, digest, stored):
        self._write(digest, stored)

    def is_empty(self):
        return next(iter(self.digests()), None) is None

    @staticmethod
    def object_name(digest):
        """Where a file lives in either store: ``ab/cd/<sha256>``."""
        return "%s/%s/%s" % (digest[:2], digest[2:4], digest)

    def encrypt_in_place(self, digest):
        """Encrypt one clear file: ``"encrypted"``, or ``"already"`` if it was."""
        stored = self._read(digest)
        if not is_clear(digest, stored):
            return "already"
        data = open_sealed(digest, stored)  # checks the SHA-256 first
        self._write(digest, seal(digest, data))
        return "encrypted"

    def rotate_in_place(self, digest):
        """Re-wrap one file's data key with the newest record key, after checking
        that the file opens: ``"rewrapped"``, ``"current"`` (it had the newest key)
        or ``"clear"`` (not encrypted yet: `flask files encrypt`)."""
        stored = self._read(digest)
        open_sealed(digest, stored)
        if is_clear(digest, stored):
            return "clear"
        wrapped, nonce, ciphertext = _parts(digest, stored)
        if crypto.is_wrapped_with_newest_key(wrapped):
            return "current"
        rewrapped = crypto.rewrap_data_key(wrapped)
        self._write(digest, MAGIC + bytes([VERSION]) + _LENGTH.pack(len(rewrapped))
                    + rewrapped + nonce + ciphertext)
        return "rewrapped"


class FolderStore(_Store):
    """Files under ``root/ab/cd/<sha256>``: a few thousand per folder at most."""

    def __init__(self, root):
        self.root = root

    def _path(self, digest):
        return os.path.join(self.root, digest[:2], digest[2:4], digest)

    def _read(self, digest):
        with open(self._path(digest), "rb") as f:
            return f.read()

    def _write(self, digest, stored):
        path = self._path(digest)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # write then rename: a reader never sees half a file
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path))
        try:
            with os.fdopen(handle, "wb") as f:
                f.write(stored)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise

    def exists(self, digest):
        return os.path.exists(self._path(digest))

    def is_empty(self):
        # stricter than "no object": a restore goes into an empty folder only
        return not os.path.exists(self.root) or not os.listdir(self.root)

    def digests(self):
        """The SHA-256 of every stored file."""
        for folder, _subfolders, names in os.walk(self.root):
            for name in sorted(names):
                if DIGEST_RE.match(name) and folder == os.path.dirname(self._path(name)):
                    yield name


class S3Store(_Store):
    """Files as objects ``ab/cd/<sha256>`` of one bucket."""

    def __init__(self, bucket, endpoint_url=None):
        import boto3  # only deployments that use S3 load it

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None)

    def _read(self, digest):
        return self.client.get_object(Bucket=self.bucket, Key=self.object_name(digest))["Body"].read()

    def _write(self, digest, stored):
        self.client.put_object(Bucket=self.bucket, Key=self.object_name(digest), Body=stored,
                               ContentType="application/octet-stream")

    def exists(self, digest):
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_name(digest))
            return True
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def digests(self):
        """The SHA-256 of every stored file."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        for page in pages:
            for item in page.get("Contents", []):
                digest = item["Key"].rpartition("/")[2]
                if DIGEST_RE.match(digest) and item["Key"] == self.object_name(digest):
                    yield digest


def _each(store, action):
    """Apply ``action`` (a store method's name) to every file: (counts by outcome,
    the StoredFileErrors of the files that failed)."""
    counts, failures = Counter(), []
    for digest in list(store.digests()):
        try:
            counts[getattr(store, action)(digest)] += 1
        except StoredFileError as error:
            failures.append(error)
    return counts, failures


def encrypt_clear_files(store):
    """Encrypt every file still in clear, in place (idempotent):
    (counts of ``encrypted`` and ``already``, failures)."""
    return _each(store, "encrypt_in_place")


def rotate_data_keys(store):
    """Re-wrap every file's data key with the newest record key (idempotent):
    (counts of ``rewrapped``, ``current`` and ``clear``, failures)."""
    return _each(store, "rotate_in_place")


def file_store():
    setting = current_app.config["FILE_STORE"]
    if setting.startswith("s3://"):
        return S3Store(setting[len("s3://"):].strip("/"), current_app.config["S3_ENDPOINT_URL"])
    kind, _, where = setting.partition(":")
    if kind != "folder":
        raise RuntimeError("unknown FILE_STORE %r" % setting)
    return FolderStore(where)
