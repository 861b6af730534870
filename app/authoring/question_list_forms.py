"""The question list's filter: a GET form, so a filtered list can be bookmarked and shared (no CSRF, deliberately)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

# Where a question stands: a draft lives in its author's bank or a class's, a published one in the course bank.
STATUSES = {"": _l("In use"), "draft": _l("Drafts"), "published": _l("Published"), "retired": _l("Retired"),
            "all": _l("All, retired too")}


class QuestionListForm(FlaskForm):
    """Which questions to list. Choices are filled by the view, with how many questions each would show."""

    class Meta:
        csrf = False

    lesson = SelectField(_l("Lesson"), default="")
    type = SelectField(_l("Type"), default="")
    tag = SelectField(_l("Tag"), default="")
    status = SelectField(_l("Status"), default="")
    owner = SelectField(_l("Whose"), default="")
    words = StringField(_l("Words in the question"),
                        validators=[Optional(), Length(max=200, message=_l("Search for at most 200 characters."))])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=10_000, message=_l("There is no such page."))])
