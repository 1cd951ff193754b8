"""Check every profile and overlay file against the schema (no app needed).

    python -m app.policy.validate        # exit 1 and one line per problem
"""
import os
import re
import sys

import jsonschema
import yaml

from app.policy.schema import OVERLAY_SCHEMA, PROFILE_SCHEMA

POLICY_DIR = os.path.dirname(os.path.abspath(__file__))
PROFILES_DIR = os.path.join(POLICY_DIR, "profiles")
OVERLAYS_DIR = os.path.join(POLICY_DIR, "overlays")


def problems(data, schema, label):
    """Readable problems of one document: "<file>: <dotted key>: <what is wrong>"."""
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    found = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = [str(part) for part in error.absolute_path]
        message = error.message
        if error.validator == "required":
            # name the missing key itself, not the mapping that lacks it
            path.append(re.match(r"'([^']+)'", message).group(1))
            message = "is missing"
        elif error.validator == "additionalProperties":
            for name in re.findall(r"'([^']+)'", message):
                found.append("%s: %s: is not a known key" % (label, ".".join(path + [name])))
            continue
        found.append("%s: %s: %s" % (label, ".".join(path) or "(top level)", message))
    return found


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def check_all():
    found = []
    for directory, schema in ((PROFILES_DIR, PROFILE_SCHEMA), (OVERLAYS_DIR, OVERLAY_SCHEMA)):
        if not os.path.isdir(directory):
            continue
        for name in sorted(os.listdir(directory)):
            if name.endswith(".yaml"):
                path = os.path.join(directory, name)
                data = load_yaml(path)
                found += problems(data, schema, os.path.relpath(path, POLICY_DIR))
                if isinstance(data, dict) and data.get("name") != name[:-5]:
                    found.append("%s: name: must be %r, the file's name" % (name, name[:-5]))
    return found


if __name__ == "__main__":
    issues = check_all()
    for line in issues:
        print(line)
    sys.exit(1 if issues else 0)
