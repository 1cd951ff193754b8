"""Who may act on whom (DESIGN §9, app/security/standing.py): the takeover chains
found on main, each refused (where a temporary password goes:
tests/accounts/test_temporary_passwords.py).

Ranks: personal < unit officer < head (agency) < Sở Nội vụ < admin.
"""
import json

import pytest
from werkzeug.security import check_password_hash

from app.accounts import services
from app.accounts.models import KIND_AGENCY, KIND_STAFF
from app.audit.models import AuditEntry
from app.extensions import db
from app.security import roles, standing
from tests.accounts.conftest import account
from tests.conftest import add_account, csrf_token, login
from tests.security import world as w


def _refused(call, *args, match=None):
    with pytest.raises(services.AccountError, match=match) as refused:
        call(*args)
    db.session.rollback()
    return refused.value


@pytest.fixture
def agency_head(app, province):
    """The head's agency account of unit A (tài khoản cơ quan), truong.a."""
    return add_account(app, "truong.a", role=roles.ROLE_HEAD, password=w.PASSWORD,
                       unit_id=province.units["A"], kind=KIND_AGENCY)


@pytest.fixture
def second_admin(app, province):
    """Another system administrator, quantri2."""
    return add_account(app, "quantri2", role=roles.ROLE_ADMIN, password=w.PASSWORD,
                       kind=KIND_STAFF)


def test_the_unit_officer_cannot_reset_the_heads_account_and_sign_in_as_the_head(
        app, province, client, agency_head):
    with app.app_context():
        before = account("truong.a").password
        _refused(services.reset_password, account("canbo"), account("truong.a"))
        # nor the head's personal-kind account, nor lock it, restrict it or edit it
        head = account("thutruong")
        _refused(services.reset_password, account("canbo"), head, match="cao hơn")
        _refused(services.lock, account("canbo"), head)
        _refused(services.set_access, account("canbo"), head, "restrict")
        _refused(services.update_account, account("canbo"), head,
                 {"first_name": "X", "last_name": head.last_name, "email": head.email,
                  "username": head.username, "unit_id": head.unit_id})
        assert account("truong.a").password == before
        assert account("thutruong").status == "active"
        # each attempt is in the log, with what was tried
        tried = [json.loads(e.details)["action"] for e in db.session.query(AuditEntry).filter_by(
            action="account.refused", object_id=str(head.id)).order_by(AuditEntry.id)]
        assert tried == ["manage", "manage", "manage", "write"]
    # through the screen: the list's reset action leaves the password as it was
    login(client, "canbo", w.PASSWORD)
    page = client.get("/accounts/show/%d" % province.accounts["thutruong"])
    response = client.post("/accounts/action/reset/%d" % province.accounts["thutruong"],
                           data={"csrf_token": csrf_token(page.get_data(as_text=True))},
                           follow_redirects=True)
    assert "Mật khẩu tạm" not in response.get_data(as_text=True)
    client.get("/logout/")
    assert "/login/" not in login(client, "thutruong", w.PASSWORD).request.path


def test_an_officer_cannot_act_on_another_officer_but_on_the_staff_below(app, province):
    add_account(app, "canbo2", role=roles.ROLE_OFFICER, password=w.PASSWORD,
                unit_id=province.units["A"])
    with app.app_context():
        _refused(services.lock, account("canbo"), account("canbo2"), match="cao hơn")
        services.lock(account("canbo"), account("giaovien"))
        assert account("giaovien").status == "locked"


def test_so_noi_vu_cannot_reset_the_administrator_nor_grant_itself_a_role(app, province):
    with app.app_context():
        before = account("quantri").password
        _refused(services.reset_password, account("sonoivu"), account("quantri"),
                 match="quản trị")
        _refused(services.assign_roles, account("sonoivu"), account("sonoivu"),
                 [roles.ROLE_ADMIN])
        assert account("quantri").password == before
        assert [r.name for r in account("sonoivu").roles] == [roles.ROLE_SO_NOI_VU]


def test_so_noi_vu_resets_an_agency_account_below_it(app, province, agency_head):
    with app.app_context():
        password = services.reset_password(account("sonoivu"), account("truong.a"))
        assert check_password_hash(account("truong.a").password, password)


def test_the_administrator_cannot_grant_itself_a_role_that_reads_records(
        app, province, second_admin):
    with app.app_context():
        _refused(services.assign_roles, account("quantri"), account("quantri"),
                 [roles.ROLE_ADMIN, roles.ROLE_SO_NOI_VU])
        _refused(services.reset_password, account("quantri"), account("quantri"),
                 match="chính mình")
        # nor give it to another administrator: an admin reads no record
        _refused(services.assign_roles, account("quantri"), account("quantri2"),
                 [roles.ROLE_ADMIN, roles.ROLE_SO_NOI_VU], match="hồ sơ")
        _refused(services.create_account, account("quantri"), KIND_STAFF,
                 {"last_name": "Lê", "first_name": "An", "username": "an.le",
                  "email": "an.le@snv.vn", "roles": [roles.ROLE_ADMIN, roles.ROLE_HEAD]})


def test_a_second_administrator_acts_on_the_administrators_account(
        app, province, second_admin):
    with app.app_context():
        password = services.reset_password(account("quantri2"), account("quantri"))
        assert check_password_hash(account("quantri").password, password)
        services.assign_roles(account("quantri"), account("sonoivu"),
                              [roles.ROLE_SO_NOI_VU, roles.ROLE_HEAD])
        assert {r.name for r in account("sonoivu").roles} == {roles.ROLE_SO_NOI_VU,
                                                              roles.ROLE_HEAD}


def test_nobody_grants_a_role_as_high_as_their_own_but_an_admin_another_admin(
        app, province):
    """Only the admin's role may assign roles today; the rule holds for any role the
    table may one day let grant them."""
    with app.app_context():
        officer, teacher = account("canbo"), account("giaovien")
        assert standing.refusal_to_grant(officer, teacher, [roles.ROLE_OFFICER])
        assert standing.refusal_to_grant(officer, teacher, [roles.ROLE_SO_NOI_VU])
        assert standing.refusal_to_grant(officer, teacher, [roles.ROLE_PERSONAL]) is None
        admin = account("quantri")
        assert standing.refusal_to_grant(admin, teacher, [roles.ROLE_ADMIN]) is None
        # and through the service, Sở Nội vụ has no right to assign roles at all
        _refused(services.assign_roles, account("sonoivu"), teacher, [roles.ROLE_PERSONAL])
