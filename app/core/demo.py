"""The demo province's accounts.

The demo data itself is filled in by the catalogs/profiles piece; what is here
is what the production guard needs to recognise a demo installation.
"""
from flask_babel import lazy_gettext as _l

DEMO_LOADED_FLAG = "demo_loaded"
DEMO_PASSWORD = "HoSo@2026"

# username -> role label; the names are fixed so that the guard can find them.
DEMO_ACCOUNTS = {
    "quantri": _l("System administrator"),
    "sonoivu": _l("Department of Home Affairs"),
    "thutruong": _l("Head of unit"),
    "quanlydulieu": _l("Data officer"),
    "canhan": _l("Individual"),
}
