"""Views for reading the course. They only read rows rendered at load time.

Pages that are the same for every visitor who has no session (the course text and its indexes)
are kept rendered per worker and served from memory until the course is reloaded: one small
query checks the course's version, and nothing else runs.
"""

from collections import OrderedDict
from functools import wraps
from threading import Lock

import sqlalchemy as sa
from flask import abort, make_response, render_template, request, session
from flask_login import current_user

from app.course.catalogue import course_timeline, glossary_index, people_index
from app.course.passages import passage_caption
from app.extensions import db
from app.learning import bp
from app.learning.forms import MarkReadForm
from app.models import Lesson
from app.progress import record_visit


# Quiz, review and teaching pages caption a question's quoted passage as the API and exports do.
bp.add_app_template_filter(passage_caption)

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


@bp.route("/")
@cached_for_visitors
def index():
    """The course index: every lesson with its summary and reading time."""
    lessons = course_lessons()
    return render_template(
        "learning/index.html", lessons=lessons,
        total_minutes=sum(lesson.reading_minutes for lesson in lessons),
    )


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


@bp.route("/timeline")
@cached_for_visitors
def timeline():
    """Every dated event of the course, 1947 onwards, each linked to its paragraph."""
    items = course_timeline(course_lessons())
    return render_template("learning/timeline.html", items=items)


@bp.route("/people")
@cached_for_visitors
def people():
    """Who's who: people and organisations, their side and role, and where they appear."""
    return render_template("learning/people.html", people=people_index(course_lessons()))


@bp.route("/glossary")
@cached_for_visitors
def glossary():
    """Every term the course defines, A to Z."""
    return render_template("learning/glossary.html", terms=glossary_index(course_lessons()))
