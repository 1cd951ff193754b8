"""``GET /healthz`` for a load balancer: public, no session, not audited, no personal
data. 200 ``{"status": "ok"}`` when the database answers, 503 otherwise; the body is
for machines, so it is never translated."""
from flask import Blueprint, jsonify

from app.core.health import database_answers

blueprint = Blueprint("health", __name__)


@blueprint.route("/healthz", methods=["GET"])
def healthz():
    if database_answers():
        response = jsonify(status="ok")
    else:
        response = jsonify(status="unavailable", database="unreachable")
        response.status_code = 503
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    app.register_blueprint(blueprint)
