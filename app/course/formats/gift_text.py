"""GIFT's text: its escapes, answer blocks, weights and feedback, read and written. Pure.

The format module (:mod:`app.course.interop.gift`) and each type's ``gift.py`` read and write GIFT
with these; they know the syntax and nothing of our types.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from app.course.words import _

_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004",
            "\\}": "\ue005", "\\:": "\ue006", "\\n": "\ue007"}
_RESTORE = {"\ue000": "\\", "\ue001": "~", "\ue002": "=", "\ue003": "#", "\ue004": "{", "\ue005": "}",
            "\ue006": ":", "\ue007": "\n"}
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def protect(text: str) -> str:
    """``text`` with each escaped control character (``\\~`` ...) turned into a marker no syntax reads."""
    for escaped, marker in _ESCAPES.items():
        text = text.replace(escaped, marker)
    return text


def unprotect(text: str) -> str:
    """Markers back to their characters, surrounding space trimmed."""
    for marker, plain in _RESTORE.items():
        text = text.replace(marker, plain)
    return text.strip()


def clean(text: str) -> str:
    """A text from GIFT: format marker dropped, escapes restored, surrounding space trimmed."""
    return unprotect(_FORMAT.sub("", text))


def escape(text: str) -> str:
    """``text`` with GIFT's control characters escaped and line breaks written ``\\n``."""
    escaped = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("\n", "\\n")


def split_answers(body: str) -> list[tuple[str, str]]:
    """An answer block as (marker, text) pairs, cut at each unescaped ``=`` or ``~``."""
    parts, marker, buffer = [], None, []
    for char in body:
        if char in "=~":
            if marker is not None or "".join(buffer).strip():
                parts.append((marker or "", "".join(buffer)))
            marker, buffer = char, []
        else:
            buffer.append(char)
    if marker is not None or "".join(buffer).strip():
        parts.append((marker or "", "".join(buffer)))
    return parts


def weight(text: str) -> tuple[float | None, str]:
    """A leading ``%n%`` as a credit (n / 100, exactly as written), and the rest; (None, text) without one."""
    match = _WEIGHT.match(text.strip())
    if match:
        return credit(match.group(1)), text.strip()[match.end():]
    return None, text


def feedback(text: str) -> tuple[str, str]:
    """(answer, feedback) of ``answer#feedback``."""
    answer, _, said = text.partition("#")
    return answer, said


def percent(value: float) -> str:
    """A credit as the percentage GIFT and Moodle write (0.5 → ``50``), in as many digits as it takes to read it
    back exactly: the shortest decimal of the float, shifted two places (1/3 → ``33.33333333333333``)."""
    return format((Decimal(repr(value)) * 100).normalize(), "f")


def credit(percentage: str) -> float:
    """A percentage as a credit, the inverse of :func:`percent` (``-33.5`` → -0.335); ValueError when not a number."""
    try:
        return float(Decimal(percentage.strip().replace(",", ".")) / 100)
    except InvalidOperation as error:
        raise ValueError(_("'%(percentage)s' is not a percentage", percentage=percentage)) from error
