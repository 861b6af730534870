"""Account views. Passwords are hashed with Werkzeug's default; login is rate-limited."""

import json
from datetime import datetime, timezone
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from werkzeug.utils import secure_filename

from app.accounts import bp
from app.accounts.deletion import delete_account, plan_deletion
from app.accounts.forms import (USERNAME_TAKEN, ChangePasswordForm, DeleteAccountForm, EmailForm, LoginForm,
                                LogoutEverywhereForm, LogoutForm, NewCodesForm, PreferencesForm, RegisterForm, RevokeForm,
                                SettingsForm, TokenForm)
from app.accounts.messages import offer_address
from app.accounts.recovery import codes_left
from app.accounts.rules import CODE_COUNT, password_matches
from app.accounts.sessions import active_sessions, current_session, end_every_session, end_session, start_session
from app.course import clock
from app.course.scheduling import aware
from app.extensions import db
from app.i18n import user_text
from app.mail import MailError, mail_enabled
from app.models import ApiToken, User, username_key, utcnow
from app.progress import export_owner_data, merge_guest
from app.ratelimits import login_per_account, login_per_address, password_checks_per_account, registration_per_address
from app.timezones import COOKIE as TZ_COOKIE

# Set by registration, read by the recovery-codes page, which makes the codes and shows them once.
CODES_SESSION_KEY = "new_recovery_codes_for"

BAD_LOGIN = _l("Invalid username or password.")


def safe_next(default: str) -> str:
    """The ``next`` target if it stays on this site (a path, no scheme, no host), else ``default``."""
    target = request.args.get("next", "")
    if any(char < " " or char == "\x7f" for char in target):  # urlsplit drops tabs and line breaks; a header may not
        return default
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc and "\\" not in target:
        return target
    return default


def adopt_guest_work(user: User) -> None:
    """Move what this browser did as a guest to the account, then forget the guest token."""
    guest = session.pop("guest", None)
    if guest:
        merge_guest(f"guest:{guest}", user)


@bp.route("/register", methods=["GET", "POST"])
@registration_per_address
def register():
    """Create a student account; quizzes already taken as a guest move into it."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        user = User(username=form.username.data, role="student")
        user.set_password(form.password.data)
        db.session.add(user)
        try:
            db.session.flush()
        except sa.exc.IntegrityError:  # the same name registered between the form's check and this insert
            db.session.rollback()
            form.username.errors.append(_(USERNAME_TAKEN))
            return render_template("accounts/register.html", form=form, mail=mail_enabled()), 400
        adopt_guest_work(user)
        db.session.commit()
        start_session(user)
        session[CODES_SESSION_KEY] = user.id  # the next page makes the recovery codes and shows them once
        flash(_("Welcome to Backchannel. Your account is ready, with anything you did here as a guest."), "success")
        if form.email.data and mail_enabled():
            try:
                offer_address(user, form.email.data)
                flash(_("We've sent a link to %(address)s: your address is added when you open it.", address=form.email.data),
                      "info")
            except MailError:
                flash(_("We couldn't reach our mail server just now, so your e-mail address isn't added yet. "
                        "You can add it on your account page."), "warning")
        return redirect(url_for("accounts.recovery_codes", next=safe_next(url_for("learning.dashboard"))))
    return render_template("accounts/register.html", form=form, mail=mail_enabled()), 400 if form.errors else 200


@login_per_address
@login_per_account
def login_view():
    """Log in; a wrong password and an unknown username get the same answer."""
    if current_user.is_authenticated:
        return redirect(url_for("learning.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.username_key == username_key(form.username.data)))
        if not password_matches(user.password_hash if user else None, form.password.data):
            form.password.errors.append(str(BAD_LOGIN))
            return render_template("accounts/login.html", form=form), 400
        adopt_guest_work(user)
        db.session.commit()
        start_session(user, remember=form.remember.data)
        return redirect(safe_next(url_for("learning.dashboard")))
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


bp.add_url_rule("/login", endpoint="login", view_func=login_view, methods=["GET", "POST"])


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (a POST with a CSRF token, so another site cannot log you out); the session ends on
    the server too, so a copy of the cookie is worthless."""
    if LogoutForm().validate_on_submit():
        end_session()
        flash(_("You are logged out."), "success")
    return redirect(url_for("learning.index"))


