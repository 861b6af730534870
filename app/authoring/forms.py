"""Instructor forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import (BooleanField, DateTimeLocalField, IntegerField, SelectField, SelectMultipleField, StringField,
                     SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.course import qtypes
from app.course.interop.qti import MAX_PACKAGE_BYTES
from app.course.qtypes.base import HINT_MAX_CHARS, FormRow, QuestionType
from app.models import Assignment
from app.validators import visible_text


class ClassroomForm(FlaskForm):
    name = StringField("Class name", validators=[DataRequired(), Length(max=120), visible_text])
    submit = SubmitField("Create class")


class AssignmentForm(FlaskForm):
    """Choose the questions (lessons, optional tag, how many) and the rules of a class assignment."""

    title = StringField("Title", validators=[DataRequired(), Length(max=160), visible_text])
    lessons = SelectMultipleField("Draw questions from these lessons", coerce=int, validators=[DataRequired(message="Choose at least one lesson.")])
    tag = StringField("Only questions tagged (optional)", validators=[Optional(), Length(max=40), visible_text])
    question_count = IntegerField("Number of questions", default=10, validators=[DataRequired(), NumberRange(min=1, max=100)])
    opens_at = DateTimeLocalField("Opens (UTC)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    due_at = DateTimeLocalField("Due (UTC, optional)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    attempt_limit = IntegerField("Attempts allowed (blank: unlimited)", validators=[Optional(), NumberRange(min=1, max=50)])
    time_limit_minutes = IntegerField("Time limit in minutes (blank: none)", validators=[Optional(), NumberRange(min=1, max=600)])
    grading_method = SelectField("Grade", choices=[
        SelectChoice("highest", "Highest attempt"), SelectChoice("average", "Average of attempts"),
        SelectChoice("first", "First attempt"), SelectChoice("last", "Last attempt")])
    shuffle = BooleanField("Shuffle the order of questions for each student (choices are always shuffled)", default=True)
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
        if field.data != "immediately" and not self.attempt_limit.data:
            # Each attempt's total says how many answers were right: tried often enough, one answer
            # changed at a time, the totals spell out the key the option is meant to keep hidden.
            raise ValidationError("Keeping the answers hidden needs an attempt limit: with unlimited attempts, the "
                                  "totals of attempts that change one answer at a time give the key away.")


class JoinForm(FlaskForm):
    code = StringField("Class code", validators=[DataRequired(), Length(max=16)])
    submit = SubmitField("Join the class")


class StartAssignmentForm(FlaskForm):
    submit = SubmitField("Start an attempt")


class QuestionForm(FlaskForm):
    """Fields every question has. Each type's form adds its own; the bank checker judges them all."""

    # No WTForms validators on the content: the bank checker judges it, with the bank files' messages.
    id = StringField("Question id")
    lesson = SelectField("Lesson", coerce=int)
    prompt = TextAreaField("Prompt (Markdown)")
    explanation = TextAreaField("Explanation: why the right answer is right (Markdown)")
    hint = TextAreaField("Hint (optional)", description=f"A nudge of at most {HINT_MAX_CHARS} characters that helps recall without "
                         "giving the answer away. Shown in practice and review, never in a test.")
    lesson_anchor = StringField("Lesson anchor (a heading or paragraph id)")
    tags = StringField("Tags, comma-separated", validators=[visible_text])
    difficulty = SelectField("Difficulty", choices=[SelectChoice(d, d.capitalize()) for d in ("easy", "medium", "hard")])
    excludes = StringField("Never in one test with (optional)", description="Question ids, comma-separated: questions "
                           "that give this one's answer away, or whose answer this one gives away")
    # Choices are the banks the author may save into (``banks.bank_choices``); shown for new questions only.
    bank = SelectField("Save into", default="mine", validate_choice=False)
    preview = SubmitField("Preview")
    save = SubmitField("Save")


def _field(row: FormRow):
    """The WTForms field of one row a question type declares."""
    if row.widget == "select":
        return SelectField(row.label, choices=[SelectChoice(value, label) for value, label in row.choices], description=row.description)
    return (StringField if row.widget == "line" else TextAreaField)(row.label, description=row.description)


def _type_form(qtype: QuestionType) -> type[QuestionForm]:
    """The authoring form of one type: the common fields and the rows the type declares."""
    return type(f"{qtype.name.title().replace('_', '')}Form", (QuestionForm,), {row.name: _field(row) for row in qtype.form_rows()})


TYPE_LABELS = {name: qtype.label for name, qtype in qtypes.REGISTRY.items()}
QUESTION_FORMS = {name: _type_form(qtype) for name, qtype in qtypes.REGISTRY.items()}


class LessonForm(FlaskForm):
    """A new lesson written in the browser: front matter fields and the Markdown body."""

    slug = StringField("Slug (its address: lowercase words joined by hyphens)", validators=[
        DataRequired(), Length(max=80), Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Use lowercase letters, digits and hyphens.")])
    title = StringField("Title", validators=[DataRequired(), Length(max=200), visible_text])
    summary = StringField("One-line summary", validators=[DataRequired(), Length(max=200), visible_text])
    objectives = TextAreaField("Learning objectives, one per line", validators=[DataRequired()])
    body = TextAreaField("Lesson (Markdown; needs ## Key facts {#key-facts} and ## Glossary {#glossary})", validators=[DataRequired()])
    preview = SubmitField("Preview")
    save = SubmitField("Save lesson")


class ConfirmForm(FlaskForm):
    """A submit-only form for POST actions (retire, restore, apply a regrade)."""

    submit = SubmitField("Confirm")


class ImportForm(FlaskForm):
    """Upload a GIFT or Moodle XML file, or a QTI 3.0 package, into a lesson's questions."""

    file = FileField("GIFT (.gift, .txt), Moodle XML (.xml) or QTI 3.0 package (.zip)", validators=[
        FileRequired(message="Choose a file to import."),
        FileAllowed(["gift", "txt", "xml", "zip"], message="Import takes .gift, .txt or .xml files. A QTI 3.0 package is a .zip."),
        FileSize(MAX_PACKAGE_BYTES, message=f"A file to import may be at most {MAX_PACKAGE_BYTES // 1024 // 1024} MB.")])
    lesson = SelectField("Into the lesson", coerce=int)
    bank = SelectField("Into the bank", default="mine")
    submit = SubmitField("Import")


class UsernameForm(FlaskForm):
    """Name another instructor: to share a question with them, or to make them a class's co-instructor."""

    username = StringField("Username", validators=[DataRequired(), Length(max=40)])
    submit = SubmitField("Add")


class MoveForm(FlaskForm):
    """Move a question into the bank of a class its author teaches."""

    classroom = SelectField("Class", coerce=int)
    submit = SubmitField("Move into this class's bank")


class DeclineForm(FlaskForm):
    """An admin declines a publish request and says why (the instructor reads the note)."""

    note = TextAreaField("Why (the instructor sees this)", validators=[DataRequired(message="Say why, so the instructor can fix it."),
                                                                       Length(max=500)])
    submit = SubmitField("Decline")
