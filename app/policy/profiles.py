"""Province policy profiles: the rules that differ by province, as data.

Each rule in ``profiles/<name>.yaml`` is ``{value: …, cite: "<article>"}`` so
the legal basis travels with it, and the profile says whether its text is a
draft, enacted or superseded (DESIGN §4, §9). An overlay (``overlays/``, e.g.
``nd27_2026``: Nghị định 27/2026/NĐ-CP) replaces some rules where the profile
switches it on; ``HOSO_OVERLAYS_OFF`` switches overlays off for a deployment.
Every file is checked against ``schema.py`` at start-up: a broken file stops
the app with messages naming the bad keys. Code reads rules only through
``rule()``; screens show ``rules_for_display()``.
"""
import copy
import os

from flask import current_app

from app.policy import validate
from app.policy.schema import RULES
from app.security import scope

PROFILES_DIR = validate.PROFILES_DIR
OVERLAYS_DIR = validate.OVERLAYS_DIR


class ProfileError(ValueError):
    pass


def available_profiles():
    return sorted(f[:-5] for f in os.listdir(PROFILES_DIR) if f.endswith(".yaml"))


def _checked(directory, name, schema, label):
    path = os.path.join(directory, "%s.yaml" % name)
    try:
        data = validate.load_yaml(path)
    except Exception as error:  # a YAML syntax error names its line
        raise ProfileError("%s: %s" % (label, error)) from error
    found = validate.problems(data, schema, label)
    if found:
        raise ProfileError("\n".join(found))
    return data


def load_profile(name, overlays_off=()):
    """The profile ``name`` with its switched-on overlays applied, checked.

    Each rule keeps its citation; a rule an overlay replaced carries the
    overlay's ``document`` and ``status`` and ``overlay: <name>``.
    """
    if name not in available_profiles():
        raise ProfileError(
            "PROVINCE_PROFILE=%r is not one of: %s" % (name, ", ".join(available_profiles())))
    profile = _checked(PROFILES_DIR, name, validate.PROFILE_SCHEMA, "profiles/%s.yaml" % name)
    profile = copy.deepcopy(profile)
    profile["active_overlays"] = []
    for overlay_name, enabled in sorted(profile["overlays"].items()):
        if not enabled or overlay_name in overlays_off:
            continue
        overlay = _checked(OVERLAYS_DIR, overlay_name, validate.OVERLAY_SCHEMA,
                           "overlays/%s.yaml" % overlay_name)
        for section in RULES:
            for key, replacement in (overlay.get(section) or {}).items():
                merged = dict(replacement)
                merged.setdefault("document", overlay["source"]["document"])
                merged.setdefault("status", overlay["source"]["status"])
                merged["overlay"] = overlay_name
                merged["replaces"] = profile[section][key]
                profile[section][key] = merged
        profile["active_overlays"].append(overlay)
    return profile


def init_app(app):
    overlays_off = [name.strip() for name in app.config.get("OVERLAYS_OFF", "").split(",")
                    if name.strip()]
    app.extensions["hoso_profile"] = load_profile(app.config["PROVINCE_PROFILE"], overlays_off)
    # the security layer below reads the province's rules through this hook
    scope.use_policy(rule, lambda: active_profile()["name"])


def active_profile(app=None):
    return (app or current_app).extensions["hoso_profile"]


def rule_entry(key, app=None):
    """The whole rule: value, cite, and where it comes from."""
    profile = active_profile(app)
    section, _, name = key.partition(".")
    try:
        return profile[section][name]
    except (KeyError, TypeError):
        raise ProfileError("profile %s has no rule %s" % (profile["name"], key)) from None


def rule(key, app=None):
    """The value of a dotted rule, e.g. rule("accounts.lockout_after_failures")."""
    return rule_entry(key, app)["value"]
