"""The security manager: Flask-AppBuilder's, with views that speak Vietnamese."""
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import RoleModelView, UserDBModelView
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import ngettext

from app.core.views import VietnameseFormatsMixin


def permission_count(permissions):
    """FAB's permission names are internal English: show how many, not which."""
    count = len(permissions or [])
    return ngettext("%(num)d permission", "%(num)d permissions", count)


class HoSoUserDBModelView(VietnameseFormatsMixin, UserDBModelView):
    """FAB's user admin, with dates as dd/mm/yyyy."""


class HoSoRoleModelView(VietnameseFormatsMixin, RoleModelView):
    """FAB's role admin; the permissions column reads as a count.

    FAB's role widgets print raw permission names and ignore formatters, so
    the generic widgets are used instead (we declare no FAB_ROLES builtins).
    """

    list_widget = ListWidget
    show_widget = ShowWidget
    formatters_columns = {"permissions": permission_count}


class HoSoSecurityManager(SecurityManager):
    userdbmodelview = HoSoUserDBModelView
    rolemodelview = HoSoRoleModelView
