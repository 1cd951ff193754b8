"""The transfer screens: entering a case keeps what was typed on a refusal, with the
messages in Vietnamese; a case entered through the form shows its steps."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.transfers import deadlines
from app.transfers.models import TransferCase
from tests.conftest import csrf_token, login
from tests.security.world import PASSWORD
from tests.transfers.conftest import MONDAY, SCAN, actor, at


def _signed_in(app, username):
    client = app.test_client()
    login(client, username, PASSWORD)
    return client


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_a_refused_form_keeps_what_was_typed(transfer_app):
    app, world = transfer_app
    client = _signed_in(app, "canbo")
    with at(MONDAY):
        page = client.get("/transfers/new")
        assert page.status_code == 200
        token = csrf_token(page.get_data(as_text=True))
        refused = client.post("/transfers/new", data={
            "csrf_token": token, "kind": "giua_don_vi", "decision_number": "77/QĐ-UBND",
            "decision_date": "32/12/2026", "employee_id": str(world.employees["giaovien"])})
        assert refused.status_code == 400
        text = refused.get_data(as_text=True)
        assert 'value="77/QĐ-UBND"' in text and 'value="32/12/2026"' in text
        assert "novalidate" in text


@pytest.mark.parametrize("transfer_app", ["hai_phong"], indirect=True)
def test_a_case_entered_on_the_screen_shows_its_steps_and_deadline(transfer_app):
    app, world = transfer_app
    client = _signed_in(app, "canbo")
    with at(MONDAY):
        token = csrf_token(client.get("/transfers/new").get_data(as_text=True))
        done = client.post("/transfers/new", data={
            "csrf_token": token, "kind": "giua_don_vi", "decision_number": "77/QĐ-UBND",
            "decision_date": "01/12/2026", "decided_by": "UBND tỉnh",
            "effective_on": "07/12/2026", "employee_id": str(world.employees["giaovien"]),
            "to_unit_id": str(world.units["B"]),
            "scan": (__import__("io").BytesIO(SCAN[1]), SCAN[0])},
            content_type="multipart/form-data")
        assert done.status_code == 302, done.get_data(as_text=True)[:2000]
        page = client.get(done.headers["Location"])
        assert page.status_code == 200
        assert "14/12/2026" in page.get_data(as_text=True)
    with app.app_context(), at(MONDAY):
        case = db.session.scalar(select(TransferCase))
        found = deadlines.deadlines(actor(world, "canbo"))
        assert [(d.kind, d.due_on.isoformat(), d.args) for d in found] == [
            ("transfers.handover", "2026-12-14", {"pk": case.id})]
        assert deadlines.deadlines(actor(world, "canbo_b")) == []
