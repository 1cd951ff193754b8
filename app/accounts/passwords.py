"""Passwords: the policy every new one meets (the screens' forms and the command
line alike), the temporary ones the server makes, how they are stored, and whether
the first sign-in changes them."""
import re
import secrets
import string
import threading
from contextlib import contextmanager

from flask import current_app
from flask_babel import gettext as _
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.security import check_password_hash, generate_password_hash

from app.policy.profiles import rule


def password_problems(password, username=None):
    """What is wrong with a new password (empty when it is acceptable)."""
    problems = []
    min_length = rule("accounts.password_min_length")
    password = password or ""
    if len(password) < min_length:
        problems.append(_("The password must have at least %(n)d characters.", n=min_length))
    if not re.search(r"[a-z]", password) or not re.search(r"[A-Z]", password):
        problems.append(_("The password must mix lower-case and upper-case letters."))
    if not re.search(r"\d", password):
        problems.append(_("The password must contain a digit."))
    if not re.search(r"[^A-Za-z0-9]", password):
        problems.append(_("The password must contain a special character."))
    if username and username.lower() in password.lower():
        problems.append(_("The password must not contain the username."))
    return problems


def temporary_password():
    """A random password that meets the policy, for first sign-in."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _i in range(12))
        candidate = body + secrets.choice("@#$%&*") + secrets.choice(string.digits)
        if not password_problems(candidate):
            return candidate


# one semaphore per configured concurrency, shared by the process's threads
_SLOTS = {}
_SLOTS_LOCK = threading.Lock()


class HashingBusy(ServiceUnavailable):
    """Every hashing slot stayed taken for PASSWORD_HASH_WAIT_SECONDS: the 503 page."""


def _slots():
    size = max(1, int(current_app.config.get("PASSWORD_HASH_CONCURRENCY", 2)))
    with _SLOTS_LOCK:
        if size not in _SLOTS:
            _SLOTS[size] = threading.BoundedSemaphore(size)
        return _SLOTS[size]


@contextmanager
def hashing_slot():
    """Compute a password hash only with one of the process's few slots (each scrypt
    hash holds 32 MiB while it runs): a crowd of sign-ins queues here instead of
    exhausting memory, and past the wait is answered 503."""
    slots = _slots()
    if not slots.acquire(timeout=current_app.config.get("PASSWORD_HASH_WAIT_SECONDS", 10)):
        raise HashingBusy()
    try:
        yield
    finally:
        slots.release()


def hash_password(password):
    """The stored hash of a password, by the configured method (FAB's add_user
    reads the same setting), in a hashing slot."""
    with hashing_slot():
        return generate_password_hash(password,
                                      method=current_app.config["FAB_PASSWORD_HASH_METHOD"])


def password_matches(stored_hash, password):
    """Whether ``password`` is the one ``stored_hash`` was made from, in a hashing slot."""
    with hashing_slot():
        return check_password_hash(stored_hash or "", password or "")


def first_sign_in_changes_password():
    """Whether a new account's (or a reset's) password must be changed at the first
    sign-in: the profile's accounts.first_login_password_change (Điều 6.2 HN says
    so). Where the text is silent (null) the safe default holds: the temporary
    password was made by the server and seen by the officer, so it is changed."""
    return rule("accounts.first_login_password_change") is not False
