"""Views and APIs are thin (docs/architecture.md): they parse the request, call a
service or a query function, and render what it returned. A view module that
builds or runs a query itself fails here, with the lines that do."""
import glob
import os
import re

import config

VIEW_MODULES = sorted(
    glob.glob(os.path.join(config.BASE_DIR, "app", "*", "views.py"))
    + glob.glob(os.path.join(config.BASE_DIR, "app", "*", "api.py"))
    + [os.path.join(config.BASE_DIR, "app", "application", name)
       for name in ("home.py", "health.py")])
# building a statement, or running one through the session
QUERYING = re.compile(r"\bselect\(|\.query\(|\bsession\.(get|scalar|scalars|execute)\(")


def test_there_are_view_modules_to_check():
    assert len(VIEW_MODULES) >= 10


def test_no_view_module_runs_a_query():
    found = []
    for path in VIEW_MODULES:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if QUERYING.search(line.split("#", 1)[0]):
                    found.append("%s:%d: %s" % (os.path.relpath(path, config.BASE_DIR), number,
                                                line.strip()))
    assert found == [], "\n".join(found)
