"""The active province profile, shown in Vietnamese to Sở Nội vụ and the admin."""
import datetime

from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.policy import labels, profiles
from app.policy.schema import RULES
from app.security import roles


def display_value(value):
    if value is None or value == []:
        return _("Not set")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(display_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join("%s: %s" % (labels.OWNER_GROUP_LABELS.get(key, key), display_value(item))
                         for key, item in value.items())
    return str(labels.VALUE_LABELS.get(value, value)) if isinstance(value, str) else str(value)


def rules_for_display(profile):
    """[(section label, [(rule label, value, cite, source, status, overlay)])]."""
    sections = []
    for section, rules in RULES.items():
        rows = []
        for key in rules:
            entry = profile[section][key]
            rows.append({
                "label": labels.RULE_LABELS["%s.%s" % (section, key)],
                "value": display_value(entry["value"]),
                "cite": entry["cite"],
                "note": entry.get("note", ""),
                "document": entry.get("document") or profile["source"]["document"],
                "status": labels.STATUS_LABELS[entry.get("status")
                                               or profile["source"]["status"]],
                "overlay": entry.get("overlay"),
                "replaces": display_value(entry["replaces"]["value"])
                if "replaces" in entry else None,
            })
        sections.append((labels.SECTIONS[section], rows))
    return sections


class ProfileView(BaseView):
    route_base = "/profile"
    class_permission_name = roles.PROFILE
    method_permission_name = {"show": "read"}
    base_permissions = roles.base_permissions(roles.PROFILE)
    default_view = "show"

    @expose("/")
    @has_access
    def show(self):
        profile = profiles.active_profile()
        signed = profile["source"].get("date")
        return self.render_template(
            "policy/profile.html", profile=profile, sections=rules_for_display(profile),
            status=labels.STATUS_LABELS[profile["source"]["status"]],
            signed=datetime.date.fromisoformat(signed) if signed else None)
