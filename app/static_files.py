"""Stylesheets and scripts as sent: without their comments and indentation (rcssmin, rjsmin).

The files in ``app/static/`` stay written for people, comments and all; browsers get them minified, which
keeps every page within its weight budget (100 KB of HTML, CSS and JavaScript). Each file is minified once
per change (keyed by its modification time) and served with an ETag, so a repeat visit gets a 304.
"""

import hashlib
import os
from functools import lru_cache

import rcssmin
import rjsmin
from flask import Flask, Response, abort, current_app, request
from werkzeug.security import safe_join

MINIFIERS = {".css": (rcssmin.cssmin, "text/css"), ".js": (rjsmin.jsmin, "text/javascript")}


@lru_cache(maxsize=128)
def minified(path: str, mtime_ns: int) -> bytes:
    """The file's text minified (the modification time is only the cache key)."""
    minify, _ = MINIFIERS[os.path.splitext(path)[1]]
    with open(path, encoding="utf-8") as source:
        return minify(source.read()).encode()


def send_static(filename: str) -> Response:
    """Flask's static view, with CSS and JavaScript minified."""
    kind = MINIFIERS.get(os.path.splitext(filename)[1])
    if kind is None or not current_app.config.get("MINIFY_STATIC", True):
        return current_app.send_static_file(filename)
    path = safe_join(current_app.static_folder, filename)
    if path is None or not os.path.isfile(path):
        abort(404)
    body = minified(path, os.stat(path).st_mtime_ns)
    response = Response(body, mimetype=kind[1])
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    max_age = current_app.get_send_file_max_age(filename)
    if max_age is not None:
        response.cache_control.max_age = max_age
    response.cache_control.public = True
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.view_functions["static"] = send_static
