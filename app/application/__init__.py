"""The application layer: what puts the domains together (docs/architecture.md).

The menu and every view (menu.py), the commands (cli.py), the demo province
(demo.py), the role sync (roles_sync.py), the production guard (guard.py), the
home and error pages (home.py, errors.py); and ``register_hooks``, which lets
each domain connect to the hooks of the layers below it.
"""


def register_hooks():
    """Each domain registers what the lower layers call back (idempotent)."""
    from app.accounts import services as accounts
    from app.approval import queries as approval
    from app.leavers import queries as leavers
    from app.notify import services as notify
    from app.org import services as org
    from app.reports import services as reports
    from app.sync import pull as sync_pull
    from app.sync import services as sync

    org.register_hooks()
    reports.register_hooks()
    accounts.register_hooks()
    notify.register_hooks()
    approval.register_hooks()
    leavers.register_hooks()
    sync.register_hooks()
    sync_pull.register_pull_hooks()
