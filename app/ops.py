"""Running in production: security headers, /healthz, and clean 503s when the database is away."""

import sqlalchemy as sa
from flask import Flask, g, jsonify
from werkzeug.exceptions import ServiceUnavailable

from app.extensions import db, rollback_quietly

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "form-action 'self'", "frame-ancestors 'none'", "base-uri 'self'", "object-src 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def add_security_headers(response):
    """Every response: no inline script, no framing, no MIME sniffing, a careful referrer."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def healthz():
    """200 when the database answers, 503 (with the reason) when it does not: for load balancers."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        rollback_quietly()
        return jsonify(status="error", database="unavailable", reason=type(error).__name__), 503
    return jsonify(status="ok", database="ok")


def database_unavailable(error: sa.exc.DBAPIError):
    """A database that is restarting or unreachable gets a 503 page, not a 500; the next request retries."""
    from app.errors.handlers import handle_http_error

    if not error.connection_invalidated and not isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        raise error
    # The page must not touch the database again: the rollback expired the signed-in user, and
    # reloading it (for the navigation) would fail the same way and turn this 503 into a 500.
    g.database_down = True
    rollback_quietly()
    return handle_http_error(ServiceUnavailable("The database is not answering right now (it may be restarting). "
                                                "Nothing was saved; please try again in a moment."))


def end_session_quietly(exc: BaseException | None) -> None:
    """Close the request's session before Flask-SQLAlchemy's own teardown does (teardowns run in
    reverse order). Closing rolls back; if the database went away after the response was made, that
    rollback fails, and an error raised in a teardown would replace a finished 200 with a 500."""
    try:
        db.session.remove()
    except sa.exc.SQLAlchemyError:
        db.session.registry.clear()  # the connection is already invalidated; drop the session too


def init_app(app: Flask) -> None:
    """Register the headers, the health check, the database-outage handler and a safe teardown."""
    app.teardown_appcontext(end_session_quietly)
    app.after_request(add_security_headers)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.register_error_handler(sa.exc.DBAPIError, database_unavailable)
