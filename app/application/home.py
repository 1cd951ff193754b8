"""The home page: a short welcome and, for each kind of work the user's roles
have, a panel linking to where it is done (app/application/home_queries.py holds
the panels' providers and runs their reads; this view only renders them)."""
from flask import g, redirect
from flask_appbuilder import IndexView, expose

from app.application import home_queries


class HoSoIndexView(IndexView):
    """The home page; FAB's public role sees only the login page."""

    index_template = "hoso/index.html"

    @expose("/")
    def index(self):
        if not getattr(g.user, "is_authenticated", False):
            return redirect(self.appbuilder.get_url_for_login)
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    panels=home_queries.home_page(g.user))
