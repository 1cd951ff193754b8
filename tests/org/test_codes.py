"""Mã định danh điện tử in the legacy 13-character form and the QĐ 20/2020 form."""
import pytest

from app.org import codes


@pytest.mark.parametrize("text, form, level1, groups", [
    ("000.00.00.H62", codes.FORM_LEGACY, "H62", ("H62",)),           # UBND tỉnh Vĩnh Phúc
    ("000.00.12.H62", codes.FORM_LEGACY, "H62", ("H62", "12")),      # a Sở
    ("000.05.12.H62", codes.FORM_LEGACY, "H62", ("H62", "12", "05")),
    ("001.05.12.H62", codes.FORM_LEGACY, "H62", ("H62", "12", "05", "001")),
    ("000.00.04.G14", codes.FORM_LEGACY, "G14", ("G14", "04")),
    (" 000.00.00.K54 ", codes.FORM_LEGACY, "K54", ("K54",)),
    ("H55.242", codes.FORM_QD20, "H55", ("H55", "242")),
    ("H62", codes.FORM_QD20, "H62", ("H62",)),
    ("H62.12.05.A1B", codes.FORM_QD20, "H62", ("H62", "12", "05", "A1B")),
])
def test_valid_codes_are_read(text, form, level1, groups):
    code = codes.parse(text)
    assert (code.form, code.level1, code.groups) == (form, level1, groups)
    assert code.depth == len(groups)


@pytest.mark.parametrize("text, message", [
    ("", "trống"),
    ("000.00.00.h62", "000.00.00.H62"),          # lower case
    ("00.00.00.H62", "000.00.00.H62"),           # a digit short
    ("000.00.00.X62", "A đến K"),                # no such level-1 kind
    ("000.05.00.H62", "00"),                     # level 3 without level 2
    ("001.00.12.H62", "00"),                     # level 4 without level 3
    ("000-00-00-H62", "000.00.00.H62"),
    ("h55.242", "chữ in hoa"),
    ("H55..242", "rỗng"),
    ("H55.242.", "rỗng"),
    ("55.242", "000.00.00.H62"),                 # starts with a digit: legacy, malformed
    ("Z55.242", "A đến K"),
    ("H5.242", "A đến K"),
    ("H55." + "1" * 40, "35"),
    ("H55.2 42", "chữ in hoa"),
])
def test_malformed_codes_say_what_is_wrong_in_vietnamese(text, message):
    from flask_babel import force_locale

    from app import create_app

    from tests.conftest import environ_for

    # an app of its own on an empty in-memory database, with the tests' keys
    app = create_app(environ=environ_for("sqlite://"))
    with app.app_context(), force_locale("vi"):
        with pytest.raises(codes.CodeError) as error:
            codes.parse(text)
        assert message in str(error.value), str(error.value)
