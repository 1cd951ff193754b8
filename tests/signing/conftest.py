"""Fixtures of the signing tests: a demo PKI, key files, a SoftHSM2 token, a PDF.

No database: these tests use none of the project's database fixtures.
"""
import datetime as dt
import io

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from app.signing import pdf as signing_pdf
from app.signing import pki, softhsm
from app.signing.providers import Pkcs12Signer

PERSON_PIN = "2468"
SEAL_PIN = "1357"
DOCUMENT_TEXT = "SƠ YẾU LÝ LỊCH — Nguyễn Thị Hằng, Sở Nội vụ"
# The demo PKI starts a year ago, so that signatures dated "yesterday" are in its validity.
PKI_START = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=365)
YESTERDAY = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)).replace(
    second=0, microsecond=0)


@pytest.fixture(scope="session")
def ca():
    return pki.make_ca(now=PKI_START)


@pytest.fixture(scope="session")
def ca_cert(ca):
    return ca[1]


@pytest.fixture(scope="session")
def other_ca():
    return pki.make_ca("Some Other CA", now=PKI_START)


@pytest.fixture(scope="session")
def person_p12(ca):
    key, cert = pki.issue(*ca, "Nguyễn Văn An", organization="UBND xã Hòa Bình",
                          email="an@example.vn", now=PKI_START)
    return pki.to_pkcs12(key, cert, [ca[1]], PERSON_PIN)


@pytest.fixture(scope="session")
def seal_p12(ca):
    key, cert = pki.issue(*ca, "Sở Nội vụ tỉnh Phú Thọ", organization="Sở Nội vụ",
                          seal=True, now=PKI_START)
    return pki.to_pkcs12(key, cert, [ca[1]], SEAL_PIN)


@pytest.fixture
def person(person_p12):
    return Pkcs12Signer.load(person_p12, PERSON_PIN)


@pytest.fixture
def seal(seal_p12):
    return Pkcs12Signer.load(seal_p12, SEAL_PIN)


@pytest.fixture(scope="session")
def soft_token(soft_token, ca):
    """The run's token (tests/conftest.py) with an agency seal's key inside."""
    softhsm.provision(soft_token, *ca, "Sở Nội vụ (HSM)", organization="Sở Nội vụ",
                      key_label="agency-seal", seal=True)
    return soft_token


def make_pdf(text=DOCUMENT_TEXT):
    """A one-page PDF with Vietnamese text in DejaVu Sans (page stream uncompressed,
    so that a test can change one byte of it)."""
    pdfmetrics.registerFont(TTFont("DejaVuSans", signing_pdf.FONT_PATH))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)
    c.setFont("DejaVuSans", 14)
    c.drawString(72, 760, text)
    c.drawString(72, 730, "Ngày sinh: 12/03/1985 — Quê quán: Phú Thọ")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="session")
def unsigned_pdf():
    return make_pdf()
