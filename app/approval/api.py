"""The REST APIs of the monthly approval: checking a signed PDF, and whether a
version's stored data is still what its approvers signed.

Like the screens (app/approval/views.py) they read the request, call a service
or a query function and answer with what it returned; they run no query.
"""
from flask import g, request
from flask_appbuilder.api import BaseApi
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.security.decorators import protect

from app.approval import queries, services
from app.core.exceptions import DomainError
from app.core.views import api_error
from app.records.models import RecordVersion
from app.security import roles, scope


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
            results = services.verification_report(data)
        except DomainError as exc:
            return api_error(str(exc), 400)
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
        version = scope.get_or_404(RecordVersion, pk, g.user, "read")
        verdicts = queries.checked_signatures(version)
        return self.response(200, version=version.number, status=version.status, approvals=[
            {"step": v.approval.step, "signer": v.approval.signer_name,
             "signed_at": v.approval.signed_at.isoformat(), "in_window": v.approval.in_window,
             "intact": v.intact, "valid": v.valid, "problems": [str(p) for p in v.problems]}
            for v in verdicts],
            altered=any(not v.intact for v in verdicts))
