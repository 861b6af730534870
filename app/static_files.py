"""Stylesheets and scripts as sent: without their comments and indentation (rcssmin, rjsmin); pages without the
templates' indentation (``Unindent``).

The files in ``app/static/`` stay written for people, comments and all; browsers get them minified, which
keeps every page within its weight budget (100 KB of HTML, CSS and JavaScript). Each file is minified once
per change (keyed by its modification time) and served with an ETag, so a repeat visit gets a 304.
"""

import hashlib
import os
import re
from functools import lru_cache

import rcssmin
import rjsmin
from flask import Flask, Response, abort, current_app, request
from jinja2.ext import Extension
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


class Unindent(Extension):
    """Templates compiled without the spaces that indent their lines: a page is sent without them (a result page
    with ten questions: about 4 KB of its 100 KB budget). A line break stays where one was, so no two words run
    together, and what sits between <pre> or <textarea> and its end tag keeps every space."""

    KEEP = re.compile(r"<(pre|textarea)\b", re.I)

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        lines, keeping = [], None
        for line in source.split("\n"):
            if keeping is None:
                opened = self.KEEP.search(line)
                lines.append(line.lstrip(" "))
                if opened and f"</{opened.group(1).lower()}" not in line[opened.start():].lower():
                    keeping = opened.group(1).lower()
            else:
                lines.append(line)
                if f"</{keeping}" in line.lower():
                    keeping = None
        return "\n".join(lines)


def init_app(app: Flask) -> None:
    app.view_functions["static"] = send_static
    app.jinja_env.add_extension(Unindent)
