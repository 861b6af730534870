"""Authoring and teaching: instructors' classes, assignments, gradebook, item analysis and questions."""

from flask import Blueprint

bp = Blueprint("authoring", __name__)

from app.authoring import routes  # noqa: E402,F401
