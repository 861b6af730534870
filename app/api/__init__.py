"""The JSON API (/api/v1): lessons, quizzes without answers, attempts, my progress and reviews,
class results. Authenticated by personal access tokens (``Authorization: Bearer``)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import routes  # noqa: E402,F401
