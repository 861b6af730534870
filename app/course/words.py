"""Words the pure modules show a person (feedback, reasons, relative times), in the reader's language.

These modules import no Flask. They call ``_`` and ``ngettext`` from here, which ``pybabel extract`` finds like any
other; the application installs Flask-Babel's translator at start (``app.i18n``). Without one (a script, a unit
test) the English is returned, with its ``%(name)s`` fields filled in.
"""

from collections.abc import Callable

from markupsafe import escape

_gettext: Callable[[str], str] = lambda text: text
_ngettext: Callable[[str, str, int], str] = lambda one, many, n: one if n == 1 else many
_written: Callable[[dict], dict] = lambda values: values


def install(gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str],
            written: Callable[[dict], dict] = _written) -> None:
    """Translate from now on with these (Flask-Babel's, which read the request's language); ``written`` writes the
    numbers among a message's values as the reader's page does (their digits, a count's grouping)."""
    global _gettext, _ngettext, _written
    _gettext, _ngettext, _written = gettext, ngettext, written


def _fill(translated: str, values: dict) -> str:
    """``translated`` with its fields filled; Markup (the rest escaped) when a value came back marked up (``English``)."""
    written = _written(values)
    if any(hasattr(value, "__html__") for value in written.values()):
        return escape(translated) % written
    return translated % written


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
