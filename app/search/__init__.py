"""Search: one box over the lessons, glossary, people and timeline, served by the database's full-text engine."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from app.search import routes  # noqa: E402,F401
