"""Backups that restore (issue 14, item 9): create, restore, verify and prune.

One archive (``BACKUP_DIR/hoso-backup-<UTC time>.hosobak``) is a tar, encrypted as a
whole, holding::

    database/hoso.dump        PostgreSQL: pg_dump --format=custom (one snapshot)
    database/hoso.sqlite3     SQLite: a copy made with the online backup API
    files/ab/cd/<sha256>      the file store's objects (a folder or an S3 bucket), byte
                              for byte as stored (encrypted by the store itself: never
                              decrypted here)
    signing/trusted-ca.pem    SIGNING_TRUST_FILE (keys and seals are in the database,
                              encrypted already)
    audit/anchors.jsonl       AUDIT_ANCHOR_FILE, the audit chain's heads
    manifest.json             last: created at, database kind, alembic revision, row
                              count of every table, SHA-256 of every member

Consistency: on PostgreSQL the row counts and the alembic revision are read in a
REPEATABLE READ transaction whose snapshot pg_dump uses (``--snapshot``), so the
manifest describes exactly the dump. The anchor file is read before the snapshot (every
anchor names an entry the dump holds) and the file store after it (files are addressed
by content and never removed: every file the dump refers to is already there).

Encryption (format version 1, a STREAM construction of AES-256-GCM)::

    magic "HOSO-BAK" (8) | version 0x01 (1) | key id (8) | salt (16)
    | nonce prefix (7) | chunk size (4, big-endian)
    then chunks: AES-256-GCM(chunk of the tar), each with its 16-byte tag

The key is HKDF-SHA256(BACKUP_KEY, salt): a key of its own for every archive. Chunk
``i`` has the nonce ``prefix | i (4 bytes) | 1 if last else 0``, and the header is the
associated data of every chunk: a changed byte, a removed, reordered or truncated
chunk all fail to decrypt. The key id (an HMAC of the key) names the key that made the
archive, so several keys (``BACKUP_KEY`` comma-separated, newest first) can open old
archives. The key never travels inside the archive.

Restore goes only into an empty database (no table) and an empty or missing folder;
every member is checked against the manifest before anything is written. PostgreSQL:
``pg_restore --no-owner --single-transaction --exit-on-error`` as the owner (who runs
the migrations); the grants to the app's roles come with the dump, so those roles must
exist on a new server first. The audit table's triggers refuse UPDATE, DELETE and
TRUNCATE, not the INSERTs of a restore. The trust file and the anchor file are written
only where there is none; existing ones are kept. The restored database is then
compared with the manifest (row counts of every table, the alembic revision, the
SHA-256 of every file) and its audit chain verified against the anchors, and the
restore is audited in the restored database. ``verify`` does the same into a scratch
database (PostgreSQL: a new database on the app's server, made by DATABASE_OWNER_URL's
role, since the app's own role may create nothing; SQLite: a temporary file)
and a temporary folder, both removed afterwards, and is audited in the app's database.

Failures are ``BackupError(code, **params)``; the commands (cli.py) turn the code into
the user's message.
"""
import base64
import datetime
import glob
import hashlib
import hmac
import io
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app
from sqlalchemy import create_engine as _create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

import config
from app.audit import services as audit
from app.core import clock
from app.extensions import db
from app.files.store import FolderStore, S3Store, file_store
from app.policy.profiles import rule

MAGIC = b"HOSO-BAK"
VERSION = 1
CHUNK_BYTES = 1024 * 1024
TAG_BYTES = 16
_HEADER = struct.Struct(">8sB8s16s7sI")
ARCHIVE_SUFFIX = ".hosobak"
ARCHIVE_RE = re.compile(r"^hoso-backup-(\d{8}T\d{6})Z(?:-(\d+))?\.hosobak$")
FILE_MEMBER_RE = re.compile(r"^files/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")
PG_MEMBER = "database/hoso.dump"
SQLITE_MEMBER = "database/hoso.sqlite3"
TRUST_MEMBER = "signing/trusted-ca.pem"
ANCHORS_MEMBER = "audit/anchors.jsonl"
MANIFEST_MEMBER = "manifest.json"
# the development key (config.py's default); refused in production
DEVELOPMENT_KEY = "aG9zby1kZXYtYmFja3VwLWtleS1ub3QtZm9yLXByb2Q="


