"""Forms of the "Plan your reviews" page: light days, breaks, postpone, advance, and confirming a preview."""

from datetime import date, timedelta

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from app.authoring.picker_forms import MultiCheckboxField
from app.course.review_calendar import WEEKDAY_NAMES

# The "at most, say, 6 months" for one break; a longer absence is better met by a lower daily limit.
LONGEST_BREAK_DAYS = 183
# How many breaks (current or to come) a learner keeps at once: plenty for a year of terms, and a bound on the list.
MOST_BREAKS = 20
# An exam this far ahead is not helped by moving cards now; the normal schedule gets there first.
FURTHEST_EXAM_DAYS = 365
YEARS = (2000, 2199)
# A signed preview of a few hundred moves is a few kilobytes; anything far larger was not made by the page.
LONGEST_TOKEN = 60_000


def within_years(form, field) -> None:
    """A date the site can store and mean: years 2000 to 2199."""
    if field.data and not YEARS[0] <= field.data.year <= YEARS[1]:
        raise ValidationError(_("Choose a date between the years %(first)s and %(last)s.", first=YEARS[0], last=YEARS[1]))


class LightDaysForm(FlaskForm):
    """The weekdays that get fewer reviews."""

    days = MultiCheckboxField(_l("Light days"), choices=[SelectChoice(str(number), _l(name))
                                                         for number, name in enumerate(WEEKDAY_NAMES, 1)],
                              invalid_choice_message=_l("Tick days from the list: '%(value)s' is not one of them."))
    submit = SubmitField(_l("Save light days"))

    def validate_days(self, field) -> None:
        if len(set(field.data or [])) == 7:
            raise ValidationError(_("With every day light, no day is lighter than another, so this would change "
                                    "nothing. Leave at least one normal day; to have fewer reviews every day, lower "
                                    "your daily limit instead."))


class BreakForm(FlaskForm):
    """A break: the first and last day away, in the learner's zone (``today`` is set by the view)."""

    starts = DateField(_l("First day away"), validators=[InputRequired(message=_l("Give the first day of your break.")),
                                                         within_years])
    ends = DateField(_l("Last day away"), validators=[InputRequired(message=_l("Give the last day of your break.")),
                                                      within_years])
    submit = SubmitField(_l("Add this break"))
    today: date

    def validate_ends(self, field) -> None:
        if not self.starts.data or not field.data or self.starts.errors:
            return
        if field.data < self.starts.data:
            raise ValidationError(_("The last day comes before the first; put the earlier date first."))
        if field.data < self.today:
            raise ValidationError(_("That break is already over. Give one that ends today or later."))
        if (field.data - self.starts.data).days + 1 > LONGEST_BREAK_DAYS:
            raise ValidationError(_("A break can be at most %(num)s days (about six months). "
                                    "For a longer time away, add one break and another when it ends.",
                                    num=LONGEST_BREAK_DAYS))


class RemoveBreakForm(FlaskForm):
    """Remove one break."""

    submit = SubmitField(_l("Remove"))


class PostponeForm(FlaskForm):
    """How many of today's due cards to keep; the rest are previewed as postponed (a GET form: nothing changes)."""

    class Meta:
        csrf = False  # a preview changes nothing; confirming it carries the token

    keep = IntegerField(_l("Keep for today"), validators=[
        InputRequired(message=_l("Say how many cards to keep for today (%(none)s is fine).", none=0)),
        NumberRange(min=0, max=10_000, message=_l("Keep between %(least)s and %(most)s cards.", least=0, most=10_000))])
    submit = SubmitField(_l("Preview the postponement"))


class AdvanceForm(FlaskForm):
    """An exam day and, optionally, its lessons; the cards to bring forward are previewed (a GET form)."""

    class Meta:
        csrf = False  # a preview changes nothing; confirming it carries the token

    exam = DateField(_l("Day of the exam"), validators=[InputRequired(message=_l("Give the day of your exam.")),
                                                        within_years])
    lessons = MultiCheckboxField(_l("Lessons in the exam"), invalid_choice_message=_l(
        "Tick lessons from the list: '%(value)s' is not a lesson of this course."))
    submit = SubmitField(_l("Preview bringing cards forward"))
    today: date

    def validate_exam(self, field) -> None:
        if not field.data or field.errors:
            return
        if field.data < self.today + timedelta(days=2):
            raise ValidationError(_("Cards can be brought forward to days between tomorrow and the day before the "
                                    "exam, so the exam must be at least two days away. Today's reviews already serve "
                                    "the most-forgotten cards first."))
        if field.data > self.today + timedelta(days=FURTHEST_EXAM_DAYS):
            raise ValidationError(_("That exam is more than a year away; your normal reviews will get there first."))


class ConfirmMovesForm(FlaskForm):
    """Apply exactly the moves a preview showed (signed, with the state of the cards it was made from)."""

    token = HiddenField(validators=[InputRequired(), Length(max=LONGEST_TOKEN)])
    submit = SubmitField(_l("Move these cards"))
