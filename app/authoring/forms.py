"""Instructor forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from app.course import qtypes
from app.course.interop.qti import MAX_PACKAGE_BYTES
from app.course.qtypes.base import HINT_MAX_CHARS, FormRow, QuestionType
from app.validators import visible_text


DIFFICULTY_LABELS = {"easy": _l("Easy"), "medium": _l("Medium"), "hard": _l("Hard")}


class QuestionForm(FlaskForm):
    """Fields every question has. Each type's form adds its own; the bank checker judges them all."""

    # No WTForms validators on the content: the bank checker judges it, with the bank files' messages.
    id = StringField(_l("Question id (optional)"), description=_l("Left empty, it is made from the prompt. Lowercase letters, "
                     "digits and hyphens; unique in the whole course; it never changes once saved."))
    lesson = SelectField(_l("Lesson"), coerce=int)
    prompt = TextAreaField(_l("Prompt (Markdown)"))
    explanation = TextAreaField(_l("Explanation: why the right answer is right (Markdown)"))
    hint = TextAreaField(_l("Hint (optional)"), description=_l("A nudge of at most %(num)s characters that helps recall without "
                         "giving the answer away. Shown in practice and review, never in a test.", num=HINT_MAX_CHARS))
    # Choices are the chosen lesson's headings (``questions.anchor_choices``); a paragraph anchor already stored stays offered.
    lesson_anchor = SelectField(_l("Part of the lesson it tests"), validate_choice=False,
                                description=_l("Learners who miss the question are sent to this part of the lesson."))
    tags = StringField(_l("Tags, comma-separated"), validators=[visible_text])
    difficulty = SelectField(_l("Difficulty"), choices=[SelectChoice(d, label) for d, label in DIFFICULTY_LABELS.items()])
    excludes = StringField(_l("Never in one test with (optional)"), description=_l("Question ids, comma-separated: questions "
                           "that give this one's answer away, or whose answer this one gives away"))
    # Choices are the banks the author may save into (``banks.bank_choices``); shown for new questions only.
    bank = SelectField(_l("Save into"), default="mine", validate_choice=False)
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save"))


def shown(text: str):
    """A label a question type declares (``app.course.qtypes`` marks it for the catalogue), translated when shown.
    An empty text stays empty: gettext("") would be the catalogue's header."""
    return _l(text) if text else text


def _field(row: FormRow):
    """The WTForms field of one single field a question type declares (rows are read by ``rows.read_rows``)."""
    choices = [SelectChoice(value, shown(label)) for value, label in row.choices]
    if row.widget == "radio":
        return RadioField(shown(row.label), choices=choices, description=shown(row.description), validate_choice=False)
    if row.widget == "select":
        return SelectField(shown(row.label), choices=choices, description=shown(row.description))
    return (StringField if row.widget == "line" else TextAreaField)(shown(row.label), description=shown(row.description))


def _type_form(qtype: QuestionType) -> type[QuestionForm]:
    """The authoring form of one type: the common fields and the rows the type declares."""
    return type(f"{qtype.name.title().replace('_', '')}Form", (QuestionForm,), {row.name: _field(row) for row in qtype.form_rows()
                                                                                                if row.widget != "rows"})


TYPE_LABELS = {name: shown(qtype.label) for name, qtype in qtypes.REGISTRY.items()}
QUESTION_FORMS = {name: _type_form(qtype) for name, qtype in qtypes.REGISTRY.items()}


class LessonForm(FlaskForm):
    """A new lesson written in the browser: front matter fields and the Markdown body."""

    slug = StringField(_l("Slug (its address: lowercase words joined by hyphens)"), validators=[
        DataRequired(), Length(max=80), Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lowercase letters, digits and hyphens."))])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200), visible_text])
    summary = StringField(_l("One-line summary"), validators=[DataRequired(), Length(max=200), visible_text])
    objectives = TextAreaField(_l("Learning objectives, one per line"), validators=[DataRequired()])
    body = TextAreaField(_l("Lesson (Markdown; needs ## Key facts {#key-facts} and ## Glossary {#glossary})"), validators=[DataRequired()])
    preview = SubmitField(_l("Preview"))
    save = SubmitField(_l("Save lesson"))


class ConfirmForm(FlaskForm):
    """A submit-only form for POST actions (retire, restore, apply a regrade)."""

    submit = SubmitField(_l("Confirm"))


class ImportForm(FlaskForm):
    """Upload a GIFT or Moodle XML file, or a QTI 3.0 package, into a lesson's questions."""

    file = FileField(_l("GIFT (.gift, .txt), Moodle XML (.xml) or QTI 3.0 package (.zip)"), validators=[
        FileRequired(message=_l("Choose a file to import.")),
        FileAllowed(["gift", "txt", "xml", "zip"], message=_l("Import takes .gift, .txt or .xml files. A QTI 3.0 package is a .zip.")),
        FileSize(MAX_PACKAGE_BYTES, message=_l("A file to import may be at most %(num)s MB.", num=MAX_PACKAGE_BYTES // 1024 // 1024))])
    lesson = SelectField(_l("Into the lesson"), coerce=int)
    bank = SelectField(_l("Into the bank"), default="mine")
    submit = SubmitField(_l("Import"))


class UsernameForm(FlaskForm):
    """Name another instructor: to share a question with them, or to make them a class's co-instructor."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    submit = SubmitField(_l("Add"))


class MoveForm(FlaskForm):
    """Move a question into the bank of a class its author teaches."""

    classroom = SelectField(_l("Class"), coerce=int)
    submit = SubmitField(_l("Move into this class's bank"))


class DeclineForm(FlaskForm):
    """An admin declines a publish request and says why (the instructor reads the note)."""

    note = TextAreaField(_l("Why (the instructor sees this)"),
                         validators=[DataRequired(message=_l("Say why, so the instructor can fix it.")), Length(max=500)])
    submit = SubmitField(_l("Decline"))
