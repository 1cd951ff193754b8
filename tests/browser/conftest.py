"""Headless Chromium (Debian's) driven by Playwright against a server the test starts."""
import os
import re
import threading

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app.core import i18n

CHROMIUM = "/usr/bin/chromium"
# Without the networking flags Chromium keeps dialling Google on this closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "artifacts")

WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
PLACEHOLDER_RE = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_0-9]*\}")
# Our own names, the same in both languages.
NAMES = {"hoso", "cbccvc"}
PYTHON_REPRS = {"true", "false", "none"}


def _words(text):
    text = PLACEHOLDER_RE.sub(" ", text)
    return {w.lower() for w in WORD_RE.findall(text) if len(w) > 1}


def english_ui_words():
    """Words of the English UI: in some msgid, in no Vietnamese msgstr."""
    with open(i18n.VI_PO, "rb") as f:
        catalog = read_po(f, locale="vi")
    english, vietnamese = set(), set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            english |= _words(text)
        for text in strings:
            vietnamese |= _words(text)
    # and what Python prints when a value reaches the page unformatted
    return (english | PYTHON_REPRS) - vietnamese - NAMES


VISIBLE_TEXT_JS = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('input, button, select, textarea, a, img')) {
    const style = window.getComputedStyle(el);
    if (el.offsetParent === null || style.visibility === 'hidden') continue;
    for (const attr of ['placeholder', 'title', 'aria-label', 'alt']) {
      if (el.getAttribute(attr)) parts.push(el.getAttribute(attr));
    }
    if (['submit', 'button', 'reset'].includes(el.type) && el.value) parts.push(el.value);
  }
  return parts.join('\\n');
}"""


def visible_english_words(page):
    """The English UI words a person sees on the page (text, buttons, placeholders)."""
    return sorted(_words(page.evaluate(VISIBLE_TEXT_JS)) & english_ui_words())


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_port
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: `make test` installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    # The browser asks for English: the app must still answer in Vietnamese.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, request.node.name + ".png"), full_page=True)
    context.close()


def sign_in(page, base_url, username, password):
    """Fill the login form as a person would and submit it."""
    page.goto(base_url + "/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()
