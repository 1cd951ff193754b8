"""The access matrix, generated from the app itself.

Every URL rule of the app (and so every operation of its OpenAPI spec) is
requested by every role, and by an anonymous visitor, against objects that
are the actor's own, in the actor's unit, in a unit below it, and in another
unit. The expected outcome comes from the role table (which permission) and
from the regulation's scopes (which rows), so an endpoint added later without
a permission, without scope, or without its audit entry fails here.
"""
import json

import pytest
from flask_appbuilder.api import BaseApi

import config
from app.audit.models import AuditEntry
from app.extensions import db
from app.policy.profiles import load_profile
from app.accounts.models import Account
from app.security import roles, standing
from tests.conftest import login
from tests.security import world as w

# Reachable without signing in, by design.
PUBLIC = {"static", "appbuilder.static", "LocaleView.index", "UtilView.back",
          "AuthDBView.login", "AuthDBView.logout", "HoSoIndexView.index",
          "HoSoSecurityApi.login", "HoSoSecurityApi.refresh",
          # the load balancer's health check (app/application/health.py)
          "health.healthz"}

# What an allowed request leaves in the audit log: one entry of this action,
# or none. Every (endpoint, method) must be declared here.
AUDIT = {
    ("AccountView.list", "GET"): "account.list",
    ("AccountView.show", "GET"): "account.read",
    ("AccountView.action", "POST"): {"lock": "account.lock", "unlock": "account.unlock",
                                     "reset": "account.reset_password", "edit_details": None,
                                     "change_access": None, "change_roles": None},
    ("AccountApi.get_list", "GET"): "account.list",
    ("AccountApi.get", "GET"): "account.read",
    ("AccountApi.info", "GET"): None,
    ("AccountAdminView.create_personal", "GET"): None,
    ("AccountAdminView.create_personal", "POST"): None,
    ("AccountAdminView.create_agency", "GET"): None,
    ("AccountAdminView.create_agency", "POST"): None,
    ("AccountAdminView.create_staff", "GET"): None,
    ("AccountAdminView.create_staff", "POST"): None,
    ("AccountAdminView.edit", "GET"): None,
    ("AccountAdminView.edit", "POST"): None,
    ("AccountAdminView.import_staff", "GET"): None,
    ("AccountAdminView.import_staff", "POST"): None,
    ("AccountAdminView.template", "GET"): None,
    ("AccountAdminView.access", "GET"): None,
    ("AccountAdminView.access", "POST"): None,
    ("AccountAdminView.assign_roles", "GET"): None,
    ("AccountAdminView.assign_roles", "POST"): None,
    ("MyAccountView.userinfo", "GET"): "account.read",
    ("MyAccountView.password", "GET"): None,
    ("MyAccountView.password", "POST"): None,
    ("UnitView.list", "GET"): "unit.list",
    ("UnitView.show", "GET"): "unit.read",
    ("UnitView.add", "GET"): None,
    ("UnitView.add", "POST"): None,
    ("UnitView.edit", "GET"): None,
    ("UnitView.edit", "POST"): None,
    ("UnitTreeView.tree", "GET"): "unit.tree",
    ("UnitTreeView.unit", "GET"): "unit.read",
    ("UnitTreeView.appoint", "POST"): None,
    ("UnitTreeView.end_appointment", "POST"): None,
    **{("RestructureView.%s" % name, method): None
       for name in ("rename", "recode", "move", "merge", "consolidate", "dissolve", "split")
       for method in ("GET", "POST")},
    ("RestructureView.index", "GET"): None,
    ("UnitApi.get_list", "GET"): "unit.list",
    ("UnitApi.get", "GET"): "unit.read",
    ("UnitApi.info", "GET"): None,
    ("UnitApi.post", "POST"): None,
    ("UnitApi.put", "PUT"): "unit.update",
    ("AuditLogView.list", "GET"): "auditentry.list",
    ("AuditLogView.show", "GET"): "auditentry.read",
    ("RoleView.list", "GET"): None,
    ("ProfileView.show", "GET"): None,
    ("CatalogEntryView.list", "GET"): "catalogentry.list",
    ("CatalogEntryView.show", "GET"): "catalogentry.read",
    ("CatalogEntryView.add", "GET"): None,
    ("CatalogEntryView.add", "POST"): None,
    ("CatalogEntryView.edit", "GET"): None,
    ("CatalogEntryView.edit", "POST"): None,
    ("OpenApi.get", "GET"): None,
    ("SwaggerView.show", "GET"): None,
    ("MenuApi.get_menu_data", "GET"): None,
}
AUDIT[("AccountView.action_post", "POST")] = AUDIT[("AccountView.action", "POST")]
# the account actions that act on the account itself: refused, with an entry, on an
# account of equal or higher standing (app/security/standing.py)
ACTING_ON_ACCOUNTS = {"account.lock", "account.unlock", "account.reset_password"}
# forms whose service checks the standing before it reads the (here empty) form (the
# access form's required choice stops an empty post before the service)
STANDING_CHECKED = {("AccountAdminView.edit", "POST"), ("AccountAdminView.assign_roles", "POST")}
AUDIT.update({
    ("RecordView.index", "GET"): "record.list",
    ("RecordView.mine", "GET"): None,
    ("RecordView.person", "GET"): "record.read",
    ("RecordView.section", "GET"): "record.read",
    ("RecordView.record", "GET"): "record.read",    # the whole record on one page
    ("RecordView.pdf", "GET"): "record.export",
    ("RecordView.diff", "GET"): "record.diff",
    ("RecordView.compare", "GET"): None,        # without two versions chosen: back, no read
    ("RecordView.decision", "GET"): None,
    ("RecordView.decision_post", "POST"): None,
    # the world's versions are submitted: these are refused with a message, nothing written
    ("RecordView.open_draft", "POST"): None,
    ("RecordView.save_section", "POST"): None,
    ("RecordView.submit", "POST"): None,
    ("RecordView.discard_draft", "POST"): None,
    # the officer's entry where nothing is approved (da_nang); refused elsewhere
    ("RecordView.record_entry", "POST"): None,
    ("RecordView.attach", "POST"): None,
    ("RecordView.remove_attachment", "POST"): None,
    ("RecordView.attachment", "GET"): "record.attachment_read",
    # self-service windows: the unit's settings, not personal data; with no form data the
    # open and close requests are refused with a message
    ("RecordView.self_service", "GET"): None,
    ("RecordView.open_self_service", "POST"): None,
    ("RecordView.close_self_service", "POST"): None,
})
# notifications (app/notify): an account's own, read and marked read without an entry
AUDIT.update({
    ("NoticeView.index", "GET"): None,
    ("NoticeView.mark_read", "POST"): None,
    # failed mail, the technical administration's: recipient account, time, reason
    ("FailedMailView.index", "GET"): "notice.mail_failures",
})
AUDIT.update({
    ("RecordView.signed_pdf", "GET"): None,    # no signed copy in the world: back, no read
    ("ApprovalView.index", "GET"): "approval.queue",
    ("ApprovalView.review", "GET"): "record.read",
    ("ApprovalView.signatures", "GET"): "approval.verify",
    ("ApprovalApi.verify_version", "GET"): "approval.verify",
    # without a choice, a key, a reason or a letter these are refused with a message; and
    # nobody in the world heads a unit, so nobody is anybody's approver
    ("ApprovalView.approve", "POST"): None,
    ("ApprovalView.second", "POST"): None,
    # Sở Nội vụ's refusal: without a reason it is refused with a message
    ("ApprovalView.second_reject", "POST"): None,
    ("ApprovalView.reject", "POST"): None,
    ("ApprovalView.prepare_external", "POST"): None,
    ("ApprovalView.complete_external", "POST"): None,
    ("ApprovalView.delegation_list", "GET"): None,
    ("ApprovalView.delegate", "POST"): None,
    ("ApprovalView.revoke_delegation", "POST"): None,
    ("ApprovalView.sign_export", "POST"): None,
    ("SigningView.verify_form", "GET"): None,
    ("SigningView.verify", "POST"): None,
    ("SigningApi.verify", "POST"): None,
    ("SigningView.keys", "GET"): None,
    ("SigningView.add_key", "POST"): None,
    ("SigningView.revoke_key", "POST"): None,
    # the world has no month sealed: the list shows none, the download goes back
    ("ApprovalView.seals", "GET"): None,
    ("ApprovalView.seal", "POST"): None,
    ("ApprovalView.seal_pdf", "GET"): None,
})
# hiring (app/hiring): with no form data entering and linking are refused with a message
AUDIT.update({
    ("HiringView.index", "GET"): "hiring.list",
    ("HiringView.new", "GET"): None,
    ("HiringView.create", "POST"): None,
    ("HiringView.template", "GET"): None,
    ("HiringView.import_form", "GET"): None,
    ("HiringView.import_list", "POST"): None,
    ("HiringView.person_account", "GET"): "hiring.read",
    ("HiringView.link", "POST"): None,
    ("HiringView.unlink", "POST"): None,
    ("HiringView.make_account", "POST"): None,
    ("HiringApi.hire", "POST"): None,
    ("HiringApi.hirings", "GET"): "hiring.list",
    ("DeadlineView.index", "GET"): "deadline.list",
})
# the working-day calendar (app/workdays): no personal data, no read entry; with no form
# data entering and withdrawing a day are refused with a message
AUDIT.update({
    ("CalendarView.index", "GET"): None,
    ("CalendarView.edit", "GET"): None,
    ("CalendarView.save", "POST"): None,
    ("CalendarView.withdraw", "POST"): None,
})
# leavers (app/leavers): the lists are audited reads; with no form data a departure or
# a reinstatement is refused with a message and changes nothing
AUDIT.update({
    ("LeaversView.archive", "GET"): "leavers.archive",
    ("LeaversView.retiring", "GET"): "leavers.retiring",
    ("LeaversView.depart_form", "GET"): None,
    ("LeaversView.depart", "POST"): None,
    ("LeaversView.reinstate_form", "GET"): None,
    ("LeaversView.reinstate", "POST"): None,
    ("LeaversView.cancel", "POST"): None,
})
# transfers (app/transfers): the board and a case are audited reads; with no form data
# entering a case, a step or a cancellation is refused with a message and changes
# nothing (a refused step shows the case again: a read)
AUDIT.update({
    ("TransferView.index", "GET"): "transfer.list",
    ("TransferView.new", "GET"): None,
    ("TransferView.create", "POST"): None,
    ("TransferView.case", "GET"): "transfer.read",
    ("TransferView.step", "POST"): "transfer.read",
    ("TransferView.cancel", "POST"): None,
})
# search (app/reports/search.py): the page, the printed list and the workbook run the
# search (without criteria: everyone in service in scope) and are audited with its
# criteria; without a name saving is refused, without an id nothing is deleted
AUDIT.update({
    ("SearchView.index", "GET"): "reports.search",
    ("BreakdownView.index", "GET"): "reports.breakdown",
    ("DashboardView.index", "GET"): "reports.dashboard",
    ("BreakdownView.export", "GET"): "reports.breakdown_export",
    ("SearchView.printable", "GET"): "reports.print",
    ("SearchView.export", "GET"): "reports.export",
    ("SearchView.save", "POST"): None,
    ("SearchView.forget", "POST"): None,
    # the search form's unit picker: names of units of the scope, nothing personal
    ("SearchView.units", "GET"): None,
})
# data quality (app/reports/quality.py): the page and the list of the people behind a
# score (without criteria: those failing any, of the actor's unit) and Sở Nội vụ's
# inspection ranking are audited reads
AUDIT.update({
    ("QualityView.index", "GET"): "reports.quality",
    ("QualityView.people", "GET"): "reports.quality_people",
    ("InspectionView.index", "GET"): "reports.inspection",
})
# statutory reports (app/reports/statutory.py): a report's page and its documents are
# audited reads; with no form data compiling, signing, submitting and entering a quota are
# refused with a message (no key to sign with, a draft is not submitted)
AUDIT.update({
    ("StatutoryView.index", "GET"): None,
    ("StatutoryView.show", "GET"): "reports.statutory_read",
    ("StatutoryView.document", "GET"): "reports.statutory_download",
    ("StatutoryView.compile", "POST"): None,
    ("StatutoryView.sign", "POST"): None,
    ("StatutoryView.submit", "POST"): None,
    ("StatutoryView.province", "GET"): "reports.statutory_tracking",
    ("StatutoryView.compile_province", "POST"): None,
    ("StatutoryView.quotas", "GET"): None,
    ("StatutoryView.set_quota", "POST"): None,
})
# the bell's count and the account's own mail preferences; saving with no form data turns
# the optional mail off (audited)
AUDIT.update({
    ("NoticeView.unread", "GET"): None,
    ("NoticeView.preferences", "GET"): None,
    ("NoticeView.save_preferences", "POST"): "notice.preferences",
})
# scheduled jobs (app/jobs): no personal data on the screen; without a job named, the
# history and "run now" go back to the list with a message
AUDIT.update({
    ("JobsView.index", "GET"): None,
    ("JobsView.history", "GET"): None,
    ("JobsView.run", "POST"): None,
})
# the national sync (app/sync): the board's read is audited (it names people); a requeue
# without a message, and a reconciliation without the national accounts configured, are
# refused with a message
AUDIT.update({
    ("SyncView.index", "GET"): "sync.board_read",
    ("SyncView.requeue", "POST"): None,
    ("SyncView.reconciliation", "GET"): "sync.reconciliation_read",
    ("SyncView.reconcile_now", "POST"): None,
})
# the pull on transfer-in (app/sync/pull.py): the waiting data requests and a case's pull
# screen are audited reads; with no form data fetching (no data request, no code), making
# a draft and setting aside (no fetched record named) are refused with a message
AUDIT.update({
    ("SyncPullView.index", "GET"): "sync.pull_list",
    ("SyncPullView.case", "GET"): "sync.pull_read",
    ("SyncPullView.fetch", "POST"): None,
    ("SyncPullView.draft", "POST"): None,
    ("SyncPullView.dismiss", "POST"): None,
})
# endpoints whose pk is not the resource's usual object
TARGETS_BY_ENDPOINT = {**{"SyncPullView." + name: lambda world, actor: world.pull_cases
                          for name in ("case", "fetch", "draft", "dismiss")},
                       "RecordView.diff": w.version_targets,
                       "ApprovalView.review": w.version_targets,
                       "ApprovalView.seals": w.unit_targets,
                       "ApprovalView.seal": w.unit_targets,
                       "ApprovalView.seal_pdf": w.unit_targets,
                       "ApprovalView.reject": w.version_targets,
                       "ApprovalView.second_reject": w.version_targets,
                       "ApprovalView.prepare_external": w.version_targets,
                       "ApprovalView.signatures": w.version_targets,
                       "ApprovalApi.verify_version": w.version_targets,
                       "ApprovalView.revoke_delegation": lambda world, actor: world.delegations,
                       "RecordView.attachment": w.attachment_targets,
                       "RecordView.remove_attachment": w.attachment_targets,
                       **{"StatutoryView." + name: lambda world, actor: world.statutory_reports
                          for name in ("show", "document", "sign", "submit")}}
