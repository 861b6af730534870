"""A real SMTP server on a free loopback port (aiosmtpd), for tests that send and read e-mail."""

import email
import email.policy
import re
from email.message import EmailMessage

import pytest

controller_module = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed (make test installs it)")


class Inbox:
    """Every message the server accepted, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    @staticmethod
    def link_in(message: EmailMessage) -> str:
        """The one link in a message's body."""
        return re.search(r"https?://\S+", message.get_content()).group(0)


class LocalController(controller_module.Controller):
    """aiosmtpd's controller on port 0: it learns the port the system chose before checking the server is up."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def start_mail_server() -> tuple[LocalController, Inbox]:
    inbox = Inbox()
    controller = LocalController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    return controller, inbox


def mail_settings(inbox: Inbox) -> dict:
    """An app's settings that send its e-mail to ``inbox``."""
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port, "MAIL_FROM": "Backchannel <noreply@backchannel.test>"}
