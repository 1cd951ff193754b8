"""`flask files encrypt` and `flask files rotate`: the file store's encryption at
rest (app/files/store.py)."""
import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.files.store import encrypt_clear_files, file_store, rotate_data_keys


@click.group("files")
def files_group():
    """The file store: digitized documents and signed PDFs."""


def _report_failures(failures):
    for failure in failures:
        if failure.reason == "key":
            click.echo(_("File %(sha256)s: its data key opens with no key of "
                         "RECORD_ENCRYPTION_KEYS.", sha256=failure.digest))
        else:
            click.echo(_("File %(sha256)s: damaged or altered (it does not match its "
                         "SHA-256 or its encryption).", sha256=failure.digest))
    if failures:
        raise click.ClickException(_("%(n)d files could not be read; they are named above.",
                                     n=len(failures)))


@files_group.command("encrypt")
@with_appcontext
def files_encrypt_command():
    """Encrypt in place every file stored in clear (idempotent)."""
    counts, failures = encrypt_clear_files(file_store())
    click.echo(_("Encrypted %(encrypted)d files; %(already)d were already encrypted.",
                 encrypted=counts["encrypted"], already=counts["already"]))
    _report_failures(failures)


@files_group.command("rotate")
@with_appcontext
def files_rotate_command():
    """Re-wrap every data key with the newest key.

    The newest key is the first of RECORD_ENCRYPTION_KEYS; the others must still
    open the files. Afterwards the older keys may be removed."""
    counts, failures = rotate_data_keys(file_store())
    click.echo(_("Re-wrapped %(rewrapped)d files with the newest key; %(current)d already "
                 "had it.", rewrapped=counts["rewrapped"], current=counts["current"]))
    if counts["clear"]:
        click.echo(_("%(n)d files are still in clear: run `flask files encrypt`.",
                     n=counts["clear"]))
    _report_failures(failures)


def init_app(app):
    app.cli.add_command(files_group)
