"""Province profiles: every shipped file is valid, every rule cites its basis,
broken files are refused with the bad key named, overlays apply and can be
switched off, and the rules are on screen in Vietnamese."""
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from app.policy import profiles, validate
from app.policy.schema import RULES
from tests.conftest import login
from tests.security import world as w

PROVINCES = ["hai_phong", "dong_nai", "vinh_phuc", "ha_noi", "da_nang"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_the_five_profiles_and_the_overlay_are_shipped_and_valid():
    assert profiles.available_profiles() == sorted(PROVINCES)
    assert validate.check_all() == []
    assert os.path.exists(os.path.join(validate.OVERLAYS_DIR, "nd27_2026.yaml"))


@pytest.mark.parametrize("name", PROVINCES)
def test_every_rule_cites_its_basis_and_the_source_status(name):
    raw = validate.load_yaml(os.path.join(validate.PROFILES_DIR, name + ".yaml"))
    assert raw["source"]["status"] in ("draft", "enacted", "superseded")
    for section, rules in RULES.items():
        for key in rules:
            entry = raw[section][key]
            assert entry["cite"].strip(), (name, section, key)
            if entry["value"] not in (None, False, []) and "document" not in entry:
                # a value from the province's own text names an article of it
                assert entry["cite"].startswith(("Điều", "Khoản", "Mục", "Phụ lục")), (
                    name, section, key, entry["cite"])


def test_drafts_and_enacted_texts_are_told_apart():
    status = {name: profiles.load_profile(name)["source"]["status"] for name in PROVINCES}
    assert status == {"hai_phong": "draft", "dong_nai": "draft", "ha_noi": "draft",
                      "vinh_phuc": "enacted", "da_nang": "enacted"}


def test_the_nd27_overlay_replaces_rules_and_can_be_switched_off():
    with_overlay = profiles.load_profile("vinh_phuc")
    without = profiles.load_profile("vinh_phuc", overlays_off=["nd27_2026"])
    rule = with_overlay["records"]["update_after_change_working_days"]
    assert rule["value"] == 3 and rule["overlay"] == "nd27_2026"
    assert rule["document"].startswith("Nghị định 27/2026") and rule["status"] == "enacted"
    assert rule["replaces"] == without["records"]["update_after_change_working_days"]
    assert [key for key, entry in with_overlay["records"].items() if "overlay" in entry] == [
        "update_after_change_working_days"]
    assert [o["name"] for o in with_overlay["active_overlays"]] == ["nd27_2026"]
    assert without["active_overlays"] == []


@pytest.fixture
def profile_dirs(tmp_path, monkeypatch):
    """Copies of the shipped files that a test may break."""
    for name in ("profiles", "overlays"):
        shutil.copytree(os.path.join(os.path.dirname(validate.PROFILES_DIR), name),
                        tmp_path / name)
    monkeypatch.setattr(profiles, "PROFILES_DIR", str(tmp_path / "profiles"))
    monkeypatch.setattr(profiles, "OVERLAYS_DIR", str(tmp_path / "overlays"))
    return tmp_path


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("change, named", [
    (lambda d: d["accounts"]["lockout_after_failures"].update(value="năm"),
     "accounts.lockout_after_failures.value"),
    (lambda d: d["approval"]["approver"].update(value="anyone"), "approval.approver.value"),
    (lambda d: d["transfers"]["inside_unit_working_days"].pop("cite"),
     "transfers.inside_unit_working_days.cite: is missing"),
    (lambda d: d["records"].update(colour={"value": 1, "cite": "Điều 1"}),
     "records.colour: is not a known key"),
    (lambda d: d["reports"]["unit_report_dates"].update(value=["31/13"]),
     "reports.unit_report_dates.value.0"),
    (lambda d: d["source"].update(status="proposed"), "source.status"),
    (lambda d: d["sync"]["trigger"].update(document="Luật X"), "sync.trigger"),
    (lambda d: d.pop("backups"), "backups: is missing"),
])
def test_a_broken_profile_is_refused_naming_the_key(profile_dirs, change, named):
    _edit(profile_dirs / "profiles" / "vinh_phuc.yaml", change)
    with pytest.raises(profiles.ProfileError) as refused:
        profiles.load_profile("vinh_phuc")
    assert "profiles/vinh_phuc.yaml: %s" % named in str(refused.value)


def test_a_broken_overlay_is_refused_too(profile_dirs):
    _edit(profile_dirs / "overlays" / "nd27_2026.yaml",
          lambda d: d["records"]["update_after_change_working_days"].update(value=-3))
    with pytest.raises(profiles.ProfileError, match="overlays/nd27_2026.yaml: records"):
        profiles.load_profile("vinh_phuc")
    # a province that switches it off does not read it
    _edit(profile_dirs / "profiles" / "da_nang.yaml", lambda d: d.update(overlays={}))
    assert profiles.load_profile("da_nang")["active_overlays"] == []


def test_the_server_does_not_start_on_a_broken_or_unknown_profile(tmp_path):
    environ = dict(os.environ, HOSO_ENV="development", PROVINCE_PROFILE="quang_tri",
                   DATABASE_URL="sqlite:///%s" % (tmp_path / "x.db"))
    done = subprocess.run([sys.executable, "run.py"], env=environ, capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 1
    assert "PROVINCE_PROFILE='quang_tri' is not one of" in done.stderr


def test_so_noi_vu_reads_the_rules_in_vietnamese(app, province, client):
    login(client, "sonoivu", w.PASSWORD)
    body = client.get("/profile/").get_data(as_text=True)
    assert "QĐ 29/2024/QĐ-UBND" in body and "Nghị định 27/2026/NĐ-CP" in body
    assert "Ai tạo tài khoản cá nhân" in body and "Sở Nội vụ" in body
    assert "Cập nhật sau khi có thay đổi trong (ngày làm việc)" in body
    client.get("/logout/")
    login(client, "canbo", w.PASSWORD)
    assert client.get("/profile/").status_code == 403
