"""The Vietnamese catalogue is complete, honest and compiled; the UI speaks it."""
import re

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import config
from app.core import i18n
from tests.conftest import login

# msgstr may equal msgid only for these: codes and names that Vietnamese keeps.
SAME_IN_VIETNAMESE = {"ID", "API", "URL", "UUID", "IP", "CSRF", "JSON", "LDAP", "OAuth",
                      "OpenID", "SAML", "HoSo CBCCVC"}
PLACEHOLDER_RE = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_0-9]*\}")


def _entries(catalog):
    return [m for m in catalog if m.id]


def _msgid(message):
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _strings(message):
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.fixture(scope="module")
def vi_catalog():
    with open(i18n.VI_PO, "rb") as f:
        return read_po(f, locale="vi")


def test_every_msgid_has_a_vietnamese_msgstr(vi_catalog):
    missing = [_msgid(m) for m in _entries(vi_catalog) if not all(_strings(m))]
    assert missing == []


def test_no_entry_is_fuzzy(vi_catalog):
    assert [_msgid(m) for m in _entries(vi_catalog) if m.fuzzy] == []


def test_no_msgstr_merely_repeats_the_english(vi_catalog):
    repeated = [_msgid(m) for m in _entries(vi_catalog)
                if _msgid(m) not in SAME_IN_VIETNAMESE and _msgid(m) in _strings(m)]
    assert repeated == []


def test_translations_keep_every_placeholder(vi_catalog):
    broken = []
    for m in _entries(vi_catalog):
        wanted = set(PLACEHOLDER_RE.findall(_msgid(m)))
        for s in _strings(m):
            if set(PLACEHOLDER_RE.findall(s)) != wanted:
                broken.append((_msgid(m), s))
    assert broken == []


def test_catalogue_holds_every_string_the_ui_can_show(vi_catalog):
    """Ours, Flask-AppBuilder's, WTForms' and Flask-WTF's msgids are all in vi."""
    extracted = i18n.extract_catalog()
    known = {m.id for m in _entries(vi_catalog)}
    absent = sorted(str(m.id) for m in _entries(extracted) if m.id not in known)
    assert absent == [], "run `make messages` and translate: %s" % absent[:20]
    # Flask-AppBuilder's own screens are part of it (its package has no vi).
    assert {"Sign In", "Search", "Show record", "Logout", "This field is required."} <= known


def test_compiled_catalogue_matches_the_po(vi_catalog):
    with open(i18n.VI_MO, "rb") as f:
        compiled = read_mo(f)
    def as_dict(catalog):
        return {_tuple(m.id): _tuple(m.string) for m in _entries(catalog)}

    source, binary = as_dict(vi_catalog), as_dict(compiled)
    assert binary == source, "messages.mo is stale: run `make translations` and commit it"


def test_login_page_is_vietnamese_by_default(client):
    html = client.get("/login/").get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Tên đăng nhập" in html and "Mật khẩu" in html
    assert "Sign In" not in html and "Username" not in html


def test_language_switch_to_english_and_back(client):
    client.get("/login/")
    english = client.get("/lang/en", follow_redirects=True)
    assert english.status_code == 200
    html = client.get("/login/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign In" in html and "Đăng nhập" not in html
    client.get("/lang/vi", follow_redirects=True)
    assert "Đăng nhập" in client.get("/login/").get_data(as_text=True)


def test_form_validation_messages_are_vietnamese(client):
    page = client.get("/login/").get_data(as_text=True)
    from tests.conftest import csrf_token

    html = client.post("/login/", data={"username": "", "password": "",
                                        "csrf_token": csrf_token(page)}).get_data(as_text=True)
    assert "This field is required." not in html
    assert "Trường này là bắt buộc" in html


def test_failed_login_message_is_vietnamese(client, make_user):
    make_user("canbo01", role=config.ROLE_ADMIN, password="Dung@2026")
    html = login(client, "canbo01", "sai-mat-khau").get_data(as_text=True)
    assert "Invalid login" not in html
    assert "Đăng nhập không thành công" in html
