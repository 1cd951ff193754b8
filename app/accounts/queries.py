"""What the account screens read: views call these and run no query themselves
(tests/test_views_run_no_queries.py). One account by id is ``scope.get_or_404``."""
from sqlalchemy import func, select

from app.accounts import services
from app.accounts.models import Account
from app.extensions import db
from app.org.models import Unit
from app.security import scope


def unit_choices(actor, action):
    """[(unit id as text, name)] of the units the actor reads and may ``action``
    accounts in, in tree order: the choices of an account form's unit. A closed unit
    (merged, dissolved) is not offered: nobody joins it any more."""
    units = db.session.scalars(scope.restrict(select(Unit), actor, "read", model=Unit)
                               .where(Unit.valid_to.is_(None)).order_by(Unit.path))
    return [(str(unit.id), unit.name) for unit in units
            if services.unit_reachable(actor, action, unit)]


def own_account(user):
    """The signed-in user's own account (every role has its own)."""
    return db.session.get(Account, user.id)


def account_named(username):
    """The account of this username (in any case), or None."""
    return db.session.scalar(select(Account).where(
        func.lower(Account.username) == (username or "").strip().lower()))
