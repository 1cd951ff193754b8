"""The deadlines board: what the actor's units must do, by when."""
from flask import g
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.core.transactions import commit_read
from app.deadlines import services
from app.security import roles



class DeadlineView(BaseView):
    route_base = "/deadlines"
    class_permission_name = roles.DEADLINES
    method_permission_name = {"index": "read"}
    base_permissions = roles.base_permissions(roles.DEADLINES)
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        today, pairs = services.board(g.user)
        commit_read()
        return self.render_template("deadlines/board.html", today=today, pairs=pairs,
                                    counts=services.counts(pairs),
                                    state_labels={"overdue": _("Overdue"),
                                                  "due_soon": _("Due soon"),
                                                  "open": _("Running")},
                                    title=_("Deadlines"))
