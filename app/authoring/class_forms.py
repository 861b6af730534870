"""Forms of classes and assignments (students' join and start forms included)."""

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, HiddenField, IntegerField, SelectField, SelectMultipleField,
                     StringField, SubmitField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.models import Assignment
from app.validators import sensible_year, visible_text


class ClassroomForm(FlaskForm):
    name = StringField(_l("Class name"), validators=[DataRequired(message=_l("Give the class a name.")), Length(max=120),
                                                     visible_text])
    submit = SubmitField(_l("Create class"))


class AssignmentSettingsForm(FlaskForm):
    """An assignment's rules: title, dates (typed in the instructor's zone; the view names it), attempts, time, review."""

    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the assignment a title.")), Length(max=160),
                                                 visible_text])
    opens_at = DateTimeLocalField(_l("Opens"), format="%Y-%m-%dT%H:%M", validators=[Optional(), sensible_year])
    due_at = DateTimeLocalField(_l("Due (optional)"), format="%Y-%m-%dT%H:%M", validators=[Optional(), sensible_year])
    attempt_limit = IntegerField(_l("Attempts allowed (blank: unlimited)"), validators=[
        Optional(), NumberRange(min=1, max=50, message=_l("Allow 1 to 50 attempts, or leave it blank for no limit."))])
    time_limit_minutes = IntegerField(_l("Time limit in minutes (blank: none)"), validators=[
        Optional(), NumberRange(min=1, max=600, message=_l("Give 1 to 600 minutes, or leave it blank for no time limit."))])
    grading_method = SelectField(_l("Grade"), choices=[
        SelectChoice("highest", _l("Highest attempt")), SelectChoice("average", _l("Average of attempts")),
        SelectChoice("first", _l("First attempt")), SelectChoice("last", _l("Last attempt"))])
    shuffle = BooleanField(_l("Shuffle the order of questions for each student (choices are always shuffled)"), default=True)
    review_option = SelectField(_l("Students see the correct answers"), choices=[
        SelectChoice("immediately", _l("As soon as they submit")), SelectChoice("after_due", _l("After the due date")),
        SelectChoice("never", _l("Never"))])
    submit = SubmitField(_l("Save changes"))

    def validate_due_at(self, field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_("The due date must come after the opening date."))

    def validate_review_option(self, field) -> None:
        if field.data == "after_due" and not self.due_at.data:
            raise ValidationError(_("Showing answers after the due date needs a due date."))
        if field.data not in Assignment.REVIEW_OPTIONS:
            raise ValidationError(_("Choose when students see the answers."))
        if field.data != "immediately" and not self.attempt_limit.data:
            # Each attempt's total says how many answers were right: tried often enough, one answer
            # changed at a time, the totals spell out the key the option is meant to keep hidden.
            raise ValidationError(_("Keeping the answers hidden needs an attempt limit: with unlimited attempts, the "
                                    "totals of attempts that change one answer at a time give the key away."))


class EditAssignmentForm(AssignmentSettingsForm):
    """The settings again, with the answer to "this changes things for those who started: save?"."""

    confirmed = HiddenField()
    back = SubmitField(_l("Change them again"))


class AssignmentForm(AssignmentSettingsForm):
    """A new assignment: its rules and, optionally, questions drawn at random (lessons, tag, how many). "Publish" is the
    first button (a form sent without naming one publishes); "Save as draft" keeps it from students."""

    lessons = SelectMultipleField(_l("Draw questions from these lessons"), coerce=int)
    tag = StringField(_l("Only questions tagged (optional)"), validators=[Optional(), Length(max=40), visible_text])
    question_count = IntegerField(_l("Number of questions to draw"), default=10, validators=[
        Optional(), NumberRange(min=1, max=100, message=_l("Draw 1 to 100 questions."))])
    submit = SubmitField(_l("Publish"))
    save_draft = SubmitField(_l("Save as draft"))

    def validate_lessons(self, field) -> None:
        if field.data and not self.question_count.data:
            raise ValidationError(_("Say how many questions to draw from these lessons."))
        if not field.data and not self.save_draft.data:
            raise ValidationError(_("Choose at least one lesson to draw from, or save a draft and choose its questions by hand."))


class DuplicateAssignmentForm(FlaskForm):
    """Copy an assignment, as a draft, into this class or another the instructor teaches."""

    classroom = SelectField(_l("Into the class"), coerce=int)
    title = StringField(_l("Title of the copy"), validators=[DataRequired(message=_l("Give the copy a title.")), Length(max=160),
                                                             visible_text])
    submit = SubmitField(_l("Make the copy"))


class MoveForm(FlaskForm):
    """Move an assignment one place up or down the class's list."""

    direction = SelectField(choices=[SelectChoice("up", _l("Up")), SelectChoice("down", _l("Down"))])


class PreviewZoneForm(FlaskForm):
    """The zone a preview shows dates in (a GET form: nothing is stored)."""

    class Meta:
        csrf = False

    zone = SelectField(_l("Show dates as a student in"), validate_choice=False)


class JoinForm(FlaskForm):
    code = StringField(_l("Class code"), validators=[DataRequired(message=_l("Type the class code your instructor gave you.")),
                                                     Length(max=16)])
    submit = SubmitField(_l("Join the class"))


class StartAssignmentForm(FlaskForm):
    submit = SubmitField(_l("Start an attempt"))
