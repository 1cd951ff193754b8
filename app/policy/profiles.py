"""Province policy profiles: the rules that differ by province, as data.

Each rule in ``profiles/<name>.yaml`` is ``{value: …, cite: "<article>"}`` so
the legal basis travels with it. The catalogs/profiles piece adds the schema
validation and the remaining rules; code reads rules only through ``rule()``.
"""
import os

import yaml
from flask import current_app

PROFILES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "profiles")


class ProfileError(ValueError):
    pass


def available_profiles():
    return sorted(f[:-5] for f in os.listdir(PROFILES_DIR) if f.endswith(".yaml"))


def load_profile(name):
    path = os.path.join(PROFILES_DIR, "%s.yaml" % name)
    if name not in available_profiles():
        raise ProfileError(
            "PROVINCE_PROFILE=%r is not one of: %s" % (name, ", ".join(available_profiles()))
        )
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def init_app(app):
    app.extensions["hoso_profile"] = load_profile(app.config["PROVINCE_PROFILE"])


def active_profile(app=None):
    return (app or current_app).extensions["hoso_profile"]


def rule(key, app=None):
    """The value of a dotted rule, e.g. rule("accounts.lockout_after_failures")."""
    node = active_profile(app)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ProfileError("profile %s has no rule %s" % (active_profile(app)["name"], key))
        node = node[part]
    return node["value"] if isinstance(node, dict) and "value" in node else node
