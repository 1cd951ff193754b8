"""Screens of the monthly approval: the head's queue with the window's banner,
one version's review (diff, documents, approve with a signature or reject),
signing outside the server, the signatures of a version, delegations, the
signed export of a record, and the verification of an uploaded PDF.

Rules live in app/approval/services.py and friends; these views read forms,
call a service and show what it said.
"""
import base64
import binascii

from flask import abort, flash, g, make_response, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.api import BaseApi
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.security.decorators import has_access, protect
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from app.approval import (
    authority, delegations, exports, keys, month_seal, services, window,
)
from app.approval.models import (
    BASIS_DELEGATE, BASIS_DEPUTY, BASIS_HEAD, BASIS_SO_NOI_VU, BASIS_UPPER_HEAD, KIND_EXTERNAL,
    STEP_SO_NOI_VU, STEP_UNIT,
)
from app.audit import services as audit
from app.core.dates import parse_date_or_none
from app.core.exceptions import DomainError
from app.extensions import db
from app.org.models import Unit
from app.records import attachments
from app.records import services as records
from app.org.models import Employee
from app.records.models import RecordVersion
from app.records.views import change_label, label, status_label
from app.security import roles, scope
from app.signing import pki
from app.signing.pdf import verify_pdf

BASIS_LABELS = {BASIS_HEAD: _l("Head of the unit"), BASIS_DEPUTY: _l("Deputy, for the head's "
                                                                     "own record"),
                BASIS_UPPER_HEAD: _l("Head of the unit above"),
                BASIS_DELEGATE: _l("Delegated in writing"),
                BASIS_SO_NOI_VU: _l("Department of Home Affairs")}
STEP_LABELS = {STEP_UNIT: _l("Unit's approval"), STEP_SO_NOI_VU: _l("Sở Nội vụ's approval")}
PREVIEWABLE = ("image/jpeg", "image/png", "application/pdf")


def _version_or_404(pk):
    version = db.session.scalar(scope.restrict(select(RecordVersion).where(
        RecordVersion.id == pk), g.user, "read", model=RecordVersion))
    if version is None:
        abort(404)
    return version


def _may(action):
    return bool(scope.user_scopes(g.user, action, roles.APPROVAL))


def _signer_from_form():
    """The signer's key, unlocked with the PIN typed in this request."""
    credential = keys.credential_of(g.user, request.form.get("credential", type=int))
    if credential.kind == KIND_EXTERNAL:
        raise DomainError(_("This key signs outside the server: open a version and use "
                            "\"Sign with my token\"."))
    return keys.signer_for(credential, request.form.get("pin", "")), credential.kind


