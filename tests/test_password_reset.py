"""Password reset by e-mail, against a real SMTP server on a loopback port: the message that arrives, the link
in it, and every way a link or a request can go wrong. Also the e-mail address itself (confirmed by a link)."""

import re
import socket
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, AuthActions, csrf_token
from tests.mail_server import mail_settings

NEW_PASSWORD = "Quetta-kite-river-88"
SAME_ANSWER = "If an account matches and has an e-mail address, we've sent a link to it."


@pytest.fixture
def mail_app(make_app, inbox):
    return make_app(**mail_settings(inbox))


@pytest.fixture
def client(mail_app):
    return mail_app.test_client()


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def user_named(app, username: str) -> User:
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


def register_with_email(client, inbox, username="amina", address="amina@example.org") -> None:
    """Register with an address and open the confirmation link, as a learner would."""
    AuthActions(client).register(username, email=address)
    confirm = inbox.to(address)[-1]
    assert "Confirm your e-mail address" in confirm["Subject"]
    assert client.get(path_of(inbox.link_in(confirm))).status_code == 302


def ask_for_reset(client, identifier: str):
    return client.post("/account/forgot", data={"username": identifier, "csrf_token": csrf_token(client, "/account/forgot")})


def set_password(client, link: str, password: str = NEW_PASSWORD, repeat: str | None = None):
    """Follow a reset link and post the form; returns the final response (or the link's own, if it failed)."""
    opened = client.get(path_of(link))
    if opened.status_code != 302:
        return opened
    assert opened.headers["Location"] == "/account/reset"  # the token leaves the address bar at once
    form = client.get("/account/reset")
    assert form.status_code == 200
    return client.post("/account/reset", data={"password": password, "password2": repeat or password,
                                                "csrf_token": csrf_token(client, "/account/reset")})


def test_a_reset_link_arrives_sets_a_new_password_and_ends_every_session(mail_app, client, inbox):
    register_with_email(client, inbox)
    assert user_named(mail_app, "amina").email == "amina@example.org"
    elsewhere = mail_app.test_client()
    AuthActions(elsewhere).login()
    AuthActions(client).logout()

    page = client.get("/account/login").get_data(as_text=True)
    assert "Forgot your password?" in page and "Use a recovery code" in page
    response = ask_for_reset(client, "amina")
    assert response.status_code == 200 and SAME_ANSWER in response.get_data(as_text=True)
    message = inbox.to("amina@example.org")[-1]
    assert message["Subject"] == "Reset your Backchannel password" and "within the next hour" in message.get_content()

    form = client.get(path_of(inbox.link_in(message)), follow_redirects=True).get_data(as_text=True)
    assert "At least 10 characters" in form and "not your username" in form  # the rules before the first try
    done = set_password(client, inbox.link_in(message))
    assert done.status_code == 302 and done.headers["Location"] == "/account/login"
    assert "Your new password is set" in client.get("/account/login").get_data(as_text=True)

    assert AuthActions(client).login().status_code == 400
    assert AuthActions(client).login(password=NEW_PASSWORD).status_code == 302
    assert elsewhere.get("/account/").status_code == 302  # the other browser was logged out
    notice = inbox.to("amina@example.org")[-1]
    assert notice["Subject"] == "Your Backchannel password was changed"


def test_the_address_finds_the_account_whatever_its_case(client, inbox):
    register_with_email(client, inbox)
    AuthActions(client).logout()
    before = len(inbox.messages)
    assert ask_for_reset(client, "  Amina@Example.ORG ").status_code == 200
    assert len(inbox.messages) == before + 1 and inbox.messages[-1]["Subject"] == "Reset your Backchannel password"


def visible_text(response) -> str:
    """The page without its per-session CSRF token and without the name typed (which the form keeps)."""
    html = re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", response.get_data(as_text=True))
    return re.sub(r'(name="username"[^>]*value=)"[^"]*"', r"\1", html)


def test_unknown_names_and_accounts_without_an_address_get_the_same_page_and_no_mail(mail_app, client, inbox):
    register_with_email(client, inbox)
    AuthActions(client).logout()
    AuthActions(client).register("bilal")
    AuthActions(client).logout()
    before = len(inbox.messages)
    known = ask_for_reset(client, "amina")
    unknown = ask_for_reset(client, "nobody-here")
    unknown_address = ask_for_reset(client, "nobody@example.org")
    no_address = ask_for_reset(client, "bilal")
    assert known.status_code == unknown.status_code == unknown_address.status_code == no_address.status_code == 200
    assert visible_text(known) == visible_text(unknown) == visible_text(unknown_address) == visible_text(no_address)
    assert len(inbox.messages) == before + 1  # only amina's


@pytest.mark.parametrize("minutes", [61, 60 * 24])
def test_an_expired_link_is_refused(mail_app, client, inbox, minutes):
    register_with_email(client, inbox)
    AuthActions(client).logout()
    ask_for_reset(client, "amina")
    link = inbox.link_in(inbox.to("amina@example.org")[-1])
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=minutes), tick=False):
        response = client.get(path_of(link))
    assert response.status_code == 400 and "expired or has already been used" in response.get_data(as_text=True)
    assert AuthActions(client).login().status_code == 302  # the old password still works


