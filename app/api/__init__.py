"""The JSON API (/api/v1): lessons, quizzes without answers, attempts, my progress and reviews,
class results. Authenticated by personal access tokens (``Authorization: Bearer``)."""

from flask import Blueprint

from app.ratelimits import api_requests

bp = Blueprint("api", __name__)
api_requests(bp)  # every route: per token (or per address without a valid one)

from app.api import routes  # noqa: E402,F401
