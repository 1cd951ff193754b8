"""Helpers of the race tests: several people's requests released at the same moment
(tests/records/test_concurrent_saves.py, tests/org/test_stale_unit_edit.py,
tests/catalogs/test_stale_catalog_edit.py)."""
import re
import threading

from flask_babel import force_locale, gettext
from markupsafe import escape

from tests.conftest import csrf_token, login
from tests.security import world as w

# the hidden version a FAB edit form carries back
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')


def at_once(requests):
    """Run the callables in threads released together; their answers, in order."""
    barrier = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def run(index, request):
        barrier.wait()
        answers[index] = request()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return answers


def stale_message(app, msgid):
    """The Vietnamese message a page shows for ``msgid``, as the page escapes it."""
    with app.test_request_context(), force_locale("vi"):
        return str(escape(gettext(msgid)))


def signed_in(app, count, username="sonoivu"):
    """``count`` browsers of one person, each signed in."""
    clients = [app.test_client() for _index in range(count)]
    for client in clients:
        login(client, username, w.PASSWORD)
    return clients


def opened_edit_form(client, url):
    """(form token, version shown) of an edit form opened at ``url``."""
    page = client.get(url).get_data(as_text=True)
    return csrf_token(page), VERSION_RE.search(page).group(1)