def create_engine(url, **options):
    """An engine of its own (not the app's), psycopg2 for PostgreSQL URLs."""
    if not isinstance(url, str):
        url = url.render_as_string(hide_password=False)
    return _create_engine(config.normalize_database_url(url), **options)


class BackupError(RuntimeError):
    """A backup operation refused or failed. ``code`` says why (cli.py has the message
    for each); ``params`` fill the message."""

    def __init__(self, code, **params):
        super().__init__("%s %s" % (code, params) if params else code)
        self.code = code
        self.params = params


# --- keys and the archive's encryption ------------------------------------------------------

def _master_keys():
    """The BACKUP_KEY keys (32 bytes each), newest first."""
    setting = current_app.config.get("BACKUP_KEY") or ""
    keys = []
    for part in setting.split(","):
        part = part.strip()
        if not part:
            continue
        if current_app.config.get("HOSO_ENV") == config.PRODUCTION and part == DEVELOPMENT_KEY:
            raise BackupError("development_key")
        try:
            raw = base64.urlsafe_b64decode(part.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raw = b""
        if len(raw) != 32:
            raise BackupError("bad_key")
        keys.append(raw)
    if not keys:
        raise BackupError("no_key")
    return keys


def _key_id(master):
    return hmac.new(master, b"hoso-backup key id", hashlib.sha256).digest()[:8]


def _archive_key(master, salt):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"hoso-backup v1").derive(master)


def _nonce(prefix, index, last):
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


class _EncryptingWriter(io.RawIOBase):
    """A write-only stream that encrypts what is written into ``out`` chunk by chunk."""

    def __init__(self, out, master):
        super().__init__()
        self.out = out
        salt, self.prefix = os.urandom(16), os.urandom(7)
        self.header = _HEADER.pack(MAGIC, VERSION, _key_id(master), salt, self.prefix,
                                   CHUNK_BYTES)
        self.aead = AESGCM(_archive_key(master, salt))
        self.buffer = bytearray()
        self.index = 0
        out.write(self.header)

    def writable(self):
        return True

    def write(self, data):
        self.buffer += data
        # keep at least one byte back: the last chunk is written by finish()
        while len(self.buffer) > CHUNK_BYTES:
            self._chunk(bytes(self.buffer[:CHUNK_BYTES]), last=False)
            del self.buffer[:CHUNK_BYTES]
        return len(data)

    def _chunk(self, plain, last):
        self.out.write(self.aead.encrypt(_nonce(self.prefix, self.index, last), plain,
                                         self.header))
        self.index += 1

    def finish(self):
        self._chunk(bytes(self.buffer), last=True)
        self.buffer.clear()


def _decrypted_chunks(handle):
    """The plain chunks of an archive; BackupError("not_archive" | "unknown_key" |
    "damaged") when it is not one, no key opens it, or it was altered or cut short."""
    header = handle.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise BackupError("not_archive")
    magic, version, key_id, salt, prefix, chunk_bytes = _HEADER.unpack(header)
    if magic != MAGIC or version != VERSION or not 0 < chunk_bytes <= 64 * CHUNK_BYTES:
        raise BackupError("not_archive")
    master = next((key for key in _master_keys() if hmac.compare_digest(_key_id(key), key_id)),
                  None)
    if master is None:
        raise BackupError("unknown_key")
    aead = AESGCM(_archive_key(master, salt))
    index = 0
    block = handle.read(chunk_bytes + TAG_BYTES)
    while True:
        following = handle.read(chunk_bytes + TAG_BYTES) if len(block) == chunk_bytes + \
            TAG_BYTES else b""
        last = not following
        try:
            yield aead.decrypt(_nonce(prefix, index, last), block, header)
        except (InvalidTag, ValueError):
            raise BackupError("damaged") from None
        if last:
            return
        block, index = following, index + 1


