"""Error pages in Vietnamese, and an audit entry for every refused request."""
import json
import re
import time

from flask import current_app, g, make_response, render_template, request
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
    # the only limits are the sign-in's (app/accounts/security_manager.py)
    429: (lambda: _("Sign-in refused"),
          lambda: _("Too many failed sign-ins; wait a minute and try again.")),
    500: (lambda: _("System error"), lambda: _("Something went wrong; nothing was saved. "
                                               "Please try again or tell the administrator.")),
    # many sign-ins at once: each waits for a password-hashing slot (accounts.passwords)
    503: (lambda: _("System busy"), lambda: _("The system is busy; nothing was saved. Please "
                                              "try again in a moment.")),
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
        message = original             # a status without a message here: its own stays
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


def _too_many_requests(error):
    """Flask-Limiter's RateLimitExceeded: the 429 page (or JSON), and when to come back."""
    response = make_response(_handler(429)(error))
    limiter = getattr(current_app.appbuilder.sm, "limiter", None)
    breached = limiter.current_limit if limiter is not None else None
    if breached is not None and breached.breached:
        response.headers["Retry-After"] = str(max(int(breached.reset_at - time.time()), 1))
    return response


# What browsers ask for by themselves (static files, FAB's included, and icons): a
# miss there is nobody's refused request.
BROWSER_OWN_PATHS = re.compile(r"^/(static/|appbuilder/static/|favicon\.ico$|robots\.txt$"
                               r"|apple-touch-icon[^/]*\.png$)")


def _asked_by_the_browser():
    endpoint = request.endpoint or ""
    return (endpoint == "static" or endpoint.endswith(".static")
            or BROWSER_OWN_PATHS.match(request.path) is not None)


def audit_refusals(response):
    """A signed-in person refused (403) or sent to a missing/out-of-scope row (404);
    not a missing static file or icon."""
    user = getattr(g, "user", None)
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if response.status_code == 404 and _asked_by_the_browser():
        return response
    if response.status_code in (403, 404) and signed_in:
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

    # every browser asks for /favicon.ico: answered by the static endpoint (public,
    # open during a password change, unaudited) instead of a 404 a page
    app.add_url_rule("/favicon.ico", endpoint="static", view_func=app.view_functions["static"],
                     defaults={"filename": "favicon.ico"})
    app.register_error_handler(CSRFError, _csrf_error)
    for code in MESSAGES:
        app.register_error_handler(code, _too_many_requests if code == 429 else _handler(code))
    app.register_error_handler(DomainError, _domain_error)
    app.after_request(audit_refusals)
    app.after_request(api_errors_in_vietnamese)
