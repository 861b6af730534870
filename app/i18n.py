"""The interface's language: English, Urdu (right to left) or Hindi. The course itself (lessons, questions,
feedback) stays in English and is marked ``lang="en"`` wherever it appears on a page in another language.

The language is the account's setting, else the ``lang`` cookie (the switcher sets it for a visitor), else the
browser's ``Accept-Language``, else English. ``negotiate`` decides it without Flask, so the visitor front
(``app.http_cache.VisitorFront``) keys its pages by the same language Flask would have picked.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol
from flask import Flask, g, has_request_context, request, session
from markupsafe import Markup
import flask_wtf.form
from flask_babel import Babel, Domain, get_locale, get_translations, refresh
from flask_login import current_user, user_logged_out
from jinja2 import pass_context
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


SESSION_KEYS = ("language", "digits")  # the account's settings the session keeps a copy of, under the same names


def account_setting(name: str) -> str | None:
    """The signed-in learner's ``language`` or ``digits``, without loading the account just for it: from the user
    this request has already loaded, else from the copy the session keeps (``remember_settings``: at login, when they
    change it, and each time the account is loaded), so a JSON autosave costs no extra statement.

    A page (a GET) loads the account first: every page shows it in its header, so that costs no statement of its own,
    and a change made in another browser shows on the very next page. So does a login from before the copy was kept."""
    if g.get("database_down"):
        return None
    user = g.get("_login_user")
    if user is None and session and "_user_id" in session and (name not in session or request.method == "GET"):
        user = current_user._get_current_object()  # loads it (and brings the copy in step)
    if user is not None and not user.is_authenticated:
        return None
    if user is not None and name in vars(user):  # loaded and not expired by a commit: reading it costs nothing
        return vars(user)[name]
    if not session or "_user_id" not in session:
        return None
    return session.get(name) or None


def remember_settings(user) -> None:
    """Keep the account's language and digits in the session (at login, when either changes, and whenever the account
    is loaded and they were changed in another browser); the cookie is sent again only when one of them differs."""
    for name in SESSION_KEYS:
        value = getattr(user, name, None) or ""  # "" says "none chosen", unlike a missing key
        if session.get(name) != value:
            session[name] = value


def forget_settings(_app, **_extra) -> None:
    """At logout the browser is a visitor again: its pages follow the switcher's cookie and the browser."""
    for name in SESSION_KEYS:
        session.pop(name, None)


def select_locale() -> str:
    """Flask-Babel's locale selector (worked out once per request; English for a command or a thread of its own)."""
    if not has_request_context():
        return DEFAULT
    if "language" not in g:
        g.language = negotiate(account_setting("language"), request.cookies.get(COOKIE),
                               request.headers.get("Accept-Language"))
    return g.language


def choose_again() -> None:
    """Forget this request's language, worked out before the learner changed it (Flask-Babel's copy too)."""
    g.pop("language", None)
    refresh()


