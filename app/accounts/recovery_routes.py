"""Getting back in: "Forgot your password?" by e-mail, recovery codes, and confirming an e-mail address.

Every answer that could tell a stranger whether an account or an address exists is the same either way:
the reset request always says "if an account matches, we've sent a link" (and talks to the mail server
either way, so it takes about as long and fails alike when the server is down), a wrong recovery code gets
one message whatever was wrong, and adding an address always says "we've sent a link to confirm it".
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from werkzeug.utils import secure_filename

from app.accounts import bp
from app.accounts.forms import CodesDownloadForm, ForgotForm, NewCodesForm, RecoverForm, ResetForm
from app.accounts.messages import send_password_changed, send_reset_link
from app.accounts.recovery import codes_left, confirmed_address, issue_codes, use_code, user_for_reset
from app.accounts.routes import CODES_SESSION_KEY, safe_next, settings_page
from app.accounts.rules import CODE_COUNT, normalise_code, normalise_email, normalise_username
from app.accounts.sessions import end_every_session
from app.extensions import db
from app.mail import MailError, greet_mail_server, mail_enabled
from app.models import User, username_key
from app.ratelimits import login_per_account, login_per_address, password_checks_per_account

BAD_CODE = _l("That username and recovery code do not match an unused code. Check both and try again.")
RESET_SESSION_KEY = "password_reset_token"


def account_named(identifier: str) -> User | None:
    """The account a "username or e-mail address" box names, if any."""
    if "@" in identifier:
        return db.session.scalar(sa.select(User).where(User.email == normalise_email(identifier)))
    return db.session.scalar(sa.select(User).where(User.username_key == username_key(normalise_username(identifier))))


@login_per_address
@login_per_account
def forgot_view():
    """Ask for a reset link; the answer is the same whether or not an account (or its address) matches."""
    if not mail_enabled():
        return render_template("accounts/forgot.html", form=None)
    form = ForgotForm()
    if form.validate_on_submit():
        user = account_named(form.username.data.strip())
        try:
            if user is not None and user.email:
                send_reset_link(user)
            else:
                greet_mail_server()
        except MailError:
            return render_template("accounts/forgot.html", form=form, mail_down=True), 503
        return render_template("accounts/forgot_sent.html")
    return render_template("accounts/forgot.html", form=form), 400 if form.errors else 200


bp.add_url_rule("/forgot", endpoint="forgot", view_func=forgot_view, methods=["GET", "POST"])


@bp.route("/reset/<token>")
def reset_with_link(token: str):
    """The link from the e-mail: checked, then moved out of the address bar (and out of any Referer or
    history) into this browser's session, and on to the form."""
    if len(token) > 512 or user_for_reset(token) is None:
        return render_template("accounts/reset.html", form=None), 400
    session[RESET_SESSION_KEY] = token
    return redirect(url_for("accounts.reset"))


@bp.route("/reset", methods=["GET", "POST"])
@login_per_address
def reset():
    """Choose a new password with a reset link; every session of the account ends and a notice is sent."""
    token = session.get(RESET_SESSION_KEY)
    user = user_for_reset(token) if isinstance(token, str) else None
    if user is None:
        session.pop(RESET_SESSION_KEY, None)
        return render_template("accounts/reset.html", form=None), 400
    form = ResetForm(user.username)
    if form.validate_on_submit():
        user.set_password(form.password.data)  # the link dies with the old hash
        end_every_session(user)
        db.session.commit()
        session.pop(RESET_SESSION_KEY, None)
        if current_user.is_authenticated and current_user.id == user.id:
            logout_user()
        try:
            send_password_changed(user)
        except MailError:
            pass  # the password is changed either way; the notice is a courtesy
        flash(_("Your new password is set, and every browser that was logged in to your account has been logged "
                "out. Log in with your new password."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, user=user), 400 if form.errors else 200


@login_per_address
@login_per_account
def recover_view():
    """Set a new password with a username and one of its recovery codes, which is then used up."""
    form = RecoverForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.username_key == username_key(form.username.data)))
        if use_code(user, form.code.data):
            user.set_password(form.password.data)
            end_every_session(user)
            db.session.commit()
            if current_user.is_authenticated and current_user.id == user.id:
                logout_user()
            left = codes_left(user)
            flash(_("Your new password is set and that code is used up: %(left)s of %(total)s codes left. Every "
                    "browser that was logged in to your account has been logged out. Log in with your new password.",
                    left=left, total=CODE_COUNT), "success")
            return redirect(url_for("accounts.login"))
        db.session.rollback()
        form.code.errors.append(str(BAD_CODE))
    return render_template("accounts/recover.html", form=form), 400 if form.errors else 200