class ApprovalView(BaseView):
    route_base = "/approval"
    class_permission_name = roles.APPROVAL
    method_permission_name = {
        "index": "read", "review": "read", "approve": "approve", "reject": "approve",
        "prepare_external": "approve", "complete_external": "approve",
        "signatures": "read", "delegation_list": "delegate", "delegate": "delegate",
        "second": "second_step", "sign_export": "sign_export", "seals": "read",
        "seal": "approve", "seal_pdf": "read"}
    base_permissions = roles.base_permissions(roles.APPROVAL)
    default_view = "index"

    def _render(self, template, **context):
        return self.render_template(
            template, csrf=generate_csrf(), basis_labels=BASIS_LABELS, step_labels=STEP_LABELS,
            status_label=status_label, change_label=change_label, label=label,
            credentials=keys.credentials_of(g.user), **context)

    @expose("/")
    @has_access
    def index(self):
        second_step = _may("second_step") and services.second_step_required()
        entries = services.queue(g.user, second_step=second_step)
        audit.record("approval.queue", object_type="RecordVersion",
                     details={"count": len(entries), "second_step": second_step})
        db.session.commit()
        return self._render("approval/queue.html", entries=entries, second_step=second_step,
                            window=window.current(), in_window=window.in_window(),
                            may_approve=_may("approve") or second_step,
                            headed_units=delegations.units_headed(g.user))

    @expose("/version/<int:pk>")
    @has_access
    def review(self, pk):
        version = _version_or_404(pk)
        employee = version.employee
        approved = records.approved_version(employee)
        base = approved if approved is not None and approved.id != version.id else None
        changes = records.diff(records.read_content(base), records.read_content(version))
        records.audit_read(version, "record.read")
        db.session.commit()
        return self._render(
            "approval/review.html", version=version, employee=employee, changes=changes,
            documents=attachments.of_versions([version]),
            previewable=PREVIEWABLE, kind_labels=attachments.KIND_LABELS,
            authority=services.authority_for(g.user, version),
            verdicts=services.verdicts(version), window=window.current(),
            overdue=window.is_overdue(version))

    @expose("/approve", methods=["POST"])
    @has_access
    def approve(self):
        return self._approve_selected(second_step=False)

    @expose("/second", methods=["POST"])
    @has_access
    def second(self):
        """Sở Nội vụ's second approval of versions the units approved."""
        return self._approve_selected(second_step=True)

    def _approve_selected(self, second_step):
        ids = [int(pk) for pk in request.form.getlist("version") if pk.isdigit()]
        if not ids:
            flash(_("Choose at least one version to approve."), "warning")
            return redirect(url_for("ApprovalView.index"))
        try:
            signer, kind = _signer_from_form()
        except DomainError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("ApprovalView.index"))
        with signer:
            outcomes = services.approve_many(g.user, ids, signer, kind,
                                             second_step=second_step)
        done = sum(outcome.approved for outcome in outcomes)
        flash(_("Approved and signed: %(done)d of %(total)d.", done=done, total=len(outcomes)),
              "success" if done == len(outcomes) else "warning")
        for outcome in outcomes:
            if not outcome.approved:
                flash("%s: %s" % (outcome.person or "#%d" % outcome.version_id,
                                  outcome.message), "danger")
        return redirect(url_for("ApprovalView.index"))

    @expose("/version/<int:pk>/reject", methods=["POST"])
    @has_access
    def reject(self, pk):
        version = _version_or_404(pk)
        try:
            services.reject(g.user, version.id, request.form.get("reason"))
        except DomainError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("ApprovalView.review", pk=pk))
        flash(_("Rejected; the person sees the reason in the app and by e-mail."), "success")
        return redirect(url_for("ApprovalView.index"))

    @expose("/version/<int:pk>/external", methods=["POST"])
    @has_access
    def prepare_external(self, pk):
        version = _version_or_404(pk)
        try:
            credential = keys.credential_of(g.user, request.form.get("credential", type=int))
            signing = services.prepare_external(g.user, version.id, credential)
        except DomainError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("ApprovalView.review", pk=pk))
        return self._render("approval/external.html", version=version, signing=signing,
                            employee=version.employee)

    @expose("/external/<token>", methods=["POST"])
    @has_access
    def complete_external(self, token):
        upload = request.files.get("signature")
        data = upload.read() if upload else b""
        try:
            if not data:
                raise DomainError(_("Choose the signature file your signing tool saved."))
            approval = services.complete_external(g.user, token, _der(data))
        except DomainError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("ApprovalView.index"))
        flash(_("Approved and signed."), "success")
        return redirect(url_for("ApprovalView.review", pk=approval.version_id))

    @expose("/version/<int:pk>/signatures")
    @has_access
    def signatures(self, pk):
        version = _version_or_404(pk)
        verdicts = services.verdicts(version)
        audit.record("approval.verify", version, unit_id=version.employee.unit_id,
                     details={"employee_id": version.employee_id, "number": version.number})
        db.session.commit()
        return self._render("approval/signatures.html", version=version,
                            employee=version.employee, verdicts=verdicts, describe=pki.describe,
                            load_cert=pki.load_cert)

    @expose("/delegations")
    @has_access
    def delegation_list(self):
        return self._render("approval/delegations.html",
                            delegations=delegations.in_scope(g.user),
                            units=[(unit, delegations.candidates(g.user, unit))
                                   for unit in delegations.units_headed(g.user)],
                            allowed=authority.delegation_allowed())

    @expose("/delegations", methods=["POST"])
    @has_access
    def delegate(self):
        upload = request.files.get("document")
        try:
            delegations.delegate(
                g.user, unit_id=request.form.get("unit", type=int),
                delegate_id=request.form.get("delegate", type=int),
                valid_from=parse_date_or_none(request.form.get("valid_from", "")),
                last_day=parse_date_or_none(request.form.get("last_day", "")),
                document_number=request.form.get("document_number", ""),
                document=upload.read() if upload else b"",
                filename=upload.filename if upload else "")
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Delegation recorded; it ends by itself after its last day."), "success")
        return redirect(url_for("ApprovalView.delegation_list"))

    @expose("/unit/<int:pk>/seals")
    @has_access
    def seals(self, pk):
        """The unit's signed monthly lists, each checked, and the next one to sign."""
        unit = _unit_or_404(pk)
        return self._render("approval/seals.html", unit=unit,
                            checks=month_seal.verify_chain(unit),
                            closed=month_seal.last_closed_window(),
                            may_seal=_may("approve") and month_seal.may_seal(g.user, unit))

    @expose("/unit/<int:pk>/seals", methods=["POST"])
    @has_access
    def seal(self, pk):
        unit = _unit_or_404(pk)
        try:
            year, month = map(int, request.form.get("month", "").split("-"))
            signer, _kind = _signer_from_form()
            with signer:
                seal = month_seal.seal_month(g.user, unit, year, month, signer)
        except ValueError:
            flash(_("Choose the month to seal."), "danger")
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The month's list is signed: %(n)d approved changes.",
                    n=len(seal.entries["entries"])), "success")
        return redirect(url_for("ApprovalView.seals", pk=pk))

    @expose("/unit/<int:pk>/seals/pdf")
    @has_access
    def seal_pdf(self, pk):
        unit = _unit_or_404(pk)
        seal = next((s for s in month_seal.seals_of(unit)
                     if s.month == request.args.get("month")), None)
        if seal is None:
            flash(_("This month has no signed list."), "warning")
            return redirect(url_for("ApprovalView.seals", pk=pk))
        audit.record("approval.seal_read", seal, unit_id=unit.id, details={"month": seal.month})
        db.session.commit()
        response = make_response(month_seal.content_of(seal))
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = (
            'attachment; filename="tong-hop-phe-duyet-%s-%s.pdf"' % (unit.id, seal.month))
        return response

    @expose("/person/<int:pk>/sign", methods=["POST"])
    @has_access
    def sign_export(self, pk):
        employee = db.session.scalar(scope.restrict(select(Employee).where(Employee.id == pk),
                                                    g.user, "read", model=Employee))
        if employee is None:
            abort(404)
        try:
            signer, _kind = _signer_from_form()
            with signer:
                export = exports.sign_record(g.user, employee, signer)
        except DomainError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("RecordView.person", pk=pk))
        # the download is the answer; the record's page lists the signed copy
        return redirect(url_for("RecordView.signed_pdf", pk=pk, export=export.id))


