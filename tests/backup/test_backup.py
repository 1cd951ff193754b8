"""Backups that restore (issue 14, item 9): create → restore into a fresh database and
folder is identical (row counts, file hashes, the audit chain); verify passes on a good
archive and fails on an altered one or a database that differs; restore refuses what is
not empty; retention keeps what the profile says."""
import datetime
import hashlib
import json
import os

import psycopg2
import pytest
from sqlalchemy import select, text

from app import create_app
from app.audit import services as audit
from app.audit.models import AuditEntry
from app.backup import services
from app.backup.services import create_engine
from app.extensions import db
from app.files.store import file_store
from tests import pgserver
from tests.conftest import (APP_ROLE, CHEAP_HASH, FILE_STORE_DIR, app_role_url, environ_for,
                            migrate_to_head, reset_data)
from tests.files.test_s3_store import s3_server  # noqa: F401 (a fixture)
from tests.security import world

UTC = datetime.timezone.utc


@pytest.fixture
def backup_app(make_app, tmp_path):
    app = make_app(BACKUP_DIR=str(tmp_path / "backups"))
    world.build(app)
    with app.app_context():
        file_store().put(("giấy khai sinh %s" % tmp_path).encode("utf-8"))
        audit.anchor_head()
        db.session.commit()
    yield app
    reset_data(app)


@pytest.fixture
def fresh_database(pg_server_url):
    created = []

    def _create():
        created.append(pgserver.create_database(pg_server_url, prefix="hoso_restore"))
        return created[-1]

    yield _create
    for url in created:
        pgserver.drop_database(pg_server_url, url)


def _objects(root):
    """relative path -> SHA-256 of every stored object under a folder store's root."""
    return {relative: hashlib.sha256(open(full, "rb").read()).hexdigest()
            for relative, full in services._stored_objects(root)}


def _chain_problems(url, anchor_file):
    """verify_chain in an app bound to the database at ``url``."""
    app = create_app(CHEAP_HASH, environ=environ_for(url, AUDIT_ANCHOR_FILE=anchor_file))
    with app.app_context():
        try:
            return audit.verify_chain()
        finally:
            db.session.remove()
            db.engine.dispose()


def _actions(app):
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("backup.%")).order_by(AuditEntry.id)).all()
        db.session.remove()
    return actions


def _create(app):
    with app.app_context():
        try:
            return services.create_backup()
        finally:
            db.session.remove()


def test_create_then_restore_is_identical(backup_app, database_url, fresh_database, tmp_path):
    source_counts, revision = services.database_state(database_url)
    source_objects = _objects(FILE_STORE_DIR)
    _entries, source_chain = _chain_problems(database_url, backup_app.config["AUDIT_ANCHOR_FILE"])
    path, manifest = _create(backup_app)

    assert os.path.dirname(path) == str(tmp_path / "backups")
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert manifest["database"]["kind"] == "postgresql"
    assert manifest["database"]["tables"] == source_counts
    assert manifest["database"]["alembic_revision"] == revision
    assert manifest["files"]["objects"] == source_objects and source_objects
    with open(path, "rb") as handle:  # encrypted as a whole: no member name in clear
        content = handle.read()
    assert b"manifest.json" not in content and b"alembic_version" not in content

    target = fresh_database()
    files_dir = tmp_path / "restored-files"
    anchor_file = str(tmp_path / "restored-audit" / "anchors.jsonl")
    with backup_app.app_context():
        report = services.restore_backup(path, target, str(files_dir),
                                         str(tmp_path / "ca.pem"), anchor_file)
    assert report["problems"] == [] and report["audit"]["problems"] == source_chain == []

    restored_counts, restored_revision = services.database_state(target)
    # the restore's own audit entry is the one row more
    assert restored_counts == dict(source_counts, audit_entry=source_counts["audit_entry"] + 1)
    assert restored_revision == revision
    assert _objects(str(files_dir)) == source_objects
    assert open(anchor_file, "rb").read() == open(backup_app.config["AUDIT_ANCHOR_FILE"],
                                                 "rb").read()
    entries, problems = _chain_problems(target, anchor_file)
    assert problems == [] and entries == restored_counts["audit_entry"]
    assert _actions(backup_app)[-1:] == ["backup.create"]
    engine = create_engine(target)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT action FROM audit_entry ORDER BY id DESC "
                                       "LIMIT 1")).scalar() == "backup.restore"
    engine.dispose()
    # the app's role keeps its rights in the restored database, and no more on the log
    app_engine = create_engine(app_role_url(target))
    with app_engine.connect() as connection:
        assert connection.execute(text("SELECT current_user")).scalar() == APP_ROLE
        assert connection.execute(text("SELECT count(*) FROM org_unit")).scalar() == \
            source_counts["org_unit"]
        assert connection.execute(text(
            "SELECT has_table_privilege('audit_entry', 'INSERT') AND NOT "
            "has_table_privilege('audit_entry', 'UPDATE') AND NOT "
            "has_table_privilege('audit_entry', 'TRUNCATE')")).scalar()
    app_engine.dispose()


