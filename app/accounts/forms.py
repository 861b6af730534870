"""Account forms. Database checks live in ``validate_<field>`` methods; the rules in ``rules``."""

import zoneinfo
from decimal import Decimal
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from babel.dates import get_timezone_location
from flask_babel import gettext as _, lazy_gettext as _l, lazy_ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalRangeField, IntegerField, PasswordField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, StopValidation,
                                ValidationError)

from app import i18n
from app.accounts.rules import (email_problem, normalise_email, normalise_username, password_problem,
                                username_problem)
from app.course.clock import zone_names
from app.course.words import N_
from app.extensions import db
from app.models import User, username_key, username_skeleton
from app.validators import visible_text

# English here (the command line says it too); a form translates it where it shows it.
USERNAME_TAKEN = N_("That username is taken (or one that looks the same is); choose another.")


def username_filter(value: str | None) -> str | None:
    """Usernames are compared and stored NFKC-normalised and stripped."""
    return normalise_username(value) if isinstance(value, str) else value


def valid_username(_form, field) -> None:
    """The whole name is ASCII letters, digits, dots, hyphens and underscores, 3 to 40 of them; a name
    that is not stops here, before any database look-up."""
    problem = username_problem(field.data or "", _)
    if problem:
        raise StopValidation(problem)


def email_filter(value: str | None) -> str | None:
    """Addresses are stored and compared stripped and case-folded."""
    return normalise_email(value) if isinstance(value, str) else value


def valid_email(_form, field) -> None:
    """A plausible address (name@domain.tld), at most 254 characters."""
    problem = email_problem(field.data or "", _)
    if problem:
        raise StopValidation(problem)


def strong_password(form, field) -> None:
    """At least 10 characters, not a common or easily guessed password, not the username."""
    if getattr(form, "account_name", None):  # a reset link's form names its account without a username field
        username = form.account_name
    elif hasattr(form, "username"):
        username = form.username.data or ""
    else:
        username = current_user.username if current_user.is_authenticated else ""
    problem = password_problem(field.data or "", username, _)
    if problem:
        raise ValidationError(problem)


def new_password_fields():
    return (
        PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200, message=_l("Use at most %(most)s characters.", most=200)),
                                              strong_password],
                      render_kw={"autocomplete": "new-password", "data-reveal": ""}),
        PasswordField(_l("Repeat the password"), validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))]),
    )


def email_field(label=_l("E-mail address (optional)")) -> StringField:
    return StringField(label, filters=[email_filter], validators=[Optional(), valid_email],
                       render_kw={"autocomplete": "email", "type": "email", "spellcheck": "false"})


class RegisterForm(FlaskForm):
    username = StringField(_l("Username"), filters=[username_filter], validators=[DataRequired(), valid_username],
                           render_kw={"autocomplete": "username"})
    email = email_field()
    password, password2 = new_password_fields()
    submit = SubmitField(_l("Create my account"))

    def validate_username(self, field) -> None:
        if look_alike_taken(field.data):
            raise ValidationError(_(USERNAME_TAKEN))


