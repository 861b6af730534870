"""The home page: the course, and for a learner what to do next."""

from flask import render_template

from app.learning import bp
from app.learning.routes import cached_for_visitors, course_lessons


@bp.route("/")
@cached_for_visitors
def index():
    """The course index: every lesson with its summary and reading time."""
    lessons = course_lessons()
    return render_template(
        "learning/index.html", lessons=lessons,
        total_minutes=sum(lesson.reading_minutes for lesson in lessons),
    )
