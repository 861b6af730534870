"""Learning: the course index, lesson pages and the course-wide timeline, people and glossary."""

from flask import Blueprint

bp = Blueprint("learning", __name__)

from app.learning import (  # noqa: E402,F401
    class_routes, deck_routes, essay_routes, home_routes, lesson_routes, practice_routes, progress_routes, quiz_routes,
    reference_routes, result_routes, review_feedback_routes, review_moves_routes, review_plan_routes, review_routes,
    routes, submit_routes,
)