def look_alike_taken(username: str) -> bool:
    """Whether an account has this name, as names compare, or one that looks the same (admin1, adminl)."""
    return db.session.scalar(sa.select(User.id).where(sa.or_(
        User.username_key == username_key(username), User.username_skeleton == username_skeleton(username)))) is not None


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), filters=[username_filter], validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password", "data-reveal": ""})
    remember = BooleanField(_l("Keep me logged in"))
    submit = SubmitField(_l("Log in"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password, password2 = new_password_fields()
    submit = SubmitField(_l("Change password"))


class ForgotForm(FlaskForm):
    # Named "username" so the per-account login limit counts it under the name (or address) typed.
    username = StringField(_l("Username or e-mail address"), validators=[DataRequired(), Length(max=254)],
                           render_kw={"autocomplete": "username", "spellcheck": "false"})
    submit = SubmitField(_l("Send me a reset link"))


class ResetForm(FlaskForm):
    password, password2 = new_password_fields()
    submit = SubmitField(_l("Set my new password"))

    def __init__(self, account_name: str, **kwargs):
        super().__init__(**kwargs)
        self.account_name = account_name


class RecoverForm(FlaskForm):
    username = StringField(_l("Username"), filters=[username_filter], validators=[DataRequired(), Length(max=40)],
                           render_kw={"autocomplete": "username"})
    code = StringField(_l("Recovery code"), validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"})
    password, password2 = new_password_fields()
    submit = SubmitField(_l("Set my new password"))


class NewCodesForm(FlaskForm):
    # New codes outlive the session that made them (they can set a password), so they ask for it again.
    current = PasswordField(_l("Your current password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Make ten new codes"))


class CodesDownloadForm(FlaskForm):
    submit = SubmitField(_l("Download as a text file"))


class EmailForm(FlaskForm):
    email = email_field(_l("E-mail address"))
    # A session thief who could set the address could then reset the password: so it asks for it.
    current = PasswordField(_l("Your current password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Save e-mail address"))


DAILY_GOALS = (5, 10, 20, 50)


def optional_int(value) -> int | None:
    """A select's value as a number, or None for "no goal" (and for anything that is not a number)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: the validator below says so


def known_zone(_form, field) -> None:
    if field.data and field.data not in zone_names():
        raise ValidationError(_("Choose a time zone from the list."))


def offered_goal(_form, field) -> None:
    if field.data is not None and field.data not in DAILY_GOALS:
        raise ValidationError(_("Choose one of the goals in the list."))


# The regions of the IANA database's canonical zones; other prefixes ("US/", "Canada/", "Etc/") are old aliases.
ZONE_REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
# The regions' names as the list's group headings show them (the zones' own names stay as the database spells them).
REGION_NAMES = {"Africa": N_("Africa"), "America": N_("America"), "Antarctica": N_("Antarctica"), "Arctic": N_("Arctic"),
                "Asia": N_("Asia"), "Atlantic": N_("Atlantic"), "Australia": N_("Australia"), "Europe": N_("Europe"),
                "Indian": N_("Indian"), "Pacific": N_("Pacific")}


@cache
def listed_zones() -> frozenset[str] | None:
    """The zones the time-zone database lists by country (``zone.tab``); None where this machine has no such list.

    Without it the list held old aliases that read as bare words ("North", "West", "LHI" under Australia).
    """
    for folder in zoneinfo.TZPATH:
        table = Path(folder, "zone.tab")
        if table.is_file():
            rows = table.read_text(encoding="utf-8").splitlines()
            return frozenset(row.split("\t")[2] for row in rows if row and not row.startswith("#"))
    return None


# Languages whose places the list names as CLDR does ("کراچی", "कराची"); any other shows the database's English names,
# marked as English.
CLDR_PLACE_NAMES = ("ur", "hi")


def place_name(zone: str, language: str) -> tuple[str, dict]:
    """A zone's place as the list shows it, and the option's attributes: "Karachi" (as the database spells it) in
    English, the city in the reader's language where CLDR has it."""
    english = zone.split("/", 1)[1].replace("_", " ").replace("/", " / ")
    if language == "en":
        return english, {}
    if language in CLDR_PLACE_NAMES:
        try:
            return get_timezone_location(zone, locale=language, return_city=True), {}
        except (LookupError, ValueError):
            pass
    return english, {"lang": "en", "dir": "ltr"}


def zone_choices() -> list[SelectChoice]:
    """The browser's zone, UTC, then every canonical zone sorted and grouped by region ("Karachi" under "Asia")."""
    listed = listed_zones()
    places = sorted(name for name in zone_names() if name.split("/", 1)[0] in ZONE_REGIONS and "/" in name
                    and (listed is None or name in listed))
    language = i18n.language().code
    choices = [SelectChoice("", _("Use my browser's time zone")),
               SelectChoice("UTC", "UTC", render_kw={} if language == "en" else {"lang": "en", "dir": "ltr"})]
    for name in places:
        label, attributes = place_name(name, language)
        choices.append(SelectChoice(name, label, render_kw=attributes, optgroup=_(REGION_NAMES[name.split("/", 1)[0]])))
    return choices


class PreferencesForm(FlaskForm):
    # Blank means "my browser's zone"; the view stores it as None.
    time_zone = SelectField(_l("Time zone"), validate_choice=False, validators=[Length(max=64), known_zone],
                            coerce=lambda value: value if isinstance(value, str) else "")
    daily_goal = SelectField(_l("Daily goal"), coerce=optional_int, validate_choice=False, validators=[offered_goal],
                             choices=[SelectChoice("", _l("No goal"))] + [
                                 SelectChoice(str(goal), lazy_ngettext("%(num)s question a day", "%(num)s questions a day", goal)) for goal in DAILY_GOALS])
    show_streak = BooleanField(_l("Show my streak (the days in a row I have studied)"))
    # Blank means "my browser's language" (or the switcher's); the view stores it as None.
    language = SelectField(_l("Language"), validators=[Optional()])
    digits = SelectField(_l("Digits"), choices=[SelectChoice("", _l("0123456789, as most sites write them")),
                                              SelectChoice("native", _l("The language's own: ۰۱۲۳ in Urdu, ०१२३ in Hindi"))],
                         validators=[Optional()])
    submit = SubmitField(_l("Save preferences"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = zone_choices()
        self.language.choices = [SelectChoice("", _("My browser's language"))] + [
            SelectChoice(code, language.name, render_kw={"lang": code, "dir": language.direction})
            for code, language in i18n.LANGUAGES.items()]


class SettingsForm(FlaskForm):
    desired_retention = DecimalRangeField(_l("Desired retention"), places=2, validators=[
        InputRequired(), NumberRange(min=0.70, max=0.97, message=_l("Choose a retention between %(low)s and %(high)s.", low=Decimal("0.70"), high=Decimal("0.97")))])
    daily_review_limit = IntegerField(_l("Reviews per day at most"), validators=[
        InputRequired(), NumberRange(min=5, max=500, message=_l("Choose between %(least)s and %(most)s reviews a day.", least=5, most=500))])
    submit = SubmitField(_l("Save settings"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired()])
    submit = SubmitField(_l("Delete my account and all my data"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Log out"))


class LogoutEverywhereForm(FlaskForm):
    submit = SubmitField(_l("Log out everywhere"))


class TokenForm(FlaskForm):
    name = StringField(_l("Token name (what it is for)"), validators=[DataRequired(), Length(max=80), visible_text])
    lifetime = SelectField(_l("Expires after"), coerce=int, default=90,
                           choices=[SelectChoice(days, lazy_ngettext("%(num)s day", "%(num)s days", days)) for days in (30, 90, 365)])
    scope = SelectField(_l("It may"), default="read", choices=[
        SelectChoice("read", _l("Read my progress and reviews only")),
        SelectChoice("read submit", _l("Read, and submit attempts for me"))])
    # A token outlives the session that made it, so making one asks for the password again.
    current = PasswordField(_l("Your current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Create a token"))


class RevokeForm(FlaskForm):
    submit = SubmitField(_l("Revoke"))
