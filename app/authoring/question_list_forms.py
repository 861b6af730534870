"""The question list's filter: a GET form, so a filtered list can be bookmarked and shared (no CSRF, deliberately)."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

# Where a question stands: a draft lives in its author's bank or a class's, a published one in the course bank.
STATUSES = {"": "In use", "draft": "Drafts", "published": "Published", "retired": "Retired", "all": "All, retired too"}


class QuestionListForm(FlaskForm):
    """Which questions to list. Choices are filled by the view, with how many questions each would show."""

    class Meta:
        csrf = False

    lesson = SelectField("Lesson", default="")
    type = SelectField("Type", default="")
    tag = SelectField("Tag", default="")
    status = SelectField("Status", default="")
    owner = SelectField("Whose", default="")
    words = StringField("Words in the question", validators=[Optional(), Length(max=200, message="Search for at most 200 characters.")])
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=10_000, message="There is no such page.")])
