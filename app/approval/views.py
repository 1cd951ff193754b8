"""Screens of the monthly approval: the head's queue with the window's banner,
one version's review (diff, documents, approve with a signature or reject),
signing outside the server, the signatures of a version, delegations, the
signed export of a record, and the verification of an uploaded PDF.

Rules live in app/approval/services.py and friends, what a page shows comes
from app/approval/queries.py; these views read forms, call one of them and show
what it said. They run no query of their own. The REST APIs are in
app/approval/api.py.
"""
import base64
import binascii

from flask import flash, g, make_response, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf

from app.approval import (
    authority, delegations, exports, keys, month_seal, queries, services,
)
from app.approval.models import (
    BASIS_DELEGATE, BASIS_DEPUTY, BASIS_HEAD, BASIS_SO_NOI_VU, BASIS_UPPER_HEAD,
    STEP_SO_NOI_VU, STEP_UNIT, Delegation,
)
from app.core.dates import parse_date_or_none
from app.core.exceptions import DomainError
from app.notify import services as notify
from app.org.models import Unit
from app.records import attachments
from app.org.models import Employee
from app.records.models import RecordVersion
from app.records.views import change_label, label, status_label
from app.security import roles, scope
from app.signing import pki

BASIS_LABELS = {BASIS_HEAD: _l("Head of the unit"), BASIS_DEPUTY: _l("Deputy, for the head's "
                                                                     "own record"),
                BASIS_UPPER_HEAD: _l("Head of the unit above"),
                BASIS_DELEGATE: _l("Delegated in writing"),
                BASIS_SO_NOI_VU: _l("Department of Home Affairs")}
STEP_LABELS = {STEP_UNIT: _l("Unit's approval"), STEP_SO_NOI_VU: _l("Sở Nội vụ's approval")}
PREVIEWABLE = ("image/jpeg", "image/png", "application/pdf")


def _version_or_404(pk):
    return scope.get_or_404(RecordVersion, pk, g.user, "read")


def _unit_or_404(pk):
    return scope.get_or_404(Unit, pk, g.user, "read")


def _signer_from_form():
    """The signer's key, unlocked with the PIN typed in this request."""
    return keys.signer_from_form(g.user, request.form)


class ApprovalView(BaseView):
    route_base = "/approval"
    class_permission_name = roles.APPROVAL
    method_permission_name = {
        "index": "read", "review": "read", "approve": "approve", "reject": "approve",
        "prepare_external": "approve", "complete_external": "approve",
        "signatures": "read", "delegation_list": "delegate", "delegate": "delegate",
        "revoke_delegation": "delegate",
        "second": "second_step", "second_reject": "second_step", "sign_export": "sign_export",
        "seals": "read", "seal": "approve", "seal_pdf": "read"}
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
        return self._render("approval/queue.html", **queries.queue_page(g.user))

    @expose("/version/<int:pk>")
    @has_access
    def review(self, pk):
        version = _version_or_404(pk)
        return self._render(
            "approval/review.html", version=version, previewable=PREVIEWABLE,
            kind_labels=attachments.KIND_LABELS, **queries.review_page(g.user, version))

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
        self._flash_rejected()
        return redirect(url_for("ApprovalView.index"))

    @staticmethod
    def _flash_rejected():
        """What became of the rejection's notice and mail, as the head is told it."""
        outcomes = notify.mail_outcomes()
        if not outcomes:
            flash(_("Rejected; the person has no account, so no notice was sent."), "success")
        elif all(outcome.state == notify.SENT for outcome in outcomes):
            flash(_("Rejected; the person sees the reason in the app and by e-mail."),
                  "success")
        else:
            flash(_("Rejected; the person sees the reason in the app.") + " "
                  + " ".join(notify.mail_sentence(outcome) for outcome in outcomes),
                  "warning")

    @expose("/version/<int:pk>/second/reject", methods=["POST"])
    @has_access
    def second_reject(self, pk):
        """Sở Nội vụ refuses a version its unit approved: back to the person, with why."""
        version = _version_or_404(pk)
        try:
            services.reject_second_step(g.user, version.id, request.form.get("reason"))
        except DomainError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("ApprovalView.review", pk=pk))
        self._flash_rejected()
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
        verdicts = queries.checked_signatures(version)
        return self._render("approval/signatures.html", version=version,
                            employee=version.employee, verdicts=verdicts, describe=pki.describe,
                            load_cert=pki.load_cert)

    @expose("/delegations")
    @has_access
    def delegation_list(self):
        listed = delegations.in_scope(g.user)
        return self._render("approval/delegations.html", delegations=listed,
                            withdrawable=delegations.withdrawable(g.user, listed),
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

    @expose("/delegations/<int:pk>/revoke", methods=["POST"])
    @has_access
    def revoke_delegation(self, pk):
        """The head withdraws a delegation before its last day; the form carries
        the version the page showed, so a withdrawal over a change made since is
        refused (delegations.revoke)."""
        delegation = scope.get_or_404(Delegation, pk, g.user, "delegate")
        try:
            delegations.revoke(g.user, delegation, request.form.get("version", type=int))
        except DomainError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Delegation withdrawn: %(name)s no longer approves for %(unit)s.",
                    name=delegation.delegate.full_name, unit=delegation.unit.name), "success")
        return redirect(url_for("ApprovalView.delegation_list"))

    @expose("/unit/<int:pk>/seals")
    @has_access
    def seals(self, pk):
        """The unit's signed monthly lists, each checked, and the next one to sign."""
        unit = _unit_or_404(pk)
        return self._render("approval/seals.html", unit=unit, **queries.seals_page(g.user, unit))

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
        found = queries.sealed_list(unit, request.args.get("month"))
        if found is None:
            flash(_("This month has no signed list."), "warning")
            return redirect(url_for("ApprovalView.seals", pk=pk))
        seal, body = found
        response = make_response(body)
        response.headers["Content-Type"] = "application/pdf"
        response.headers["Content-Disposition"] = (
            'attachment; filename="tong-hop-phe-duyet-%s-%s.pdf"' % (unit.id, seal.month))
        return response

    @expose("/person/<int:pk>/sign", methods=["POST"])
    @has_access
    def sign_export(self, pk):
        employee = scope.get_or_404(Employee, pk, g.user, "read")
        try:
            signer, _kind = _signer_from_form()
            with signer:
                export = exports.sign_record(g.user, employee, signer)
        except DomainError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("RecordView.person", pk=pk))
        # the download is the answer; the record's page lists the signed copy
        return redirect(url_for("RecordView.signed_pdf", pk=pk, export=export.id))


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
            results = services.verification_report(upload.read())
        except DomainError as exc:
            flash(str(exc), "danger")
        return self.render_template("approval/verify.html", csrf=generate_csrf(),
                                    results=results, name=name)