TARGETS = {roles.ACCOUNT: w.account_targets, roles.UNIT: w.unit_targets,
           roles.RECORD: w.employee_targets, roles.APPROVAL: w.employee_targets,
           roles.HIRING: w.employee_targets, roles.LEAVERS: w.employee_targets,
           roles.TRANSFERS: lambda world, actor: world.transfer_cases,
           # catalogs are the province's reference data: no row scope
           roles.CATALOG: lambda world, actor: {None: world.catalog_entry},
           roles.NOTICE: lambda world, actor: _record_targets_of(world.notices, actor)}
# resources whose rows are the account's own whatever the role's scope
OWN_ONLY = {roles.NOTICE}


def _record_targets_of(ids, actor):
    targets = {"same_unit": ids["giaovien"], "subtree": ids["giaovien_truong"],
               "other_unit": ids["bacsi"]}
    if actor in ids:
        targets["own"] = ids[actor]
    return targets


def build_delegations(app, world):
    """A delegation in A, in A1 and in B (world.delegations: target -> id), made
    directly: nobody in the world heads a unit, so withdrawing one is refused
    with a message and writes nothing."""
    import datetime as dt

    from app.approval.models import Delegation
    from app.core import clock

    today = clock.today()
    with app.app_context():
        rows = {target: Delegation(unit_id=world.units[unit], delegator_id=world.employees[by],
                                   delegate_id=world.employees[to], valid_from=today,
                                   valid_to=today + dt.timedelta(days=30),
                                   document_number="1/UQ", document_sha256="0" * 64,
                                   document_type="application/pdf", document_name="uq.pdf",
                                   created_at=clock.now())
                for target, unit, by, to in (("same_unit", "A", "thutruong", "giaovien"),
                                             ("subtree", "A1", "thutruong", "giaovien_truong"),
                                             ("other_unit", "B", "bacsi", "bacsi"))}
        db.session.add_all(rows.values())
        db.session.commit()
        world.delegations = {target: row.id for target, row in rows.items()}
        db.session.remove()