def _server_databases(pg_server_url):
    connection = psycopg2.connect(pg_server_url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'hoso_verify_%'")
        names = {row[0] for row in cursor.fetchall()}
    connection.close()
    return names


def test_verify_passes_on_a_good_archive_and_fails_on_one_changed_byte(
        backup_app, pg_server_url, tmp_path):
    path, _manifest = _create(backup_app)
    runner = backup_app.test_cli_runner()
    before = _server_databases(pg_server_url)

    result = runner.invoke(args=["backup", "verify", path])
    assert result.exit_code == 0, result.output
    assert "phục hồi nguyên vẹn" in result.output
    assert _server_databases(pg_server_url) == before  # the scratch database is dropped

    altered = str(tmp_path / "altered.hosobak")
    data = bytearray(open(path, "rb").read())
    data[len(data) // 2] ^= 0x01
    open(altered, "wb").write(bytes(data))
    result = runner.invoke(args=["backup", "verify", altered])
    assert result.exit_code == 1
    assert "Không giải mã được bản sao lưu" in result.output
    assert _server_databases(pg_server_url) == before
    assert _actions(backup_app)[-3:] == ["backup.create", "backup.verify", "backup.verify"]

    truncated = str(tmp_path / "truncated.hosobak")
    open(truncated, "wb").write(bytes(data[:len(data) - 1000]))
    assert runner.invoke(args=["backup", "verify", truncated]).exit_code == 1


def test_verify_fails_when_the_restored_database_differs(backup_app, fresh_database,
                                                         tmp_path):
    path, manifest = _create(backup_app)
    # an archive whose database is not what its manifest says (re-encrypted with the key)
    members = str(tmp_path / "members")
    with backup_app.app_context():
        services.extract(path, members)
        os.unlink(os.path.join(members, services.MANIFEST_MEMBER))
        wrong = json.loads(json.dumps(manifest))
        wrong["database"]["tables"]["org_unit"] += 1
        services.write_archive(str(tmp_path / "wrong.hosobak"), members, wrong)
    result = backup_app.test_cli_runner().invoke(
        args=["backup", "verify", str(tmp_path / "wrong.hosobak")])
    assert result.exit_code == 1, result.output
    assert "Bảng org_unit" in result.output and "không phục hồi được nguyên vẹn" in result.output

    # a restored database changed afterwards no longer matches the manifest
    target = fresh_database()
    with backup_app.app_context():
        services.restore_backup(path, target, str(tmp_path / "files"),
                                str(tmp_path / "ca.pem"), str(tmp_path / "anchors.jsonl"))
    engine = create_engine(target)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM catalog_entry WHERE id = (SELECT max(id) FROM "
                                "catalog_entry)"))
    engine.dispose()
    problems = services.compare_database(manifest, target)
    expected = manifest["database"]["tables"]["catalog_entry"]
    assert ("table", "catalog_entry", expected, expected - 1) in problems


def test_restore_refuses_a_database_or_folder_that_is_not_empty(
        backup_app, database_url, fresh_database, tmp_path):
    path, _manifest = _create(backup_app)
    runner = backup_app.test_cli_runner()
    result = runner.invoke(args=["backup", "restore", path, "--database-url", database_url,
                                 "--files-dir", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert "Cơ sở dữ liệu đích không trống" in result.output

    target = fresh_database()
    full = tmp_path / "full"
    full.mkdir()
    (full / "something").write_text("x")
    result = runner.invoke(args=["backup", "restore", path, "--database-url", target,
                                 "--files-dir", str(full)])
    assert result.exit_code == 1
    assert "không trống" in result.output
    assert services.is_empty_database(target)


def test_sqlite_round_trip(tmp_path, make_app):
    url = "sqlite:///" + str(tmp_path / "hoso.db")
    settings = dict(FILE_STORE="folder:" + str(tmp_path / "files"),
                    AUDIT_ANCHOR_FILE=str(tmp_path / "anchors.jsonl"),
                    BACKUP_DIR=str(tmp_path / "backups"))
    migrate_to_head(url)
    app = create_app(CHEAP_HASH, environ=environ_for(url, **settings))
    try:
        world.build(app)
        with app.app_context():
            file_store().put(b"%PDF-1.7 signed copy")
            audit.anchor_head()
            db.session.commit()
            path, manifest = services.create_backup()
            assert manifest["database"]["kind"] == "sqlite"
            target = "sqlite:///" + str(tmp_path / "restored.db")
            report = services.restore_backup(path, target, str(tmp_path / "restored-files"),
                                             str(tmp_path / "ca.pem"),
                                             str(tmp_path / "restored-anchors.jsonl"))
            assert report["problems"] == [] and report["audit"]["problems"] == []
            assert _objects(str(tmp_path / "restored-files")) == manifest["files"]["objects"]
            result = app.test_cli_runner().invoke(args=["backup", "verify", path])
            assert result.exit_code == 0, result.output
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()


def _names(*stamps):
    return ["hoso-backup-%sZ.hosobak" % stamp for stamp in stamps]


def test_retention_keeps_what_the_profile_says(make_app, tmp_path):
    now = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    monthly = _names(*("2026%02d01T020000" % month for month in range(5, 13)))
    daily = _names(*("202611%02dT020000" % day for day in range(2, 31)))
    keep = services.archives_to_keep(monthly + daily, 3, now)
    # everything of the last three months (since 1 September), nothing older
    assert keep == set(monthly[4:]) | set(daily)
    # a job that stopped: the newest of the last three months that have one survive
    stopped = _names("20260115T020000", "20260215T020000", "20260301T020000",
                     "20260315T020000", "20260415T020000")
    assert services.archives_to_keep(stopped, 3, now) == {stopped[1], stopped[3], stopped[4]}
    assert services.archives_to_keep(stopped, None, now) == set(stopped)

    directory = tmp_path / "backups"
    directory.mkdir()
    for name in monthly + ["notes.txt"]:
        (directory / name).write_bytes(b"x")
    app = make_app(PROVINCE_PROFILE="ha_noi", BACKUP_DIR=str(directory))
    try:
        with app.app_context():
            assert services.rule("backups.keep_months") == 3
            kept, deleted = services.prune_backups(now=now)
            db.session.remove()
        assert deleted == monthly[:4] and kept == monthly[4:]
        assert sorted(os.listdir(directory)) == sorted(monthly[4:] + ["notes.txt"])
        assert _actions(app)[-1] == "backup.prune"
        # vinh_phuc sets no period: nothing is deleted
        other = make_app(PROVINCE_PROFILE="vinh_phuc", BACKUP_DIR=str(directory))
        result = other.test_cli_runner().invoke(args=["backup", "prune"])
        assert result.exit_code == 0, result.output
        assert "Giữ lại 4 bản sao lưu, đã xóa 0" in result.output
    finally:
        reset_data(app)


def test_the_key_is_required_and_never_the_development_one_in_production(
        backup_app, tmp_path):
    path, _manifest = _create(backup_app)
    runner = backup_app.test_cli_runner()
    backup_app.config["BACKUP_KEY"] = "L55OC7VU5M-SMGd8Hn41pSqfAg9QQcbRqA508Vbfv_0="
    result = runner.invoke(args=["backup", "verify", path])
    assert result.exit_code == 1 and "khóa khác" in result.output
    # an old key after the new one still opens the archive (rotation)
    backup_app.config["BACKUP_KEY"] += ",aG9zby1kZXYtYmFja3VwLWtleS1ub3QtZm9yLXByb2Q="
    assert runner.invoke(args=["backup", "verify", path]).exit_code == 0
    backup_app.config.update(HOSO_ENV="production",
                             BACKUP_KEY="aG9zby1kZXYtYmFja3VwLWtleS1ub3QtZm9yLXByb2Q=")
    result = runner.invoke(args=["backup", "create"])
    assert result.exit_code == 1 and "khóa dùng cho phát triển" in result.output


def test_the_files_of_an_s3_store_are_in_the_archive_and_restore_to_a_bucket(
        make_app, s3_server, fresh_database, tmp_path):
    """A bucket is backed up like a folder, object by object as stored (encrypted),
    and restored into an empty bucket."""
    import boto3

    from app.files.store import S3Store
    from tests.files.test_s3_store import BUCKET

    app = make_app(FILE_STORE="s3://" + BUCKET, S3_ENDPOINT_URL=s3_server,
                   BACKUP_DIR=str(tmp_path / "backups"))
    world.build(app)
    try:
        with app.app_context():
            store = file_store()
            digests = sorted([store.put(b"quyet dinh tuyen dung"), store.put(b"bang tot nghiep")])
            stored = {d: store.stored(d) for d in digests}
            path, manifest = services.create_backup()
            db.session.remove()
        assert manifest["files"]["store"] == "s3" and manifest["files"]["included"]
        assert manifest["files"]["objects"] == {
            S3Store.object_name(d): hashlib.sha256(stored[d]).hexdigest() for d in digests}

        boto3.client("s3", endpoint_url=s3_server).create_bucket(Bucket="hoso-restored")
        target = fresh_database()
        app.config["FILE_STORE"] = "s3://hoso-restored"
        with app.app_context():
            report = services.restore_backup(path, target, None, str(tmp_path / "ca.pem"),
                                             str(tmp_path / "anchors.jsonl"))
            restored = file_store()
            assert report["problems"] == []
            assert sorted(restored.digests()) == digests
            assert {d: restored.stored(d) for d in digests} == stored
            assert restored.get(digests[0]) in (b"quyet dinh tuyen dung", b"bang tot nghiep")
            # the bucket is no longer empty: a second restore is refused
            with pytest.raises(services.BackupError) as refused:
                services.restore_backup(path, fresh_database(), None)
            assert refused.value.code == "folder_not_empty"
            db.session.remove()
    finally:
        reset_data(app)