def _unit_or_404(pk):
    unit = db.session.scalar(scope.restrict(select(Unit).where(Unit.id == pk), g.user, "read",
                                            model=Unit))
    if unit is None:
        abort(404)
    return unit


def _der(data):
    """A CMS as uploaded: DER, PEM or base64 text."""
    text = data.strip()
    if text.startswith(b"-----BEGIN"):
        text = b"".join(line for line in text.splitlines() if not line.startswith(b"-----"))
    if text[:1] == b"\x30":
        return data
    try:
        return base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        raise DomainError(_("The signature file is not a CMS signature.")) from None


def verification_report(data):
    """What an uploaded PDF's signatures say, against the province's trusted CAs."""
    if not data.startswith(b"%PDF"):
        raise DomainError(_("This is not a PDF file."))
    return verify_pdf(data, keys.trusted_roots())


class SigningView(BaseView):
    route_base = "/signing"
    class_permission_name = roles.SIGNING
    method_permission_name = {"verify_form": "verify", "verify": "verify", "keys": "keys",
                              "add_key": "keys", "revoke_key": "keys"}
    base_permissions = roles.base_permissions(roles.SIGNING)
    default_view = "verify_form"

    @expose("/keys")
    @has_access
    def keys(self):
        """The signer's own keys: a key file, or the certificate of a token or a
        remote signing account."""
        return self.render_template("approval/keys.html", csrf=generate_csrf(),
                                    credentials=keys.credentials_of(g.user),
                                    certificate_of=keys.certificate_of, describe=pki.describe)

    @expose("/keys", methods=["POST"])
    @has_access
    def add_key(self):
        upload = request.files.get("key")
        try:
            keys.add_own_key(g.user, upload.read() if upload else b"",
                             request.form.get("pin", ""), request.form.get("label", ""))
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Key registered."), "success")
        return redirect(url_for("SigningView.keys"))

    @expose("/keys/revoke", methods=["POST"])
    @has_access
    def revoke_key(self):
        try:
            keys.revoke_own_key(g.user, request.form.get("credential", type=int))
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Key withdrawn; it signs nothing more."), "success")
        return redirect(url_for("SigningView.keys"))

    @expose("/verify")
    @has_access
    def verify_form(self):
        return self.render_template("approval/verify.html", csrf=generate_csrf(), results=None)

    @expose("/verify", methods=["POST"])
    @has_access
    def verify(self):
        upload = request.files.get("document")
        results, name = None, ""
        try:
            if upload is None or not upload.filename:
                raise DomainError(_("Choose the signed PDF to verify."))
            name = upload.filename
            results = verification_report(upload.read())
        except DomainError as exc:
            flash(str(exc), "danger")
        return self.render_template("approval/verify.html", csrf=generate_csrf(),
                                    results=results, name=name)