@bp.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session of my account: this browser, other browsers, remembered logins."""
    if LogoutEverywhereForm().validate_on_submit():
        end_every_session(current_user)
        db.session.commit()
        logout_user()
        flash(_("You are logged out everywhere: every browser that was logged in to your account has to log in again, "
                "and your API tokens are revoked."), "success")
    return redirect(url_for("learning.index"))


def settings_page(status: int = 200, **forms):
    """The account page with its forms (any passed in keep their data and errors)."""
    tokens = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at)).all()
    # formdata=None: a form not being posted shows the stored values, not the other form's missing fields.
    pages = {"form": SettingsForm(formdata=None, obj=current_user), "password_form": ChangePasswordForm(),
             "token_form": TokenForm(), "revoke_form": RevokeForm(), "everywhere_form": LogoutEverywhereForm(),
             "email_form": EmailForm(formdata=None, obj=current_user), "codes_form": NewCodesForm(),
             "preferences_form": PreferencesForm(formdata=None, obj=current_user), **forms}
    this_session, now = current_session(), utcnow()
    return render_template("accounts/settings.html", tokens=tokens, sessions=active_sessions(current_user),
                           mail=mail_enabled(), codes_left=codes_left(current_user), codes_total=CODE_COUNT,
                           browser_zone=clock.zone(request.cookies.get(TZ_COOKIE)),
                           expired={token.id for token in tokens if aware(token.expires_at) <= now},
                           this_session_id=this_session.id if this_session else None, **pages), status


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    """Account page: review settings, password, export and deletion."""
    form = SettingsForm(obj=current_user)
    if form.validate_on_submit():
        current_user.desired_retention = float(form.desired_retention.data)
        current_user.daily_review_limit = form.daily_review_limit.data
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("accounts.settings"))
    return settings_page(400 if form.errors else 200, form=form)


@bp.route("/password", methods=["POST"])
@login_required
@password_checks_per_account
def change_password():
    """Change the password after checking the current one; every other session ends, and this
    browser gets a new session (a copy of its old cookie is worthless too)."""
    form = ChangePasswordForm()
    if form.validate_on_submit() and current_user.check_password(form.current.data):
        user, this_session = current_user._get_current_object(), current_session()
        user.set_password(form.password.data)
        end_every_session(user)
        start_session(user, remember=bool(this_session and this_session.remember))
        flash(_("Password changed. Every other browser logged in to your account has been logged out, and your API "
                "tokens are revoked."), "success")
        return redirect(url_for("accounts.settings"))
    if form.current.data and not form.current.errors and not current_user.check_password(form.current.data):
        form.current.errors = [_("That is not your current password.")]
    return settings_page(400, password_form=form)


@bp.route("/export")
@login_required
def export():
    """Download everything stored about me as JSON."""
    data = export_owner_data(current_user.owner_key, current_user)
    data["exported_at"] = datetime.now(timezone.utc).isoformat()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d")
    filename = secure_filename(f"backchannel-{current_user.username}-{stamp}.json")  # safe whatever an old name holds
    return Response(json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@password_checks_per_account
def delete():
    """Delete my account and all my data, after a page that lists what goes (and, for an instructor,
    which classes move to a co-instructor) and the password confirms it."""
    user = current_user._get_current_object()
    plan = plan_deletion(user)
    form = DeleteAccountForm()
    if request.method == "GET":
        return render_template("accounts/delete.html", plan=plan, form=form)
    if not (form.validate_on_submit() and user.check_password(form.password.data)):
        form.password.errors = [_("That is not your password; nothing was deleted.")]
        return render_template("accounts/delete.html", plan=plan, form=form), 400
    try:
        delete_account(plan)
        db.session.commit()
    except sa.exc.IntegrityError:  # a class or question was added in another tab since the plan was made
        db.session.rollback()
        abort(409, description=_("Something of yours changed while the account was being deleted, so nothing was "
                                 "deleted. Open the deletion page again to see the current list."))
    logout_user()
    flash(_("Your account and all its data are deleted."), "success")
    return redirect(url_for("learning.index"))


@bp.route("/tokens", methods=["POST"])
@login_required
@password_checks_per_account
def create_token():
    """Create a personal access token for the API, after the current password; it is shown once, now."""
    from app.api.auth import new_token

    form = TokenForm()
    if not form.validate_on_submit():
        return settings_page(400, token_form=form)
    if not current_user.check_password(form.current.data):
        form.current.errors.append(_("That is not your current password; no token was made."))
        return settings_page(400, token_form=form)
    token = new_token(current_user, form.name.data.strip(), days=form.lifetime.data, scope=form.scope.data)
    db.session.commit()
    return settings_page(new_token=token)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    """Revoke one of my tokens; it stops working at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404, description=_("There is no such token."))
    if token.user_id != current_user.id:
        abort(403, description=_("This token belongs to another account."))
    if RevokeForm().validate_on_submit() and token.revoked_at is None:
        token.revoked_at = datetime.now(timezone.utc)
        db.session.commit()
        flash(_("Token “%(name)s” revoked.", name=user_text(token.name)), "success")
    return redirect(url_for("accounts.settings") + "#tokens")
