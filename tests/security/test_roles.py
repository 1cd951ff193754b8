"""The role table is the only source of permissions."""
import pytest
import json

import config
from app.extensions import db
from app.security import roles
from app.application.roles_sync import wanted_permissions
from tests.conftest import login
from tests.security import world as w


def _permission_names(app, role_name):
    with app.app_context():
        role = app.appbuilder.sm.find_role(role_name)
        names = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}
        db.session.remove()
    return names


def test_the_five_roles_exist_with_their_vietnamese_names(app):
    with app.app_context():
        names = {role.name for role in app.appbuilder.sm.get_all_roles()}
        db.session.remove()
    assert {"Cá nhân", "Cán bộ quản lý dữ liệu", "Thủ trưởng", "Sở Nội vụ",
            "Quản trị hệ thống"} <= names
    assert names - set(roles.ROLE_NAMES) == {config.ROLE_PUBLIC}


def test_sync_roles_puts_the_database_back_to_the_table(app):
    with app.app_context():
        sm = app.appbuilder.sm
        personal = sm.find_role(roles.ROLE_PERSONAL)
        expected = {pv.id for pv in wanted_permissions(app.appbuilder, roles.ROLE_PERSONAL)}
        # someone grants the personal role the right to manage accounts, by hand
        extra = sm.add_permission_view_menu("can_manage", roles.ACCOUNT)
        public = sm.find_role(config.ROLE_PUBLIC)
        personal.permissions.append(extra)
        public.permissions.append(extra)
        db.session.commit()
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["sync-roles"])
    assert result.exit_code == 0, result.output
    assert "đồng bộ" in result.output.lower()
    with app.app_context():
        from app.audit.models import AuditEntry

        sm = app.appbuilder.sm
        assert {pv.id for pv in sm.find_role(roles.ROLE_PERSONAL).permissions} == expected
        assert list(sm.find_role(config.ROLE_PUBLIC).permissions) == []
        last = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
        assert last.action == "role.sync"
        assert set(json.loads(last.details)) == {roles.ROLE_PERSONAL, config.ROLE_PUBLIC}
        db.session.remove()
    # a second sync finds nothing to change and writes nothing
    assert app.test_cli_runner().invoke(args=["sync-roles"]).exit_code == 0
    with app.app_context():
        from app.audit.models import AuditEntry

        assert db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first().id == last.id
        db.session.remove()


def test_the_admin_reads_the_roles_in_vietnamese_and_cannot_edit_them(app, province, client):
    login(client, "quantri", w.PASSWORD)
    html = client.get("/roles/").get_data(as_text=True)
    assert "Cán bộ quản lý dữ liệu" in html and "Đơn vị của mình và các đơn vị cấp dưới" in html
    assert "can_manage" not in html and "Account" not in html
    for url in ("/roles/add", "/roles/edit/1", "/roles/delete/1", "/permissions/list/",
                "/users/list/"):
        assert client.get(url).status_code == 404, url


def test_profile_decides_who_creates_personal_accounts(app):
    def rule_for(creator):
        return lambda key: creator

    assert ("create_personal", roles.ACCOUNT) in roles.granted_permissions(
        roles.ROLE_OFFICER, rule_for("unit_officer"))
    assert ("create_personal", roles.ACCOUNT) not in roles.granted_permissions(
        roles.ROLE_OFFICER, rule_for("so_noi_vu"))
    assert ("create_personal", roles.ACCOUNT) in roles.granted_permissions(
        roles.ROLE_SO_NOI_VU, rule_for("so_noi_vu"))


@pytest.mark.parametrize("profile, approves", [("hai_phong", True), ("dong_nai", True),
                                               ("vinh_phuc", True), ("ha_noi", True),
                                               ("da_nang", False)])
def test_a_head_approves_only_where_the_profile_has_an_approver(profile, approves):
    """da_nang's 2012 model has no approval (the officer's save is the act): its heads
    read records but hold no approve grant, on the records or in the queue."""
    granted = roles.granted_permissions(roles.ROLE_HEAD, lambda key: _profile_rule(profile, key))
    assert (("approve", roles.RECORD) in granted) is approves
    assert (("approve", roles.APPROVAL) in granted) is approves
    assert ("read", roles.RECORD) in granted and ("sign_export", roles.APPROVAL) in granted


def test_the_receiving_unit_makes_a_received_persons_account_where_the_text_says():
    """Điều 11.1a VP: the receiving unit, although Sở Nội vụ makes every other account."""
    for profile, grants in (("vinh_phuc", True), ("hai_phong", True), ("da_nang", False)):
        granted = roles.granted_permissions(roles.ROLE_OFFICER,
                                            lambda key: _profile_rule(profile, key))
        assert (("create_received", roles.TRANSFERS) in granted) is grants, profile


def _profile_rule(profile, key):
    from app.policy.profiles import load_profile

    section, name = key.split(".", 1)
    return load_profile(profile)[section][name]["value"]


def test_every_resource_has_a_vietnamese_label_on_the_roles_page():
    from app.security.views import RESOURCE_LABELS

    assert set(RESOURCE_LABELS) == set(roles.ACTIONS)