def page_to_return_to() -> str | None:
    """Jinja global: where the switcher brings the learner back to, in the language chosen. This page, if a GET can
    show it again; a page drawn in answer to a form (a POST-only address, like a settings form sent wrong) sends
    them back to the page the form was on, when it is on this site, else to the home page (None)."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    if request.url_rule is not None and "GET" in request.url_rule.methods:
        return request.full_path.rstrip("?")
    came_from = urlsplit(request.referrer or "")
    if came_from.netloc == request.host and came_from.path.startswith("/") and not came_from.path.startswith("//") \
            and "\\" not in came_from.path:
        return came_from.path + ("?" + came_from.query if came_from.query else "")
    return None


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
    chosen = account_setting("digits") if has_request_context() else None
    return language().native_digits if chosen == "native" else "latn"


NATIVE_DIGITS = {"deva": "०१२३४५६७८९", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


def in_digits(text: str, system: str) -> str:
    """``text`` with its Latin digits written in ``system`` (dates from Babel come in Latin digits only)."""
    digits = NATIVE_DIGITS.get(system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def as_written(text) -> str:
    """Jinja filter ``digits``: numerals already formatted (``"%.2f" | format(x)``, a slider's value, a clock) in the
    learner's digits and with their language's decimal sign (``٫`` in Urdu's own digits); English text unchanged."""
    text = str(text)
    system = numbering_system()
    if system == "latn":
        return text
    code = language().code
    signs = str.maketrans({".": get_decimal_symbol(code, numbering_system=system),
                           ",": get_group_symbol(code, numbering_system=system)})
    return in_digits(text.translate(signs), system)


def number(value, digits: int | None = None) -> str:
    """Jinja filter ``number``: 1234567 as the learner's language writes it (12,34,567 in Hindi), in their digits."""
    if value is None:
        return "–"
    if digits is not None:
        value = round(value, digits)
    system = numbering_system()  # Babel takes the system's separators (٬ in Urdu); the digits are ours to write
    if type(value) is int:  # most numbers on a page (counts): what Babel writes, without its pattern machinery
        if 0 <= value < 1000:  # no separator in any of our languages
            return in_digits(str(value), system)
        if system == "latn" and language().code == DEFAULT:
            return f"{value:,}"
    return in_digits(format_decimal(value, locale=language().code, numbering_system=system), system)


def percent(value, digits: int = 0) -> str:
    """Jinja filter ``percent``: a fraction (0.75) as "75%", "٧٥٪" or "75%" by the learner's language and digits."""
    if value is None:
        return "–"
    system = numbering_system()
    return in_digits(format_percent(value, format="#,##0" + ("." + "0" * digits if digits else "") + "%",
                                    locale=language().code, numbering_system=system), system)


def course_text(value) -> Markup:
    """Jinja filter ``course_text``: course content (a lesson's title, a question, a glossary term), which stays in
    English, marked so on a page in another language (read with English rules, shaped left to right). On an
    English page it is the page's own language and needs no mark."""
    value = "" if value is None else value
    if language().code == DEFAULT:
        return Markup("%s") % value
    return Markup('<span lang="en" dir="ltr">%s</span>') % value


def english() -> Markup:
    """Jinja global: `` lang="en" dir="ltr"`` for an element holding course text, on a page in another language
    (nothing on an English page, where it would only add bytes)."""
    return Markup("") if language().code == DEFAULT else Markup(' lang="en" dir="ltr"')


def user_text(value) -> Markup:
    """Jinja filter ``user_text``: what a person typed (a username, a class's or an assignment's name): isolated
    from the text around it (a Latin name inside Urdu keeps its order) and never machine-translated."""
    return Markup('<bdi translate="no">%s</bdi>') % ("" if value is None else value)


QUANTITIES = ("num", "least", "most")  # a message's counts and bounds: grouped as amounts are


def written(values: dict) -> dict:
    """A message's values with their numbers as the page writes them: a count or a bound (``QUANTITIES``: ngettext's
    ``num``, a range's ``least`` and ``most``) as ``number`` does (10,000; 12,34,567 in Hindi), any other number (an
    id, a line, a version) in the learner's digits only; a ``Decimal`` keeps its places (``Decimal("0.70")``), and so
    does a number a pure module has written out (``words.Numeral``: a feedback's "1,312"). Text is never touched, even
    text that looks like a number (a class named "2024"). English is unchanged but for the amounts' separators."""
    out = dict(values)
    for name, value in values.items():
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            out[name] = number(value) if name in QUANTITIES and not isinstance(value, Decimal) else as_written(value)
        elif isinstance(value, words.Numeral):
            out[name] = as_written(value)
        elif isinstance(value, words.English):
            out[name] = course_text(value)
    return out


def filled(translated: str, values: dict) -> str:
    """A translated message with its fields filled, numbers written as the page writes them. When a value carries its
    own mark (``user_text``: a class's name in a flash; ``course_text``) the message comes back as Markup, its own
    words escaped, so the mark reaches the page and nothing else can."""
    values = written(values)
    if any(isinstance(value, Markup) for value in values.values()):  # not a lazy label, which has __html__ too
        return Markup.escape(translated) % values
    return translated % values


class NumberedDomain(Domain):
    """Flask-Babel's ``gettext`` and ``ngettext`` for Python code (flashes, form errors, the API's reasons), writing
    the numbers they fill in as the page around them does (templates use the ``number`` filter themselves)."""

    def gettext(self, string, **variables):
        translated = self.get_translations().ugettext(string)
        return filled(translated, variables) if variables else translated

    def ngettext(self, singular, plural, num, **variables):
        return filled(self.get_translations().ungettext(singular, plural, num), {"num": num, **variables})


class NumberedBabel(Babel):
    @cached_property
    def domain_instance(self):
        return NumberedDomain(domain=self.domain)


class FilledByWTForms(str):
    """A WTForms message, which WTForms fills itself (``message % dict(min=…, max=…)``): its numbers written as the
    page writes them (``written``), so ``%(max)d`` becomes ``%(max)s``."""

    def __mod__(self, values):
        if not isinstance(values, dict):
            return str.__mod__(self, values)
        return str.__mod__(re.sub(r"%\((\w+)\)d", r"%(\1)s", self), written(values))


class FormTranslations:
    """What WTForms asks for its own messages ("This field is required."): our catalogue, which holds them
    (``app/form_messages.py``), without filling fields (WTForms fills them itself)."""

    def gettext(self, string: str) -> str:
        return FilledByWTForms(get_translations().gettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return FilledByWTForms(get_translations().ngettext(singular, plural, n))


def course_option() -> dict[str, str]:
    """A select option's attributes when its label is course text (a lesson's title or heading): marked English on a
    page in another language (an <option> holds no markup, so the mark goes on the option itself)."""
    return {} if language().code == DEFAULT else {"lang": "en", "dir": "ltr"}


def person_option() -> dict[str, str]:
    """A select option's attributes when its label is what a person typed (a student's, a class's or a group's
    name): kept in its own direction and never machine-translated."""
    return {} if language().code == DEFAULT else {"translate": "no", "dir": "auto"}


def shown(text: str | None) -> str:
    """Jinja filter ``translated``: a label declared elsewhere and marked there (``N_``), translated where it is
    shown. An empty label stays empty (gettext of "" is the catalogue's header)."""
    return get_translations().gettext(text) if text else (text or "")


def catalogues_missing() -> list[str]:
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


def script_words_json() -> Markup:
    """``script_words()`` as JSON safe inside <script type="application/json">: Urdu and Hindi letters as UTF-8 (two or
    three bytes, where Jinja's ``tojson`` writes six for each), with <, >, & and ' escaped as ``tojson`` does."""
    text = json.dumps(script_words(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    return Markup(text)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    NumberedBabel(app, locale_selector=select_locale, timezone_selector=select_timezone)
    user_logged_out.connect(forget_settings, app)
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks' line breaks and indents are not in the msgid
    # Passed the context so that Jinja never works out ``{{ 10 | number }}`` once, when the template is compiled (in
    # English, outside any request): a literal is written in each reader's digits too.
    app.add_template_filter(pass_context(lambda _context, value, digits=None: number(value, digits)), "number")
    app.add_template_filter(pass_context(lambda _context, value, digits=0: percent(value, digits)), "percent")
    app.add_template_filter(pass_context(lambda _context, value: as_written(value)), "digits")
    app.add_template_filter(course_text)
    app.add_template_filter(user_text)
    app.add_template_filter(shown, "translated")
    app.add_template_global(english)
    app.add_template_global(page_to_return_to)
    app.add_template_global(language, "page_language")
    app.add_template_global(LANGUAGES, "languages")
    app.add_template_global(script_words_json)
    app.add_template_global(numbering_system)
    # Every FlaskForm's built-in messages from our catalogue (Flask-WTF would look in WTForms' own, which has no
    # Urdu or Hindi).
    flask_wtf.form.translations = FormTranslations()
    # No formatting here: words._ fills the fields itself (Flask-Babel's ngettext would fill %(num)s first).
    words.install(lambda text: get_translations().gettext(text),
                  lambda one, many, n: get_translations().ngettext(one, many, n), filled)
    stale = catalogues_missing()
    if stale and not os.environ.get("BACKCHANNEL_SKIP_CATALOGUE_CHECK"):
        app.logger.warning("The %s catalogue(s) are not compiled or are older than their .po: those pages show "
                           "English. Run: make translations", ", ".join(stale))

