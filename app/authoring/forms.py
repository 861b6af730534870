"""Instructor forms."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from app.course import qtypes
from app.course.interop.qti import MAX_PACKAGE_BYTES
from app.course.qtypes.base import HINT_MAX_CHARS, FormRow, QuestionType
from app.validators import visible_text


class QuestionForm(FlaskForm):
    """Fields every question has. Each type's form adds its own; the bank checker judges them all."""

    # No WTForms validators on the content: the bank checker judges it, with the bank files' messages.
    id = StringField("Question id (optional)", description="Left empty, it is made from the prompt. Lowercase letters, digits "
                     "and hyphens; unique in the whole course; it never changes once saved.")
    lesson = SelectField("Lesson", coerce=int)
    prompt = TextAreaField("Prompt (Markdown)")
    explanation = TextAreaField("Explanation: why the right answer is right (Markdown)")
    hint = TextAreaField("Hint (optional)", description=f"A nudge of at most {HINT_MAX_CHARS} characters that helps recall without "
                         "giving the answer away. Shown in practice and review, never in a test.")
    # Choices are the chosen lesson's headings (``questions.anchor_choices``); a paragraph anchor already stored stays offered.
    lesson_anchor = SelectField("Part of the lesson it tests", validate_choice=False,
                                description="Learners who miss the question are sent to this part of the lesson.")
    tags = StringField("Tags, comma-separated", validators=[visible_text])
    difficulty = SelectField("Difficulty", choices=[SelectChoice(d, d.capitalize()) for d in ("easy", "medium", "hard")])
    excludes = StringField("Never in one test with (optional)", description="Question ids, comma-separated: questions "
                           "that give this one's answer away, or whose answer this one gives away")
    # Choices are the banks the author may save into (``banks.bank_choices``); shown for new questions only.
    bank = SelectField("Save into", default="mine", validate_choice=False)
    preview = SubmitField("Preview")
    save = SubmitField("Save")


def _field(row: FormRow):
    """The WTForms field of one single field a question type declares (rows are read by ``rows.read_rows``)."""
    if row.widget == "radio":
        return RadioField(row.label, choices=[SelectChoice(value, label) for value, label in row.choices], description=row.description,
                          validate_choice=False)
    if row.widget == "select":
        return SelectField(row.label, choices=[SelectChoice(value, label) for value, label in row.choices], description=row.description)
    return (StringField if row.widget == "line" else TextAreaField)(row.label, description=row.description)


def _type_form(qtype: QuestionType) -> type[QuestionForm]:
    """The authoring form of one type: the common fields and the rows the type declares."""
    return type(f"{qtype.name.title().replace('_', '')}Form", (QuestionForm,), {row.name: _field(row) for row in qtype.form_rows()
                                                                                                if row.widget != "rows"})


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
