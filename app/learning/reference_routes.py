"""The course-wide indexes: timeline, people and glossary."""

from flask import render_template

from app.course.catalogue import course_timeline, glossary_index, people_index
from app.learning import bp
from app.learning.routes import cached_for_visitors, course_lessons


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
