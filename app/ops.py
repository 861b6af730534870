"""Running in production: security headers, /healthz, and clean 503s when the database is away."""

import sqlalchemy as sa
from flask import Flask, jsonify
from werkzeug.exceptions import ServiceUnavailable

from app.extensions import db

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
        db.session.rollback()
        return jsonify(status="error", database="unavailable", reason=type(error).__name__), 503
    return jsonify(status="ok", database="ok")


def database_unavailable(error: sa.exc.DBAPIError):
    """A database that is restarting or unreachable gets a 503 page, not a 500; the next request retries."""
    from app.errors.handlers import handle_http_error

    if not error.connection_invalidated and not isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)):
        raise error
    db.session.rollback()
    return handle_http_error(ServiceUnavailable("The database is not answering right now (it may be restarting). "
                                                "Nothing was saved; please try again in a moment."))


def init_app(app: Flask) -> None:
    """Register the headers, the health check and the database-outage handler."""
    app.after_request(add_security_headers)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.register_error_handler(sa.exc.DBAPIError, database_unavailable)
