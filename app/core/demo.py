"""The demo province's accounts.

The names are fixed so that the production guard can recognise a demo
installation; app.core.demo_seed creates them (the catalogs/profiles piece
grows the demo into a realistic province).
"""
from app.security import roles

DEMO_LOADED_FLAG = "demo_loaded"
DEMO_PASSWORD = "HoSo@2026"

# username -> (họ và tên đệm, tên, role, account kind, unit name)
DEMO_PEOPLE = {
    "quantri": ("Lê Văn", "Thành", roles.ROLE_ADMIN, "staff", None),
    "sonoivu": ("Phạm Thị", "Lan", roles.ROLE_SO_NOI_VU, "staff", "Sở Nội vụ"),
    # the principal of canhan's school: the head who approves her record (Điều 5 HP)
    "thutruong": ("Vũ Minh", "Đức", roles.ROLE_HEAD, "agency", "Trường THPT Chuyên Vĩnh Phúc"),
    "quanlydulieu": ("Trần Thị", "Thu", roles.ROLE_OFFICER, "personal",
                     "Sở Giáo dục và Đào tạo"),
    "canhan": ("Đỗ Thị", "Hằng", roles.ROLE_PERSONAL, "personal", "Sở Giáo dục và Đào tạo"),
}
DEMO_ACCOUNTS = tuple(DEMO_PEOPLE)