def test_a_link_works_once(mail_app, client, inbox):
    register_with_email(client, inbox)
    AuthActions(client).logout()
    ask_for_reset(client, "amina")
    link = inbox.link_in(inbox.to("amina@example.org")[-1])
    assert set_password(client, link).status_code == 302
    again = set_password(client, link, password="Another-fine-kite-55")
    assert again.status_code == 400 and "expired or has already been used" in again.get_data(as_text=True)
    assert AuthActions(client).login(password=NEW_PASSWORD).status_code == 302


def test_a_link_dies_when_the_password_changes_another_way(mail_app, client, inbox):
    register_with_email(client, inbox)
    ask_for_reset(client, "amina")
    link = inbox.link_in(inbox.to("amina@example.org")[-1])
    changed = client.post("/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                                     "csrf_token": csrf_token(client, "/account/")})
    assert changed.status_code == 302
    assert set_password(client, link, password="Another-fine-kite-55").status_code == 400


def test_a_forged_link_or_a_stale_form_changes_nothing(mail_app, client, inbox):
    register_with_email(client, inbox)
    AuthActions(client).logout()
    assert client.get("/account/reset/" + "x" * 40).status_code == 400
    assert client.get("/account/reset/" + "x" * 5000).status_code == 400
    posted = client.post("/account/reset", data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                                 "csrf_token": csrf_token(client, "/account/login")})
    assert posted.status_code == 400
    assert AuthActions(client).login().status_code == 302


def test_the_new_password_follows_the_same_rules(mail_app, client, inbox):
    register_with_email(client, inbox)
    AuthActions(client).logout()
    ask_for_reset(client, "amina")
    weak = set_password(client, inbox.link_in(inbox.to("amina@example.org")[-1]), password="amina-rules-ok-77")
    assert weak.status_code == 400 and "must not contain your username" in weak.get_data(as_text=True)
    assert AuthActions(client).login().status_code == 302


def test_without_a_mail_server_the_page_points_to_recovery_codes(make_app):
    client = make_app(PRODUCTION=True).test_client()  # in development the outbox stands in (tests/test_mail_outbox.py)
    for response in (client.get("/account/forgot"),
                     client.post("/account/forgot", data={"username": "amina", "csrf_token": csrf_token(client)})):
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Reset by e-mail is not available" in html and "/account/recover" in html and "Send me" not in html
    assert "E-mail address" not in client.get("/account/register").get_data(as_text=True)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_mail_server_that_is_down_gets_a_clear_message_the_same_for_everyone(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_TIMEOUT=2)
    client = app.test_client()
    AuthActions(client).register("amina")
    AuthActions(client).logout()
    known, unknown = ask_for_reset(client, "amina"), ask_for_reset(client, "nobody")
    assert known.status_code == unknown.status_code == 503
    assert "reach our mail server just now, so no e-mail was sent" in known.get_data(as_text=True)
    assert visible_text(known) == visible_text(unknown)


def test_reset_requests_are_rate_limited_per_account(make_app, inbox):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=inbox.port, LOGIN_ACCOUNT_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert [ask_for_reset(client, "amina").status_code for _ in range(3)] == [200, 200, 429]
    assert ask_for_reset(client, "someone-else").status_code == 200


def test_an_address_already_in_use_is_never_revealed_to_whoever_typed_it(mail_app, client, inbox):
    register_with_email(client, inbox)
    AuthActions(client).logout()
    other = mail_app.test_client()
    response = AuthActions(other).register("bilal", email="AMINA@example.org")
    assert response.status_code == 302
    flashed = other.get(response.headers["Location"]).get_data(as_text=True)
    assert "sent a link to amina@example.org: your address is added when you open it" in flashed  # as for a free one
    warning = inbox.to("amina@example.org")[-1]
    assert "already on Backchannel" in warning["Subject"] and "amina" in warning.get_content()
    assert user_named(mail_app, "bilal").email is None and user_named(mail_app, "amina").email == "amina@example.org"


def test_changing_the_address_asks_for_the_password_and_waits_for_the_link(mail_app, client, inbox):
    register_with_email(client, inbox)
    token = csrf_token(client, "/account/")
    wrong = client.post("/account/email", data={"email": "new@example.org", "current": "not-it", "csrf_token": token})
    assert wrong.status_code == 400 and "not your current password" in wrong.get_data(as_text=True)
    bad = client.post("/account/email", data={"email": "not an address", "current": PASSWORD, "csrf_token": token})
    assert bad.status_code == 400 and "like name@example.org" in bad.get_data(as_text=True)
    ok = client.post("/account/email", data={"email": "new@example.org", "current": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302 and user_named(mail_app, "amina").email == "amina@example.org"  # not until confirmed
    link = inbox.link_in(inbox.to("new@example.org")[-1])
    assert client.get(path_of(link)).status_code == 302
    assert user_named(mail_app, "amina").email == "new@example.org"
    assert client.get(path_of(link)).status_code == 400  # used: the address it was made against changed
    removed = client.post("/account/email", data={"email": "", "current": PASSWORD, "csrf_token": token})
    assert removed.status_code == 302 and user_named(mail_app, "amina").email is None
