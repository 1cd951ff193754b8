"""The province-scale generator makes a sound tree, and scope over it is exact."""
import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from app import MIGRATIONS_DIR, create_app
from app.extensions import db
from app.org.models import Unit
from app.org.models import Employee
from app.security import roles
from app.security.scope import restrict
from bench.generate import generate
from bench.scope_bench import _officer_of
from tests import pgserver
from tests.conftest import environ_for


@pytest.fixture
def generated(pg_server_url):
    url = pgserver.create_database(pg_server_url, prefix="hoso_gen")
    app = create_app(environ=environ_for(url))
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
    generate(url, n_units=300, n_employees=3000, seed=7)
    app = create_app(environ=environ_for(url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    pgserver.drop_database(pg_server_url, url)


def test_the_tree_is_sound(generated):
    with generated.app_context():
        units = {u.id: u for u in db.session.scalars(select(Unit))}
        assert len(units) == 300
        roots = [u for u in units.values() if u.parent_id is None]
        assert [u.path for u in roots] == ["/1/"]
        for unit in units.values():
            if unit.parent_id:
                assert unit.path == "%s%d/" % (units[unit.parent_id].path, unit.id)
        assert db.session.query(Employee).count() == 3000
        # the ids continue after the generated ones
        new = Unit(name="Đơn vị mới", path="/")
        db.session.add(new)
        db.session.flush()
        assert new.id == 301
        db.session.rollback()


@pytest.mark.parametrize("role", [roles.ROLE_OFFICER, roles.ROLE_HEAD, roles.ROLE_SO_NOI_VU,
                                  roles.ROLE_ADMIN])
def test_scope_over_the_generated_province_is_exact(generated, role):
    with generated.app_context():
        units = {u.id: u for u in db.session.scalars(select(Unit))}
        people = db.session.execute(select(Employee.id, Employee.unit_id)).all()
        for sample in (units[4], next(u for u in units.values() if u.path.count("/") == 4)):
            user = _officer_of(sample, role)
            got = set(db.session.scalars(restrict(select(Employee.id), user, "read",
                                                  model=Employee)))
            scope = roles.role_config(role)["scope"]
            if ("read", roles.RECORD) not in roles.granted_permissions(role, lambda k: None):
                wanted = set()  # the administrator reads no personal records
            elif scope == roles.SCOPE_PROVINCE:
                wanted = {pid for pid, _u in people}
            else:
                wanted = {pid for pid, uid in people if units[uid].path.startswith(sample.path)}
            assert got == wanted


def test_records_are_generated_approved_and_readable(pg_server_url):
    """``records``: each person has one approved version whose page renders."""
    from app.records import services
    from app.records.models import APPROVED, RecordVersion

    url = pgserver.create_database(pg_server_url, prefix="hoso_gen")
    try:
        app = create_app(environ=environ_for(url))
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            db.session.remove()
            db.engine.dispose()
        # the sensitive part (family, salary history) under the app's record key
        key = app.config["RECORD_ENCRYPTION_KEYS"].split(",")[0].strip()
        generate(url, n_units=50, n_employees=400, seed=3, records=True, record_key=key,
                 identity_key=app.config["IDENTITY_HASH_KEY"], identity=True)
        app = create_app(environ=environ_for(url))
        with app.app_context():
            versions = db.session.scalars(select(RecordVersion)).all()
            assert len(versions) == 400
            assert {(v.number, v.status) for v in versions} == {(1, APPROVED)}
            person = db.session.get(Employee, versions[0].employee_id)
            content = services.read_content(services.approved_version(person))
            assert content["fields"]["ho_ten"] == person.full_name
            assert services.missing_required(content, person.category) is not None
            # the child rows of the form: trainings, work history, family, salary history
            everyone = [services.read_content(v) for v in versions]
            for table in ("dao_tao_chuyen_mon", "qua_trinh_cong_tac", "gia_dinh_ban_than",
                          "dien_bien_luong"):
                assert sum(bool(c["tables"].get(table)) for c in everyone) > 200, table
            assert all(c["tables"]["gia_dinh_ban_than"][0]["quan_he"] == "Bố"
                       for c in everyone)
            for c in everyone:
                salary = c["tables"].get("dien_bien_luong")
                if salary:   # the last raise is the current step and coefficient
                    assert (salary[-1]["bac_luong"], salary[-1]["he_so_luong"]) == (
                        c["fields"]["bac_luong"], c["fields"]["he_so_luong"])
            assert len({v.completeness for v in versions}) > 3
            # the số định danh: unique, and its hash where approving would write it
            from app.core import crypto
            numbers = {c["fields"]["so_dinh_danh"] for c in everyone}
            assert len(numbers) == 400
            assert person.national_id_hash == crypto.identity_hash(
                content["fields"]["so_dinh_danh"])
            # the bench's province is varied where reports look: grades, ages, trainings
            from app.catalogs.services import load_shipped
            from app.reports import services as reports
            from app.reports.models import ReportFact

            load_shipped(names=["ngach", "chuc_danh_nghe_nghiep"])
            assert reports.rebuild() == 400
            facts = db.session.scalars(select(ReportFact)).all()
            assert len({f.grade_code for f in facts}) > 20
            assert len({f.birth_date.year for f in facts}) > 20
            for column in ("political_theory", "state_management", "it_level",
                           "language_level", "education"):
                assert len({getattr(f, column) for f in facts} - {None}) >= 2, column
            assert 0.3 < sum(f.party_member for f in facts) / 400 < 0.6
            db.session.remove()
            db.engine.dispose()
    finally:
        pgserver.drop_database(pg_server_url, url)
