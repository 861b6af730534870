"""What the course pages share: the live lessons, and a page cache for visitors (views in *_routes.py).

Lessons come from the worker's in-memory course (``app.course_cache``). Pages that are the same for every
visitor who has no session (the course text and its indexes) are kept rendered per worker and served from
memory until the course changes (``app.http_cache``): the course signal's token (``app.versions``) is their
freshness, so such a page runs no database statement at all.
"""

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from app.course.paper import background_words
from app.course_cache import LessonInfo, snapshot
from app.course.passages import passage_caption
from app.extensions import db
from app.http_cache import cached_for_visitors  # noqa: F401 (the views' decorator, kept importable from here)
from app.learning import bp
from app.models import Lesson


# Quiz, review and teaching pages caption a question's quoted passage as the API and exports do.
bp.add_app_template_filter(passage_caption)
# Explanations say "background" where the course adds a fact, as lessons do (the bare "context" read as a broken link).
bp.add_app_template_filter(background_words, "background")


def live_lessons() -> sa.Select:
    """A query for the lessons of the course as loaded (retired ones left out)."""
    return sa.select(Lesson).where(Lesson.retired.is_(False))


def course_lessons() -> list[LessonInfo]:
    """All loaded lessons in course order (read-only copies from memory)."""
    return list(snapshot().lessons)


def lesson_or_404(slug: str) -> LessonInfo:
    """The lesson with this slug, or a 404 page that says which slug was not found."""
    lesson = snapshot().lesson(slug)
    if lesson is None:
        abort(404, description=_("There is no lesson called “%(slug)s”. The course index lists every lesson.", slug=slug))
    return lesson
