"""One handler for every HTTP error, answering in the format the client asked for."""

from urllib.parse import urlsplit

from flask import jsonify, render_template, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException

from app.errors import bp
from app.extensions import limiter, rollback_quietly
from app.ratelimits import come_back, seconds_until

SERVER_ERROR_REASON = "Something went wrong on our side and nothing was saved. Please try again."


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
    if error.code is None or error.code >= 500:
        rollback_quietly()
        reason = SERVER_ERROR_REASON if error.code == 500 else reason
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
