"""Helpers of the account tests."""
import pytest

from app.accounts import services
from app.accounts.models import Account
from app.extensions import db

# The temporary password the server makes, in tests that need to know it
# (``known_password``): the page or the mail either shows it or does not.
KNOWN_PASSWORD = "Tam#Thoi2026abc"


@pytest.fixture
def app(make_app, request):
    """The tests' app, under the profile a test names with
    ``@pytest.mark.parametrize("app", ["ha_noi"], indirect=True)`` (else the default)."""
    app = make_app(**({"PROVINCE_PROFILE": request.param} if hasattr(request, "param") else {}))
    yield from fresh(app)


@pytest.fixture
def mailing_app(make_app, smtp_server):
    """The tests' app whose mail goes to the run's SMTP server (``smtp_server``)."""
    yield from fresh(make_app(MAIL_SERVER=smtp_server.host, MAIL_PORT=str(smtp_server.port)))


@pytest.fixture
def known_password(monkeypatch):
    monkeypatch.setattr(services, "temporary_password", lambda: KNOWN_PASSWORD)
    return KNOWN_PASSWORD


def fresh(app):
    """The app with the sign-in limiter forgotten before and after, its data emptied after."""
    from tests.conftest import reset_data

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
