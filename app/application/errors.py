"""Error pages in Vietnamese, and an audit entry for every refused request."""
import json

from flask import current_app, g, render_template, request
from flask_babel import gettext as _

from app.audit import services as audit
from app.core.exceptions import DomainError
from app.extensions import db

MESSAGES = {
    400: (lambda: _("Bad request"), lambda: _("The request could not be understood.")),
    401: (lambda: _("Sign In"), lambda: _("Sign in first: the request carries no valid "
                                          "sign-in or token.")),
    403: (lambda: _("Access denied"), lambda: _("You do not have permission to open this page.")),
    404: (lambda: _("Not found"), lambda: _("The page or record does not exist, or is outside "
                                            "what you may see.")),
    405: (lambda: _("Not allowed"), lambda: _("This action is not allowed here.")),
    413: (lambda: _("File too large"), lambda: _("The file is larger than the system accepts; "
                                                 "nothing was saved.")),
    422: (lambda: _("Not saved"), lambda: _("The data sent is not valid; nothing was saved.")),
    500: (lambda: _("System error"), lambda: _("Something went wrong; nothing was saved. "
                                               "Please try again or tell the administrator.")),
}


def _page(title, message, code):
    if not hasattr(g, "user"):
        # refused before Flask-AppBuilder's own start of the request (the form
        # token and the request size are checked first): the menu needs the user
        from flask_login import current_user
        g.user = current_user
    appbuilder = current_app.appbuilder
    return render_template("hoso/error.html", title=title, message=message,
                           appbuilder=appbuilder, base_template=appbuilder.base_template), code


def _domain_error(error):
    db.session.rollback()
    if _wants_json():
        return api_error(str(error), 422)
    return _page(_("Not saved"), str(error), 422)


def _wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def api_error(message, code, **extra):
    """The one shape of an API's error: {"message": <Vietnamese>, "code": <status>}."""
    return dict(extra, message=message, code=code), code


def api_errors_in_vietnamese(response):
    """An /api/ error answered by Flask-AppBuilder itself ("Fatal error", "Not found",
    "Database exception occurred: ...", marshmallow's field messages) in the shape of
    ``api_error``: the status's Vietnamese message; the fields' messages under "errors".
    An answer already in that shape (ours: it has "code") is left as it is."""
    if response.status_code < 400 or not request.path.startswith("/api/"):
        return response
    body = response.get_json(silent=True) if response.is_json else None
    if isinstance(body, dict) and "code" in body and "message" in body:
        return response
    code = response.status_code
    extra = {}
    original = body.get("message") if isinstance(body, dict) else None
    if isinstance(original, dict) and code in (400, 422):
        extra["errors"] = original     # {field: [messages]}: which fields
    if code in MESSAGES or code >= 500 or not isinstance(original, str):
        message = MESSAGES[code if code in MESSAGES else 500 if code >= 500 else 400][1]()
    else:
        message = original             # a status of our own (429): its message stays
    if extra:
        message = "%s (%s)" % (message, ", ".join(sorted(map(str, extra["errors"]))))
    payload, _code = api_error(message, code, **extra)
    response.set_data(json.dumps(payload, ensure_ascii=False))
    response.mimetype = "application/json"
    return response


def _handler(code):
    title, message = MESSAGES[code]

    def handle(error):
        if code == 500:
            db.session.rollback()
        if _wants_json():
            return api_error(message(), code)
        return _page(title(), message(), code)

    return handle


def audit_refusals(response):
    """A signed-in person refused (403) or sent to a missing/out-of-scope row (404)."""
    user = getattr(g, "user", None)
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if response.status_code in (403, 404) and signed_in and request.endpoint != "static":
        db.session.rollback()
        audit.record("access.denied", details={"path": request.path, "method": request.method,
                                               "status": response.status_code})
        db.session.commit()
    return response


def _csrf_error(error):
    """A form posted without this session's token: an expired page, or another
    site posting in the user's name. Nothing is saved."""
    if _wants_json():
        return api_error(_("The form has expired; reload the page and try again."), 400)
    return _page(_("The form has expired"),
                 _("The form has expired or did not come from this site; nothing was saved. "
                   "Reload the page and try again."), 400)


def init_app(app):
    from flask_wtf.csrf import CSRFError

    from app.application import requests

    # what a request must be before any view reads it (NUL bytes, page numbers)
    requests.init_app(app)

    app.register_error_handler(CSRFError, _csrf_error)
    for code in MESSAGES:
        app.register_error_handler(code, _handler(code))
    app.register_error_handler(DomainError, _domain_error)
    app.after_request(audit_refusals)
    app.after_request(api_errors_in_vietnamese)