def build_transfers(app, world):
    """A transfer case out of A, out of A1 and out of B (world.transfer_cases: target ->
    id), made directly; with no form data a step or a cancellation is refused."""
    from app.core import clock
    from app.transfers.models import BETWEEN_UNITS, TransferCase

    today = clock.today()
    with app.app_context():
        rows = {target: TransferCase(
            kind=BETWEEN_UNITS, employee_id=world.employees[who],
            from_unit_id=world.units[unit], to_unit_id=world.units[to],
            decision_number="1/QĐ", decision_date=today, decided_by="UBND tỉnh",
            scan_sha256="0" * 64, scan_content_type="application/pdf",
            scan_filename="qd.pdf", effective_on=today, state="open",
            created_at=clock.now())
            for target, who, unit, to in (("same_unit", "giaovien", "A", "B"),
                                          ("subtree", "giaovien_truong", "A1", "B"),
                                          ("other_unit", "bacsi", "B", "N"))}
        db.session.add_all(rows.values())
        db.session.commit()
        world.transfer_cases = {target: row.id for target, row in rows.items()}
        db.session.remove()


def build_statutory_reports(app, world):
    """A draft report of A, A1 and B on a past period (world.statutory_reports: target ->
    id), its PDF and workbook stored: reading them is allowed in scope; with no form data
    signing and submitting are refused with a message."""
    from app.core import clock
    from app.files.store import file_store
    from app.reports.models import StatutoryReport

    with app.app_context():
        pdf, workbook = file_store().put(b"%PDF-1.4 test"), file_store().put(b"PK test")
        rows = {target: StatutoryReport(
            unit_id=world.units[unit], level="unit", period="2020", revision=1,
            status="draft", numbers={
                "level": "unit", "unit": {"id": world.units[unit], "name": unit},
                "period": {"key": "2020", "label": "Báo cáo năm 2020", "due_on": "2020-12-31"},
                "on": "2020-12-01", "columns": [], "rows": [], "totals": {}, "categories": [],
                "by_category": [], "positions": {"rows": [], "others": 0}, "remarks": ""},
            compiled_at=clock.now(), compiled_by=world.accounts["canbo"],
            pdf_sha256=pdf, xlsx_sha256=workbook)
            for target, unit in (("same_unit", "A"), ("subtree", "A1"), ("other_unit", "B"))}
        db.session.add_all(rows.values())
        db.session.commit()
        world.statutory_reports = {target: row.id for target, row in rows.items()}
        db.session.remove()


