"""Words the pure modules show a person (feedback, reasons, relative times), in the reader's language.

These modules import no Flask. They call ``_`` and ``ngettext`` from here, which ``pybabel extract`` finds like any
other; the application installs Flask-Babel's translator at start (``app.i18n``). Without one (a script, a unit
test) the English is returned, with its ``%(name)s`` fields filled in.
"""

from collections.abc import Callable

_gettext: Callable[[str], str] = lambda text: text
_ngettext: Callable[[str, str, int], str] = lambda one, many, n: one if n == 1 else many
_fill: Callable[[str, dict], str] = lambda translated, values: translated % values


def install(gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str],
            fill: Callable[[str, dict], str] = _fill) -> None:
    """Translate from now on with these (Flask-Babel's, which read the request's language); ``fill`` fills a message's
    fields as the reader's page writes them (``i18n.filled``: their digits, a count's grouping, an ``English`` value
    marked, the message then Markup)."""
    global _gettext, _ngettext, _fill
    _gettext, _ngettext, _fill = gettext, ngettext, fill


def _(text: str, **values) -> str:
    """``text`` in the reader's language, ``%(name)s`` fields filled from ``values``."""
    translated = _gettext(text)
    return _fill(translated, values) if values else translated


def ngettext(one: str, many: str, n: int, **values) -> str:
    """The form for ``n`` in the reader's language; ``%(num)s`` is ``n``."""
    return _fill(_ngettext(one, many, n), {"num": n, **values})


class English(str):
    """Course text a pure module puts into a message (a question's unit, "million"): on a page in another language it
    is marked English (the message then comes back as Markup, everything else in it escaped)."""


class Numeral(str):
    """A number a pure module has written out itself ("1,312", "0.5"): shown in the reader's digits, as a number is,
    where plain text (a name) never is."""


def N_(text: str) -> str:
    """Mark ``text`` for the catalogue without translating it now (a constant read before any request)."""
    return text
