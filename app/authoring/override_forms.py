"""Forms of an assignment's overrides (one student or one group) and of the release of its marks."""

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

    who = SelectField("Student or group", validators=[InputRequired(message="Choose a student or a group.")])
    due_at = DateTimeLocalField("Their due date", format="%Y-%m-%dT%H:%M", validators=[Optional(), sensible_year])
    extra_minutes = IntegerField("Extra minutes on the time limit", validators=[
        Optional(), NumberRange(min=1, max=MAX_EXTRA_MINUTES, message=f"Give between 1 and {MAX_EXTRA_MINUTES} extra minutes.")])
    extra_attempts = IntegerField("Extra attempts", validators=[
        Optional(), NumberRange(min=1, max=MAX_EXTRA_ATTEMPTS, message=f"Give between 1 and {MAX_EXTRA_ATTEMPTS} extra attempts.")])
    submit = SubmitField("Save override")


class DeleteOverrideForm(FlaskForm):
    """Only the CSRF token: the override is in the URL."""


RELEASE_CHOICES = [
    SelectChoice("on_submit", "As soon as each student submits"),
    SelectChoice("at_time", "At a time I choose"),
    SelectChoice("by_hand", "When I release them"),
]


class ReleaseForm(FlaskForm):
    """When students see their marks and feedback."""

    release_mode = RadioField("Students see their marks and feedback", choices=RELEASE_CHOICES,
                              validators=[InputRequired(message="Choose when students see their marks.")])
    release_at = DateTimeLocalField("Release time", format="%Y-%m-%dT%H:%M", validators=[Optional(), sensible_year])
    submit = SubmitField("Save release setting")


class ReleaseNowForm(FlaskForm):
    """Release the marks now, or hide them again (``action``: "release" or "hide")."""

    action = SelectField(choices=["release", "hide"], validators=[InputRequired()])
