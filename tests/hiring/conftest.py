"""Helpers of the hiring tests: the small province of tests/security/world.py with the
catalogs a hiring names, under the profile a test asks for."""
import pytest

from app.accounts.models import Account
from app.catalogs.services import load_shipped
from app.extensions import db
from tests.conftest import reset_data
from tests.security import world

# a PDF the attachment checks accept (tests/records/test_attachments.py)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SCAN = ("qd-tuyen-dung.pdf", PDF)


def hire_data(world_, unit="A1", **changes):
    """A good hiring of a teacher into ``unit`` (a world unit key)."""
    data = {"kind": "tuyen_dung", "decision_number": "125/QĐ-SGDĐT",
            "decision_date": "15/08/2026", "decided_by": "Sở Giáo dục",
            "start_date": "01/09/2026", "unit_id": str(world_.units[unit]),
            "category": "vien_chuc", "ho_ten": "Phạm Thị Lan", "gioi_tinh": "nu",
            "ngay_sinh": "12/03/2001", "so_dinh_danh": "025301000123",
            "grade_code": "V.07.03.29", "bac_luong": "1", "he_so_luong": "2,34",
            "username": "", "email": "lan.pt@thpt1.edu.vn"}
    data.update(changes)
    return data


def _province(make_app, profile):
    app = make_app(**({"PROVINCE_PROFILE": profile} if profile else {}))
    built = world.build(app)
    with app.app_context():
        load_shipped(names=["ngach", "chuc_danh_nghe_nghiep"])
        db.session.remove()
    return app, built


@pytest.fixture
def hiring_app(make_app, request):
    """(app, world) under the profile named by ``indirect`` parametrization (else the
    default vinh_phuc, where Sở Nội vụ makes the personal accounts)."""
    app, built = _province(make_app, getattr(request, "param", None))
    yield app, built
    reset_data(app)


def actor(world_, username):
    return db.session.get(Account, world_.accounts[username])
