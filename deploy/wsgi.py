"""The application gunicorn serves (deploy/gunicorn.conf.py: ``deploy.wsgi:create_wsgi_app()``).

``create_app()`` from the environment, behind the reverse proxies ``TRUSTED_PROXIES``
counts (nginx alone: 1; a load balancer and nginx: 2; none: 0, the default). Each of
them appends the client's address to X-Forwarded-For and says the scheme in
X-Forwarded-Proto; the app then sees the visitor's address (the audit log's "from
which address", the sign-in limit per address) instead of the proxy's. Never more
than there are: a client could then put any address in the header itself.
"""
import os

from werkzeug.middleware.proxy_fix import ProxyFix

from app import create_app


def create_wsgi_app(environ=None):
    env = os.environ if environ is None else environ
    app = create_app(environ=environ)
    proxies = int(env.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    return app
