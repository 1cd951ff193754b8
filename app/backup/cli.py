"""`flask backup create | restore | verify | prune`: one encrypted archive of the
database, the file store and the signing material (app/backup/services.py)."""
import os

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.backup import services


def _message(error):
    """The user's message for a BackupError."""
    code, params = error.code, error.params
    if code == "no_key":
        return _("BACKUP_KEY is not set: no backup can be written or read without it.")
    if code == "bad_key":
        return _("BACKUP_KEY is not valid: each key is the base64 of 32 bytes.")
    if code == "development_key":
        return _("BACKUP_KEY is the development key, refused in production.")
    if code == "not_archive":
        return _("This file is not a backup archive of this application.")
    if code == "unknown_key":
        return _("No key of BACKUP_KEY opens this archive: it was made with another key.")
    if code == "damaged":
        return _("The archive does not decrypt: it has been altered or damaged (or cut "
                 "short). Nothing was restored.")
    if code == "database_not_empty":
        return _("The target database is not empty: a backup is restored only into an "
                 "empty database.")
    if code == "folder_not_empty":
        return _("The folder %(folder)s is not empty: a backup is restored only into an "
                 "empty folder.", folder=params["folder"])
    if code == "wrong_database_kind":
        return _("The archive holds a %(expected)s database; the target is %(found)s.",
                 expected=params["expected"], found=params["found"])
    if code == "members_differ":
        return _("The archive's contents do not match its manifest: %(n)d differences.",
                 n=len(params["problems"]))
    if code == "unsupported_database":
        return _("Backups support PostgreSQL and SQLite databases, not %(kind)s.",
                 kind=params["kind"])
    if code == "no_pg_binary":
        return _("No %(name)s of version %(major)d or newer was found (PATH, "
                 "/usr/lib/postgresql/*/bin): install Debian's postgresql-client.",
                 name=params["name"], major=params["major"])
    if code == "verify_needs_postgresql":
        return _("This archive holds a PostgreSQL database: verifying it needs a "
                 "PostgreSQL server (DATABASE_URL).")
    if code == "scratch_failed":
        return _("The scratch database could not be created on the server: %(detail)s",
                 detail=params["detail"])
    if code == "dump_failed":
        return _("pg_dump failed: %(detail)s", detail=params["detail"])
    if code == "restore_failed":
        return _("pg_restore failed: %(detail)s", detail=params["detail"])
    return str(error)


def _echo_problems(report):
    for problem in report["problems"]:
        if problem[0] == "table":
            click.echo(_("Table %(table)s: %(expected)s rows in the manifest, %(found)s "
                         "restored.", table=problem[1], expected=problem[2], found=problem[3]))
        elif problem[0] == "revision":
            click.echo(_("Migration %(found)s restored; the manifest says %(expected)s.",
                         expected=problem[1], found=problem[2]))
        else:
            click.echo(_("File %(path)s: missing or different from the manifest.",
                         path=problem[1]))
    for entry_id, what in report["audit"]["problems"]:
        click.echo(_("Audit entry %(id)s of the restored log: %(problem)s.", id=entry_id,
                     problem=what))


def _echo_summary(report):
    click.echo(_("%(tables)d tables, %(rows)d rows, %(files)d files; audit log: %(entries)d "
                 "entries.", tables=report["tables"], rows=report["rows"],
                 files=report["files"], entries=report["audit"]["entries"]))


@click.group("backup")
def backup_group():
    """Backups: one encrypted archive of the database, the files and the signing material."""


@backup_group.command("create")
@click.option("--dir", "directory", default=None,
              help="Where to write the archive (BACKUP_DIR by default).")
@with_appcontext
def backup_create_command(directory):
    """Write one encrypted archive of the database, the file store and the trust file."""
    try:
        path, manifest = services.create_backup(directory)
    except services.BackupError as error:
        raise click.ClickException(_message(error))
    tables = manifest["database"]["tables"]
    click.echo(_("Backup written: %(path)s (%(tables)d tables, %(rows)d rows, %(files)d "
                 "files).", path=path, tables=len(tables), rows=sum(tables.values()),
                 files=len(manifest["files"]["objects"])))


@backup_group.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--database-url", default=None,
              help="An empty database to restore into, as its owner (DATABASE_OWNER_URL, "
                   "else DATABASE_URL, by default).")
@click.option("--files-dir", default=None,
              help="An empty folder for the files (by default the FILE_STORE, a folder "
                   "or a bucket, which must be empty).")
@with_appcontext
def backup_restore_command(archive, database_url, files_dir):
    """Restore an archive into an empty database and an empty folder."""
    try:
        report = services.restore_backup(archive, database_url, files_dir)
    except services.BackupError as error:
        raise click.ClickException(_message(error))
    for path in report["kept"]:
        click.echo(_("%(path)s exists and differs from the archive's copy: kept as it is.",
                     path=path))
    _echo_summary(report)
    _echo_problems(report)
    if report["problems"] or report["audit"]["problems"]:
        raise click.ClickException(_("The restored data differ from the manifest."))
    click.echo(_("Restored: identical to the manifest; the audit log is intact."))


@backup_group.command("verify")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def backup_verify_command(archive):
    """Restore an archive into a scratch database and folder and compare with its manifest."""
    try:
        report = services.verify_backup(archive)
    except services.BackupError as error:
        raise click.ClickException(_message(error))
    _echo_summary(report)
    _echo_problems(report)
    if report["problems"] or report["audit"]["problems"]:
        raise click.ClickException(_("The backup %(archive)s does not restore identically.",
                                     archive=os.path.basename(archive)))
    click.echo(_("The backup %(archive)s restores identically.",
                 archive=os.path.basename(archive)))


@backup_group.command("prune")
@click.option("--dir", "directory", default=None,
              help="The folder of archives (BACKUP_DIR by default).")
@with_appcontext
def backup_prune_command(directory):
    """Delete the archives the profile's retention rule no longer keeps."""
    kept, deleted = services.prune_backups(directory)
    for name in deleted:
        click.echo(_("Deleted %(name)s.", name=name))
    click.echo(_("%(kept)d archives kept, %(deleted)d deleted.", kept=len(kept),
                 deleted=len(deleted)))


def init_app(app):
    app.cli.add_command(backup_group)
