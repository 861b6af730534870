"""The account pages in a real browser, with a real SMTP server behind the site: register (and the recovery
codes after it), log in, forgot, reset, recovery code and the account page, at 375 and 1280 px, light and dark,
axe clean, nothing off-screen; and the whole way back in from "Forgot your password?" with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from browsing import BROWSER_MARKS, PASSWORD, assert_accessible, controls_outside, no_horizontal_scroll, register, screenshot, tab_to
from tests.mail_server import mail_settings

pytestmark = BROWSER_MARKS

NEW_PASSWORD = "Quetta-kite-river-88"


@pytest.fixture
def site(make_app, serve, inbox):
    """The site on a loopback port, sending its e-mail to ``inbox``."""
    app = make_app(**mail_settings(inbox))
    return serve(app)


def check(page, name: str) -> None:
    """What every account page must be, at this width and in this theme."""
    page.wait_for_load_state()
    assert no_horizontal_scroll(page), f"{name} scrolls sideways"
    assert controls_outside(page) == [], name
    assert_accessible(page, name)
    screenshot(page, name)


def register_with_email(page, base: str, inbox, username: str) -> None:
    """Register through the form with an address, then open the confirmation link from the e-mail."""
    page.goto(base + "/account/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("E-mail address (optional)").fill(f"{username}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    page.goto(inbox.link_in(inbox.to(f"{username}@example.org")[-1]))


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_every_account_page_fits_and_passes_axe(new_page, site, inbox, width, scheme):
    page = new_page(width, color_scheme=scheme)
    label = f"{width}-{scheme}"
    page.goto(site + "/account/register")
    check(page, f"account-register-{label}")
    page.get_by_label("Username").fill("amina")
    page.get_by_label("E-mail address (optional)").fill("amina@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Save your recovery codes").is_visible()
    assert page.locator("ol.recovery-codes li").count() == 10
    check(page, f"account-codes-{label}")
    page.goto(inbox.link_in(inbox.to("amina@example.org")[-1]))
    expect(page.get_by_text("amina@example.org is confirmed")).to_be_visible()
    check(page, f"account-settings-{label}")
    log_out(page)
    for name, path in (("login", "/account/login"), ("forgot", "/account/forgot"), ("recover", "/account/recover")):
        page.goto(site + path)
        check(page, f"account-{name}-{label}")
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Recovery code").fill("abcd-efgh-jk")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_text("do not match an unused code")).to_be_visible()
    check(page, f"account-recover-error-{label}")
    page.goto(site + "/account/forgot")
    page.get_by_label("Username or e-mail address").fill("amina")
    page.get_by_role("button", name="Send me a reset link").click()
    check(page, f"account-forgot-sent-{label}")
    page.goto(inbox.link_in(inbox.to("amina@example.org")[-1]))
    assert page.get_by_role("heading", name="Choose a new password").is_visible()
    check(page, f"account-reset-{label}")


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_forgot_to_reset_with_the_keyboard_alone(new_page, site, inbox):
    page = new_page("desktop")
    register_with_email(page, site, inbox, "bilal")
    log_out(page)

    page.goto(site + "/account/login")
    tab_to(page, "Forgot your password?")
    press_enter_and_wait(page)
    assert page.get_by_role("heading", name="Forgot your password?").is_visible()
    tab_to(page, "username")
    page.keyboard.type("bilal@example.org")
    press_enter_and_wait(page)
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()

    message = inbox.to("bilal@example.org")[-1]
    assert message["Subject"] == "Reset your Backchannel password"
    page.goto(inbox.link_in(message))
    assert page.url.endswith("/account/reset")  # the token is gone from the address bar
    tab_to(page, "password")
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, "password2", limit=3)  # past the "Show password" button
    page.keyboard.type(NEW_PASSWORD)
    press_enter_and_wait(page)
    expect(page.get_by_text("Your new password is set")).to_be_visible()

    tab_to(page, "username")
    page.keyboard.type("bilal")
    tab_to(page, "password", limit=1)
    page.keyboard.type(NEW_PASSWORD)
    press_enter_and_wait(page)
    assert page.get_by_role("link", name="bilal").is_visible()


def test_the_codes_download_and_print(new_page, site):
    page = new_page("phone")
    register(page, site, "chandni")  # the shared helper: lands signed in, on the codes page
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{2}", code) for code in codes)
    assert page.get_by_role("button", name="Print").is_visible()  # shown only with JavaScript, which it needs
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as a text file").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert all(code in text for code in codes)
    page.get_by_role("link", name="I've saved them: continue").click()
    page.wait_for_load_state()
    assert page.url.endswith("/me")


def test_show_password_reveals_what_was_typed(new_page, site):
    page = new_page("phone")
    page.goto(site + "/account/login")
    box = page.get_by_label("Password")
    box.fill("Lahore-bus")
    toggle = page.get_by_role("button", name="Show password")
    assert box.get_attribute("type") == "password" and toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert box.get_attribute("type") == "text" and toggle.get_attribute("aria-pressed") == "true"
    toggle.click()
    assert box.get_attribute("type") == "password"


@pytest.mark.parametrize(("width", "scheme"), [("phone", "dark"), ("desktop", "light")])
def test_a_development_site_without_a_mail_server_says_where_its_e_mail_goes(new_page, make_app, serve, width, scheme):
    site = serve(make_app(MAIL_SERVER=None, PRODUCTION=False))
    page = new_page(width, color_scheme=scheme)
    page.goto(site + "/account/forgot")
    expect(page.get_by_text("e-mails are saved in instance/outbox/")).to_be_visible()
    assert page.get_by_role("button", name="Send me a reset link").is_visible()  # the e-mail features show
    check(page, f"account-forgot-outbox-{width}-{scheme}")
