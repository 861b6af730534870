"""What the course pages share: the live lessons, and a page cache for visitors (views in *_routes.py).

Pages that are the same for every visitor who has no session (the course text and its indexes)
are kept rendered per worker and served from memory until the course is reloaded: one small
query checks the course's version, and nothing else runs.
"""

from collections import OrderedDict
from functools import wraps
from threading import Lock

import sqlalchemy as sa
from flask import abort, make_response, request, session
from flask_login import current_user

from app.course.paper import background_words
from app.course.passages import passage_caption
from app.extensions import db
from app.learning import bp
from app.models import Lesson


# Quiz, review and teaching pages caption a question's quoted passage as the API and exports do.
bp.add_app_template_filter(passage_caption)
# Explanations say "background" where the course adds a fact, as lessons do (the bare "context" read as a broken link).
bp.add_app_template_filter(background_words, "background")

PAGE_CACHE_SIZE = 64
_pages: OrderedDict[tuple, str] = OrderedDict()
_pages_lock = Lock()


def course_version() -> tuple:
    """Changes whenever `course load` (or authoring) changes a lesson: the cache key's freshness part."""
    return tuple(db.session.execute(sa.select(sa.func.count(Lesson.id), sa.func.max(Lesson.loaded_at))).one())


def cached_for_visitors(view):
    """Serve the rendered page from memory to visitors without a session (nothing on it is theirs)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.is_authenticated or session or request.args:
            return view(*args, **kwargs)
        key = (request.path, course_version())
        with _pages_lock:
            html = _pages.get(key)
            if html is not None:
                _pages.move_to_end(key)
        if html is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or session:
                return response
            html = response.get_data(as_text=True)
            with _pages_lock:
                _pages[key] = html
                while len(_pages) > PAGE_CACHE_SIZE:
                    _pages.popitem(last=False)
        return html
    return wrapped


def live_lessons() -> sa.Select:
    """A query for the lessons of the course as loaded (retired ones left out)."""
    return sa.select(Lesson).where(Lesson.retired.is_(False))


def course_lessons() -> list[Lesson]:
    """All loaded lessons in course order."""
    return list(db.session.scalars(live_lessons().order_by(Lesson.position)))


def lesson_or_404(slug: str) -> Lesson:
    """The lesson with this slug, or a 404 page that says which slug was not found."""
    lesson = db.session.scalar(live_lessons().where(Lesson.slug == slug))
    if lesson is None:
        abort(404, description=f"There is no lesson called “{slug}”. The course index lists every lesson.")
    return lesson
