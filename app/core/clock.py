"""The one clock of the application.

Services and jobs ask this module for the time instead of calling
datetime.now() themselves, so tests and jobs can move time (``freeze``).
"""
import contextlib
import datetime
from zoneinfo import ZoneInfo

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_frozen = None


def now():
    """The current time, timezone-aware, in Vietnam's time zone."""
    if _frozen is not None:
        return _frozen
    return datetime.datetime.now(PROVINCE_TZ)


def today():
    return now().date()


@contextlib.contextmanager
def freeze(moment):
    """Within the block, now() returns ``moment`` (naive means Vietnam time)."""
    global _frozen
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PROVINCE_TZ)
    previous, _frozen = _frozen, moment
    try:
        yield moment
    finally:
        _frozen = previous
