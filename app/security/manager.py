"""The security manager: Flask-AppBuilder's, with views that speak Vietnamese dates."""
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView, UserInfoEditView

from app.core.views import VietnameseDatesMixin


class HoSoUserDBModelView(VietnameseDatesMixin, UserDBModelView):
    """FAB's user admin, with dates as dd/mm/yyyy."""


class HoSoSecurityManager(SecurityManager):
    userdbmodelview = HoSoUserDBModelView
    userinfoeditview = UserInfoEditView
