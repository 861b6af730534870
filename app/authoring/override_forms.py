"""Forms of an assignment's overrides (one student or one group) and of the release of its marks."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from app.validators import sensible_year

# Wide enough for any real accommodation (a day's extra time, a term's worth of attempts), small enough to be a typo's bound.
MAX_EXTRA_MINUTES = 1440
MAX_EXTRA_ATTEMPTS = 20


class OverrideForm(FlaskForm):
    """Who gets different rules, and which: a due date of their own, extra minutes, extra attempts."""

    who = SelectField(_l("Student or group"), validators=[InputRequired(message=_l("Choose a student or a group."))])
    due_at = DateTimeLocalField(_l("Their due date"), format="%Y-%m-%dT%H:%M", validators=[Optional(), sensible_year])
    extra_minutes = IntegerField(_l("Extra minutes on the time limit"), validators=[
        Optional(), NumberRange(min=1, max=MAX_EXTRA_MINUTES,
                                message=_l("Give between 1 and %(most)s extra minutes.", most=MAX_EXTRA_MINUTES))])
    extra_attempts = IntegerField(_l("Extra attempts"), validators=[
        Optional(), NumberRange(min=1, max=MAX_EXTRA_ATTEMPTS,
                                message=_l("Give between 1 and %(most)s extra attempts.", most=MAX_EXTRA_ATTEMPTS))])
    submit = SubmitField(_l("Save override"))


class DeleteOverrideForm(FlaskForm):
    """Only the CSRF token: the override is in the URL."""


RELEASE_CHOICES = [
    SelectChoice("on_submit", _l("As soon as each student submits")),
    SelectChoice("at_time", _l("At a time I choose")),
    SelectChoice("by_hand", _l("When I release them")),
]


class ReleaseForm(FlaskForm):
    """When students see their marks and feedback."""

    release_mode = RadioField(_l("Students see their marks and feedback"), choices=RELEASE_CHOICES,
                              validators=[InputRequired(message=_l("Choose when students see their marks."))])
    release_at = DateTimeLocalField(_l("Release time"), format="%Y-%m-%dT%H:%M", validators=[Optional(), sensible_year])
    submit = SubmitField(_l("Save release setting"))


class ReleaseNowForm(FlaskForm):
    """Release the marks now, or hide them again (``action``: "release" or "hide")."""

    action = SelectField(choices=["release", "hide"], validators=[InputRequired()])
