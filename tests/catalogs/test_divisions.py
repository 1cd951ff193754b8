"""The administrative divisions after the 2025 reform: 34 provinces, 3,321
communes, each commune in an existing province, codes in the official form."""
import re
from collections import Counter
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parents[2] / "app" / "catalogs" / "data"


def _load(name):
    with open(DATA_DIR / ("%s.yaml" % name), encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_34_provinces_and_3321_communes_from_01_07_2025():
    provinces, communes = _load("tinh_thanh"), _load("xa_phuong")
    assert len(provinces["entries"]) == 34 and len(communes["entries"]) == 3321
    for data, pattern in ((provinces, r"\d\d"), (communes, r"\d{5}")):
        codes = [e["code"] for e in data["entries"]]
        assert all(isinstance(c, str) and re.fullmatch(pattern, c) for c in codes)
        assert len(set(codes)) == len(codes)
        assert {e["valid_from"] for e in data["entries"]} == {"2025-07-01"}
        assert "Cục Thống kê" in data["source"] and "202/2025/QH15" in data["source"]
        assert "GPL-3.0-or-later" in data["note"]  # the route the data came by, recorded
    names = {e["name"] for e in provinces["entries"]}
    # the reform merged Vĩnh Phúc into Phú Thọ and kept Hà Nội, Đà Nẵng, Hải Phòng
    assert {"Tỉnh Phú Thọ", "Thành phố Hà Nội", "Thành phố Đà Nẵng",
            "Thành phố Hải Phòng", "Tỉnh Đồng Nai"} <= names
    assert "Tỉnh Vĩnh Phúc" not in names


def test_every_commune_lies_in_a_listed_province():
    provinces = {e["code"] for e in _load("tinh_thanh")["entries"]}
    communes = _load("xa_phuong")["entries"]
    assert {e["attrs"]["province_code"] for e in communes} == provinces
    kinds = Counter(e["attrs"]["division_type"] for e in communes)
    assert set(kinds) == {"xã", "phường", "đặc khu"} and kinds["đặc khu"] == 13
    for e in communes:
        assert e["name"].lower().startswith(e["attrs"]["division_type"]), e
