"""Withdrawing a delegation from its page (Điều 7 ĐN, Điều 8 VP: the head may end
it before its last day): the form carries the version the page showed; the
delegate no longer approves; a second tab opened before is told someone changed
it; only the head of the unit withdraws, and nobody outside the unit's scope
even finds it."""
import datetime as dt
import re

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from app.approval import delegations
from app.approval.models import Delegation
from app.audit.models import AuditEntry
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.security import roles
from tests.approval.conftest import account, submitted
from tests.approval.test_approval import IN_WINDOW, approve
from tests.approval.test_stale_delegation import STALE_MSGID, _stored
from tests.conftest import add_account, csrf_token, login
from tests.records.test_attachments import PDF
from tests.security.world import PASSWORD

WITHDRAWN_MSGID = "Delegation withdrawn: %(name)s no longer approves for %(unit)s."


def _shown(app, msgid, **values):
    """The Vietnamese text a page shows for ``msgid``, as the page escapes it."""
    with app.test_request_context(), force_locale("vi"):
        return str(escape(gettext(msgid, **values)))


def _delegation(app, province, people):
    """thutruong's delegation of A's approvals to the deputy, photruong, from today."""
    with app.app_context(), clock.freeze(IN_WINDOW):
        today = clock.today()
        row = delegations.delegate(account(province, "thutruong"), province.units["A"],
                                   people.ids["photruong"], today,
                                   today + dt.timedelta(days=10), "15/UQ-SGD", PDF,
                                   "uy-quyen.pdf")
        delegation_id = row.id
        db.session.remove()
    return delegation_id



def _revoke_entries(app, delegation_id):
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry.actor_username).where(
            AuditEntry.action == "approval.delegation_revoke",
            AuditEntry.object_id == str(delegation_id))))
        db.session.remove()
    return entries


def _opened(client, delegation_id):
    """(form token, version shown) of the withdraw button of the delegation's row."""
    page = client.get("/approval/delegations").get_data(as_text=True)
    form = re.search(r'action="/approval/delegations/%d/revoke".*?name="version" value="(\d+)"'
                     % delegation_id, page, re.S)
    assert form, "no withdraw button for delegation %d" % delegation_id
    return csrf_token(page), form.group(1)


def _token(client):
    """A form token of the signed-in session (any page's form carries it)."""
    return csrf_token(client.get("/my-account/password").get_data(as_text=True))


def _withdraw(client, delegation_id, opened):
    token, version = opened
    return client.post("/approval/delegations/%d/revoke" % delegation_id,
                       data={"csrf_token": token, "version": version}, follow_redirects=True)


def test_the_head_withdraws_and_the_delegate_no_longer_approves(app, province, people,
                                                                approvers, client):
    delegation_id = _delegation(app, province, people)
    version_id = submitted(app, province, people, "canhan")
    # while it holds, the deputy approves for the head
    deputy = app.test_client()
    login(deputy, "photruong", PASSWORD)
    with clock.freeze(IN_WINDOW):
        assert 'value="%d"' % version_id in deputy.get("/approval/").get_data(as_text=True)
    login(client, "thutruong", PASSWORD)
    with clock.freeze(IN_WINDOW):
        opened = _opened(client, delegation_id)
        # the table's first day is a day, not the audit log's "from which address" (issue 16)
        assert "Địa chỉ IP" not in client.get("/approval/delegations").get_data(as_text=True)
        # the form is protected like every other
        refused = client.post("/approval/delegations/%d/revoke" % delegation_id,
                              data={"version": opened[1]})
        assert refused.status_code == 400
        assert _stored(app, delegation_id) == (None, int(opened[1]))
        response = _withdraw(client, delegation_id, opened)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _shown(app, WITHDRAWN_MSGID, name="Vũ Thị Mai", unit="Sở Giáo dục") in body
    revoked_at, version = _stored(app, delegation_id)
    assert revoked_at is not None and version == int(opened[1]) + 1
    assert _revoke_entries(app, delegation_id) == ["thutruong"]
    # the row stays, marked, without a button
    assert "/approval/delegations/%d/revoke" % delegation_id not in body
    assert _shown(app, "Withdrawn") in body
    # the deputy no longer sees the version, nor may approve it
    with clock.freeze(IN_WINDOW):
        assert 'value="%d"' % version_id not in deputy.get("/approval/").get_data(as_text=True)
    with pytest.raises(DomainError, match="không phải là người phê duyệt"):
        approve(app, province, approvers, "photruong", version_id)


def test_a_second_tab_is_told_someone_changed_it(app, province, people, approvers):
    delegation_id = _delegation(app, province, people)
    first, second = app.test_client(), app.test_client()
    for tab in (first, second):
        login(tab, "thutruong", PASSWORD)
    with clock.freeze(IN_WINDOW):
        seen_first, seen_second = _opened(first, delegation_id), _opened(second, delegation_id)
        assert seen_first[1] == seen_second[1]
        _withdraw(first, delegation_id, seen_first)
        withdrawn = _stored(app, delegation_id)
        assert withdrawn[0] is not None
        body = _withdraw(second, delegation_id, seen_second).get_data(as_text=True)
    assert _shown(app, STALE_MSGID) in body
    assert _shown(app, WITHDRAWN_MSGID, name="Vũ Thị Mai", unit="Sở Giáo dục") not in body
    assert _stored(app, delegation_id) == withdrawn
    assert _revoke_entries(app, delegation_id) == ["thutruong"]


def test_outside_the_units_scope_nothing_is_found_and_nothing_changes(app, province, people,
                                                                     approvers):
    delegation_id = _delegation(app, province, people)
    before = _stored(app, delegation_id)
    with app.app_context():
        version = str(db.session.get(Delegation, delegation_id).version)
        db.session.remove()
    # the head of another department: the delegation is not in their scope
    add_account(app, "thutruong_b", role=roles.ROLE_HEAD, password=PASSWORD,
                unit_id=province.units["B"])
    outsider = app.test_client()
    login(outsider, "thutruong_b", PASSWORD)
    assert "15/UQ-SGD" not in outsider.get("/approval/delegations").get_data(as_text=True)
    with clock.freeze(IN_WINDOW):
        response = outsider.post("/approval/delegations/%d/revoke" % delegation_id,
                                 data={"csrf_token": _token(outsider), "version": version})
    assert response.status_code == 404
    # a person of the unit without the permission
    person = app.test_client()
    login(person, "canhan", PASSWORD)
    with clock.freeze(IN_WINDOW):
        response = person.post("/approval/delegations/%d/revoke" % delegation_id,
                               data={"csrf_token": _token(person), "version": version})
    assert response.status_code in (403, 404)
    # the deputy sees it (in scope) but only the head withdraws
    deputy = app.test_client()
    login(deputy, "photruong", PASSWORD)
    with clock.freeze(IN_WINDOW):
        page = deputy.get("/approval/delegations").get_data(as_text=True)
        assert "15/UQ-SGD" in page
        assert "/approval/delegations/%d/revoke" % delegation_id not in page
        body = deputy.post("/approval/delegations/%d/revoke" % delegation_id,
                           data={"csrf_token": _token(deputy), "version": version},
                           follow_redirects=True).get_data(as_text=True)
    assert _shown(app, "Only the head of a unit delegates its approvals.") in body
    assert _stored(app, delegation_id) == before
    assert _revoke_entries(app, delegation_id) == []
