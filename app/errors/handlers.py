"""One handler for every HTTP error, answering in the format the client asked for."""

from urllib.parse import urlsplit

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from app.course.words import N_
from app.errors import bp
from app.extensions import limiter, rollback_quietly
from app.ratelimits import come_back, seconds_until

SERVER_ERROR_REASON = N_("Something went wrong on our side and nothing was saved. Please try again.")
# Werkzeug's and Flask-WTF's own words for an error raised without a reason of ours (an unknown address, a wrong
# method, a form without its CSRF token), marked so the page shows them in the reader's language; any other reason is
# ours and already translated.
DEFAULT_REASONS = frozenset((
    N_("The browser (or proxy) sent a request that this server could not understand."),
    N_("The server could not verify that you are authorized to access the URL requested. You either supplied the "
       "wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials "
       "required."),
    N_("You don't have the permission to access the requested resource. It is either read-protected or not readable "
       "by the server."),
    N_("The requested URL was not found on the server. If you entered the URL manually please check your spelling "
       "and try again."),
    N_("The method is not allowed for the requested URL."),
    N_("A conflict happened while processing the request. The resource might have been modified while the request "
       "was being processed."),
    N_("The data value transmitted exceeds the capacity limit."),
    N_("The server does not support the media type transmitted in the request."),
    N_("This user has exceeded an allotted request count. Try again later."),
    N_("The server is temporarily unable to service your request due to maintenance downtime or capacity problems. "
       "Please try again later."),
    # Flask-WTF's, for a form posted without its CSRF token (or with a stale one)
    N_("The CSRF token is missing."),
    N_("The CSRF session token is missing."),
    N_("The CSRF token has expired."),
    N_("The CSRF token is invalid."),
    N_("The CSRF tokens do not match."),
    N_("The referrer header is missing."),
    N_("The referrer does not match the host."),
))


def wants_json() -> bool:
    """True for API paths and for clients that prefer JSON to HTML."""
    if request.path.startswith("/api/"):
        return True
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


@bp.app_errorhandler(HTTPException)
def handle_http_error(error: HTTPException):
    """Answer any 4xx/5xx (unhandled exceptions arrive here as 500) with the status and reason.

    Flask has already logged an unhandled exception; the session is rolled back so no half-done
    write survives, and the user sees a page, never a traceback.
    """
    reason = error.description
    if reason in DEFAULT_REASONS:
        reason = _(reason)
    if error.code is None or error.code >= 500:
        rollback_quietly()
        reason = _(SERVER_ERROR_REASON) if error.code == 500 else reason
    status, headers = error.code or 500, {}
    if isinstance(error, RateLimitExceeded) and limiter.current_limit is not None:
        wait = seconds_until(limiter.current_limit.reset_at)
        reason = f"{reason} {come_back(wait)}"
        headers["Retry-After"] = str(wait)
    if wants_json():
        if status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="backchannel"'
        return jsonify(error=error.name, status=status, reason=reason), status, headers
    return render_template("errors/error.html", error=error, reason=reason, status=status,
                           back=page_came_from() if status < 500 else None), status, headers


def page_came_from() -> str | None:
    """This site's page the request came from (a form refused with 4xx): the way back to it, rather than only to
    the course index. None for another site's page, or this same address."""
    referrer = request.referrer
    if not referrer or referrer == request.url:
        return None
    parts = urlsplit(referrer)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != request.host.lower():
        return None
    return referrer