def _unit_version(app, pk):
    from app.org.models import Unit

    with app.app_context():
        unit = db.session.get(Unit, pk)
        version = unit.version if unit is not None else None
        db.session.remove()
    return version


# bodies of JSON requests that need more than {}: a unit's PUT names the version it read
BODIES = {"UnitApi.put": lambda app, pk: {"version": _unit_version(app, pk)}}


def build_pull_cases(app, world):
    """A case in from outside into A, A1 and B (world.pull_cases: target -> id): the
    pull's scope is the receiving unit's; with no data request a fetch is refused."""
    from app.core import clock
    from app.transfers.models import IN_FROM_OUTSIDE, TransferCase

    today = clock.today()
    with app.app_context():
        rows = {target: TransferCase(
            kind=IN_FROM_OUTSIDE, employee_id=world.employees[who], from_unit_id=None,
            to_unit_id=world.units[unit], outside_body="Sở Giáo dục tỉnh Nam Định",
            decision_number="2/QĐ", decision_date=today, decided_by="UBND tỉnh",
            scan_sha256="0" * 64, scan_content_type="application/pdf",
            scan_filename="qd.pdf", effective_on=today, state="open",
            created_at=clock.now())
            for target, who, unit in (("same_unit", "giaovien", "A"),
                                      ("subtree", "giaovien_truong", "A1"),
                                      ("other_unit", "bacsi", "B"))}
        db.session.add_all(rows.values())
        db.session.commit()
        world.pull_cases = {target: row.id for target, row in rows.items()}
        db.session.remove()


