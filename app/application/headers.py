"""Security headers on every response.

Flask-AppBuilder's pages run inline scripts, so the Content-Security-Policy does not
restrict scripts; it forbids framing the app (clickjacking), plugins and a foreign
<base>. Strict-Transport-Security only in production: a development checkout runs on
plain HTTP, and a browser that saw HSTS on localhost would refuse it afterwards.
"""
import config

CONTENT_SECURITY_POLICY = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_app(app):
    hsts = None
    if app.config["HOSO_ENV"] == config.PRODUCTION and app.config.get("HSTS_SECONDS"):
        hsts = "max-age=%d; includeSubDomains" % app.config["HSTS_SECONDS"]

    @app.after_request
    def add_security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response
