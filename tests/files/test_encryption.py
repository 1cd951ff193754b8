"""Documents are encrypted at rest in the folder store (envelope encryption with the
record keys), still addressed by the SHA-256 of their plain content; files written
before encryption still read, `flask files encrypt` converts them, `flask files
rotate` moves every data key to the newest record key."""
import hashlib
import os

import pytest
from cryptography.fernet import Fernet

from app.files.store import (MAGIC, FolderStore, StoredFileError, encrypt_clear_files,
                             file_store, rotate_data_keys)

PHRASE = b"CCCD 001203004567 Nguyen Thi Hang"
DOCUMENT = (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + PHRASE
            + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n")
# two record keys of this module's own: A is the old one, B the new one
KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


@pytest.fixture
def app(make_app, tmp_path):
    """The tests' app with a file store of this test's own, under key A."""
    app = make_app()
    app.config["FILE_STORE"] = "folder:" + str(tmp_path / "files")
    app.config["RECORD_ENCRYPTION_KEYS"] = KEY_A
    return app


def _stored_files(root):
    return sorted(os.path.join(folder, name) for folder, _dirs, names in os.walk(root)
                  for name in names)


def _raw(app, digest):
    with app.app_context():
        with open(file_store()._path(digest), "rb") as f:
            return f.read()


def _write_raw(app, digest, content):
    with app.app_context():
        path = file_store()._path(digest)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content)


def _write_clear(app, data):
    """A file as the store wrote it before encryption: the plain bytes."""
    digest = hashlib.sha256(data).hexdigest()
    _write_raw(app, digest, data)
    return digest


def test_the_bytes_on_disk_are_not_the_document(app):
    with app.app_context():
        store = file_store()
        digest = store.put(DOCUMENT)
        assert digest == hashlib.sha256(DOCUMENT).hexdigest()
        on_disk = _raw(app, digest)
        assert on_disk != DOCUMENT
        assert on_disk.startswith(MAGIC)
        assert PHRASE not in on_disk and b"%PDF" not in on_disk
        assert store.get(digest) == DOCUMENT
        assert store.exists(digest)


def test_the_same_document_is_stored_once(app, tmp_path):
    with app.app_context():
        store = file_store()
        first, second = store.put(DOCUMENT), store.put(DOCUMENT)
        assert first == second
        assert _stored_files(tmp_path / "files") == [store._path(first)]
        assert list(store.digests()) == [first]


def test_each_file_has_its_own_data_key(app):
    """Two stores of the same content (two deployments) give different objects."""
    with app.app_context():
        digest = hashlib.sha256(DOCUMENT).hexdigest()
        first = file_store().put(DOCUMENT)
        once = _raw(app, first)
        os.unlink(file_store()._path(digest))
        file_store().put(DOCUMENT)
        assert _raw(app, digest) != once
        assert file_store().get(digest) == DOCUMENT


def test_a_clear_file_from_before_encryption_still_reads(app):
    digest = _write_clear(app, DOCUMENT)
    with app.app_context():
        assert file_store().get(digest) == DOCUMENT
        # storing it again does not disturb it
        assert file_store().put(DOCUMENT) == digest
        assert file_store().get(digest) == DOCUMENT


def test_flask_files_encrypt_converts_clear_files_and_is_idempotent(app):
    clear = _write_clear(app, DOCUMENT)
    other = _write_clear(app, b"a scanned decision " + PHRASE)
    with app.app_context():
        already = file_store().put(b"a document stored encrypted " + PHRASE)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["files", "encrypt"])
    assert result.exit_code == 0, result.output
    for digest in (clear, other):
        on_disk = _raw(app, digest)
        assert on_disk.startswith(MAGIC) and PHRASE not in on_disk
    with app.app_context():
        store = file_store()
        assert store.get(clear) == DOCUMENT
        assert store.get(other) == b"a scanned decision " + PHRASE
        assert store.get(already) == b"a document stored encrypted " + PHRASE
        before = {digest: _raw(app, digest) for digest in (clear, other, already)}
        counts, failures = encrypt_clear_files(store)
        assert (counts["encrypted"], counts["already"], failures) == (0, 3, [])
        # nothing was rewritten the second time
        assert {digest: _raw(app, digest) for digest in before} == before
    assert runner.invoke(args=["files", "encrypt"]).exit_code == 0


def test_encrypt_counts_what_it_did(app):
    _write_clear(app, DOCUMENT)
    with app.app_context():
        file_store().put(b"another")
        counts, failures = encrypt_clear_files(file_store())
    assert (counts["encrypted"], counts["already"], failures) == (1, 1, [])