def build_notices(app, world):
    """A notice for every account (world.notices: username -> notice id); made
    directly, so that no mail is attempted."""
    from app.core import clock
    from app.notify.models import Notice

    with app.app_context():
        notices = {name: Notice(account_id=pk, subject="Thông báo", body="Nội dung",
                                created_at=clock.now())
                   for name, pk in world.accounts.items()}
        db.session.add_all(notices.values())
        db.session.commit()
        world.notices = {name: notice.id for name, notice in notices.items()}
        db.session.remove()


def _views(app):
    return {type(view).__name__: view for view in app.appbuilder.baseviews}


def _requests(app, world, actor):
    """Yield one request per rule × method × target (× action name)."""
    views = _views(app)
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        view_name, method_name = rule.endpoint.split(".")
        view = views[view_name]
        for http in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            key = (rule.endpoint, http)
            assert key in AUDIT, "declare the audit entry of %s %s" % (http, rule.rule)
            names = [None]
            if method_name in ("action", "action_post"):
                names = sorted(view.actions)
            for name in names:
                if name is None:
                    perm = view.method_permission_name.get(method_name) or method_name
                else:
                    perm = view.get_action_permission_name(name)[len("can_"):]
                resource = view.class_permission_name
                needs_pk = "pk" in rule.arguments or method_name == "action_post"
                targets = {None: None}
                if needs_pk:
                    if resource == roles.AUDIT_LOG:
                        targets = w.audit_targets(app, world, actor or "canhan")
                    elif rule.endpoint in TARGETS_BY_ENDPOINT:
                        targets = TARGETS_BY_ENDPOINT[rule.endpoint](world, actor or "canhan")
                    else:
                        targets = TARGETS[resource](world, actor or "canhan")
                expected_audit = AUDIT[key][name] if isinstance(AUDIT[key], dict) else AUDIT[key]
                for target, pk in targets.items():
                    values = {"pk": pk, "version": "v1", "name": name, "filename": "x",
                              "number": "8", "token": "x", "kind": "pdf"}
                    url = rule.build({k: v for k, v in values.items() if k in rule.arguments},
                                     append_unknown=False)[1]
                    kwargs = {}
                    if method_name == "action_post":
                        kwargs["data"] = {"action": name, "rowid": [pk]}
                    elif http in ("PUT",) or (http == "POST" and isinstance(view, BaseApi)):
                        kwargs["json"] = (BODIES[rule.endpoint](app, pk)
                                          if rule.endpoint in BODIES else {})
                    elif http == "POST":
                        kwargs["data"] = {}
                    yield {"endpoint": rule.endpoint, "http": http, "url": url, "kwargs": kwargs,
                           "perm": (perm, resource), "target": target,
                           "audit": expected_audit, "api": isinstance(view, BaseApi)}


