"""Running in production: security headers, /healthz, and clean 503s when the database is away."""

import sqlalchemy as sa
from flask import Flask, Response, abort, current_app, g, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, SecurityError, ServiceUnavailable
from werkzeug.routing import IntegerConverter

from app import http_cache
from app.extensions import db, rollback_quietly

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
    "form-action 'self'", "frame-ancestors 'none'", "base-uri 'self'", "object-src 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
# Sent only when the site is served over HTTPS (BACKCHANNEL_HTTPS=1): a year, subdomains included.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def add_security_headers(response):
    """Every response: no inline script, no framing, no MIME sniffing, a careful referrer; HSTS over HTTPS."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config["HTTPS"]:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class RequestJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a body nested too deeply for Python's parser, or holding a lone
    surrogate (``"\\ud800"``: no character at all, which no page or export could ever encode again),
    is a 400 with the reason, not a 500 now or later. Flask reads request bodies through ``app.json.loads``."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
            super().dumps(value, ensure_ascii=False).encode("utf-8")
        except RecursionError:
            raise BadRequest(_("The JSON body is nested too deeply; nothing was read or saved.")) from None
        except UnicodeEncodeError:
            raise BadRequest(_("The JSON body holds a lone surrogate (an escape such as \\ud800 that is half of "
                               "a character); nothing was read or saved.")) from None
        return value


class RowIdConverter(IntegerConverter):
    """Every ``<int:...>`` in a route: a row id fits PostgreSQL's INTEGER, so a larger number matches
    no route (a 404) instead of overflowing the database driver (a 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def input_too_deep(error: RecursionError):
    """Input nested too deeply for a library's recursive parser (Markdown, XML) is the input's fault:
    a 400 with the reason, and nothing saved. Our own checks refuse such input earlier; this is the net."""
    from app.errors.handlers import handle_http_error

    rollback_quietly()
    return handle_http_error(BadRequest(_("The input is nested too deeply to read (lists, quotes or elements inside "
                                          "each other hundreds of times). Nothing was saved.")))


def refuse_nul_characters() -> None:
    """A NUL character in the path, the query string or a form field is a 400: PostgreSQL can neither
    store nor compare text holding one, so it would otherwise end in a 500 wherever it met a query."""
    fields = [request.path, *(value for _, values in request.args.lists() for value in values)]
    if request.method == "POST":
        fields += [value for _, values in request.form.lists() for value in values]
    if any("\x00" in field for field in fields):
        abort(400, description=_("The request holds a NUL character (U+0000), which no address or form field may "
                                 "contain. Nothing was read or saved."))


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
    return handle_http_error(ServiceUnavailable(_("The database is not answering right now (it may be restarting). "
                                                  "Nothing was saved; please try again in a moment.")))


def untrusted_host(error: SecurityError):
    """A Host header outside TRUSTED_HOSTS gets a 400 that names it. No page template: its links
    would be built for that host, and Flask has no URL adapter for it."""
    from app.errors.handlers import wants_json

    reason = f"{error.description} This site answers only to its own host names (TRUSTED_HOSTS)."
    if wants_json():
        return jsonify(error="Bad Request", status=400, reason=reason), 400
    return Response(f"400 Bad Request\n\n{reason}\n", 400, mimetype="text/plain")


def end_session_quietly(exc: BaseException | None) -> None:
    """Close the request's session before Flask-SQLAlchemy's own teardown does (teardowns run in
    reverse order). Closing rolls back; if the database went away after the response was made, that
    rollback fails, and an error raised in a teardown would replace a finished 200 with a 500."""
    try:
        db.session.remove()
    except sa.exc.SQLAlchemyError:
        db.session.registry.clear()  # the connection is already invalidated; drop the session too


def canonical_host_and_scheme(wsgi_app, https: bool):
    """Host names are case-insensitive (RFC 3986), but Werkzeug matches the Host header against
    TRUSTED_HOSTS as sent: lower-case it first, so BC.EXAMPLE.ORG is bc.example.org. With
    BACKCHANNEL_HTTPS the site is served over TLS (terminated in front of it), so the request's
    scheme is https and absolute links (the API, join links) say so."""
    def normalised(environ, start_response):
        if "HTTP_HOST" in environ:
            environ["HTTP_HOST"] = environ["HTTP_HOST"].lower()
        if https:
            environ["wsgi.url_scheme"] = "https"
        return wsgi_app(environ, start_response)
    return normalised


def init_app(app: Flask) -> None:
    """Register the headers, the health check, the database-outage handler, a safe teardown and the JSON reader."""
    if app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = [host.lower() for host in app.config["TRUSTED_HOSTS"]]
    http_cache.init_app(app)  # inside the host and scheme fix (and ProxyFix, added later): they run before it
    app.wsgi_app = canonical_host_and_scheme(app.wsgi_app, app.config["HTTPS"])
    app.json = RequestJSONProvider(app)
    app.teardown_appcontext(end_session_quietly)
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.register_error_handler(sa.exc.DBAPIError, database_unavailable)
    app.register_error_handler(SecurityError, untrusted_host)
    app.register_error_handler(RecursionError, input_too_deep)
