"""Catalogs in the database: loaded from the shipped files once, kept when Sở
Nội vụ edits them, retired entries still readable for old records; the screen
for the roles that read them and the form for Sở Nội vụ."""
import re
from datetime import date

from sqlalchemy import func, select

from app.catalogs import services
from app.catalogs.models import Catalog, CatalogEntry
from app.extensions import db
from tests.conftest import csrf_token, login
from tests.security import world as w


def _entry(catalog, code):
    return db.session.scalar(select(CatalogEntry).join(Catalog).where(
        Catalog.name == catalog, CatalogEntry.code == code))


def test_the_shipped_files_load_once_and_edits_survive_a_reload(app):
    with app.app_context():
        shipped = services.shipped_catalogs()
        added = services.load_shipped()
        assert added == {name: len(data["entries"]) for name, data in shipped.items()}
        assert len(services.entries("dan_toc")) == 54
        assert [e.name for e in services.entries("ton_giao")][:2] == ["Không", "Phật giáo"]
        kinh = _entry("dan_toc", "01")
        kinh.name = "Kinh (Việt)"
        db.session.commit()
        assert services.load_shipped() == {name: 0 for name in shipped}
        assert _entry("dan_toc", "01").name == "Kinh (Việt)"
        catalog = db.session.scalar(select(Catalog).where(Catalog.name == "ngach"))
        assert catalog.source.startswith("QĐ 78/2004/QĐ-BNV")
        a1 = _entry("loai_luong", "A1")
        assert a1.attrs["steps"][0] == "2.34" and a1.attrs["steps"][-1] == "4.98"


def test_a_retired_entry_is_out_of_new_choices_but_still_readable(app):
    with app.app_context():
        services.load_shipped()
        old = _entry("luong_co_so", "2024-07")
        assert old.valid_to == date(2026, 7, 1)
        today = [e.code for e in services.entries("luong_co_so", on=date(2026, 11, 23))]
        then = [e.code for e in services.entries("luong_co_so", on=date(2025, 1, 1))]
        assert today == ["2026-07"] and then == ["2024-07"]
        assert len(services.entries("luong_co_so", include_retired=True)) == 2


def test_so_noi_vu_adds_and_retires_entries_in_the_screen(app, province, client):
    login(client, "sonoivu", w.PASSWORD)
    with app.app_context():
        services.load_shipped(names=["tin_hoc"])
        catalog_id = db.session.scalar(select(Catalog.id).where(Catalog.name == "tin_hoc"))
        count = db.session.scalar(select(func.count()).select_from(CatalogEntry))
    token = csrf_token(client.get("/catalogs/add").get_data(as_text=True))
    form = {"csrf_token": token, "catalog": catalog_id, "code": "IC3",
            "name": "Chứng chỉ tin học quốc tế IC3",
            "source": "Chứng chỉ quốc tế", "valid_from": "", "valid_to": ""}
    client.post("/catalogs/add", data=form, follow_redirects=True)
    # the same code again is refused in Vietnamese and nothing is added
    body = client.post("/catalogs/add", data=form, follow_redirects=True).get_data(
        as_text=True)
    assert "Danh mục này đã có mã IC3." in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CatalogEntry)) == count + 1
        entry_id = _entry("tin_hoc", "IC3").id
    page = client.get("/catalogs/edit/%d" % entry_id).get_data(as_text=True)
    token = csrf_token(page)
    # the form carries the version it shows (a save over someone else's change is refused)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    client.post("/catalogs/edit/%d" % entry_id, data={
        "csrf_token": token, "version": version, "name": "Chứng chỉ tin học quốc tế IC3",
        "source": "Chứng chỉ quốc tế", "valid_from": "01/01/2015", "valid_to": "01/01/2026"},
        follow_redirects=True)
    with app.app_context():
        entry = _entry("tin_hoc", "IC3")
        assert entry.valid_to == date(2026, 1, 1)
        assert "IC3" not in [e.code for e in services.entries("tin_hoc")]
    body = client.get("/catalogs/list/?_flt_0_code=IC3").get_data(as_text=True)
    assert "IC3" in body


def test_who_reads_and_who_maintains(app, province, client):
    login(client, "canbo", w.PASSWORD)
    assert client.get("/catalogs/list/").status_code == 200
    assert client.get("/catalogs/add").status_code in (302, 403)
    client.get("/logout/")
    login(client, "canhan", w.PASSWORD)
    assert client.get("/catalogs/list/").status_code in (302, 403)


def test_every_extra_field_is_shown_with_a_vietnamese_label(app, province, client):
    from app.catalogs.views import ATTR_LABELS

    with app.app_context():
        services.load_shipped(names={"chuc_vu", "loai_luong"})
        shipped_keys = {key for data in services.shipped_catalogs().values()
                        for entry in data["entries"] for key in (entry.get("attrs") or {})}
        assert shipped_keys <= set(ATTR_LABELS), shipped_keys - set(ATTR_LABELS)
        xa_id = _entry("chuc_vu", "CT_UBND_XA").id
        a1_id = _entry("loai_luong", "A1").id
    login(client, "sonoivu", w.PASSWORD)
    page = client.get("/catalogs/show/%d" % xa_id).get_data(as_text=True)
    assert "Hệ số phụ cấp chức vụ: Hà Nội và TP Hồ Chí Minh 0.70, " \
           "các tỉnh, thành phố còn lại 0.60" in page
    assert "Cấp: Xã, phường, đặc khu" in page and "Lãnh đạo: Cấp trưởng" in page
    for raw in ("he_so_phu_cap", "ha_noi_hcm", "lanh_dao", "truong"):
        assert raw + ":" not in page and raw + " " not in page
    page = client.get("/catalogs/show/%d" % a1_id).get_data(as_text=True)
    assert "Hệ số lương theo bậc: 2.34, 2.67" in page and "steps" not in page