def _outcome(response):
    location = response.headers.get("Location", "")
    if response.status_code == 401 or (response.status_code == 302 and "/login/" in location):
        return "login"
    if response.status_code in (403, 404):
        return "denied"
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    return "allowed"


def _expected(actor, request, profile):
    if actor is None:
        return "anonymous"
    role = w.ACTORS[actor][0]
    granted = roles.granted_permissions(role, lambda key: _rule(profile, key))
    if request["perm"] not in granted:
        return "denied"
    if request["target"] is None:
        return "allowed"
    scope = roles.role_config(role)["scope"]
    if request["perm"][1] in OWN_ONLY:
        scope = roles.SCOPE_OWN
    return "allowed" if w.expected_in_scope(scope, actor, request["target"]) else "denied"


def _standing_refuses(app, world, actor, target):
    with app.app_context():
        accounts = w.account_targets(world, actor)
        refusal = standing.refusal_to_act_on(db.session.get(Account, world.accounts[actor]),
                                             db.session.get(Account, accounts[target]))
        db.session.remove()
    return refusal is not None


def _rule(profile, key):
    node = profile
    for part in key.split("."):
        node = node[part]
    return node["value"] if isinstance(node, dict) and "value" in node else node


def _new_entries(app, after_id):
    """(the actions of the entries after ``after_id``, the last entry's id): one
    statement, whose second half is the next request's ``after_id``."""
    with app.app_context():
        rows = db.session.query(AuditEntry.id, AuditEntry.action).filter(
            AuditEntry.id > after_id).order_by(AuditEntry.id).all()
        db.session.remove()
    return [row[1] for row in rows], (rows[-1][0] if rows else after_id)