def test_rotation_lets_the_old_key_go(app, make_app):
    with app.app_context():
        digest = file_store().put(DOCUMENT)
    clear = _write_clear(app, b"an old clear scan " + PHRASE)
    wrapped_with_a = _raw(app, digest)
    # key B comes in front; A still decrypts
    app.config["RECORD_ENCRYPTION_KEYS"] = KEY_B + "," + KEY_A
    runner = app.test_cli_runner()
    result = runner.invoke(args=["files", "rotate"])
    assert result.exit_code == 0, result.output
    rotated = _raw(app, digest)
    assert rotated != wrapped_with_a and PHRASE not in rotated
    # only the wrapped key changed: the ciphertext is the same
    assert rotated[-len(DOCUMENT) - 16:] == wrapped_with_a[-len(DOCUMENT) - 16:]
    with app.app_context():
        counts, failures = rotate_data_keys(file_store())
    assert (counts["rewrapped"], counts["current"], counts["clear"], failures) == (0, 1, 1, [])
    # an app that knows only key B reads every file
    only_b = make_app(RECORD_ENCRYPTION_KEYS=KEY_B)
    only_b.config["FILE_STORE"] = app.config["FILE_STORE"]
    with only_b.app_context():
        assert file_store().get(digest) == DOCUMENT
        assert file_store().get(clear) == b"an old clear scan " + PHRASE


def test_without_rotation_removing_the_old_key_loses_the_file(app, make_app):
    """What rotation is for: a file wrapped with A does not open with only B."""
    with app.app_context():
        digest = file_store().put(DOCUMENT)
    only_b = make_app(RECORD_ENCRYPTION_KEYS=KEY_B)
    only_b.config["FILE_STORE"] = app.config["FILE_STORE"]
    with only_b.app_context():
        with pytest.raises(StoredFileError) as refused:
            file_store().get(digest)
        assert refused.value.reason == "key"
    result = only_b.test_cli_runner().invoke(args=["files", "rotate"])
    assert result.exit_code == 1
    assert digest in result.output
    # the failed rotation rewrote nothing: with A the file is still there
    with app.app_context():
        assert file_store().get(digest) == DOCUMENT


def _flip(content, at):
    return content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1:]


@pytest.mark.parametrize("where", ["ciphertext", "tag", "nonce", "wrapped key", "version",
                                   "magic", "truncated"])
def test_a_tampered_file_is_refused(app, where):
    with app.app_context():
        digest = file_store().put(DOCUMENT)
    stored = _raw(app, digest)
    at = {"ciphertext": len(stored) - len(DOCUMENT) // 2, "tag": len(stored) - 1,
          "nonce": len(stored) - len(DOCUMENT) - 16 - 5, "wrapped key": len(MAGIC) + 3 + 40,
          "version": len(MAGIC), "magic": 0}.get(where)
    _write_raw(app, digest, stored[:-20] if where == "truncated" else _flip(stored, at))
    with app.app_context():
        with pytest.raises(StoredFileError) as refused:
            file_store().get(digest)
        assert refused.value.digest == digest
        counts, failures = encrypt_clear_files(file_store())
        assert [failure.digest for failure in failures] == (
            [digest] if where == "magic" else [])


def test_an_altered_clear_file_is_refused(app):
    digest = hashlib.sha256(DOCUMENT).hexdigest()
    _write_raw(app, digest, DOCUMENT.replace(b"Hang", b"Hung"))
    with app.app_context():
        with pytest.raises(StoredFileError):
            file_store().get(digest)
    # `flask files encrypt` does not encrypt a file that is not what its name says
    result = app.test_cli_runner().invoke(args=["files", "encrypt"])
    assert result.exit_code == 1
    assert digest in result.output
    assert _raw(app, digest) == DOCUMENT.replace(b"Hang", b"Hung")


def test_a_file_moved_under_another_name_is_refused(app):
    with app.app_context():
        first = file_store().put(DOCUMENT)
        second = file_store().put(b"another document")
    _write_raw(app, second, _raw(app, first))
    with app.app_context():
        with pytest.raises(StoredFileError):
            file_store().get(second)


def test_the_folder_store_lists_only_stored_files(tmp_path):
    store = FolderStore(str(tmp_path))
    assert list(store.digests()) == []
    digest = hashlib.sha256(b"x").hexdigest()
    folder = tmp_path / digest[:2] / digest[2:4]
    folder.mkdir(parents=True)
    (folder / digest).write_bytes(b"x")
    (folder / "tmpabc123").write_bytes(b"half written")
    (tmp_path / digest).write_bytes(b"x")  # not where the store keeps it
    assert list(store.digests()) == [digest]
