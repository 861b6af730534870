"""Views for reading the course. They only read rows rendered at load time."""

import sqlalchemy as sa
from flask import abort, render_template

from app.course.catalogue import course_timeline, glossary_index, people_index
from app.extensions import db
from app.learning import bp
from app.learning.forms import MarkReadForm
from app.models import Lesson
from app.progress import record_visit


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
def index():
    """The course index: every lesson with its summary and reading time."""
    lessons = course_lessons()
    return render_template(
        "learning/index.html", lessons=lessons,
        total_minutes=sum(lesson.reading_minutes for lesson in lessons),
    )


@bp.route("/lessons/<slug>")
def lesson(slug: str):
    """One lesson, with its table of contents and links to its neighbours and its quiz."""
    current = lesson_or_404(slug)
    previous = db.session.scalar(
        live_lessons().where(Lesson.position < current.position).order_by(Lesson.position.desc()).limit(1))
    following = db.session.scalar(
        live_lessons().where(Lesson.position > current.position).order_by(Lesson.position).limit(1))
    progress = record_visit(current.id)
    return render_template("learning/lesson.html", lesson=current, previous=previous, following=following,
                           progress=progress, read_form=MarkReadForm())


@bp.route("/timeline")
def timeline():
    """Every dated event of the course, 1947 onwards, each linked to its paragraph."""
    items = course_timeline(course_lessons())
    return render_template("learning/timeline.html", items=items)


@bp.route("/people")
def people():
    """Who's who: people and organisations, their side and role, and where they appear."""
    return render_template("learning/people.html", people=people_index(course_lessons()))


@bp.route("/glossary")
def glossary():
    """Every term the course defines, A to Z."""
    return render_template("learning/glossary.html", terms=glossary_index(course_lessons()))