class _DecryptingReader(io.RawIOBase):
    def __init__(self, handle):
        super().__init__()
        self.chunks = _decrypted_chunks(handle)
        self.pending = b""

    def readable(self):
        return True

    def readinto(self, target):
        while not self.pending:
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self.pending))
        target[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


def _add_bytes(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def _add_path(tar, name, path):
    info = tar.gettarinfo(path, arcname=name)
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    with open(path, "rb") as handle:
        tar.addfile(info, handle)


def extract(archive_path, into):
    """Decrypt and unpack an archive into the folder ``into``; returns its manifest.
    Nothing is used before the whole archive has decrypted."""
    with open(archive_path, "rb") as handle:
        reader = io.BufferedReader(_DecryptingReader(handle), CHUNK_BYTES)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                for member in tar:
                    if not _expected_member(member):
                        raise BackupError("not_archive")
                    tar.extract(member, into, filter="data")
        except tarfile.TarError:
            raise BackupError("not_archive") from None
    manifest_path = os.path.join(into, MANIFEST_MEMBER)
    if not os.path.exists(manifest_path):
        raise BackupError("not_archive")
    with open(manifest_path, encoding="utf-8") as handle:
        return json.load(handle)


def _expected_member(member):
    name = member.name
    return member.isfile() and (name in (PG_MEMBER, SQLITE_MEMBER, TRUST_MEMBER,
                                         ANCHORS_MEMBER, MANIFEST_MEMBER)
                                or FILE_MEMBER_RE.match(name) is not None)


def write_archive(path, members_dir, manifest):
    """Tar ``members_dir`` (already laid out) plus the manifest, encrypted, into
    ``path`` (written as ``path.part`` and renamed when complete)."""
    partial = path + ".part"
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
        writer = _EncryptingWriter(out, _master_keys()[0])
        buffered = io.BufferedWriter(writer, CHUNK_BYTES)
        with tarfile.open(fileobj=buffered, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            for folder, subfolders, names in os.walk(members_dir):
                subfolders.sort()
                for name in sorted(names):
                    full = os.path.join(folder, name)
                    _add_path(tar, os.path.relpath(full, members_dir).replace(os.sep, "/"),
                              full)
            _add_bytes(tar, MANIFEST_MEMBER,
                       json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8"))
        buffered.flush()
        writer.finish()
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


# --- databases ------------------------------------------------------------------------------

def database_kind(url):
    backend = make_url(url).get_backend_name()
    if backend not in ("postgresql", "sqlite"):
        raise BackupError("unsupported_database", kind=backend)
    return backend


def _sqlite_path(url):
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("unsupported_database", kind="sqlite (memory)")
    return path


def _libpq(url):
    """(a libpq connection URI without the password, the environment with PGPASSWORD)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    uri = parsed.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False)
    return uri, env


def _binary_major(path):
    result = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"(\d+)(?:\.\d+)?", result.stdout)
    return int(match.group(1)) if match else 0


def pg_binary(name, server_major):
    """The newest ``name`` (pg_dump, pg_restore) on PATH or in /usr/lib/postgresql/*/bin
    whose major version is at least the server's."""
    candidates = glob.glob("/usr/lib/postgresql/*/bin/%s" % name)
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    best = None
    for path in candidates:
        major = _binary_major(path)
        if major >= server_major and (best is None or major > best[0]):
            best = (major, path)
    if best is None:
        raise BackupError("no_pg_binary", name=name, major=server_major)
    return best[1]


def _server_major(connection):
    return int(connection.execute(text("SHOW server_version_num")).scalar()) // 10000


def _tables(connection):
    """The tables of the database: ``name`` (``schema.name`` outside public)."""
    if connection.dialect.name == "postgresql":
        rows = connection.execute(text(
            "SELECT schemaname, tablename FROM pg_catalog.pg_tables WHERE schemaname NOT IN "
            "('pg_catalog', 'information_schema') ORDER BY schemaname, tablename")).all()
        return [name if schema == "public" else "%s.%s" % (schema, name)
                for schema, name in rows]
    return sorted(inspect(connection).get_table_names())


def _quoted(connection, table):
    preparer = connection.dialect.identifier_preparer
    return ".".join(preparer.quote_identifier(part) for part in table.split("."))


def row_counts(connection):
    return {table: connection.execute(text("SELECT count(*) FROM %s" % _quoted(
        connection, table))).scalar() for table in _tables(connection)}


def alembic_revision(connection):
    """The schema's alembic revision, None before the first migration."""
    if "alembic_version" not in _tables(connection):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def database_state(url):
    """(row counts of every table, alembic revision) of the database at ``url``."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return row_counts(connection), alembic_revision(connection)
    finally:
        engine.dispose()


def is_empty_database(url):
    kind = database_kind(url)
    if kind == "sqlite":
        path = _sqlite_path(url)
        if not os.path.exists(path) or os.path.getsize(path) == 0:
            return True
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return not _tables(connection)
    finally:
        engine.dispose()


def _dump_postgresql(url, target):
    """pg_dump of one snapshot into ``target``; returns (row counts, revision, server
    version) read in that same snapshot."""
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            with connection.begin():
                snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
                major = _server_major(connection)
                version = connection.execute(text("SHOW server_version")).scalar()
                counts = row_counts(connection)
                revision = alembic_revision(connection)
                uri, env = _libpq(url)
                result = subprocess.run(
                    [pg_binary("pg_dump", major), "--format=custom", "--snapshot=" + snapshot,
                     "--file=" + target, "--dbname=" + uri],
                    capture_output=True, text=True, env=env, check=False)
                if result.returncode != 0:
                    raise BackupError("dump_failed", detail=result.stderr.strip())
    finally:
        engine.dispose()
    return counts, revision, version


def _dump_sqlite(url, target):
    source = sqlite3.connect(_sqlite_path(url))
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    counts, revision = database_state("sqlite:///" + target)
    return counts, revision, sqlite3.sqlite_version


def _restore_postgresql(dump, url):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            major = _server_major(connection)
    finally:
        engine.dispose()
    uri, env = _libpq(url)
    # objects owned by the restoring role (the owner, who runs migrations); the grants
    # to the app's roles are kept: they must exist on the server (a migration made them)
    result = subprocess.run(
        [pg_binary("pg_restore", major), "--no-owner", "--exit-on-error",
         "--single-transaction", "--dbname=" + uri, dump],
        capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise BackupError("restore_failed", detail=result.stderr.strip())


def _restore_sqlite(copy, url):
    path = _sqlite_path(url)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    source, target = sqlite3.connect(copy), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


# --- the file store -------------------------------------------------------------------------

def _stored_objects(root):
    """(relative path, full path) of every stored object ``ab/cd/<sha256>`` under root;
    the store's temporary files are not objects."""
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        for name in sorted(names):
            full = os.path.join(folder, name)
            relative = os.path.relpath(full, root).replace(os.sep, "/")
            if FILE_MEMBER_RE.match("files/" + relative) and name[:2] + "/" + name[2:4] + \
                    "/" + name == relative:
                found.append((relative, full))
    return found


# --- create ---------------------------------------------------------------------------------

def backup_dir():
    return current_app.config.get("BACKUP_DIR") or os.path.join(current_app.instance_path,
                                                                "backups")


def _app_commit():
    try:
        result = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                                cwd=os.path.dirname(current_app.root_path), timeout=5,
                                check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return (result.stdout.strip() or None) if result.returncode == 0 else None


def _new_archive_path(directory, moment):
    stem = "hoso-backup-%s" % moment.astimezone(datetime.timezone.utc).strftime(
        "%Y%m%dT%H%M%SZ")
    path, number = os.path.join(directory, stem + ARCHIVE_SUFFIX), 1
    while os.path.exists(path) or os.path.exists(path + ".part"):
        number += 1
        path = os.path.join(directory, "%s-%d%s" % (stem, number, ARCHIVE_SUFFIX))
    return path


def _copy_if_exists(source, target):
    if source and os.path.isfile(source):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(source, target)
        return True
    return False


def create_backup(directory=None):
    """Write one archive of the app's database, file store, trust file and audit
    anchors; returns (path of the archive, manifest). Audited."""
    _master_keys()  # no key, no work
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    kind = database_kind(url)
    directory = directory or backup_dir()
    os.makedirs(directory, mode=0o700, exist_ok=True)
    moment = clock.now()
    with tempfile.TemporaryDirectory(prefix="hoso-backup-") as work:
        members = os.path.join(work, "members")
        # before the snapshot: every anchor names an entry the dump holds
        has_anchors = _copy_if_exists(current_app.config.get("AUDIT_ANCHOR_FILE"),
                                      os.path.join(members, ANCHORS_MEMBER))
        has_trust = _copy_if_exists(current_app.config.get("SIGNING_TRUST_FILE"),
                                    os.path.join(members, TRUST_MEMBER))
        member = PG_MEMBER if kind == "postgresql" else SQLITE_MEMBER
        dump = os.path.join(members, member)
        os.makedirs(os.path.dirname(dump), exist_ok=True)
        if kind == "postgresql":
            counts, revision, server = _dump_postgresql(url, dump)
        else:
            counts, revision, server = _dump_sqlite(url, dump)
        # after the snapshot: content-addressed files the dump refers to exist already
        # (a folder or a bucket alike, as stored: sealed, never opened here)
        store = file_store()
        objects = {}
        for digest in sorted(store.digests()):
            data = store.stored(digest)  # read once: hashed and copied alike
            relative = store.object_name(digest)
            target = os.path.join(members, "files", *relative.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as handle:
                handle.write(data)
            objects[relative] = hashlib.sha256(data).hexdigest()
        manifest = {
            "format": "hoso-backup",
            "format_version": VERSION,
            "created_at": moment.astimezone(datetime.timezone.utc).isoformat(),
            "app": {"commit": _app_commit(), "profile": current_app.config.get(
                "PROVINCE_PROFILE")},
            "database": {
                "kind": kind, "member": member, "server_version": server,
                "alembic_revision": revision, "sha256": _sha256_file(dump),
                "size": os.path.getsize(dump), "tables": counts,
            },
            "files": {"store": "s3" if isinstance(store, S3Store) else "folder",
                      "included": True, "objects": objects},
            "signing": {"trust_file": {"member": TRUST_MEMBER, "sha256": _sha256_file(
                os.path.join(members, TRUST_MEMBER))} if has_trust else None},
            "audit": {"anchor_file": {"member": ANCHORS_MEMBER, "sha256": _sha256_file(
                os.path.join(members, ANCHORS_MEMBER))} if has_anchors else None},
        }
        path = _new_archive_path(directory, moment)
        write_archive(path, members, manifest)
    audit.record("backup.create", object_type="Backup", details={
        "archive": os.path.basename(path), "sha256": _sha256_file(path),
        "size": os.path.getsize(path), "database": kind, "alembic_revision": revision,
        "rows": sum(counts.values()), "files": len(objects)})
    db.session.commit()
    return path, manifest


# --- checks against the manifest ------------------------------------------------------------

def check_members(manifest, extracted):
    """The differences between the unpacked members and the manifest's hashes."""
    problems = []
    database = manifest["database"]
    dump = os.path.join(extracted, database["member"])
    if not os.path.exists(dump) or _sha256_file(dump) != database["sha256"]:
        problems.append(("dump", database["member"]))
    problems += compare_files(manifest, os.path.join(extracted, "files"))
    for section, key in (("signing", "trust_file"), ("audit", "anchor_file")):
        entry = manifest[section][key]
        if entry is not None:
            member = os.path.join(extracted, entry["member"])
            if not os.path.exists(member) or _sha256_file(member) != entry["sha256"]:
                problems.append(("member", entry["member"]))
    return problems


def compare_store(manifest, store):
    """compare_files for a store (a folder or a bucket): each object as stored."""
    expected = manifest["files"]["objects"]
    found = {store.object_name(digest): hashlib.sha256(store.stored(digest)).hexdigest()
             for digest in store.digests()}
    return [("file", relative) for relative in sorted(set(expected) | set(found))
            if expected.get(relative) != found.get(relative)]


def compare_files(manifest, folder):
    """Differences between a folder of stored objects and the manifest: ("file",
    relative path) for each object missing, changed or not in the manifest."""
    expected = manifest["files"]["objects"]
    found = {relative: _sha256_file(full) for relative, full in _stored_objects(folder)} \
        if os.path.isdir(folder) else {}
    return [("file", relative) for relative in sorted(set(expected) | set(found))
            if expected.get(relative) != found.get(relative)]


def compare_database(manifest, url):
    """Differences between a database and the manifest: ("table", name, expected,
    found) for each table whose row count differs (None: the table is missing or
    extra), ("revision", expected, found)."""
    counts, revision = database_state(url)
    expected = manifest["database"]["tables"]
    problems = [("table", table, expected.get(table), counts.get(table))
                for table in sorted(set(expected) | set(counts))
                if expected.get(table) != counts.get(table)]
    if revision != manifest["database"]["alembic_revision"]:
        problems.append(("revision", manifest["database"]["alembic_revision"], revision))
    return problems


def _bound_app(url, anchor_file):
    """A bare app on another database (the restored one), with this app's audit keys,
    so that the audit services run there."""
    bound = Flask("hoso-backup", instance_path=current_app.instance_path)
    bound.config.update(current_app.config)
    bound.config.update(SQLALCHEMY_DATABASE_URI=config.normalize_database_url(url),
                        AUDIT_ANCHOR_FILE=anchor_file)
    bound.config.pop("SQLALCHEMY_BINDS", None)
    db.init_app(bound)
    return bound


def in_database(url, anchor_file, action):
    """``action()`` in an app bound to the database at ``url``; its session is
    committed when the action returns."""
    bound = _bound_app(url, anchor_file)
    with bound.app_context():
        try:
            result = action()
            db.session.commit()
            return result
        finally:
            db.session.remove()
            db.engine.dispose()


def _audit_problems():
    try:
        count, problems = audit.verify_chain()
    except audit.AnchorFileAltered as error:
        return 0, [(error.args[0], "anchor_file")]
    return count, problems


# --- restore --------------------------------------------------------------------------------

def restore_backup(archive, database_url=None, files_dir=None, trust_file=None,
                   anchor_file=None, audit_action="backup.restore"):
    """Restore an archive into an empty database and an empty folder (the app's own by
    default). The trust file and the anchor file are written where there is none yet;
    existing ones are kept (``kept`` names them). Returns a report dict with
    ``problems`` (the restored data against the manifest) and ``audit`` (entries,
    problems of the restored audit chain). Audited in the restored database."""
    settings = current_app.config
    # the owner restores (the app's own role may create nothing)
    database_url = database_url or owner_url()
    # the files go into the app's own store (a folder or a bucket) unless told a folder
    files = FolderStore(files_dir) if files_dir else file_store()
    trust_file = trust_file or settings.get("SIGNING_TRUST_FILE")
    anchor_file = anchor_file or settings.get("AUDIT_ANCHOR_FILE")
    database_kind(database_url)  # PostgreSQL or SQLite, or refused here
    if not is_empty_database(database_url):
        raise BackupError("database_not_empty")
    if not files.is_empty():
        raise BackupError("folder_not_empty", folder=_store_name(files))
    with tempfile.TemporaryDirectory(prefix="hoso-restore-") as work:
        manifest = extract(archive, work)
        return _restore_extracted(archive, manifest, work, database_url, files,
                                  trust_file, anchor_file, audit_action)


def _store_name(store):
    return "s3://" + store.bucket if isinstance(store, S3Store) else store.root


def _restore_extracted(archive, manifest, work, database_url, files, trust_file,
                       anchor_file, audit_action):
    kind = database_kind(database_url)
    if manifest["database"]["kind"] != kind:
        raise BackupError("wrong_database_kind", expected=manifest["database"]["kind"],
                          found=kind)
    problems = check_members(manifest, work)
    if problems:
        raise BackupError("members_differ", problems=problems)
    dump = os.path.join(work, manifest["database"]["member"])
    if kind == "postgresql":
        _restore_postgresql(dump, database_url)
    else:
        _restore_sqlite(dump, database_url)
    source_files = os.path.join(work, "files")
    for relative, full in (_stored_objects(source_files)
                           if os.path.isdir(source_files) else []):
        with open(full, "rb") as handle:
            files.put_stored(relative.rpartition("/")[2], handle.read())
    kept = []
    for member, target in ((TRUST_MEMBER, trust_file), (ANCHORS_MEMBER, anchor_file)):
        source = os.path.join(work, member)
        if not os.path.exists(source) or not target:
            continue
        if os.path.exists(target):
            if _sha256_file(target) != _sha256_file(source):
                kept.append(target)
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(source, target)
    problems = compare_database(manifest, database_url) + compare_store(manifest, files)
    counts = manifest["database"]["tables"]

    def check_and_record():
        entries, chain_problems = _audit_problems()
        if audit_action is None:  # a scratch database, dropped afterwards
            return entries, chain_problems
        audit.record(audit_action, object_type="Backup", details={
            "archive": os.path.basename(archive), "created_at": manifest["created_at"],
            "identical": not problems, "audit_chain_intact": not chain_problems})
        return entries, chain_problems

    entries, chain_problems = in_database(database_url, anchor_file, check_and_record)
    return {"manifest": manifest, "problems": problems, "kept": kept,
            "tables": len(counts), "rows": sum(counts.values()),
            "files": len(manifest["files"]["objects"]),
            "audit": {"entries": entries, "problems": chain_problems}}


# --- verify ---------------------------------------------------------------------------------

def owner_url():
    """The schema owner's connection (DATABASE_OWNER_URL), else the app's own."""
    settings = current_app.config
    return settings.get("DATABASE_OWNER_URL") or settings["SQLALCHEMY_DATABASE_URI"]


def _scratch_database(kind, work):
    """(URL of a new empty scratch database, a function that drops it)."""
    if kind == "sqlite":
        path = os.path.join(work, "scratch.sqlite3")
        return "sqlite:///" + path, lambda: None
    url = owner_url()   # the app's own role may not create a database
    if database_kind(url) != "postgresql":
        raise BackupError("verify_needs_postgresql")
    name = "hoso_verify_%s" % uuid.uuid4().hex[:12]
    server = make_url(url).set(database="postgres")
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text('CREATE DATABASE "%s" ENCODING \'UTF8\' TEMPLATE template0'
                                    % name))
    except SQLAlchemyError as error:
        raise BackupError("scratch_failed", detail=str(getattr(error, "orig", None) or error)) from None
    finally:
        engine.dispose()

    def drop():
        dropper = create_engine(server, isolation_level="AUTOCOMMIT")
        try:
            with dropper.connect() as connection:
                connection.execute(text('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name))
        finally:
            dropper.dispose()

    return make_url(url).set(database=name).render_as_string(hide_password=False), drop


def verify_backup(archive):
    """Restore an archive into a scratch database and a temporary folder (both removed
    afterwards) and compare with its manifest; returns restore_backup's report. Audited
    in the app's database."""
    with tempfile.TemporaryDirectory(prefix="hoso-verify-") as work:
        members = os.path.join(work, "archive")
        try:
            manifest = extract(archive, members)
            scratch, drop = _scratch_database(manifest["database"]["kind"], work)
        except BackupError as error:
            _record_verify(archive, False, error.code)
            raise
        try:
            report = _restore_extracted(
                archive, manifest, members, scratch, FolderStore(os.path.join(work, "files")),
                os.path.join(work, "trusted-ca.pem"), os.path.join(work, "anchors.jsonl"),
                None)
        except BackupError as error:
            _record_verify(archive, False, error.code)
            raise
        finally:
            drop()
    _record_verify(archive, not report["problems"] and not report["audit"]["problems"],
                   None, len(report["problems"]))
    return report


def _record_verify(archive, identical, error, differences=None):
    audit.record("backup.verify", object_type="Backup", details={
        "archive": os.path.basename(archive), "identical": identical, "error": error,
        "differences": differences})
    db.session.commit()


# --- retention ------------------------------------------------------------------------------

def archive_time(name):
    match = ARCHIVE_RE.match(name)
    if match is None:
        return None
    return datetime.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(
        tzinfo=datetime.timezone.utc)


def _months_before(moment, months):
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(moment.day, 0, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def archives_to_keep(names, keep_months, now):
    """Which archives the retention rule keeps: every archive of the last
    ``keep_months`` months (since the same day that many months ago), and the newest
    archive of each of the ``keep_months`` most recent months that have one (so that
    at least that many monthly backups survive a backup job that stopped).
    ``keep_months`` None: every archive."""
    dated = sorted(((archive_time(name), name) for name in names if archive_time(name)),
                   reverse=True)
    if keep_months is None:
        return {name for _moment, name in dated}
    # whole days: on 1 December, three months keep everything since 1 September
    cutoff = _months_before(now.astimezone(datetime.timezone.utc), keep_months).replace(
        hour=0, minute=0, second=0, microsecond=0)
    keep = {name for moment, name in dated if moment >= cutoff}
    months_seen = []
    for moment, name in dated:  # newest first: the first of each month is its newest
        month = (moment.year, moment.month)
        if month not in months_seen:
            if len(months_seen) == keep_months:
                break
            months_seen.append(month)
            keep.add(name)
    return keep


def prune_backups(directory=None, now=None):
    """Delete the archives the profile's retention rule (``backups.keep_months``) does
    not keep; returns (kept names, deleted names). Audited when it deletes or not."""
    directory = directory or backup_dir()
    keep_months = rule("backups.keep_months")
    names = sorted(name for name in os.listdir(directory) if ARCHIVE_RE.match(name)) \
        if os.path.isdir(directory) else []
    keep = archives_to_keep(names, keep_months, now or clock.now())
    deleted = [name for name in names if name not in keep]
    for name in deleted:
        os.unlink(os.path.join(directory, name))
    audit.record("backup.prune", object_type="Backup", details={
        "keep_months": keep_months, "frequency": rule("backups.frequency"),
        "kept": sorted(keep), "deleted": deleted})
    db.session.commit()
    return sorted(keep), deleted
