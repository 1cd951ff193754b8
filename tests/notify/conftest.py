"""An app whose mail goes to a real SMTP server of the tests' own (tests/smtp_server.py,
the ``smtp_server`` fixture of tests/conftest.py)."""
import pytest

from tests.conftest import reset_data


@pytest.fixture
def mail_app(make_app, smtp_server):
    app = make_app(MAIL_SERVER=smtp_server.host, MAIL_PORT=str(smtp_server.port),
                   MAIL_DEFAULT_SENDER="HoSo CBCCVC <no-reply@sonoivu.example.vn>",
                   MAIL_TIMEOUT="5")
    yield app
    reset_data(app)
