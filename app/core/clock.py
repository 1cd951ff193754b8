"""The one clock of the application.

Services and jobs ask this module for the time instead of calling
datetime.now() themselves, so tests and jobs can move time (``freeze``).
"""
import contextlib
import datetime
import threading
from zoneinfo import ZoneInfo

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# the freezes in force, innermost last: (token, moment). A list rather than one saved
# value, so that freezes ending in another order than they began (two threads that
# froze the clock at once) each remove only themselves and none outlives its block.
_frozen = []
_lock = threading.Lock()


def now():
    """The current time, timezone-aware, in Vietnam's time zone."""
    frozen = _frozen[-1:] if _frozen else None
    if frozen:
        return frozen[0][1]
    return datetime.datetime.now(PROVINCE_TZ)


def today():
    return now().date()


@contextlib.contextmanager
def freeze(moment):
    """Within the block, now() returns ``moment`` (naive means Vietnam time), in
    Vietnam's time zone as now() always is (an aware moment in another zone is
    converted: code that keeps now()'s wall time, e.g. last_login, relies on it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PROVINCE_TZ)
    else:
        moment = moment.astimezone(PROVINCE_TZ)
    token = object()
    with _lock:
        _frozen.append((token, moment))
    try:
        yield moment
    finally:
        with _lock:
            _frozen[:] = [entry for entry in _frozen if entry[0] is not token]
