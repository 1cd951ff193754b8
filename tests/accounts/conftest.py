"""Helpers of the account tests."""
import pytest

from app.accounts.models import Account
from app.extensions import db


@pytest.fixture
def app(make_app, request):
    """The tests' app, under the profile a test names with
    ``@pytest.mark.parametrize("app", ["ha_noi"], indirect=True)`` (else the default)."""
    from tests.conftest import reset_data

    app = make_app(**({"PROVINCE_PROFILE": request.param} if hasattr(request, "param") else {}))
    forget_sign_in_failures(app)
    yield app
    forget_sign_in_failures(app)
    reset_data(app)


def forget_sign_in_failures(app):
    """The sign-in limiter counts in the (shared) app's memory: each test starts afresh."""
    with app.app_context():
        app.appbuilder.sm.limiter.reset()


def account(username):
    return db.session.query(Account).filter_by(username=username).one()