def _last_id(app):
    with app.app_context():
        value = db.session.query(db.func.max(AuditEntry.id)).scalar() or 0
        db.session.remove()
    return value


@pytest.fixture
def matrix_app(make_app, request):
    profile = request.param
    app = make_app({"WTF_CSRF_ENABLED": False, "TESTING": True}, PROVINCE_PROFILE=profile)
    yield app
    from tests.conftest import reset_data

    reset_data(app)


ACTOR_NAMES = [None] + list(w.ACTORS)
# the five regulations (DESIGN §4: every profile must work end to end)
PROFILES = ["hai_phong", "dong_nai", "vinh_phuc", "ha_noi", "da_nang"]


@pytest.mark.parametrize("matrix_app", PROFILES, indirect=True)
@pytest.mark.parametrize("actor", ACTOR_NAMES, ids=lambda a: a or "anonymous")
def test_every_endpoint_for_every_role_and_scope(matrix_app, actor):
    app = matrix_app
    world = w.build(app)
    w.build_records(app, world)
    build_notices(app, world)
    build_delegations(app, world)
    build_transfers(app, world)
    build_pull_cases(app, world)
    build_statutory_reports(app, world)
    profile = load_profile(app.config["PROVINCE_PROFILE"])
    client = app.test_client()
    if actor is not None:
        response = client.post("/login/", data={"username": actor, "password": w.PASSWORD})
        assert response.status_code == 302 and "/login/" not in response.headers["Location"]
    failures = []
    count = 0
    before = _last_id(app)
    for request in _requests(app, world, actor):
        response = client.open(request["url"], method=request["http"], **request["kwargs"])
        outcome = _outcome(response)
        expected = _expected(actor, request, profile)
        entries, before = _new_entries(app, before)
        w.restore(app, world)
        count += 1
        label = "%s %s [%s]" % (request["http"], request["url"], request["target"])
        if expected == "anonymous":
            if outcome not in ("login", "denied") or entries:
                failures.append("%s: anonymous got %s %s" % (label, response.status_code,
                                                             entries))
            continue
        if outcome != expected:
            failures.append("%s: expected %s, got %s (%d)" % (label, expected, outcome,
                                                               response.status_code))
            continue
        wanted = ["access.denied"] if expected == "denied" else (
            [request["audit"]] if request["audit"] else [])
        if expected == "allowed" and (
                request["audit"] in ACTING_ON_ACCOUNTS
                or (request["endpoint"], request["http"]) in STANDING_CHECKED) \
                and _standing_refuses(app, world, actor, request["target"]):
            wanted = ["account.refused"]
        if entries != wanted:
            failures.append("%s: audit %s, wanted %s" % (label, entries, wanted))
    assert count > 100
    assert failures == [], "\n".join(failures[:40])


