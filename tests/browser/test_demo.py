"""A newcomer's first look: each demo account signs in and sees Vietnamese
screens limited to its role's scope, and the profile's rules where allowed."""
import pytest

from app.application.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import sign_in, visible_english_words

# username -> (pages to visit, what the org tree shows, the profile page allowed)
EXPECTED = {
    "quantri": ({"UBND tỉnh Phú Thọ", "Sở Y tế"}, True),
    "sonoivu": ({"UBND tỉnh Phú Thọ", "Sở Y tế", "UBND xã Tam Đảo"}, True),
    "thutruong": ({"Trường THPT Chuyên Vĩnh Phúc"}, False),       # his school
    "quanlydulieu": ({"Sở Giáo dục và Đào tạo", "Trường THPT Trần Phú"}, False),
    "canhan": ({"Sở Giáo dục và Đào tạo"}, False),
}
OUTSIDE_SO_GD = "Sở Y tế"


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_demo_account_sees_vietnamese_screens_in_its_scope(app, live_server, page,
                                                                username):
    with app.app_context():
        seed_demo(app.appbuilder)
    shown, profile_allowed = EXPECTED[username]
    sign_in(page, live_server, username, DEMO_PASSWORD)
    assert page.url == live_server + "/"
    assert visible_english_words(page) == []
    page.goto(live_server + "/unit-tree/")
    tree = page.inner_text("#unit-tree")
    for name in shown:
        assert name in tree
    if username not in ("quantri", "sonoivu"):
        assert OUTSIDE_SO_GD not in tree
    if username in ("canhan", "thutruong"):
        assert "Trường THPT Trần Phú" not in tree  # her own unit, his own school
    assert "Vĩnh Phúc" not in tree.replace("Trường THPT Chuyên Vĩnh Phúc", "").replace(
        "Bệnh viện Đa khoa tỉnh Vĩnh Phúc", "")   # today's tree is Phú Thọ's
    assert visible_english_words(page) == []
    if username == "sonoivu":
        # the tree of a day before the reform: Vĩnh Phúc, with its districts
        page.fill("#tree-on", "30/06/2025")
        page.click("button:has-text('Tìm kiếm')")
        page.wait_for_load_state()
        past = page.inner_text("#unit-tree")
        assert "UBND tỉnh Vĩnh Phúc" in past and "UBND huyện Tam Đảo" in past
        assert "UBND tỉnh Phú Thọ" not in past
    response = page.goto(live_server + "/profile/")
    if profile_allowed:
        body = page.inner_text("body")
        assert "QĐ 29/2024/QĐ-UBND" in body and "Nghị định 27/2026/NĐ-CP" in body
        assert visible_english_words(page) == []
    else:
        assert response.status == 403
        assert visible_english_words(page) == []
