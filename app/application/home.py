"""The home page."""
from flask import g, redirect
from flask_appbuilder import IndexView, expose


class HoSoIndexView(IndexView):
    """The home page; FAB's public role sees only the login page."""

    index_template = "hoso/index.html"

    @expose("/")
    def index(self):
        if not getattr(g.user, "is_authenticated", False):
            return redirect(self.appbuilder.get_url_for_login)
        return self.render_template(self.index_template, appbuilder=self.appbuilder)
