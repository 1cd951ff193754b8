"""The wire to the national receiver (CSDLQG về CBCCVC): JWT login per unit, one message
posted with its idempotency key, and the reads beyond the contract (the acknowledged records
for reconciliation, one record for the pull on transfer-in).

No database here: the sender (app/sync/services.py) decides what to send and records what
came back. Every outcome is an ``Answer``; nothing raises for the receiver's troubles, which
are the normal weather of a national link (down, slow, refusing).
"""
import uuid
from dataclasses import dataclass

import requests
from flask import current_app

import config
from flask_babel import gettext as _

from app.sync import mapping

# what went wrong, as the sender needs to tell it apart
OK, REFUSED, TIMEOUT, UNAVAILABLE, NO_ACCOUNT, SIGN_IN = "ok", "refused", "timeout", \
    "unavailable", "no_account", "sign_in"
# an account's trouble, not the message's: its messages wait, the others go on
ACCOUNT_TROUBLE = (NO_ACCOUNT, SIGN_IN)


@dataclass
class Answer:
    outcome: str                 # OK | REFUSED | TIMEOUT | UNAVAILABLE | NO_ACCOUNT
    message: str = ""            # the receiver's words (Vietnamese), or what failed
    transaction_id: str = None
    data: dict = None            # the whole JSON body where the caller needs more

    @property
    def ok(self):
        return self.outcome == OK

    @property
    def transient(self):
        """Worth trying again later: the message may not have been seen at all (down, the
        account's sign-in), or seen and stored with the answer lost (timeout: the same
        idempotency key again)."""
        return self.outcome in (TIMEOUT, UNAVAILABLE) + ACCOUNT_TROUBLE


def credentials():
    value = current_app.config.get("SYNC_CREDENTIALS") or ""
    return value if isinstance(value, dict) else config.parse_sync_credentials(value)


def account_code(org_code, known=None):
    """The unit code whose national account sends for ``org_code``: its own, or the nearest
    above it that has one (HN Điều 15: a phòng without an agency account is synced by the
    agency above; the province's account owns every code below it). None when none has."""
    return config.sync_account_code(credentials() if known is None else known, org_code)


class Client:
    """One sender's conversation with the receiver: a token per account, kept for the round
    (a 401 logs in again once)."""

    def __init__(self, endpoint=None, timeout=None, known=None):
        config = current_app.config
        self.endpoint = (endpoint or config.get("SYNC_ENDPOINT") or "").rstrip("/")
        self.timeout = float(timeout or config.get("SYNC_TIMEOUT") or 10)
        self.known = credentials() if known is None else known
        self.tokens = {}
        self.http = requests.Session()

    def close(self):
        self.http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- transport -------------------------------------------------------------------------

    def _request(self, method, path, **kwargs):
        """(response or None, Answer for a transport failure or None)."""
        try:
            response = self.http.request(method, self.endpoint + path, timeout=self.timeout,
                                         **kwargs)
        except requests.ReadTimeout:
            # sent, and no answer in time: it may have been stored
            return None, Answer(TIMEOUT, _("The national database did not answer within "
                                           "%(n)s s.", n=self.timeout))
        except requests.RequestException as error:
            return None, Answer(UNAVAILABLE, _("The national database cannot be reached "
                                               "(%(error)s).", error=type(error).__name__))
        if response.status_code >= 500:
            return None, Answer(UNAVAILABLE, _("The national database answered HTTP "
                                               "%(status)d.", status=response.status_code))
        return response, None

    def _token(self, code, fresh=False):
        if code in self.tokens and not fresh:
            return self.tokens[code], None
        user, password = self.known[code]
        response, failure = self._request("POST", "/login",
                                          json={"username": user, "password": password})
        if failure:
            return None, failure
        token = _json(response).get("token") if response.status_code == 200 else None
        if not token:
            return None, Answer(SIGN_IN, _("The national database refused the sign-in of "
                                           "unit %(code)s's account (HTTP %(status)d).",
                                           code=code, status=response.status_code))
        self.tokens[code] = token
        return token, None

    def _authorized(self, org_code, method, path, **kwargs):
        code = account_code(org_code, self.known)
        if code is None:
            return None, Answer(NO_ACCOUNT, _("Unit %(code)s has no account for the "
                                              "national database (SYNC_CREDENTIALS).",
                                              code=org_code))
        for fresh in (False, True):
            token, failure = self._token(code, fresh)
            if failure:
                return None, failure
            headers = dict(kwargs.pop("headers", None) or {}, Authorization="Bearer " + token)
            response, failure = self._request(method, path, headers=headers, **kwargs)
            if failure:
                return None, failure
            if response.status_code != 401:
                return response, None
            kwargs["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
        return None, Answer(SIGN_IN, _("The national database does not accept the "
                                       "session of unit %(code)s.", code=code))

    # -- the contract ----------------------------------------------------------------------

    def send(self, message, org_code, document, idempotency_key):
        """POST one message; err_code 0 is OK, err_code 1 REFUSED with the receiver's words."""
        response, failure = self._authorized(
            org_code, "POST", "/ApiSyncMsg/SyncMsg/Service" + message,
            json=mapping.envelope(org_code, document),
            headers={"Idempotency-Key": idempotency_key})
        if failure:
            return failure
        body = _json(response)
        if not body:
            return Answer(UNAVAILABLE, _("The national database's answer is not JSON "
                                         "(HTTP %(status)d).", status=response.status_code))
        outcome = OK if str(body.get("err_code")) == "0" else REFUSED
        return Answer(outcome, str(body.get("message") or ""), body.get("transaction_id"), body)

    # -- beyond the contract ---------------------------------------------------------------

    def acknowledged(self, account, org_code=None):
        """The records the receiver holds for the account of code ``account``: every one
        under its codes, or those of ``org_code`` only."""
        response, failure = self._authorized(account, "GET", "/ApiSyncMsg/records",
                                             params={"org_Code": org_code} if org_code
                                             else None)
        return _read(response, failure)

    def fetch(self, org_code, key):
        """One record as the receiver holds it (``key``: ``<org_Code>_<SoHieu>``), read with
        the account of ``org_code``."""
        response, failure = self._authorized(org_code, "GET", "/ApiSyncMsg/records/" + key)
        return _read(response, failure)


def _json(response):
    """The answer's JSON object, or {} for anything else."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _read(response, failure):
    if failure:
        return failure
    body = _json(response)
    if not body:
        return Answer(UNAVAILABLE, _("The national database's answer is not JSON "
                                     "(HTTP %(status)d).", status=response.status_code))
    if str(body.get("err_code")) != "0":
        return Answer(REFUSED, str(body.get("message") or ""), data=body)
    return Answer(OK, str(body.get("message") or ""), data=body)


def new_idempotency_key():
    return str(uuid.uuid4())
