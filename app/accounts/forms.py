"""Account forms. Database checks live in ``validate_<field>`` methods; the rules in ``rules``."""

import sqlalchemy as sa
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalRangeField, IntegerField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, EqualTo, InputRequired, Length, NumberRange, StopValidation,
                                ValidationError)

from app.accounts.rules import normalise_username, password_problem, username_problem
from app.extensions import db
from app.models import User, username_key, username_skeleton
from app.validators import visible_text

USERNAME_TAKEN = "That username is taken (or one that looks the same is); choose another."


def username_filter(value: str | None) -> str | None:
    """Usernames are compared and stored NFKC-normalised and stripped."""
    return normalise_username(value) if isinstance(value, str) else value


def valid_username(_form, field) -> None:
    """The whole name is ASCII letters, digits, dots, hyphens and underscores, 3 to 40 of them; a name
    that is not stops here, before any database look-up."""
    problem = username_problem(field.data or "")
    if problem:
        raise StopValidation(problem)


def strong_password(form, field) -> None:
    """At least 10 characters, not a common or easily guessed password, not the username."""
    if hasattr(form, "username"):
        username = form.username.data or ""
    else:
        username = current_user.username if current_user.is_authenticated else ""
    problem = password_problem(field.data or "", username)
    if problem:
        raise ValidationError(problem)


def new_password_fields():
    return (
        PasswordField("Password", validators=[DataRequired(), Length(max=200, message="Use at most 200 characters."),
                                              strong_password]),
        PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")]),
    )


class RegisterForm(FlaskForm):
    username = StringField("Username", filters=[username_filter], validators=[DataRequired(), valid_username])
    password, password2 = new_password_fields()
    submit = SubmitField("Create my account")

    def validate_username(self, field) -> None:
        if look_alike_taken(field.data):
            raise ValidationError(USERNAME_TAKEN)


def look_alike_taken(username: str) -> bool:
    """Whether an account has this name, as names compare, or one that looks the same (admin1, adminl)."""
    return db.session.scalar(sa.select(User.id).where(sa.or_(
        User.username_key == username_key(username), User.username_skeleton == username_skeleton(username)))) is not None


class LoginForm(FlaskForm):
    username = StringField("Username", filters=[username_filter], validators=[DataRequired(), Length(max=40)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me logged in")
    submit = SubmitField("Log in")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    password, password2 = new_password_fields()
    submit = SubmitField("Change password")


class SettingsForm(FlaskForm):
    desired_retention = DecimalRangeField("Desired retention", places=2, validators=[
        InputRequired(), NumberRange(min=0.70, max=0.97, message="Choose a retention between 0.70 and 0.97.")])
    daily_review_limit = IntegerField("Reviews per day at most", validators=[
        InputRequired(), NumberRange(min=5, max=500, message="Choose between 5 and 500 reviews a day.")])
    submit = SubmitField("Save settings")


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password, to confirm", validators=[DataRequired()])
    submit = SubmitField("Delete my account and all my data")


class LogoutForm(FlaskForm):
    submit = SubmitField("Log out")


class LogoutEverywhereForm(FlaskForm):
    submit = SubmitField("Log out everywhere")


class TokenForm(FlaskForm):
    name = StringField("Token name (what it is for)", validators=[DataRequired(), Length(max=80), visible_text])
    lifetime = SelectField("Expires after", coerce=int, default=90,
                           choices=[SelectChoice(days, f"{days} days") for days in (30, 90, 365)])
    scope = SelectField("It may", default="read", choices=[
        SelectChoice("read", "Read my progress and reviews only"),
        SelectChoice("read submit", "Read, and submit attempts for me")])
    # A token outlives the session that made it, so making one asks for the password again.
    current = PasswordField("Your current password", validators=[DataRequired()])
    submit = SubmitField("Create a token")


class RevokeForm(FlaskForm):
    submit = SubmitField("Revoke")
