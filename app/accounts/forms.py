"""Account forms. Database checks live in ``validate_<field>`` methods."""

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalRangeField, IntegerField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Regexp, ValidationError

from app.extensions import db
from app.models import User

MIN_PASSWORD = 10
COMMON_PASSWORDS = {
    "password12", "password123", "1234567890", "qwertyuiop", "letmein123", "iloveyou12",
    "backchannel", "pakistanindia", "indiapakistan", "administrator",
}


def strong_password(form, field) -> None:
    """At least 10 characters, not a well-known password, not the username, not one repeated character."""
    value = field.data or ""
    username = (getattr(form, "username", None) and form.username.data) or ""
    if value.lower() in COMMON_PASSWORDS:
        raise ValidationError("That password is too common; choose another.")
    if username and username.lower() in value.lower():
        raise ValidationError("The password must not contain your username.")
    if len(set(value)) < 4:
        raise ValidationError("Use a password with more varied characters.")


def new_password_fields():
    return (
        PasswordField("Password", validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200,
                      message=f"Use at least {MIN_PASSWORD} characters."), strong_password]),
        PasswordField("Repeat the password", validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")]),
    )


class RegisterForm(FlaskForm):
    username = StringField("Username", validators=[
        DataRequired(), Length(min=3, max=40),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="Use letters, digits, dots, hyphens and underscores only.")])
    password, password2 = new_password_fields()
    submit = SubmitField("Create my account")

    def validate_username(self, field) -> None:
        taken = db.session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == field.data.lower()))
        if taken is not None:
            raise ValidationError("That username is taken; choose another.")


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=40)])
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


class TokenForm(FlaskForm):
    name = StringField("Token name (what it is for)", validators=[DataRequired(), Length(max=80)])
    submit = SubmitField("Create a token")


class RevokeForm(FlaskForm):
    submit = SubmitField("Revoke")
