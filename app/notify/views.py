"""The account's own notifications: the list, newest first, with each one's mail status,
and marking one read; and the administration's read-only list of failed mail.

Nobody reaches another account's notice: every look-up goes through
scope.restrict, whose rule for notices is "the account's own" in every role.
"""
from flask import flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.notify import services
from app.notify.models import Notice
from app.security import roles, scope

PAGE_SIZE = 100


def in_app(link):
    """The link when it is a path of this application (never another site)."""
    if link and link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return None


class NoticeView(BaseView):
    route_base = "/notices"
    class_permission_name = roles.NOTICE
    method_permission_name = {"index": "read", "mark_read": "read", "unread": "read",
                              "preferences": "read", "save_preferences": "read"}
    base_permissions = roles.base_permissions(roles.NOTICE)
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template(
            "notify/list.html", notices=services.notices_for(g.user, PAGE_SIZE),
            unread=services.unread_count(g.user), in_app=in_app, csrf=generate_csrf())

    @expose("/unread")
    @has_access
    def unread(self):
        """The bell's count (JSON), fetched by every page after it shows."""
        count = services.unread_count(g.user)
        return jsonify(unread=count, label=_("%(n)d unread notifications", n=count))

    @expose("/preferences")
    @has_access
    def preferences(self):
        return self.render_template(
            "notify/preferences.html", wanted=services.preferences(g.user),
            labels=services.kind_labels(), required=services.REQUIRED_KINDS,
            csrf=generate_csrf(), title=_("Mail I receive"))

    @expose("/preferences", methods=["POST"])
    @has_access
    def save_preferences(self):
        services.set_preferences(g.user, {kind: request.form.get(kind) == "on"
                                          for kind in services.OPTIONAL_KINDS})
        flash(_("Your choice of mail was saved."), "success")
        return redirect(url_for("NoticeView.preferences"))

    @expose("/<int:pk>/read", methods=["POST"])
    @has_access
    def mark_read(self, pk):
        notice = scope.get_or_404(Notice, pk, g.user, "read")
        services.mark_read(g.user, notice)
        target = in_app(request.form.get("next"))
        return redirect(target or url_for("NoticeView.index"))


class FailedMailView(BaseView):
    """Failed mail for the technical administration: the recipient's account, when
    and why, never the notice's text. Read-only; the read is audited."""

    route_base = "/mail-failures"
    class_permission_name = roles.NOTICE
    method_permission_name = {"index": "read_failed_mail"}
    base_permissions = roles.base_permissions(roles.NOTICE)
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("notify/failed_mail.html",
                                    failures=services.failed_mail(g.user))
