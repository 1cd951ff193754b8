"""The shared extension singletons.

Flask-AppBuilder is deliberately not here: one AppBuilder reused by a second
app breaks both (STACK-NOTES), so create_app() makes a fresh one per app and
reaches it as ``current_app.appbuilder``.
"""
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

# FAB's SQLA binds flask-sqlalchemy to FAB's declarative Model, so our tables
# and FAB's security tables share one metadata (the one migrations target).
db = SQLA()
migrate = Migrate()
# every form post carries the session's token; the REST API (JWT) is exempt
csrf = CSRFProtect()