bp.add_url_rule("/recover", endpoint="recover", view_func=recover_view, methods=["GET", "POST"])


def codes_page(codes: list[str] | None, next_url: str, status: int = 200):
    """The page that shows new codes once (or, with none, says how many are left)."""
    return render_template("accounts/recovery_codes.html", codes=codes, next_url=next_url,
                           left=codes_left(current_user), total=CODE_COUNT,
                           download_form=CodesDownloadForm()), status


@bp.route("/recovery-codes")
@login_required
def recovery_codes():
    """Just after registering: the account's ten codes, made now and shown this once."""
    next_url = safe_next(url_for("learning.dashboard"))
    if session.pop(CODES_SESSION_KEY, None) == current_user.id:
        codes = issue_codes(current_user)
        db.session.commit()
        return codes_page(codes, next_url)
    return codes_page(None, next_url)


@bp.route("/recovery-codes", methods=["POST"])
@login_required
@password_checks_per_account
def new_recovery_codes():
    """Replace my codes with ten new ones, after the password; the old ones stop working at once."""
    form = NewCodesForm()
    if not form.validate_on_submit():
        return settings_page(400, codes_form=form)
    if not current_user.check_password(form.current.data):
        form.current.errors.append(_("That is not your current password; your codes are unchanged."))
        return settings_page(400, codes_form=form)
    codes = issue_codes(current_user)
    db.session.commit()
    return codes_page(codes, url_for("accounts.settings"))


@bp.route("/recovery-codes.txt", methods=["POST"])
@login_required
def download_codes():
    """The codes just shown, back as a text file to keep (they are never stored in clear, so the page sends them)."""
    if not CodesDownloadForm().validate_on_submit():
        abort(400, description=_("The page has expired; make new codes from your account page to download them."))
    codes = request.form.getlist("code")
    if not 1 <= len(codes) <= CODE_COUNT or any(len(code) > 12 or normalise_code(code) is None for code in codes):
        abort(400, description=_("Those are not recovery codes, so there is nothing to download."))
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    text = (_("Backchannel recovery codes for %(name)s (made %(date)s)", name=current_user.username, date=made) + "\n\n"
            + _("If you forget your password, choose “Use a recovery code” on the login page.") + "\n"
            + _("Each code works once. Keep this file somewhere safe.") + "\n\n" + "\n".join(codes) + "\n")
    filename = secure_filename(f"backchannel-{current_user.username}-recovery-codes.txt")
    return Response(text, mimetype="text/plain", headers={"Content-Disposition": f'attachment; filename="{filename}"',
                                                          "Cache-Control": "no-store"})


@bp.route("/email/confirm/<token>")
def confirm_email(token: str):
    """The link from a confirmation e-mail: the address becomes the account's, unless another has it by now."""
    opened = confirmed_address(token) if len(token) <= 1024 else None
    if opened is None:
        abort(400, description=_("This confirmation link has expired or has already been used. Add the address "
                                 "again on your account page to get a new one."))
    user, address = opened
    owner = db.session.scalar(sa.select(User).where(User.email == address))
    if owner is not None and owner.id != user.id:
        abort(409, description=_("This address already belongs to another account, so it was not added."))
    user.email = address
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # taken between the check and the commit
        db.session.rollback()
        abort(409, description=_("This address already belongs to another account, so it was not added."))
    flash(_("Your e-mail address %(address)s is confirmed: password-reset links will go there.", address=address),
          "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.settings"))
    return redirect(url_for("accounts.login"))
