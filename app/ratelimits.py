"""Rate limits: who each limit counts (an address, an account, a learner, an API token), the
decorators the views wear, the words a 429 page uses, and the client's address behind a proxy.

Every limit string comes from the configuration (``app.config``), so each can be changed from the
environment; the README lists them. Counters live in the database by default
(``app.ratelimit_storage``), or in Redis with ``RATELIMIT_STORAGE_URI=redis://…``.
"""

import hashlib
import math
import time
from collections.abc import Callable

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _, ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

import app.ratelimit_storage  # noqa: F401  (registers the "database://" storage with the limits library)
from app.extensions import limiter
from app.models import username_key


def setting(name: str) -> Callable[[], str]:
    """The limit named ``name`` in the running application's configuration, read per request."""
    return lambda: current_app.config[name]


def digest(text: str) -> str:
    """A short stand-in for a name or token: counters never store what a person typed (a password
    typed into the username box) or a usable token."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def account_tried() -> str:
    """The account a login names, as usernames compare (NFKC, case-folded), whether or not it exists."""
    return "account:" + digest(username_key(request.form.get("username", "").strip()))


def account_signed_in() -> str:
    """The signed-in account, counted under the same key as logins naming it; a request without a
    session (about to be sent to the login page) is counted by address."""
    if current_user.is_authenticated:
        return "account:" + digest(username_key(current_user.username))
    return "address:" + get_remote_address()


def learner() -> str:
    """The signed-in account, or the address of a guest (a guest can drop its cookie, not its address)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "address:" + get_remote_address()


def learner_start_limit() -> str:
    """Guests get the tighter limit: their attempts cost storage that no account answers for."""
    name = "LEARNER_START_RATE_LIMIT" if current_user.is_authenticated else "GUEST_START_RATE_LIMIT"
    return current_app.config[name]


def api_client() -> str:
    """The request's API token (a stored, unrevoked one); requests without one are counted by
    address, so inventing tokens cannot open new counters."""
    from app.api.auth import bearer_token  # here: the api package itself imports this module

    token = bearer_token()
    return f"token:{token.id}" if token is not None else "address:" + get_remote_address()


def refused(response: Response) -> bool:
    """Deduct only answers that refused the request (a wrong join code)."""
    return response.status_code == 400


login_per_address = limiter.limit(
    setting("LOGIN_RATE_LIMIT"), key_func=get_remote_address, methods=["POST"],
    error_message=lambda: _("Too many login attempts from your address."))
# Every request that checks a password (a login naming the account, a password change, an account
# deletion) is one hit on one counter per account, taken before the password is checked: the check
# and the count are one atomic step, so simultaneous guesses cannot pass the limit (counting only
# refusals would count after the answer, letting a burst through).


def too_many_passwords() -> str:
    """The password-check limit's words, in the reader's language (read when a 429 is shown)."""
    return _("Too many password attempts for this account; it is locked for a while to stop password guessing.")


login_per_account = limiter.shared_limit(
    setting("LOGIN_ACCOUNT_RATE_LIMIT"), scope="password-checks", key_func=account_tried, methods=["POST"],
    error_message=too_many_passwords)
password_checks_per_account = limiter.shared_limit(
    setting("LOGIN_ACCOUNT_RATE_LIMIT"), scope="password-checks", key_func=account_signed_in, methods=["POST"],
    error_message=too_many_passwords)
registration_per_address = limiter.limit(
    setting("REGISTER_RATE_LIMIT"), key_func=get_remote_address, methods=["POST"],
    error_message=lambda: _("Too many accounts were asked for from your address."))
quiz_starts = limiter.limit(
    learner_start_limit, key_func=learner, methods=["POST"],
    error_message=lambda: _("You have started a great many quizzes in a short time; finish one of them first."))
wrong_join_codes = limiter.limit(
    setting("JOIN_RATE_LIMIT"), key_func=learner, methods=["POST"], deduct_when=refused,
    error_message=lambda: _("Too many wrong class codes; check the code with your instructor."))
wrong_join_codes_per_address = limiter.limit(
    setting("JOIN_RATE_LIMIT"), key_func=get_remote_address, methods=["POST"], deduct_when=refused,
    error_message=lambda: _("Too many wrong class codes from your address; check the code with your instructor."))
anki_decks = limiter.shared_limit(
    setting("ANKI_RATE_LIMIT"), scope="anki", key_func=learner,
    error_message=lambda: _("You have downloaded many Anki decks in a short time; the ones you have are up to date."))
study_time_posts = limiter.limit(
    setting("STUDY_TIME_RATE_LIMIT"), key_func=learner, methods=["POST"],
    error_message=lambda: _("Reading time is arriving faster than anyone reads; it was not recorded."))
api_requests = limiter.limit(
    setting("API_RATE_LIMIT"), key_func=api_client,
    error_message=lambda: _("Too many API requests with this token (or, without one, from this address)."))


def seconds_until(moment: float) -> int:
    """Whole seconds from now until ``moment`` (seconds since the epoch), at least 1."""
    return max(1, math.ceil(moment - time.time()))


def come_back(seconds: int) -> str:
    """When to try again, in words: "Try again in 45 seconds." / "in 14 minutes." / "in 2 hours."."""
    if seconds < 60:
        return ngettext("Try again in %(num)s second.", "Try again in %(num)s seconds.", seconds)
    if seconds < 3600:
        return ngettext("Try again in %(num)s minute.", "Try again in %(num)s minutes.", math.ceil(seconds / 60))
    return ngettext("Try again in %(num)s hour.", "Try again in %(num)s hours.", math.ceil(seconds / 3600))


def init_app(app: Flask) -> None:
    """Trust ``BACKCHANNEL_PROXY_HOPS`` proxies' X-Forwarded-For (and no other), so limits count
    clients, not the load balancer; without it the header is ignored, since anyone can send it."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)
