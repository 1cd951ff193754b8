"""The demo province: realistic, the same every time, loaded twice without a
duplicate, one account per role seeing its own scope."""
from sqlalchemy import func, select

from app.accounts.models import Account
from app.application.demo import DEMO_PASSWORD, TOTAL_STAFF, seed_demo
from app.extensions import db
from app.hiring.models import Hiring
from app.org import services
from app.org.models import LEADER_HEAD, Unit, UnitCode, UnitLeader, UnitState
from app.records import services as records, values
from app.records import form
from app.org.models import Employee, EmployeePlacement
from app.records.models import APPROVED, RecordVersion
from app.security.scope import restrict
from tests.conftest import login

TABLES = (Unit, UnitState, UnitCode, UnitLeader, Employee, EmployeePlacement, Account,
          RecordVersion)


def _hired():
    return db.session.scalar(select(func.count()).select_from(Hiring))


def _counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in TABLES}


def test_the_demo_province_is_realistic_and_loads_twice_without_duplicates(app):
    with app.app_context():
        seed_demo(app.appbuilder)
        first = _counts()
        seed_demo(app.appbuilder)
        assert _counts() == first
        # the generated staff, and the two people the lifecycle examples hired and received
        assert first["Employee"] == TOTAL_STAFF + _hired() == 302
        names = db.session.scalars(select(Employee.full_name)).all()
        assert len(set(names)) == len(names)
        assert all(len(name.split()) >= 3 for name in names)  # họ, đệm, tên
        categories = dict(db.session.execute(
            select(Employee.category, func.count()).group_by(Employee.category)).all())
        assert set(categories) == {"cong_chuc", "vien_chuc", "cbcc_cap_xa", "nguoi_lao_dong"}
        types = set(db.session.scalars(select(Unit.unit_type)))
        assert {"ubnd_tinh", "so", "chi_cuc", "phong", "dvsncl", "ubnd_xa"} <= types
        # every employing unit with staff has a head, and the codes are valid and unique
        for unit in db.session.scalars(select(Unit).where(Unit.is_employing.is_(True))):
            if services.staff_of(unit):
                assert any(row.position == LEADER_HEAD for row in services.leaders(unit)), \
                    unit.name
        codes = db.session.scalars(select(Unit.code).where(Unit.code.is_not(None))).all()
        assert len(codes) == len(set(codes))
        # today's units under Phú Thọ's H44; the closed ones of Vĩnh Phúc keep its H62
        for code, is_open in db.session.execute(select(Unit.code, Unit.valid_to.is_(None))
                                                .where(Unit.code.is_not(None))):
            assert code.startswith("H44" if is_open else "H62"), code
        db.session.remove()


def test_each_demo_account_reaches_its_scope(app):
    with app.app_context():
        seed_demo(app.appbuilder)
        sm = app.appbuilder.sm

        def people(username):
            user = sm.find_user(username=username)
            return db.session.scalar(restrict(select(func.count(Employee.id)), user, "read",
                                              model=Employee))

        so_gd = db.session.scalar(select(Unit).where(Unit.name == "Sở Giáo dục và Đào tạo"))
        in_so_gd = db.session.scalar(select(func.count(Employee.id)).where(
            Employee.unit_path.startswith(so_gd.path)))
        assert people("sonoivu") == TOTAL_STAFF + _hired()  # the province
        assert people("quanlydulieu") == in_so_gd          # the Sở and its schools
        school = db.session.scalar(select(Unit).where(
            Unit.name == "Trường THPT Chuyên Vĩnh Phúc"))
        in_school = db.session.scalar(select(func.count(Employee.id)).where(
            Employee.unit_path.startswith(school.path)))
        assert people("thutruong") == in_school            # the principal: the school
        assert 1 < in_school < in_so_gd
        assert 30 < in_so_gd < TOTAL_STAFF
        assert people("canhan") == 1                       # her own record
        assert people("quantri") == 0                      # no personal data for the admin
        db.session.remove()


def test_demo_unit_pages_render_with_the_leader_form_for_who_may_write(app, client):
    with app.app_context():
        seed_demo(app.appbuilder)
        so_gd = db.session.scalar(select(Unit).where(Unit.name == "Sở Giáo dục và Đào tạo"))
        unit_id = so_gd.id
        db.session.remove()
    login(client, "sonoivu", DEMO_PASSWORD)
    page = client.get("/unit-tree/unit/%d" % unit_id)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="unit-summary"' in html
    assert "/unit-tree/unit/%d/appoint" % unit_id in html
    client.get("/logout/")
    login(client, "canhan", DEMO_PASSWORD)
    page = client.get("/unit-tree/unit/%d" % unit_id)
    assert page.status_code == 200 and "/appoint" not in page.get_data(as_text=True)


def test_every_demo_person_has_a_complete_valid_approved_record(app):
    with app.app_context():
        seed_demo(app.appbuilder)
        # (the two people hired by the lifecycle examples have their first entry to make;
        # one teacher's salary step waits for the principal's approval)
        versions = db.session.scalars(select(RecordVersion).where(
            RecordVersion.employee_id.not_in(select(Hiring.employee_id)),
            RecordVersion.status == APPROVED)).all()
        waiting = db.session.scalars(select(RecordVersion).where(
            RecordVersion.status != APPROVED,
            RecordVersion.employee_id.not_in(select(Hiring.employee_id)))).all()
        assert [(v.status, v.number) for v in waiting] == [("submitted", 2)]
        assert len(versions) == TOTAL_STAFF and {v.status for v in versions} == {APPROVED}
        numbers = set()
        for version in versions:
            content = records.read_content(version)
            assert records.missing_required(content) == [], version.employee.full_name
            errors = {}
            records.check_consistency(content, errors)
            assert errors == {}, (version.employee.full_name, errors)
            # each stored value is what typing its display (or choosing it) gives back
            for key, value in content["fields"].items():
                field = form.FIELDS[key][0]
                typed = value if field.kind in (form.CHOICE, form.CATALOG) else \
                    values.display(field, value)
                assert values.parse(field, typed) == value, key
            numbers.add(content["fields"]["so_dinh_danh"])
            assert version.employee.national_id_hash
        assert len(numbers) == TOTAL_STAFF
        # approved as an approval approves (records.mark_approved): decided, and audited
        from app.audit.models import AuditEntry

        assert all(version.decided_at is not None for version in versions)
        audited = db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "record.approve", AuditEntry.object_type == "RecordVersion",
            AuditEntry.object_id.in_([str(version.id) for version in versions])))
        assert audited == TOTAL_STAFF
        db.session.remove()
