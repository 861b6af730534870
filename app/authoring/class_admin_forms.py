"""Forms for managing a class: its details, deleting it, groups, and moving students."""

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.validators import visible_text

DESCRIPTION_MAX = 2000
GROUP_NAME_MAX = 80


class ClassDetailsForm(FlaskForm):
    """A class's name, description and term dates."""

    name = StringField("Class name", validators=[DataRequired(message="Give the class a name."), Length(max=120), visible_text])
    description = TextAreaField("Description (optional)", validators=[Optional(), Length(max=DESCRIPTION_MAX)])
    term_starts = DateField("Term starts (optional)", validators=[Optional()])
    term_ends = DateField("Term ends (optional)", validators=[Optional()])
    submit = SubmitField("Save changes")

    def validate_term_ends(self, field) -> None:
        if field.data and self.term_starts.data and field.data < self.term_starts.data:
            raise ValidationError("The term must end on or after the day it starts.")


class DeleteClassForm(FlaskForm):
    """Type the class's name to delete it: a slip of the mouse cannot."""

    confirm_name = StringField("Type the class's name to confirm", validators=[DataRequired(message="Type the class's name.")])
    submit = SubmitField("Delete this class for good")


class GroupForm(FlaskForm):
    """A new group's name, or a group's new name."""

    name = StringField("Group name", validators=[DataRequired(message="Give the group a name."), Length(max=GROUP_NAME_MAX),
                                                 visible_text])
    submit = SubmitField("Create group")


class SetGroupForm(FlaskForm):
    """Put the students ticked on the roster in one group (0: in no group)."""

    group = SelectField("Put the chosen students in", coerce=int)
    submit = SubmitField("Put in group")


class MoveStudentForm(FlaskForm):
    """The class, among those the instructor teaches, a student moves to."""

    target = SelectField("Move to", coerce=int)
    submit = SubmitField("Move student")
