"""Forms of the question picker: the bank filter (a GET form), the chosen list and the random draw."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.validators import visible_text

DIFFICULTIES = ("easy", "medium", "hard")
# Past facility, in bands an instructor reads at a glance; "few" is a question with too few answers to tell.
FACILITY_BANDS = {"": "Any", "high": "Mostly right (75 % or more)", "middle": "In between (25–75 %)",
                  "low": "Mostly wrong (under 25 %)", "few": "Not enough answers yet"}
SOURCES = {"": "Anywhere", "course": "Course bank", "mine": "My questions", "shared": "Shared with me",
           "class": "This class's bank"}


class PickerFilterForm(FlaskForm):
    """Which questions of the banks to list: a GET form, so its results can be bookmarked (no CSRF, deliberately)."""

    class Meta:
        csrf = False

    q = StringField("Search the text", validators=[Optional(), Length(max=200)])
    lesson = SelectField("Lesson", validate_choice=False)
    tag = StringField("Tag", validators=[Optional(), Length(max=200)])
    qtype = SelectField("Type", validate_choice=False)
    difficulty = SelectField("Difficulty", choices=[SelectChoice("", "Any")] + [SelectChoice(d, d.capitalize()) for d in DIFFICULTIES],
                             validate_choice=False)
    facility = SelectField("Past results", choices=[SelectChoice(value, label) for value, label in FACILITY_BANDS.items()], validate_choice=False)
    source = SelectField("From", choices=[SelectChoice(value, label) for value, label in SOURCES.items()], validate_choice=False)


class ChangeForm(FlaskForm):
    """The CSRF token every change of the chosen questions carries (its fields are many and named by question, so the
    view reads them by name)."""


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes: easier to use than a multi-select that needs Ctrl held down."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DrawForm(FlaskForm):
    """Draw some questions at random from lessons (and a tag), on top of those picked by hand."""

    lessons = MultiCheckboxField("From these lessons", coerce=int, validators=[DataRequired(message="Choose at least one lesson.")])
    tag = StringField("Only questions tagged (optional)", validators=[Optional(), Length(max=40), visible_text])
    count = IntegerField("How many", default=5, validators=[DataRequired(message="Say how many questions to draw."),
                                                          NumberRange(min=1, max=100, message="Draw from 1 to 100 questions.")])
