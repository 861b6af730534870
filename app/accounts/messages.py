"""The e-mails accounts send: a reset link, an address confirmation, "that address has an account", and
the notice that a password changed (plain text, in the learner's words, in the language of the request that sends
it). Each raises ``app.mail.MailError`` when it cannot be sent."""

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.accounts.recovery import confirm_token, reset_token
from app.extensions import db
from app.mail import send_mail
from app.models import User



def sign_off() -> str:
    """The end of every message: the product's name and why the message came."""
    return "\n\nBackchannel\n" + _("(You get this message because this address was entered on Backchannel. "
                                     "No reply is needed.)") + "\n"


def send_reset_link(user: User) -> None:
    """The link that sets a new password; it works for an hour, once."""
    link = url_for("accounts.reset_with_link", token=reset_token(user), _external=True)
    send_mail(user.email, _("Reset your Backchannel password"),
              _("Hello %(name)s,\n\nSomeone (we hope you) asked to reset the password of your Backchannel "
                "account. To choose a new password, open this link within the next hour:\n\n%(link)s\n\n"
                "It works once. If you did not ask, ignore this message: your password stays as it is.",
                name=user.username, link=link) + sign_off())


def send_confirmation(user: User, address: str) -> None:
    """The link that adds ``address`` to ``user``'s account once its owner opens it."""
    link = url_for("accounts.confirm_email", token=confirm_token(user, address), _external=True)
    send_mail(address, _("Confirm your e-mail address for Backchannel"),
              _("Hello %(name)s,\n\nTo use this address for password resets on your Backchannel account, "
                "open this link within two days:\n\n%(link)s\n\n"
                "If you did not add this address, ignore this message and nothing changes.",
                name=user.username, link=link) + sign_off())


def send_address_in_use(owner: User, address: str) -> None:
    """Sent instead of a confirmation when ``address`` already belongs to an account: only the mailbox's
    owner learns that, and which account it is."""
    link = url_for("accounts.forgot", _external=True)
    send_mail(address, _("Your e-mail address is already on Backchannel"),
              _("Hello,\n\nSomeone tried to add this address to another Backchannel account, but it already "
                "belongs to the account %(name)s, so nothing changed.\n\n"
                "If that was you and you have forgotten your password, you can reset it here:\n\n%(link)s",
                name=owner.username, link=link) + sign_off())


def send_password_changed(user: User) -> None:
    """The notice after a reset, so a reset someone else made does not go unnoticed."""
    send_mail(user.email, _("Your Backchannel password was changed"),
              _("Hello %(name)s,\n\nThe password of your Backchannel account was just changed, and every "
                "browser that was logged in to it has been logged out.\n\nIf that was not you, reset your password "
                "now: %(link)s", name=user.username, link=url_for("accounts.forgot", _external=True)) + sign_off())


def offer_address(user: User, address: str) -> None:
    """Start adding ``address`` to ``user``'s account: a confirmation link if it is free, a note to the
    mailbox if another account has it. Both look the same to whoever typed it."""
    owner = db.session.scalar(sa.select(User).where(User.email == address))
    if owner is None:
        send_confirmation(user, address)
    elif owner.id != user.id:
        send_address_in_use(owner, address)