def _signature_json(result):
    return {"field": result.field_name, "signer": result.signer_name,
            "signed_at": result.signed_at.isoformat() if result.signed_at else None,
            "chain": result.chain, "intact": result.intact, "trusted": result.trusted,
            "valid": result.valid, "covers_whole_document": result.covers_whole_document,
            "problems": [str(p) for p in result.problems]}


class SigningApi(BaseApi):
    resource_name = "signing"
    class_permission_name = roles.SIGNING
    method_permission_name = {"verify": "verify"}
    base_permissions = roles.base_permissions(roles.SIGNING)
    allow_browser_login = True

    @api_expose("/verify", methods=["POST"])
    @protect()
    def verify(self):
        """Check each signature of a PDF sent as the request body (or as "document")
        ---
        post:
          responses:
            200:
              description: one entry per signature
            400:
              description: not a PDF
        """
        upload = request.files.get("document")
        data = upload.read() if upload else request.get_data()
        try:
            results = verification_report(data)
        except DomainError as exc:
            return self.response_400(message=str(exc))
        return self.response(200, signatures=[_signature_json(r) for r in results],
                             valid=bool(results) and all(r.valid for r in results))


class ApprovalApi(BaseApi):
    resource_name = "approval"
    class_permission_name = roles.APPROVAL
    method_permission_name = {"verify_version": "read"}
    base_permissions = roles.base_permissions(roles.APPROVAL)
    allow_browser_login = True

    @api_expose("/version/<int:pk>/verify", methods=["GET"])
    @protect()
    def verify_version(self, pk):
        """Whether a version's stored data is still what its approvers signed
        ---
        get:
          parameters:
          - in: path
            name: pk
            schema:
              type: integer
          responses:
            200:
              description: one entry per approval
            404:
              description: no such version in your scope
        """
        version = db.session.scalar(scope.restrict(select(RecordVersion).where(
            RecordVersion.id == pk), g.user, "read", model=RecordVersion))
        if version is None:
            return self.response_404()
        verdicts = services.verdicts(version)
        audit.record("approval.verify", version, unit_id=version.employee.unit_id,
                     details={"employee_id": version.employee_id, "number": version.number})
        db.session.commit()
        return self.response(200, version=version.number, status=version.status, approvals=[
            {"step": v.approval.step, "signer": v.approval.signer_name,
             "signed_at": v.approval.signed_at.isoformat(), "in_window": v.approval.in_window,
             "intact": v.intact, "valid": v.valid, "problems": [str(p) for p in v.problems]}
            for v in verdicts],
            altered=any(not v.intact for v in verdicts))
