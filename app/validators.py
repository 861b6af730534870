"""The forms' side of the one rule for free-text names (``app.course.names``): classes, assignments,
tokens, lessons and tags show exactly what they hold."""

from wtforms.validators import ValidationError

from app.course.names import name_problem


def visible_text(_form, field) -> None:
    """WTForms validator: refuse a name that hides characters, stacks accents or shows nothing, saying why."""
    problem = name_problem(field.data or "")
    if problem:
        raise ValidationError(problem)
