"""HTTP caching for pages that are the same for every visitor without a session.

The course text and its indexes (a lesson, the course index, timeline, people, glossary, and a search's
results) depend only on the course and the address. For a visitor with no session (no cookie to carry a
form token or a learner's data) a worker keeps each rendered page in memory, keyed by the course signal's
token, and sends it with:

- ``ETag``: a hash of the page's bytes, so every worker and server that renders the same course with the
  same code gives the same tag, and a deploy that changes a template changes it (a tag made from the
  course token alone would keep answering 304 with the old page after such a deploy);
- ``Last-Modified``: when the course was last loaded (the snapshot's ``stamp``);
- ``304 Not Modified`` for ``If-None-Match`` (which wins, RFC 9110 13.2.2) or ``If-Modified-Since``;
- ``Cache-Control: public`` with ``max-age``/``stale-while-revalidate`` so a reverse proxy or CDN may
  hold the page, and ``Vary: Cookie, Accept-Language`` so a response kept for a visitor is never reused for a
  request that carries a session, or that asks for another language (every key here holds the language too).

Every other HTML response keeps ``Cache-Control: no-store`` (``app.ops``): a page made for a signed-in
learner, or one holding a form's CSRF token, is never stored by anyone.

``VisitorFront`` (a WSGI layer in front of Flask) then answers a visitor's later GET or HEAD of that address
itself, with the bytes and headers Flask sent the first time (security headers included), without routing,
sessions or the login manager: what a visitor page costs is a file read for the course token and a dictionary
lookup, less than Flask spends on a view that returns "hello".
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from flask import Flask, Response, current_app, make_response, request, session
from flask_login.config import COOKIE_NAME
from werkzeug.http import http_date, is_resource_modified, parse_cookie

from app import i18n, versions
from app.course_cache import snapshot
from app.extensions import limiter

# A proxy may serve a page for a minute without asking: an instructor's correction reaches every
# visitor within a minute, and at any load the app renders each page at most once a minute per proxy.
MAX_AGE = 60
# After that minute a proxy may answer once more from its copy while it asks the app (a 304, with no
# rendering when nothing changed) in the background, so no visitor waits for a revalidation; five
# minutes covers a quiet spell between visitors without keeping an old page for long.
STALE_WHILE_REVALIDATE = 300
PUBLIC = f"public, max-age={MAX_AGE}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"

# Per worker. Pages at a bare address (a lesson, an index: a few dozen) and pages for a query (a search, a
# filter: as many as visitors can type) are kept apart, so a flood of queries never evicts a lesson.
PAGE_BYTES = 32 * 1024 * 1024
QUERY_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Page:
    """A rendered page as sent: its bytes, their tag, and every header it goes with (made once, not per request)."""

    body: bytes
    etag: str
    headers: tuple[tuple[str, str], ...]


class PageCache:
    """Least recently used pages, bounded by their total size (search results for a common word are large)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: Page) -> None:
        if len(page.body) > self.limit:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self._pages[key] = page
            self.size += len(page.body)
            while self.size > self.limit:
                _, dropped = self._pages.popitem(last=False)
                self.size -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.size = 0


def caches() -> tuple[PageCache, PageCache]:
    """This application's two caches (per app: two apps in one process, as in tests, share nothing)."""
    found = current_app.extensions.get("backchannel.pages")
    if found is None:
        found = current_app.extensions.setdefault("backchannel.pages", (PageCache(PAGE_BYTES), PageCache(QUERY_BYTES)))
    return found


def page_key(token: str) -> tuple:
    """The cache key: the tokens, the path, and the query's fields in a fixed order (``?b=1&a=2`` is ``?a=2&b=1``;
    a field's repeated values keep theirs, as the view reads the first)."""
    query = tuple(sorted(request.args.items(multi=True), key=lambda item: item[0])) if request.query_string else ()
    return token, request.path, query, i18n.select_locale()


def tokens(store=None) -> str:
    """What a visitor page is made from: the course, and the assignments holding questions back (a lesson offers
    "Check yourself" only while one of its quick questions is open). ``store``: the app's signals, where there is
    no application context."""
    store = store or versions.signals()
    return f"{store.token('course')}/{store.token('holds')}"


