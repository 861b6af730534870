"""Forms of the question picker: the bank filter (a GET form), the chosen list and the random draw."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.validators import visible_text

DIFFICULTIES = ("easy", "medium", "hard")
# Past facility, in bands an instructor reads at a glance; "few" is a question with too few answers to tell.
# The shares are values, not text to translate ("75 % o" would read as a format field in a catalogue).
FACILITY_BANDS = {"": _l("Any"), "high": _l("Mostly right (%(share)s or more)", share="75 %"),
                  "middle": _l("In between (%(shares)s)", shares="25–75 %"),
                  "low": _l("Mostly wrong (under %(share)s)", share="25 %"), "few": _l("Not enough answers yet")}
SOURCES = {"": _l("Anywhere"), "course": _l("Course bank"), "mine": _l("My questions"), "shared": _l("Shared with me"),
           "class": _l("This class's bank")}
DIFFICULTY_LABELS = {"easy": _l("Easy"), "medium": _l("Medium"), "hard": _l("Hard")}


class PickerFilterForm(FlaskForm):
    """Which questions of the banks to list: a GET form, so its results can be bookmarked (no CSRF, deliberately)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search the text"), validators=[Optional(), Length(max=200)])
    lesson = SelectField(_l("Lesson"), validate_choice=False)
    tag = StringField(_l("Tag"), validators=[Optional(), Length(max=200)])
    qtype = SelectField(_l("Type"), validate_choice=False)
    difficulty = SelectField(_l("Difficulty"), choices=[SelectChoice("", _l("Any"))] + [
        SelectChoice(d, DIFFICULTY_LABELS[d]) for d in DIFFICULTIES], validate_choice=False)
    facility = SelectField(_l("Past results"), choices=[SelectChoice(value, label) for value, label in FACILITY_BANDS.items()],
                           validate_choice=False)
    source = SelectField(_l("From"), choices=[SelectChoice(value, label) for value, label in SOURCES.items()], validate_choice=False)


class ChangeForm(FlaskForm):
    """The CSRF token every change of the chosen questions carries (its fields are many and named by question, so the
    view reads them by name)."""


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes: easier to use than a multi-select that needs Ctrl held down."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DrawForm(FlaskForm):
    """Draw some questions at random from lessons (and a tag), on top of those picked by hand."""

    lessons = MultiCheckboxField(_l("From these lessons"), coerce=int,
                                 validators=[DataRequired(message=_l("Choose at least one lesson."))])
    tag = StringField(_l("Only questions tagged (optional)"), validators=[Optional(), Length(max=40), visible_text])
    count = IntegerField(_l("How many"), default=5, validators=[DataRequired(message=_l("Say how many questions to draw.")),
                                                              NumberRange(min=1, max=100, message=_l("Draw from 1 to 100 questions."))])
