"""Outgoing e-mail through the standard library's smtplib: password-reset links, address confirmations, notices.

Settings (``app.config``): ``MAIL_SERVER`` (none: the site sends no e-mail and says so), ``MAIL_PORT``,
``MAIL_USE_TLS``, ``MAIL_USERNAME``/``MAIL_PASSWORD`` (optional), ``MAIL_FROM`` and ``MAIL_TIMEOUT``.
Messages carry links with secrets in them, so neither a message nor its body is ever logged.
"""

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app


class MailError(Exception):
    """The mail server could not be reached, or refused the message."""


def mail_enabled() -> bool:
    """Whether this site is set up to send e-mail."""
    return bool(current_app.config.get("MAIL_SERVER"))


@contextmanager
def _connection() -> Iterator[smtplib.SMTP]:
    """An open, greeted (and, if set, encrypted and logged-in) SMTP connection; any failure is a MailError."""
    config = current_app.config
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
            smtp.ehlo()
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            yield smtp
    except (smtplib.SMTPException, OSError) as error:
        # The class name only: an SMTP reply can quote the message, and messages hold links with tokens.
        current_app.logger.warning("Sending e-mail failed: %s", type(error).__name__)
        raise MailError("The mail server could not be reached.") from error


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message to ``to``; raises MailError when it cannot be handed to the server."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="backchannel")
    message.set_content(body)
    with _connection() as smtp:
        smtp.send_message(message)


def greet_mail_server() -> None:
    """Connect and say hello without sending anything: a reset asked for an account that gets no message
    costs the same round trip, and fails the same way when the server is down, so the answer reveals nothing."""
    with _connection() as smtp:
        smtp.noop()
