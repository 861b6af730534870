"""The forms' side of the one rule for free-text names (``app.course.names``): classes, assignments,
tokens, lessons and tags show exactly what they hold."""

from wtforms.validators import ValidationError

from app.course.names import name_problem
from app.course.words import _


def visible_text(_form, field) -> None:
    """WTForms validator: refuse a name that hides characters, stacks accents or shows nothing, saying why."""
    problem = name_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


FIRST_YEAR, LAST_YEAR = 2000, 2199


def sensible_year(_form, field) -> None:
    """WTForms validator: a date of a course, not the calendar's ends (year 1 or 9999 read in a zone off UTC overflows)."""
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_("Give a date between the years %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR))
