"""The stand-in receiver (app/sync/standin.py) for a test, on 127.0.0.1 and a free port.

    with running_standin({"ACCOUNTS": {"hoso_h44_02": ("pw", ["H44.02"])}}) as (url, standin):
        ...                                   # the sender posts to url
        standin.set(timeout=2)                # the switches, as POST /_control sets them
        assert standin.record("H44.02_0001")["history"][0]["action"] == "ADD"

``controller`` is the running app's Receiver with a few helpers: ``set(**switches)``,
``reset()``, ``records`` (by key), ``record(key)`` (as GET /_records/<key> shows it),
``transactions`` (raw requests by id) and ``accepted``.
"""
import contextlib

from app.sync.standin import StandinServer, create_standin


class StandinController:
    def __init__(self, app):
        self.app = app
        self.receiver = app.extensions["standin"]

    def set(self, **switches):
        """Switch fail, timeout, slow, err_code_1, down_until (None/False/0: off)."""
        self.receiver.set_switches(switches)

    def reset(self):
        with self.receiver.lock:
            self.receiver.reset()
        self.receiver.set_switches({"fail": False, "timeout": False, "slow": 0,
                                    "err_code_1": False, "down_until": None})

    def record(self, key):
        with self.receiver.lock:
            found = self.receiver.records.get(key)
            return None if found is None else self.receiver.record_view(found)

    def __getattr__(self, name):          # records, transactions, accepted, unit_codes …
        return getattr(self.receiver, name)


@contextlib.contextmanager
def running_standin(config=None):
    """Serve the stand-in for the block; yields (base_url, StandinController)."""
    app = create_standin(config)
    server = StandinServer(app).start()
    try:
        yield server.base_url, StandinController(app)
    finally:
        server.stop()
