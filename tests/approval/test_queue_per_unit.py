"""The queue works out the approvers once per employing unit (services.queue,
authority.authorities_over): the same entries as asking, version by version, who
may approve it (services.authority_for, what approving checks), in a number of
statements that does not grow with the queue."""
import datetime as dt

from app.approval import queries, services
from app.core import clock
from app.extensions import db
from app.org.models import Employee, Unit
from app.org.services import create_unit
from app.records.models import SUBMITTED, RecordVersion
from app.records.services import empty_content
from tests.approval.conftest import account, also_personal, submitted
from tests.approval.test_approval import IN_WINDOW, _delegate, approve
from tests.security.test_page_statements import counted_statements


def _entries(entries):
    return [(e.version.id, e.authority, e.overdue) for e in entries]


def _version_by_version(actor, second_step=False):
    """The queue as approving itself decides, one version at a time: the reference."""
    from sqlalchemy import select

    from app.approval import window
    from app.records.services import own_employee
    from app.security import scope

    if second_step:
        return services.queue(actor, second_step=True)
    if own_employee(actor) is None:
        return []
    query = scope.restrict(
        select(RecordVersion).join(Employee, Employee.id == RecordVersion.employee_id)
        .where(RecordVersion.status == SUBMITTED), actor, "approve", model=Employee)
    entries = []
    for version in db.session.scalars(query.order_by(RecordVersion.submitted_at,
                                                     RecordVersion.id)):
        found = services.authority_for(actor, version)
        if found is not None:
            entries.append(services.QueueEntry(version, found, window.is_overdue(version)))
    return entries


def test_the_page_lists_what_the_service_lists(app, province, people, approvers):
    """Heads, the head's own record to the deputy, a unit without a head climbing to
    A, another Sở's person to the province's head, a delegation, the second step."""
    also_personal(app, province, "thutruong")
    _delegate(app, province, people, dt.date(2026, 11, 20), dt.date(2026, 11, 30))
    ids = {name: submitted(app, province, people, name)
           for name in ("canhan", "giaovien", "giaovien_truong", "bacsi", "thutruong")}
    approve(app, province, approvers, "thutruong", ids["giaovien"])
    with app.app_context(), clock.freeze(IN_WINDOW):
        for username in ("thutruong", "photruong", "chutich", "canhan", "canbo", "sonoivu"):
            actor = account(province, username)
            assert _entries(queries.queue(actor)) == _entries(_version_by_version(actor)), \
                username
        sonoivu = account(province, "sonoivu")
        second = queries.queue(sonoivu, second_step=True)
        assert _entries(second) == _entries(_version_by_version(sonoivu, second_step=True))
        assert [e.version.id for e in second] == [ids["giaovien"]]
        # the delegate sees A's waiting records; the head's own goes to the deputy
        assert {e.version.id for e in queries.queue(account(province, "photruong"))} == \
            {ids["canhan"], ids["giaovien_truong"], ids["thutruong"]}
        db.session.remove()


def _waiting(app, province, start, count):
    """``count`` more people waiting for A's head, each in a unit of their own below
    A (employing units without a head: their people climb to A)."""
    with app.app_context():
        a = db.session.get(Unit, province.units["A"])
        now = clock.now()
        for i in range(start, start + count):
            unit = create_unit("Trường %03d" % i, a)
            person = Employee(full_name="Người chờ %03d" % i, category="vien_chuc",
                              unit_id=unit.id)
            db.session.add(person)
            db.session.flush()
            db.session.add(RecordVersion(employee_id=person.id, number=1, status=SUBMITTED,
                                         content=empty_content(), lock=0, completeness=0,
                                         created_at=now, updated_at=now, submitted_at=now))
        db.session.commit()
        db.session.remove()


def _queue_statements(app, province):
    with app.app_context():
        head = account(province, "thutruong")
        with counted_statements(app) as statements:
            entries = queries.queue(head)
        db.session.remove()
    return len(entries), len(statements)


def test_the_queue_asks_once_per_unit_not_once_per_version(app, province, people, approvers):
    _waiting(app, province, 0, 5)
    small = _queue_statements(app, province)
    _waiting(app, province, 5, 35)
    large = _queue_statements(app, province)
    assert small[0] == 5 and large[0] == 40
    # the account's roles and unit (for its scope), the approver, the versions with
    # their people, the units above them, their leaders and their delegations
    assert large[1] == small[1] <= 7, (small, large)
