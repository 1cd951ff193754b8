"""`flask accounts create-admin` and `flask accounts reset-password`: an administrator
made, or an account's password set, on the server's command line. The password
meets the screens' policy, the audit log names the command line as the actor, and
a reset ends every session of the account. That is the one way, besides a second
administrator, to reset an administrator's password (app/security/standing.py).

Flask-AppBuilder's own `flask fab create-admin`, `create-user` and `reset-password`
take any password, write no audit entry and leave sessions open: they refuse and
name ours instead.
"""
import click
from flask.cli import with_appcontext
from flask_appbuilder.cli import fab
from flask_babel import gettext as _

from app.accounts import queries, services

# Flask-AppBuilder's commands that make accounts or set passwords: refused
FAB_ACCOUNT_COMMANDS = ("create-admin", "create-user", "reset-password")


@click.group("accounts")
def accounts_group():
    """Accounts on the server's command line."""


@accounts_group.command("create-admin")
@click.option("--username", required=True, help="Lower-case letters without accents, "
                                                "digits, dot, hyphen or underscore.")
@click.option("--first-name", required=True, help="Given name (tên).")
@click.option("--last-name", required=True, help="Family and middle name (họ và tên đệm).")
@click.option("--email", required=True)
@click.password_option(help="Asked twice when not given; the screens' password policy.")
@with_appcontext
def create_admin_command(username, first_name, last_name, email, password):
    """Create a system administrator's account with its own password."""
    try:
        account = services.command_line_create_admin(
            {"username": username, "first_name": first_name, "last_name": last_name,
             "email": email}, password)
    except services.AccountError as error:
        raise click.ClickException(error.message)
    click.echo(_("Administrator account %(user)s created.", user=account.username))


@accounts_group.command("reset-password")
@click.option("--username", required=True)
@click.password_option(help="Asked twice when not given; the screens' password policy.")
@with_appcontext
def reset_password_command(username, password):
    """Set an account's password; every session of the account ends."""
    account = queries.account_named(username)
    if account is None:
        raise click.ClickException(_("No account has the username %(name)s.", name=username))
    try:
        services.command_line_reset_password(account, password)
    except services.AccountError as error:
        raise click.ClickException(error.message)
    click.echo(_("Password of %(user)s changed; every session of the account has ended.",
                 user=account.username))


def _fab_refusal(name):
    if name == "create-user":
        return _("`flask fab create-user` is turned off here: accounts are created on the "
                 "Accounts screens, an administrator's with `flask accounts create-admin`.")
    return _("`flask fab %(command)s` is turned off here: it accepts any password, writes no "
             "audit entry and leaves the account's sessions open. Use `flask accounts "
             "%(command)s`.", command=name)


def _refusing_command(name):
    @click.command(name, add_help_option=False,
                   context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    @with_appcontext
    def refuse():
        raise click.ClickException(_fab_refusal(name))

    return refuse


def _refuse_fab_account_commands():
    """In FAB's own command group, its account commands are replaced by refusals.

    A new `flask fab create-admin` process chooses FAB's command before any app
    exists, and builds the app only to run it: that command is refused here, while
    the app is built, before FAB's code touches an account."""
    for name in FAB_ACCOUNT_COMMANDS:
        fab.commands[name] = _refusing_command(name)
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.parent is not None and ctx.parent.command is fab \
            and ctx.info_name in FAB_ACCOUNT_COMMANDS:
        raise click.ClickException(_fab_refusal(ctx.info_name))


def init_app(app):
    app.cli.add_command(accounts_group)
    # `flask fab` is FAB's plugin group; in app.cli too, so that the app's own runner
    # (app.test_cli_runner) reaches it as the `flask` command does
    app.cli.add_command(fab)
    _refuse_fab_account_commands()
