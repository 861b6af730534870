"""A lesson page."""

from flask import render_template, session
from flask_login import current_user

from app.extensions import db
from app.learning import bp
from app.learning.forms import MarkReadForm
from app.learning.routes import cached_for_visitors, lesson_or_404, live_lessons
from app.models import Lesson
from app.progress import record_visit


@bp.route("/lessons/<slug>")
@cached_for_visitors
def lesson(slug: str):
    """One lesson, with its table of contents and links to its neighbours and its quiz."""
    current = lesson_or_404(slug)
    previous = db.session.scalar(
        live_lessons().where(Lesson.position < current.position).order_by(Lesson.position.desc()).limit(1))
    following = db.session.scalar(
        live_lessons().where(Lesson.position > current.position).order_by(Lesson.position).limit(1))
    progress = record_visit(current.id)
    # A form means a CSRF token in the session: only learners who already have one get the button.
    known = current_user.is_authenticated or bool(session.get("guest"))
    return render_template("learning/lesson.html", lesson=current, previous=previous, following=following,
                           progress=progress, read_form=MarkReadForm() if known else None)
