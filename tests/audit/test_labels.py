"""Every audit action the code writes by name has a label on the audit log's screen
(a missing one would show its code, in English, to the Vietnamese reader)."""
import os
import re

from app.audit.labels import ACTION_LABELS

APP = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "app")
# audit.record("x.y", ...) and audit_action="x.y" (the backup restore's default)
WRITTEN = re.compile(r'(?:audit\.record\(\s*|audit_action=)"([a-z_]+\.[a-z_]*[a-z])"')


def _written_actions():
    found = set()
    for folder, _dirs, names in os.walk(APP):
        for name in names:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    found.update(WRITTEN.findall(handle.read()))
    return found


def test_every_action_written_by_name_has_a_label():
    written = _written_actions()
    assert len(written) > 40
    assert sorted(written - set(ACTION_LABELS)) == []