@pytest.mark.parametrize("matrix_app", ["vinh_phuc"], indirect=True)
@pytest.mark.parametrize("actor", list(w.ACTORS))
def test_api_lists_hold_exactly_the_rows_in_scope(matrix_app, actor):
    app = matrix_app
    world = w.build(app)
    client = app.test_client()
    client.post("/login/", data={"username": actor, "password": w.PASSWORD})
    role = w.ACTORS[actor][0]
    scope = roles.role_config(role)["scope"]
    profile = load_profile(app.config["PROVINCE_PROFILE"])
    granted = roles.granted_permissions(role, lambda key: _rule(profile, key))
    unit_class = {"A": "own", "A1": "subtree", "B": "other_unit", "N": "other_unit",
                  "root": "other_unit"}
    checks = [
        ("/api/v1/unit/", roles.UNIT,
         {world.units[k]: unit_class[k] for k in world.units}),
        ("/api/v1/account/", roles.ACCOUNT,
         {world.accounts[name]: _account_class(actor, name) for name in world.accounts}),
    ]
    for url, resource, classes in checks:
        response = client.get(url + "?q=" + json.dumps({"page_size": 100}))
        if ("read", resource) not in granted:
            assert response.status_code == 403, url
            continue
        assert response.status_code == 200, url
        got = {row["id"] for row in response.get_json()["result"]}
        wanted = {pk for pk, target in classes.items()
                  if w.expected_in_scope(scope, actor, target)}
        assert got == wanted, url


def _account_class(actor, username):
    if username == actor:
        return "own"
    unit = w.ACTORS.get(username, (None, None))[1] if username in w.ACTORS \
        else w.OTHERS[username]
    return {"A": "same_unit", "A1": "subtree"}.get(unit, "other_unit")


def test_the_matrix_covers_the_openapi_spec(app, make_user):
    """Every operation the API documents is a rule the matrix walks."""
    make_user("quantri_api", role=config.ROLE_ADMIN, password=w.PASSWORD)
    client = app.test_client()
    login(client, "quantri_api", w.PASSWORD)
    response = client.get("/api/v1/_openapi")
    assert response.status_code == 200
    spec = response.get_json()
    adapter = app.url_map.bind("localhost")
    operations = 0
    for path, methods in spec["paths"].items():
        sample = path.replace("{pk}", "1").replace("{version}", "v1")
        for method in methods:
            if method.upper() not in ("GET", "POST", "PUT", "DELETE", "PATCH"):
                continue
            endpoint, _args = adapter.match(sample, method=method.upper())
            operations += 1
            assert endpoint in PUBLIC or (endpoint, method.upper()) in AUDIT, (method, path)
    assert operations >= 8


def test_public_role_has_no_permission(app):
    with app.app_context():
        public = app.appbuilder.sm.find_role(config.ROLE_PUBLIC)
        assert list(public.permissions) == []
        db.session.remove()
