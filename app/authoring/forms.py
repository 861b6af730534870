"""Instructor forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.models import Assignment


class ClassroomForm(FlaskForm):
    name = StringField("Class name", validators=[DataRequired(), Length(max=120)])
    submit = SubmitField("Create class")


class AssignmentForm(FlaskForm):
    """Choose the questions (lessons, optional tag, how many) and the rules of a class assignment."""

    title = StringField("Title", validators=[DataRequired(), Length(max=160)])
    lessons = SelectMultipleField("Draw questions from these lessons", coerce=int, validators=[DataRequired(message="Choose at least one lesson.")])
    tag = StringField("Only questions tagged (optional)", validators=[Optional(), Length(max=40)])
    question_count = IntegerField("Number of questions", default=10, validators=[DataRequired(), NumberRange(min=1, max=100)])
    opens_at = DateTimeLocalField("Opens (UTC)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    due_at = DateTimeLocalField("Due (UTC, optional)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    attempt_limit = IntegerField("Attempts allowed (blank: unlimited)", validators=[Optional(), NumberRange(min=1, max=50)])
    time_limit_minutes = IntegerField("Time limit in minutes (blank: none)", validators=[Optional(), NumberRange(min=1, max=600)])
    grading_method = SelectField("Grade", choices=[
        SelectChoice("highest", "Highest attempt"), SelectChoice("average", "Average of attempts"),
        SelectChoice("first", "First attempt"), SelectChoice("last", "Last attempt")])
    shuffle = BooleanField("Shuffle questions and choices for each student", default=True)
    review_option = SelectField("Students see the correct answers", choices=[
        SelectChoice("immediately", "As soon as they submit"), SelectChoice("after_due", "After the due date"),
        SelectChoice("never", "Never")])
    submit = SubmitField("Create assignment")

    def validate_due_at(self, field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError("The due date must come after the opening date.")

    def validate_review_option(self, field) -> None:
        if field.data == "after_due" and not self.due_at.data:
            raise ValidationError("Showing answers after the due date needs a due date.")
        if field.data not in Assignment.REVIEW_OPTIONS:
            raise ValidationError("Choose when students see the answers.")


class JoinForm(FlaskForm):
    code = StringField("Class code", validators=[DataRequired(), Length(max=16)])
    submit = SubmitField("Join the class")


class StartAssignmentForm(FlaskForm):
    submit = SubmitField("Start an attempt")
