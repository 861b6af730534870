"""The course-wide indexes: timeline, people and glossary, each with a filter box that works without JavaScript.

A filter renders every entry and hides those that do not match (``hidden``), so ``filter.js``
can widen the filter as the learner types without asking the server again.
"""

from flask import abort, render_template, request
from flask_babel import gettext as _

from app.course.catalogue import course_timeline, filter_words, glossary_index, matches, people_index
from app.course.search_text import MAX_QUERY_CHARS
from app.learning import bp
from app.learning.routes import cached_for_visitors, course_lessons


def filter_text() -> tuple[str, list[str]]:
    """The filter box's text (a 400 page when it is absurdly long) and the words it asks for."""
    text = request.args.get("q", "")
    if len(text) > MAX_QUERY_CHARS:
        abort(400, description=_("That filter is too long. Keep it under %(num)s characters: a word or two works best.",
                                 num=MAX_QUERY_CHARS))
    return text.strip(), filter_words(text)


def facet(name: str, choices: dict[str, str], what: str) -> str:
    """A facet's chosen value, "" for all; a value that is not one of the choices gets a 400 page saying so."""
    value = request.args.get(name, "")
    if value and value not in choices:
        shown = value[:80]
        unknown = {
            "decade": lambda: _("There is no decade “%(value)s” to filter by. Clear the filter to see everything.",
                                value=shown),
            "lesson": lambda: _("There is no lesson “%(value)s” to filter by. Clear the filter to see everything.",
                                value=shown),
            "side": lambda: _("There is no side “%(value)s” to filter by. Clear the filter to see everything.",
                              value=shown),
        }
        abort(400, description=unknown[what]())
    return value


@bp.route("/timeline")
@cached_for_visitors
def timeline():
    """Every dated event of the course, 1947 onwards, each once, linked to every paragraph that tells it."""
    lessons = course_lessons()
    items = course_timeline(lessons)
    text, words = filter_text()
    decades = {str(decade): _("%(decade)ss", decade=decade) for decade in sorted({item.decade for item in items})}
    lesson_titles = {lesson.slug: lesson.title for lesson in lessons}
    decade = facet("decade", decades, "decade")
    lesson = facet("lesson", lesson_titles, "lesson")
    shown = {item.anchor for item in items if matches(item.text, words)
             and (not decade or str(item.decade) == decade)
             and (not lesson or any(telling.lesson.slug == lesson for telling in item.tellings))}
    return render_template("learning/timeline.html", items=items, shown=shown, text=text, decades=decades,
                           decade=decade, lesson_titles=lesson_titles, lesson=lesson)


@bp.route("/people")
@cached_for_visitors
def people():
    """Who's who: people and organisations, their side and role, and where they appear."""
    everyone = people_index(course_lessons())
    text, words = filter_text()
    sides = {side: side for side in sorted({person.side for person in everyone})}
    side = facet("side", sides, "side")
    shown = {person.anchor for person in everyone if matches(person.text, words) and (not side or person.side == side)}
    return render_template("learning/people.html", people=everyone, shown=shown, text=text, sides=sides, side=side)


@bp.route("/glossary")
@cached_for_visitors
def glossary():
    """Every term the course defines, A to Z."""
    terms = glossary_index(course_lessons())
    text, words = filter_text()
    shown = {term.anchor for term in terms if matches(term.text, words)}
    return render_template("learning/glossary.html", terms=terms, shown=shown, text=text)
