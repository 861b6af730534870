"""Forms for managing a class: its details, deleting it, groups, and moving students."""

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.validators import visible_text

DESCRIPTION_MAX = 2000
GROUP_NAME_MAX = 80


class ClassDetailsForm(FlaskForm):
    """A class's name, description and term dates."""

    name = StringField(_l("Class name"), validators=[DataRequired(message=_l("Give the class a name.")), Length(max=120),
                                                     visible_text])
    description = TextAreaField(_l("Description (optional)"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])
    term_starts = DateField(_l("Term starts (optional)"), validators=[Optional()])
    term_ends = DateField(_l("Term ends (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Save changes"))

    def validate_term_ends(self, field) -> None:
        if field.data and self.term_starts.data and field.data < self.term_starts.data:
            raise ValidationError(_("The term must end on or after the day it starts."))


class DeleteClassForm(FlaskForm):
    """Type the class's name to delete it: a slip of the mouse cannot."""

    confirm_name = StringField(_l("Type the class's name to confirm"),
                               validators=[DataRequired(message=_l("Type the class's name."))])
    submit = SubmitField(_l("Delete this class for good"))


class GroupForm(FlaskForm):
    """A new group's name, or a group's new name."""

    name = StringField(_l("Group name"), validators=[DataRequired(message=_l("Give the group a name.")),
                                                     Length(max=GROUP_NAME_MAX), visible_text])
    submit = SubmitField(_l("Create group"))


class SetGroupForm(FlaskForm):
    """Put the students ticked on the roster in one group (0: in no group)."""

    group = SelectField(_l("Put the chosen students in"), coerce=int)
    submit = SubmitField(_l("Put in group"))


class MoveStudentForm(FlaskForm):
    """The class, among those the instructor teaches, a student moves to."""

    target = SelectField(_l("Move to"), coerce=int)
    submit = SubmitField(_l("Move student"))
