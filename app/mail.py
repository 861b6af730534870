"""Outgoing e-mail through the standard library's smtplib: password-reset links, address confirmations, notices.

Settings (``app.config``): ``MAIL_SERVER``, ``MAIL_PORT``, ``MAIL_USE_TLS``, ``MAIL_USERNAME``/``MAIL_PASSWORD``
(optional), ``MAIL_FROM`` and ``MAIL_TIMEOUT``. Without ``MAIL_SERVER`` a production site sends no e-mail and says
so; a development site (``make run``) writes each message to ``instance/outbox/`` as an ``.eml`` file instead, so
every e-mail feature can be tried without a mail server. Messages carry links with secrets in them, so neither a
message nor its body is ever logged (only an outbox file's path).
"""

import os
import secrets
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app


class MailError(Exception):
    """The mail server could not be reached, or refused the message."""


def outbox() -> Path | None:
    """The development outbox (``instance/outbox/``) when there is no mail server and this is not production."""
    config = current_app.config
    if config.get("MAIL_SERVER") or config["PRODUCTION"]:
        return None
    return Path(current_app.instance_path) / "outbox"


def mail_enabled() -> bool:
    """Whether this site sends e-mail: through its mail server, or (in development) into the outbox."""
    return bool(current_app.config.get("MAIL_SERVER")) or outbox() is not None


def _write_to_outbox(folder: Path, message: EmailMessage) -> Path:
    """Write ``message`` as a new .eml file only its owner can read (it holds a live reset link)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.eml"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(message.as_bytes())
    except OSError as error:
        current_app.logger.warning("Writing e-mail to the outbox failed: %s", type(error).__name__)
        raise MailError("The e-mail could not be written to the outbox.") from error
    return path


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
    if (folder := outbox()) is not None:
        # A warning, so that `make run`'s console shows it (Flask logs nothing quieter outside debug mode).
        current_app.logger.warning("No MAIL_SERVER: e-mail written to %s", _write_to_outbox(folder, message))
        return
    with _connection() as smtp:
        smtp.send_message(message)


def greet_mail_server() -> None:
    """Connect and say hello without sending anything: a reset asked for an account that gets no message
    costs the same round trip, and fails the same way when the server is down, so the answer reveals nothing."""
    if outbox() is not None:
        return  # nothing to greet in development; the outbox is local
    with _connection() as smtp:
        smtp.noop()
