"""The development outbox: with no MAIL_SERVER and not in production, every e-mail is written to instance/outbox/
as an .eml file (owner-only) and the e-mail features show; production without a mail server sends none and says so."""

import email
import email.policy
import logging
import stat
from pathlib import Path

import pytest

from app.mail import outbox
from tests.conftest import AuthActions, csrf_token
from tests.test_password_reset import NEW_PASSWORD, SAME_ANSWER, ask_for_reset, path_of, set_password

NOTE = "e-mails are saved in <code>instance/outbox/</code>"


def messages(app) -> list[tuple[Path, email.message.EmailMessage]]:
    """Every .eml file in the app's outbox, oldest first, parsed."""
    folder = Path(app.instance_path) / "outbox"
    return [(path, email.message_from_bytes(path.read_bytes(), policy=email.policy.default))
            for path in sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)] if folder.exists() else []


def link_in(message) -> str:
    return next(word for word in message.get_content().split() if word.startswith("http"))


@pytest.fixture
def dev_app(make_app):
    return make_app(MAIL_SERVER=None, PRODUCTION=False)


def test_without_a_mail_server_development_writes_each_message_to_the_outbox(dev_app, caplog):
    client = dev_app.test_client()
    register = client.get("/account/register").get_data(as_text=True)
    assert "E-mail address" in register  # the e-mail features show
    with caplog.at_level(logging.WARNING):
        AuthActions(client).register("amina", email="amina@example.org")
    [(path, confirm)] = messages(dev_app)
    assert confirm["To"] == "amina@example.org" and "Confirm your e-mail address" in confirm["Subject"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds a live link: the owner alone reads it
    assert str(path) in caplog.text and link_in(confirm) not in caplog.text  # the path is logged, never the link
    assert client.get(path_of(link_in(confirm))).status_code == 302

    AuthActions(client).logout()
    forgot = client.get("/account/forgot").get_data(as_text=True)
    assert NOTE in forgot and "Send me a reset link" in forgot
    assert SAME_ANSWER in ask_for_reset(client, "amina").get_data(as_text=True)
    reset = messages(dev_app)[-1][1]
    assert reset["Subject"] == "Reset your Backchannel password" and len(messages(dev_app)) == 2
    assert set_password(client, link_in(reset)).status_code == 302  # the link in the file works
    assert AuthActions(client).login(password=NEW_PASSWORD).status_code == 302
    assert messages(dev_app)[-1][1]["Subject"] == "Your Backchannel password was changed"


def test_an_account_with_no_address_gets_the_same_answer_and_no_file(dev_app):
    client = dev_app.test_client()
    AuthActions(client).register("bilal")
    AuthActions(client).logout()
    for identifier in ("bilal", "nobody@example.org"):
        assert SAME_ANSWER in ask_for_reset(client, identifier).get_data(as_text=True)
    assert messages(dev_app) == []


def test_production_without_a_mail_server_sends_nothing_and_points_to_recovery_codes(make_app):
    app = make_app(MAIL_SERVER=None, PRODUCTION=True)
    client = app.test_client()
    with app.test_request_context():
        assert outbox() is None
    for response in (client.get("/account/forgot"),
                     client.post("/account/forgot", data={"username": "amina", "csrf_token": csrf_token(client)})):
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "Reset by e-mail is not available" in html and NOTE not in html
    assert "E-mail address" not in client.get("/account/register").get_data(as_text=True)
    assert messages(app) == []


def test_a_mail_server_set_in_development_is_used_instead_of_the_outbox(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", PRODUCTION=False)
    with app.test_request_context():
        assert outbox() is None
    assert NOTE not in app.test_client().get("/account/forgot").get_data(as_text=True)