def page_of(body: bytes, stamp: datetime | None) -> Page:
    """The page with its strong tag (the same bytes give the same tag on every worker and server) and headers."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = [("Content-Type", "text/html; charset=utf-8"), ("ETag", etag), ("Cache-Control", PUBLIC),
               ("Vary", "Cookie, Accept-Language")]
    if stamp is not None:
        headers.append(("Last-Modified", http_date(stamp)))
    return Page(body, etag, tuple(headers))


def public_response(page: Page, token: str) -> Response:
    """The page (or a 304 when the request's validators match) with the headers that let anyone cache it.
    The front (``VisitorFront``) is told it may keep what is sent, under ``token``."""
    request.environ[FRONT_MARK] = (token, page)
    response = Response(page.body, headers=page.headers)
    if "HTTP_IF_NONE_MATCH" in request.environ or "HTTP_IF_MODIFIED_SINCE" in request.environ:
        response.make_conditional(request)
    return response


def visitor() -> bool:
    """A request with no session and no "remember me" cookie: nobody is signed in and nothing on the page is theirs.

    (Flask-Login signs a user in only from the session or that cookie; asking ``current_user`` would cost
    more than the whole cached page.)"""
    return not session and current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) not in request.cookies


def cached_for_visitors(view):
    """Serve the rendered page from memory to visitors without a session (nothing on it is theirs), with the
    headers that let browsers and proxies keep it."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not visitor():
            return view(*args, **kwargs)
        return visitor_page(lambda: view(*args, **kwargs), tokens())
    wrapped.cached_for_visitors = True
    return wrapped


@limiter.request_filter
def served_from_memory() -> bool:
    """No rate limit counts a visitor's cached page: none applies to these views, and checking costs more than serving."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "cached_for_visitors", False) and visitor()


def visitor_page(render: Callable[[], object], token: str) -> Response:
    """Serve a visitor's page from memory (rendering it first if needed), cacheable by anyone.

    Call only for a visitor (``visitor()``). ``token`` is ``tokens()`` read before rendering, so a page is
    never kept under a newer token than its text. A render that puts anything in the session (a form's CSRF
    token, a quiz draw) or answers other than 200 is sent as it is, uncached and with ``no-store``
    (``app.ops``): it is that visitor's own.
    """
    key = page_key(token)
    pages, queried = caches()
    store = queried if key[2] else pages
    page = store.get(key)
    if page is None:
        response = make_response(render())
        if response.status_code != 200 or session or response.mimetype != "text/html":
            return response
        page = page_of(response.get_data(), snapshot().stamp)
        store.put(key, page)
    return public_response(page, token)


FRONT_MARK = "backchannel.public_page"  # set in the WSGI environ by a response the front may keep


@dataclass(frozen=True)
class Sent:
    """A visitor page exactly as Flask sent it: status, every header (security headers included), body, and the
    headers of its 304 (no body, so no Content-Length or Content-Type)."""

    body: bytes
    etag: str
    last_modified: str | None
    status: str
    headers: list[tuple[str, str]]
    not_modified: list[tuple[str, str]]


class VisitorFront:
    """WSGI middleware: a visitor's GET or HEAD of a page Flask already sent to a visitor is answered from memory.

    A visitor here is a request with no session cookie and no "remember me" cookie (one that carries either goes to
    Flask, which decides; a page is kept only when Flask's ``visitor_page`` says so, never one that set a cookie).
    Only paths Flask has marked are looked up, so static files, the health check and every other page never read a
    token. Pages are keyed by the tokens the view read, scheme, host (without a port: TRUSTED_HOSTS ignores it too),
    path and the query string as sent, so a course change, another host name (a Host outside TRUSTED_HOSTS gets its
    400 from Flask and is never kept) or another query is a miss."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.pages = PageCache(PAGE_BYTES)
        self.queried = PageCache(QUERY_BYTES)
        self.paths: set[str] = set()  # paths that have had a page kept (lessons, indexes: a few dozen)

    def cookies_say_visitor(self, environ) -> bool:
        header = environ.get("HTTP_COOKIE")
        if not header:
            return True
        names = parse_cookie(header)
        return (self.app.config["SESSION_COOKIE_NAME"] not in names
                and self.app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) not in names)

    @staticmethod
    def key(environ, token: str) -> tuple:
        return (token, environ["wsgi.url_scheme"], environ.get("HTTP_HOST", "").rsplit(":", 1)[0],
                environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""), i18n.environ_language(environ))

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD") or not self.cookies_say_visitor(environ):
            return self.wsgi_app(environ, start_response)
        if environ.get("PATH_INFO", "") in self.paths:
            try:
                token = tokens(self.app.extensions["backchannel.versions"])
            except Exception:  # noqa: BLE001  (a signal store that is down: Flask answers, and says so)
                return self.wsgi_app(environ, start_response)
            key = self.key(environ, token)
            sent = (self.queried if key[4] else self.pages).get(key)
            if sent is not None:
                return self.answer(sent, environ, start_response, method)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        marked = environ.get(FRONT_MARK)
        if (method == "GET" and marked is not None and captured.get("status") == "200 OK"
                and not any(name.lower() == "set-cookie" for name, _ in captured["headers"])):
            self.keep(self.key(environ, marked[0]), marked[1], captured["status"], captured["headers"])
        return body

    def keep(self, key: tuple, page: Page, status: str, headers: list[tuple[str, str]]) -> None:
        # Date is the moment of each answer (gunicorn adds its own): a kept one would be wrong, and twice over.
        headers = [(name, value) for name, value in headers if name.lower() != "date"]
        (self.queried if key[4] else self.pages).put(key, Sent(
            page.body, page.etag, dict(page.headers).get("Last-Modified"), status, headers,
            [(name, value) for name, value in headers if name.lower() not in ("content-length", "content-type")]))
        self.paths.add(key[3])

    @staticmethod
    def answer(sent: Sent, environ, start_response, method: str):
        if ("HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ) and not is_resource_modified(
                environ, etag=sent.etag, last_modified=sent.last_modified):
            start_response("304 Not Modified", list(sent.not_modified))
            return []
        start_response(sent.status, list(sent.headers))
        return [] if method == "HEAD" else [sent.body]


def init_app(app: Flask) -> None:
    """Put the front before Flask (call before the layers that fix the host and scheme, so they run first)."""
    app.wsgi_app = VisitorFront(app, app.wsgi_app)
