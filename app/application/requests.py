"""What every request's input must be before any view reads it (issue 14).

PostgreSQL refuses a NUL character in text (psycopg2 raises before the query runs), so
a NUL anywhere in the path, the query string, a form or a JSON body is a 400 with the
Vietnamese error page (JSON on /api/); other control characters (but tab and line
breaks) are dropped from the query string and the forms. Page numbers and page sizes
are clamped before Flask-AppBuilder's lists turn them into OFFSET and LIMIT, which
PostgreSQL refuses beyond a bigint or below zero; an id in the path beyond PostgreSQL's
integer is a 404.
"""
import json
import re

from flask import abort, request
from werkzeug.datastructures import ImmutableMultiDict

from app.security.scope import MAX_ID

# control characters PostgreSQL stores but nobody types (tab, LF and CR are typed)
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
NUL = "\x00"
# Flask-AppBuilder reads page_<view> (0-based) and psize_<view>; our lists read page
# (1-based); a table of the record form posts <table>-rows
_FAB_PAGE = re.compile(r"page_\w+")
_FAB_PAGE_SIZE = re.compile(r"psize_\w+")
_TABLE_ROWS = re.compile(r"\w+-rows")
MAX_PAGE = 100000
MAX_PAGE_SIZE = 100
MAX_TABLE_ROWS = 500


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _clamped(key, value):
    """The argument's value as the list may use it; None: drop the argument."""
    if _FAB_PAGE.fullmatch(key):
        number = _int(value)
        return None if number is None else str(min(max(number, 0), MAX_PAGE))
    if _FAB_PAGE_SIZE.fullmatch(key):
        number = _int(value)
        return None if number is None or number < 1 else str(min(number, MAX_PAGE_SIZE))
    if key == "page":
        number = _int(value)
        return None if number is None else str(min(max(number, 1), MAX_PAGE))
    return value


def _has_nul(multidict):
    return any(NUL in key or NUL in value for key, value in multidict.items(multi=True))


def _cleaned(multidict, clamp):
    items, changed = [], False
    for key, value in multidict.items(multi=True):
        clean = _CONTROL.sub("", value)
        if clamp:
            clean = clamp(key, clean)
        changed = changed or clean != value
        if clean is not None:
            items.append((key, clean))
    return ImmutableMultiDict(items) if changed else None


def _table_rows(key, value):
    if not _TABLE_ROWS.fullmatch(key):
        return value
    number = _int(value)
    # a negative count would read as "no rows" and empty the table: treat as not sent
    return None if number is None or number < 0 else str(min(number, MAX_TABLE_ROWS))


def _unstorable(text):
    """A NUL, or a lone surrogate (JSON's "\\ud800"), which no UTF-8 column holds."""
    if NUL in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json_unstorable(value):
    if isinstance(value, str):
        return _unstorable(value)
    if isinstance(value, dict):
        return any(_json_unstorable(k) or _json_unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_unstorable(v) for v in value)
    return False


def _number_too_large(value):
    """A number in a REST API's rison ``q`` (page, page size, a filter's value) that no
    column holds: beyond PostgreSQL's integer, or a float's infinity."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return not (abs(value) <= MAX_ID)      # also NaN and infinity
    if isinstance(value, dict):
        return any(_number_too_large(v) for v in value.values())
    if isinstance(value, list):
        return any(_number_too_large(v) for v in value)
    return False


def _rison_args_refused():
    """A REST API's ``q`` that is neither rison (whose parser recurses on "((((") nor
    JSON, or holds a number no column holds."""
    import prison

    text = request.args.get("q")
    if not text or not request.path.startswith("/api/"):
        return False
    try:
        value = prison.loads(text)
    except RecursionError:
        return True
    except Exception:          # Flask-AppBuilder reads JSON there too
        try:
            value = json.loads(text)
        except ValueError:
            return True
    return _number_too_large(value)


def check_input():
    """before_request: refuse a NUL, drop other control characters, clamp pages."""
    if NUL in request.path or _has_nul(request.args):
        abort(400)
    # an id beyond PostgreSQL's integer names no row: 404 before the query fails
    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ID:
            abort(404)
    if _rison_args_refused():
        abort(400)
    args = _cleaned(request.args, _clamped)
    if args is not None:
        request.args = args
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if _has_nul(request.form):
                abort(400)
            form = _cleaned(request.form, _table_rows)
            if form is not None:
                request.form = form
        elif request.is_json:
            if _json_unstorable(request.get_json(silent=True)):
                abort(400)


def init_app(app):
    app.before_request(check_input)
