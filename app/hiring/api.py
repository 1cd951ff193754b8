"""The hiring REST API: enter a person (the same checks, transaction and audit as the
screen), and list the hirings in the caller's scope."""
import base64
import binascii

from flask import g, request
from flask_appbuilder.api import BaseApi
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.security.decorators import protect
from flask_babel import gettext as _

from app.core.transactions import commit_read
from app.core.views import api_error
from app.hiring import queries, services
from app.security import roles

# what a POST may carry besides the scan
FIELDS = ("kind", "decision_number", "decision_date", "decided_by", "start_date", "unit_id",
          "category", "ho_ten", "gioi_tinh", "ngay_sinh", "so_dinh_danh", "grade_code",
          "bac_luong", "he_so_luong", "username", "email", "first_recruited_on",
          "first_recruited_by", "hd_loai", "hd_chuc_danh", "hd_den_ngay")


def _hiring_json(row):
    hiring, employee = row.hiring, row.employee
    return {"employee_id": employee.id, "full_name": employee.full_name,
            "unit_id": employee.unit_id, "category": hiring.category, "kind": hiring.kind,
            "decision_number": hiring.decision_number,
            "decision_date": hiring.decision_date.isoformat(),
            "start_date": hiring.start_date.isoformat(),
            "account": row.account.username if row.account else None,
            "account_term_days": hiring.account_term_days,
            "first_entry_term_days": hiring.first_entry_term_days,
            "first_entry_term_from": hiring.first_entry_term_from}


class HiringApi(BaseApi):
    resource_name = "hiring"
    class_permission_name = roles.HIRING
    method_permission_name = {"hire": "hire", "hirings": "read"}
    base_permissions = roles.base_permissions(roles.HIRING)
    allow_browser_login = True

    @api_expose("/", methods=["POST"])
    @protect()
    def hire(self):
        """Enter a new person from the decision
        ---
        post:
          description: >-
            A JSON object: kind (tuyen_dung, tiep_nhan, hop_dong), decision_number,
            decision_date and start_date (dd/mm/yyyy), decided_by, unit_id, category,
            ho_ten, gioi_tinh (nam, nu), ngay_sinh, so_dinh_danh, grade_code, bac_luong,
            he_so_luong, username, email; scan_name and scan (the decision's scan, base64).
          responses:
            201:
              description: the person, the account, and the temporary password when it
                could not be mailed
            422:
              description: refused; errors names each field
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return api_error(_("Send a JSON object."), 400)
        data = {key: body.get(key) for key in FIELDS}
        data = {key: "" if value is None else str(value) for key, value in data.items()}
        try:
            scan = base64.b64decode(body.get("scan") or "", validate=True)
        except (binascii.Error, ValueError, TypeError):
            return api_error(_("The scan must be base64."), 422,
                             errors={"scan": [_("The scan must be base64.")]})
        try:
            hired = services.hire(g.user, data, (str(body.get("scan_name") or "scan"), scan))
        except services.HiringInvalid as exc:
            return api_error(_("The data sent is not valid; nothing was saved."), 422,
                             errors={key: [str(message)] for key, message in
                                     exc.errors.items()})
        return self.response(201, employee_id=hired.employee.id,
                             hiring_id=hired.hiring.id,
                             account=hired.account.username if hired.account else None,
                             temporary_password=hired.password)

    @api_expose("/", methods=["GET"])
    @protect()
    def hirings(self):
        """The hirings in your scope, newest first (50 a page)
        ---
        get:
          parameters:
          - in: query
            name: page
            schema:
              type: integer
          responses:
            200:
              description: the hirings and whether there are more
        """
        page = min(max(request.args.get("page", 0, type=int), 0), 10000)
        rows, more = queries.recent_hirings(g.user, page)
        result = [_hiring_json(row) for row in rows]
        commit_read()
        return self.response(200, result=result, more=more)
