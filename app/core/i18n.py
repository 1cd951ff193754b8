"""The translation catalogue: what the UI says, ours and Flask-AppBuilder's.

Flask-AppBuilder ships no Vietnamese catalogue (STACK-NOTES), so its strings
are extracted together with ours into the one `translations/vi` catalogue.
Used by `make messages` and by the catalogue tests.

    python -m app.core.i18n extract translations/messages.pot
"""
import os
import sys

import flask_appbuilder
import flask_babel
import flask_wtf
import flask_wtf.i18n
import wtforms
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import write_po

import config

APP_DIR = os.path.join(config.BASE_DIR, "app")

def _package_dir(module):
    return os.path.dirname(os.path.abspath(module.__file__))


# Where the UI's strings come from: our code, Flask-AppBuilder's screens, and
# the form validation messages of WTForms and Flask-WTF (neither ships vi).
SOURCES = [
    (APP_DIR, "app"),
    (_package_dir(flask_appbuilder), "flask_appbuilder"),
    (_package_dir(wtforms), "wtforms"),
    (_package_dir(flask_wtf), "flask_wtf"),
]
TRANSLATIONS_DIR = os.path.join(config.BASE_DIR, "translations")
VI_PO = os.path.join(TRANSLATIONS_DIR, "vi", "LC_MESSAGES", "messages.po")
VI_MO = os.path.join(TRANSLATIONS_DIR, "vi", "LC_MESSAGES", "messages.mo")

METHOD_MAP = [
    ("**/templates/**.html", "jinja2"),
    ("**.py", "python"),
]
KEYWORDS = dict(DEFAULT_KEYWORDS, lazy_gettext=None, _l=None, lazy_ngettext=(1, 2),
                lazy_formatter_gettext=(1,))
# FAB's own tests and examples are not UI.
SKIP_DIRS = ("tests", "translations", "static", "locale")


def _wanted(path):
    return not any(part in SKIP_DIRS for part in path.split(os.sep))


def extract_catalog():
    """Every msgid the running UI can show, from our code and FAB's."""
    catalog = Catalog(project="HoSo CBCCVC", charset="utf-8")
    for directory, label in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            directory,
            method_map=METHOD_MAP,
            keywords=KEYWORDS,
            callback=None,
            strip_comment_tags=True,
            options_map={"**/templates/**.html": {"silent": "false"}},
        ):
            if not _wanted(filename):
                continue
            catalog.add(
                message,
                None,
                [(os.path.join(label, filename), lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def _form_translations():
    """Flask-WTF's translation hook, answered from our merged catalogue."""
    from flask import request

    if not request:
        return None
    return flask_babel.get_translations()


def init_app(app):
    # Flask-WTF looks for validation messages only in WTForms' own locale
    # folder, which has no Vietnamese; the messages are in our catalogue
    # instead, so its loader is pointed there (the same for every app).
    flask_wtf.i18n._get_translations = _form_translations


def main(argv):
    if len(argv) != 3 or argv[1] != "extract":
        print(__doc__)
        return 2
    catalog = extract_catalog()
    with open(argv[2], "wb") as out:
        write_po(out, catalog, width=100, sort_output=True)
    print("%d msgids -> %s" % (len(catalog), argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
