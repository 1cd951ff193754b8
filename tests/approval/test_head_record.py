"""Who approves the head's own record, as the profile's
approval.head_record_approver says: a deputy of the head's unit (Điều 7.1 ĐN),
the head of the next employing unit above, or, where the text is silent, the
deputy and with no deputy the head above (DESIGN §9 "Who approves")."""
import pytest
from sqlalchemy import select

from app.approval import authority, services
from app.approval.models import BASIS_DEPUTY, BASIS_HEAD, BASIS_UPPER_HEAD, KIND_PKCS12
from app.core import clock
from app.core.exceptions import DomainError
from app.extensions import db
from app.org.models import LEADER_DEPUTY, Employee, UnitLeader
from app.policy import profiles
from app.records.models import APPROVED, SUBMITTED, RecordVersion
from tests.approval.conftest import account, also_personal, submitted
from tests.approval.test_approval import approve


@pytest.fixture
def app(make_app, smtp_server, request):
    """The approval tests' app under the profile the test names (vinh_phuc unless told)."""
    from tests.conftest import reset_data

    app = make_app(PROVINCE_PROFILE=getattr(request, "param", "vinh_phuc"),
                   MAIL_SERVER=smtp_server.host, MAIL_PORT=str(smtp_server.port))
    yield app
    reset_data(app)


def _approvers_of(people, username):
    person = db.session.get(Employee, people.ids[username])
    return {(a.employee_id, a.basis) for a in authority.approvers_of(person)}


def _refused(province, approvers, username, version_id):
    with pytest.raises(DomainError, match="không phải là người phê duyệt"):
        services.approve(account(province, username), version_id, approvers.signer(username),
                         KIND_PKCS12)
    assert db.session.get(RecordVersion, version_id).status == SUBMITTED


def _heads_own_record(app, province, people, rule):
    """The head's own record, submitted under the profile's head_record_approver ``rule``."""
    also_personal(app, province, "thutruong")
    with app.app_context():
        assert profiles.rule("approval.head_record_approver") == rule
        db.session.remove()
    return submitted(app, province, people, "thutruong")


def _end_the_deputy():
    deputy = db.session.scalar(select(UnitLeader).where(UnitLeader.position == LEADER_DEPUTY))
    deputy.valid_to = clock.today()
    db.session.commit()


@pytest.mark.parametrize("app", ["dong_nai"], indirect=True)
def test_deputy_approves_the_heads_own_record(app, province, people, approvers):
    """Điều 7.1 ĐN: cấp phó của người đứng đầu phê duyệt hồ sơ của người đứng đầu."""
    head_own = _heads_own_record(app, province, people, "deputy")
    ids = people.ids
    with app.app_context():
        assert _approvers_of(people, "thutruong") == {(ids["photruong"], BASIS_DEPUTY)}
        # not the head above while the unit has a deputy
        _refused(province, approvers, "chutich", head_own)
        db.session.remove()
    approve(app, province, approvers, "photruong", head_own)
    with app.app_context():
        version = db.session.get(RecordVersion, head_own)
        assert version.status == APPROVED
        [approval] = version.approvals
        assert (approval.basis, approval.unit_id) == (BASIS_DEPUTY, province.units["A"])
        # the others' records are the head's as before
        assert _approvers_of(people, "canhan") == {(ids["thutruong"], BASIS_HEAD)}
        # a unit without a deputy: the head of the next employing unit above
        _end_the_deputy()
        assert _approvers_of(people, "thutruong") == {(ids["chutich"], BASIS_UPPER_HEAD)}
        db.session.remove()


def test_under_superior_head_the_head_above_approves_the_heads_record(
        app, province, people, approvers, monkeypatch):
    # no shipped text says so: the rule set on the vinh_phuc profile for this test
    monkeypatch.setitem(profiles.rule_entry("approval.head_record_approver", app), "value",
                        "superior_head")
    head_own = _heads_own_record(app, province, people, "superior_head")
    ids = people.ids
    with app.app_context():
        # A has a deputy, but the head's record goes to the head of the unit above
        assert _approvers_of(people, "thutruong") == {(ids["chutich"], BASIS_UPPER_HEAD)}
        _refused(province, approvers, "photruong", head_own)
        # everyone else's approver is unchanged, the deputy's own record included
        assert _approvers_of(people, "canhan") == {(ids["thutruong"], BASIS_HEAD)}
        assert _approvers_of(people, "photruong") == {(ids["thutruong"], BASIS_HEAD)}
        # the head at the top has no unit above: nobody in the province approves
        assert _approvers_of(people, "chutich") == set()
        db.session.remove()
    approve(app, province, approvers, "chutich", head_own)
    with app.app_context():
        [approval] = db.session.get(RecordVersion, head_own).approvals
        assert (approval.basis, approval.unit_id) == (BASIS_UPPER_HEAD, province.units["root"])
        db.session.remove()


def test_where_the_text_is_silent_the_deputy_then_the_head_above_approves_the_heads_record(
        app, province, people, approvers):
    head_own = _heads_own_record(app, province, people, None)    # vinh_phuc: silent
    ids = people.ids
    with app.app_context():
        assert _approvers_of(people, "thutruong") == {(ids["photruong"], BASIS_DEPUTY)}
        _refused(province, approvers, "chutich", head_own)
        # the deputy's post ends today: from now on the head above approves
        _end_the_deputy()
        assert _approvers_of(people, "thutruong") == {(ids["chutich"], BASIS_UPPER_HEAD)}
        services.approve(account(province, "chutich"), head_own, approvers.signer("chutich"),
                         KIND_PKCS12)
        [approval] = db.session.get(RecordVersion, head_own).approvals
        assert approval.basis == BASIS_UPPER_HEAD
        db.session.remove()
