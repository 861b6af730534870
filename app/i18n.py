"""The interface's language: English, Urdu (right to left) or Hindi. The course itself (lessons, questions,
feedback) stays in English and is marked ``lang="en"`` wherever it appears on a page in another language.

The language is the account's setting, else the ``lang`` cookie (the switcher sets it for a visitor), else the
browser's ``Accept-Language``, else English. ``negotiate`` decides it without Flask, so the visitor front
(``app.http_cache.VisitorFront``) keys its pages by the same language Flask would have picked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from babel.numbers import format_decimal, format_percent
from flask import Flask, g, request
from markupsafe import Markup
from flask_babel import Babel, get_locale, get_translations
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from app.course import words

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
COOKIE = "lang"
DEFAULT = "en"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in its own script: what a reader of it looks for in the switcher
    direction: str  # "ltr" or "rtl"
    native_digits: str  # the CLDR numbering system of the locale's own digits


LANGUAGES = {
    "en": Language("en", "English", "ltr", "latn"),
    "ur": Language("ur", "اردو", "rtl", "arabext"),
    "hi": Language("hi", "हिन्दी", "ltr", "deva"),
}
DIGITS = ("latn", "native")  # a learner's setting: the locale's default (Latin digits in CLDR for both) or its own


def negotiate(setting: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language code to serve: the account's setting, the switcher's cookie, the browser's best match, English.
    Anything unknown (a forged cookie, a language we do not have) is passed over."""
    for chosen in (setting, cookie):
        if chosen in LANGUAGES:
            return chosen
    if accept_language:
        best = parse_accept_header(accept_language[:1000], LanguageAccept).best_match(LANGUAGES)
        if best:
            return best
    return DEFAULT


def environ_language(environ) -> str:
    """The language a visitor's request (no account) is served in, from the raw WSGI environ (the visitor front)."""
    from werkzeug.http import parse_cookie
    cookie = parse_cookie(environ.get("HTTP_COOKIE", "")).get(COOKIE) if environ.get("HTTP_COOKIE") else None
    return negotiate(None, cookie, environ.get("HTTP_ACCEPT_LANGUAGE"))


def select_locale() -> str:
    """Flask-Babel's locale selector (worked out once per request)."""
    if "language" not in g:
        setting = None
        if not g.get("database_down") and current_user and current_user.is_authenticated:
            setting = current_user.language
        g.language = negotiate(setting, request.cookies.get(COOKIE), request.headers.get("Accept-Language"))
    return g.language


def select_timezone() -> str:
    from app.timezones import learner_zone
    return learner_zone().key


def language() -> Language:
    """This request's language (English outside a request)."""
    try:
        return LANGUAGES[str(get_locale() or DEFAULT)]
    except (KeyError, RuntimeError):
        return LANGUAGES[DEFAULT]


def numbering_system() -> str:
    """The digits this request's numbers are written in: the learner's setting, else the locale's default."""
    chosen = None
    if not g.get("database_down") and current_user and current_user.is_authenticated:
        chosen = current_user.digits
    return language().native_digits if chosen == "native" else "latn"


NATIVE_DIGITS = {"deva": "०१२३४५६७८९", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


def in_digits(text: str, system: str) -> str:
    """``text`` with its Latin digits written in ``system`` (dates from Babel come in Latin digits only)."""
    digits = NATIVE_DIGITS.get(system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def number(value, digits: int | None = None) -> str:
    """Jinja filter ``number``: 1234567 as the learner's language writes it (12,34,567 in Hindi), in their digits."""
    if value is None:
        return "–"
    if digits is not None:
        value = round(value, digits)
    return format_decimal(value, locale=language().code, numbering_system=numbering_system())


def percent(value, digits: int = 0) -> str:
    """Jinja filter ``percent``: a fraction (0.75) as "75%", "٧٥٪" or "75%" by the learner's language and digits."""
    if value is None:
        return "–"
    return format_percent(value, format="#,##0" + ("." + "0" * digits if digits else "") + "%",
                          locale=language().code, numbering_system=numbering_system())


def course_text(value) -> Markup:
    """Jinja filter ``course_text``: course content (a lesson's title, a question, a glossary term), which stays in
    English, marked so on a page in another language (read with English rules, shaped left to right)."""
    return Markup('<span lang="en" dir="ltr">%s</span>') % ("" if value is None else value)


def user_text(value) -> Markup:
    """Jinja filter ``user_text``: what a person typed (a username, a class's or an assignment's name): isolated
    from the text around it (a Latin name inside Urdu keeps its order) and never machine-translated."""
    return Markup('<bdi translate="no">%s</bdi>') % ("" if value is None else value)


def catalogues_missing(app: Flask) -> list[str]:
    """Languages whose compiled catalogue is absent or older than its ``.po`` (``make`` compiles them)."""
    stale = []
    for code in LANGUAGES:
        if code == DEFAULT:
            continue
        po = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            stale.append(code)
    return stale


_SCRIPT_MESSAGES: list[tuple[str, str | None]] | None = None


def script_messages() -> list[tuple[str, str | None]]:
    """Every ``t("…")`` and ``tn("one", "many", n)`` in app/static's scripts (read once): (msgid, plural or None)."""
    global _SCRIPT_MESSAGES
    if _SCRIPT_MESSAGES is None:
        from babel.messages.extract import extract_from_file
        found: dict[str, str | None] = {}
        for path in sorted((Path(__file__).resolve().parent / "static").rglob("*.js")):
            for _line, text, _comments, _context in extract_from_file("javascript", str(path),
                                                                      keywords={"t": None, "tn": (1, 2)}):
                found[text if isinstance(text, str) else text[0]] = None if isinstance(text, str) else text[1]
        _SCRIPT_MESSAGES = list(found.items())
    return _SCRIPT_MESSAGES


def script_words() -> dict[str, str | list[str]]:
    """The scripts' messages in this request's language, for the page's ``i18n-words`` JSON (none in English)."""
    if language().code == DEFAULT:
        return {}
    translations = get_translations()
    return {one: translations.gettext(one) if many is None
            else [translations.ngettext(one, many, 1), translations.ngettext(one, many, 5)]
            for one, many in script_messages()}


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks' line breaks and indents are not in the msgid
    app.add_template_filter(number, "number")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(course_text)
    app.add_template_filter(user_text)
    app.add_template_global(language, "page_language")
    app.add_template_global(LANGUAGES, "languages")
    app.add_template_global(script_words)
    app.add_template_global(numbering_system)
    # No formatting here: words._ fills the fields itself (Flask-Babel's ngettext would fill %(num)s first).
    words.install(lambda text: get_translations().gettext(text),
                  lambda one, many, n: get_translations().ngettext(one, many, n))
    stale = catalogues_missing(app)
    if stale and not os.environ.get("BACKCHANNEL_SKIP_CATALOGUE_CHECK"):
        app.logger.warning("The %s catalogue(s) are not compiled or are older than their .po: those pages show "
                           "English. Run: make translations", ", ".join(stale))

