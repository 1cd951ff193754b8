"""gunicorn's settings: `gunicorn -c deploy/gunicorn.conf.py` (`make serve`, the
systemd unit deploy/systemd/hoso-web.service; docs/deploy.md).

Threaded workers (gthread), each building its own app (no preload: the app's
database pool and file handles are never shared across a fork). Start-up writes
nothing once `flask deploy` has run, so any number of workers start together.
From the environment: HOST, PORT (what to bind; nginx in front: loopback),
WEB_CONCURRENCY (workers; 2 × cores + 1 by default), WEB_THREADS (threads per
worker, 2: a worker's threads share one interpreter lock, so a long request, a PDF or
the whole tree, holds back the others of its worker; `make bench` measured 5 workers x 2
threads on 2 cores at p95 182 ms under 50 users; 3 x 4, the tree untrimmed, 792 ms), WEB_TIMEOUT
(seconds a worker's main loop may stay silent before it is replaced, 60; a long
request in one of its threads does not count),
WEB_GRACEFUL_TIMEOUT (seconds to finish requests on a restart, 30), WEB_KEEPALIVE
(seconds an idle connection from nginx stays open, 5).
"""
import gc
import os
import re

from gunicorn import glogging

wsgi_app = "deploy.wsgi:create_wsgi_app()"


def _cores():
    try:
        return len(os.sched_getaffinity(0))      # the cores this process may use
    except AttributeError:
        return os.cpu_count() or 1


def _bind_host(host):
    return "[%s]" % host if ":" in host and not host.startswith("[") else host


def _int(name, default):
    return int(os.environ.get(name) or default)


bind = "%s:%d" % (_bind_host(os.environ.get("HOST") or "127.0.0.1"), _int("PORT", 8000))
workers = _int("WEB_CONCURRENCY", 2 * _cores() + 1)
worker_class = "gthread"
threads = _int("WEB_THREADS", 2)
timeout = _int("WEB_TIMEOUT", 60)
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = _int("WEB_KEEPALIVE", 5)
preload_app = False
# the heartbeat file of each worker in memory, not on a disk that may stall
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn's control socket ($HOME/.gunicorn/gunicorn.ctl) is not used; several
# servers on one machine would share its path
control_socket_disable = True

# Logs on stdout/stderr (journald under systemd). An access line is the time, the
# worker, the method and path, the status, the size and the duration: never the query
# string (searches carry people's names), the referrer (the same), the user or the
# client's address (nginx keeps those where the operators decide).
accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s %(p)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'

# path segments that are credentials: the external signer's one-time token
_SECRET_IN_PATH = re.compile(r"^(/approval/external/)[^/]+")


class AccessLogger(glogging.Logger):
    """gunicorn's logger, with the secrets of a path left out of the access line."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = _SECRET_IN_PATH.sub(r"\1-", atoms.get("U") or "")
        return atoms


logger_class = AccessLogger


def post_worker_init(worker):
    """Once the worker has built its app, its objects (some 230,000: modules, mappers,
    templates, translations) leave the garbage collector's sight (gc.freeze), so that a
    full collection walks only what requests made since. Without it a page that makes
    many objects (the search page's and the overview's 5,000 units for Sở Nội vụ) pays a
    70 ms collection every ten requests or so (bench/search_bench.py)."""
    gc.freeze()
