"""The account page's own settings: preferences (time zone, daily goal, streak) and the e-mail address."""

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import bp
from app.accounts.forms import EmailForm, PreferencesForm
from app.accounts.messages import offer_address
from app import i18n
from app.accounts.routes import safe_next, settings_page
from app.extensions import db
from app.mail import MailError, mail_enabled
from app.ratelimits import password_checks_per_account


@bp.route("/preferences", methods=["POST"])
@login_required
def preferences():
    """Save my time zone, daily goal and whether my streak shows."""
    form = PreferencesForm()
    if not form.validate_on_submit():
        return settings_page(400, preferences_form=form)
    current_user.time_zone = form.time_zone.data or None
    current_user.daily_goal = form.daily_goal.data
    current_user.show_streak = form.show_streak.data
    current_user.language = form.language.data or None
    current_user.digits = form.digits.data or None
    db.session.commit()
    i18n.remember_settings(current_user)
    i18n.choose_again()  # the message below, in the language just chosen
    flash(_("Preferences saved."), "success")
    response = redirect(url_for("accounts.settings") + "#preferences")
    if current_user.language is None:  # "my browser's language": the footer switcher's earlier choice goes too
        response.delete_cookie(i18n.COOKIE)
    return response


@bp.route("/email", methods=["POST"])
@login_required
@password_checks_per_account
def change_email():
    """Add, change or remove my address, after the password. A new address is added only once its owner
    opens the link we send it, so the page never says whether another account has it."""
    form = EmailForm()
    if not form.validate_on_submit():
        return settings_page(400, email_form=form)
    if not current_user.check_password(form.current.data):
        form.current.errors.append(_("That is not your current password; your address is unchanged."))
        return settings_page(400, email_form=form)
    address = form.email.data or None
    if address is None:
        current_user.email = None
        db.session.commit()
        flash(_("Your e-mail address is removed. If you forget your password, a recovery code gets you back in."),
              "success")
    elif address == current_user.email:
        flash(_("That is already your address."), "info")
    elif not mail_enabled():
        form.email.errors.append(_("This site cannot send e-mail, so it cannot confirm an address."))
        return settings_page(400, email_form=form)
    else:
        try:
            offer_address(current_user, address)
        except MailError:
            form.email.errors.append(_("We couldn't reach our mail server just now, so nothing was sent. "
                                       "Try again in a few minutes."))
            return settings_page(503, email_form=form)
        flash(_("We've sent a link to %(address)s. Your address changes when you open it (it works for two days).",
                address=address), "info")
    return redirect(url_for("accounts.settings") + "#email")


@bp.route("/language", methods=["POST"])
def choose_language():
    """The switcher's form for a signed-in learner: the button pressed names the language (``code``)."""
    return language(request.form.get("code", ""))


@bp.route("/language/<code>", methods=["GET", "POST"])
def language(code: str):
    """Switch the interface's language and go back to the page it was asked from (``next``, a path on this site).

    Everyone gets the ``lang`` cookie; a signed-in learner's POST (from the switcher's form, with its CSRF token)
    also saves it to the account, so it follows them to other browsers. A GET never changes the account."""
    if code not in i18n.LANGUAGES:
        abort(404, description=_("There is no such language here: English, اردو and हिन्दी are."))
    response = redirect(safe_next(url_for("learning.index")), 303)
    response.set_cookie(i18n.COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), httponly=True)
    if request.method == "POST" and current_user.is_authenticated:
        current_user.language = code
        db.session.commit()
        i18n.remember_settings(current_user)
    return response
