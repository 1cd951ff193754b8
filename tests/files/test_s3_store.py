"""Documents on S3-compatible storage: s3rver (a real S3 server over HTTP,
installed by `make test`) behind FILE_STORE=s3://bucket, through the same
attach-and-read path a person uses."""
import hashlib
import os
import socket
import subprocess
import tempfile
import time

import pytest

from app.accounts.models import Account
from app.extensions import db
from app.files.store import S3Store, file_store
from app.records import attachments, services
from app.org.models import Employee
from tests.records.conftest import open_self_service
from tests.records.test_attachments import PDF

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
S3RVER = os.path.join(ROOT, ".cache", "s3rver", "node_modules", ".bin", "s3rver")
BUCKET = "hoso-files"


@pytest.fixture
def s3_server(monkeypatch):
    if not os.path.exists(S3RVER):
        pytest.fail("s3rver is not installed: `make test` installs it.")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = tempfile.mkdtemp(prefix="hoso-s3-")
    server = subprocess.Popen([S3RVER, "-d", data, "-a", "127.0.0.1", "-p", str(port), "-s",
                               "--configure-bucket", BUCKET],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _attempt in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    # s3rver's own credentials
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "S3RVER")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "S3RVER")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    yield "http://127.0.0.1:%d" % port
    server.terminate()
    server.wait(timeout=10)


def test_documents_go_to_the_bucket_once_by_sha256(make_app, s3_server):
    from tests.records.conftest import FORM_CATALOGS
    from app.catalogs.services import load_shipped
    from tests.conftest import reset_data
    from tests.security import world

    app = make_app(FILE_STORE="s3://" + BUCKET, S3_ENDPOINT_URL=s3_server)
    province = world.build(app)
    try:
        with app.app_context():
            load_shipped(names=FORM_CATALOGS)
            open_self_service(province)
            person = Employee(full_name="Nguyễn Thị Hằng", category="vien_chuc",
                              unit_id=province.units["A"], account_id=province.accounts["canhan"])
            db.session.add(person)
            db.session.commit()
            me = db.session.get(Account, province.accounts["canhan"])
            draft = services.open_draft(me, person)
            first = attachments.attach(me, draft, "qd.pdf", PDF, "quyet_dinh_luong")
            second = attachments.attach(me, draft, "qd-ban-sao.pdf", PDF, "khac")
            store = file_store()
            assert isinstance(store, S3Store)
            digest = hashlib.sha256(PDF).hexdigest()
            assert first.sha256 == second.sha256 == digest
            # the object is in the bucket, once, under its digest
            listing = store.client.list_objects_v2(Bucket=BUCKET)["Contents"]
            assert [item["Key"] for item in listing] == ["%s/%s/%s" % (
                digest[:2], digest[2:4], digest)]
            assert attachments.content_of(first) == PDF
            # encrypted in the bucket, read back as the document
            stored = store.client.get_object(Bucket=BUCKET, Key=listing[0]["Key"])["Body"].read()
            assert stored != PDF and b"/Catalog" not in stored
            assert not store.exists(hashlib.sha256(b"nothing").hexdigest())
            db.session.remove()
    finally:
        reset_data(app)


def test_objects_in_the_bucket_are_encrypted_and_checked(make_app, s3_server):
    from app.files.store import MAGIC, StoredFileError, encrypt_clear_files, rotate_data_keys
    from tests.files.test_encryption import DOCUMENT, KEY_A, KEY_B, PHRASE

    def on_s3(app, keys):
        app.config.update(FILE_STORE="s3://" + BUCKET, S3_ENDPOINT_URL=s3_server,
                          RECORD_ENCRYPTION_KEYS=keys)
        return app

    app = on_s3(make_app(), KEY_A)
    with app.app_context():
        store = file_store()
        digest = store.put(DOCUMENT)
        assert store.put(DOCUMENT) == digest == hashlib.sha256(DOCUMENT).hexdigest()
        raw = store._read(digest)
        assert raw.startswith(MAGIC) and raw != DOCUMENT and PHRASE not in raw
        assert store.get(digest) == DOCUMENT
        # an object written before encryption reads, and `flask files encrypt` converts it
        clear = hashlib.sha256(b"an old scan " + PHRASE).hexdigest()
        store.client.put_object(Bucket=BUCKET, Key=store.object_name(clear),
                                Body=b"an old scan " + PHRASE)
        assert store.get(clear) == b"an old scan " + PHRASE
    runner = app.test_cli_runner()
    assert runner.invoke(args=["files", "encrypt"]).exit_code == 0
    with app.app_context():
        store = file_store()
        assert PHRASE not in store._read(clear)
        assert store.get(clear) == b"an old scan " + PHRASE
        counts, failures = encrypt_clear_files(store)
        assert (counts["encrypted"], counts["already"], failures) == (0, 2, [])
        assert sorted(store.digests()) == sorted([digest, clear])
    # rotation to key B, then an app with only B reads both
    app.config["RECORD_ENCRYPTION_KEYS"] = KEY_B + "," + KEY_A
    assert runner.invoke(args=["files", "rotate"]).exit_code == 0
    with app.app_context():
        counts, failures = rotate_data_keys(file_store())
        assert (counts["rewrapped"], counts["current"], failures) == (0, 2, [])
    only_b = on_s3(make_app(RECORD_ENCRYPTION_KEYS=KEY_B), KEY_B)
    with only_b.app_context():
        store = file_store()
        assert store.get(digest) == DOCUMENT
        assert store.get(clear) == b"an old scan " + PHRASE
        # a tampered object is refused, not returned
        raw = store._read(digest)
        store._write(digest, raw[:-30] + bytes([raw[-30] ^ 1]) + raw[-29:])
        with pytest.raises(StoredFileError):
            store.get(digest)
