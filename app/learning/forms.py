"""Forms of the learning blueprint. Answers themselves are read by ``app.course.quiz.parse_response``,
since a quiz's fields depend on the questions drawn; these forms carry the CSRF token and the
fixed fields."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SubmitField
from wtforms.validators import AnyOf, InputRequired, NumberRange
from wtforms.widgets import HiddenInput


class StartQuizForm(FlaskForm):
    """Start a new attempt in test or practice mode."""

    mode = HiddenField(validators=[AnyOf(["test", "practice"], message=_l("Mode must be test or practice."))])
    submit = SubmitField(_l("Start"))


class SubmitAttemptForm(FlaskForm):
    """Submit a whole test-mode attempt, or save its answers so far."""

    submit = SubmitField(_l("Submit answers"))
    save = SubmitField(_l("Save my answers"))


class CheckForm(FlaskForm):
    """Check one practice question; ``try_number`` makes a repeated click harmless."""

    # Hidden inputs (so ``hidden_tag()`` renders them), validated as integers.
    position = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0)])
    try_number = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1)])
    submit = SubmitField(_l("Check"))


class FinishForm(FlaskForm):
    """Finish a practice attempt and see the result."""

    submit = SubmitField(_l("Finish and see my result"))


class MarkReadForm(FlaskForm):
    """The learner says "I've read this"."""

    submit = SubmitField(_l("I've read this"))


class SelfGradeForm(FlaskForm):
    """A learner grades their own essay against the model answer: a level per criterion (read by ``app.essays``)."""

    position = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0)])
    submit = SubmitField(_l("Save my grade"))


class PractiseMissedForm(FlaskForm):
    """Start a practice of the questions missed in a submitted attempt."""

    submit = SubmitField(_l("Practise the ones I missed"))
