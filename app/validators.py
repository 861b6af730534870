"""One rule for every free-text name (classes, assignments, tokens, lessons, tags, usernames):
no invisible or control characters, which could hide or reorder what a name shows."""

import unicodedata

from wtforms.validators import ValidationError

# Unicode categories that never belong in a one-line name: controls (Cc: NUL, tab, newline...),
# formatting characters (Cf: bidirectional overrides and isolates U+202A–202E and U+2066–2069,
# zero-width spaces and joiners, the byte-order mark), surrogates, private use, unassigned code
# points, and the line and paragraph separators.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def hidden_characters(text: str) -> list[str]:
    """Each distinct invisible or control character of ``text``, as ``U+XXXX (NAME)``, in order of appearance."""
    found: list[str] = []
    for char in text:
        if unicodedata.category(char) in HIDDEN_CATEGORIES:
            label = f"U+{ord(char):04X}" + (f" ({unicodedata.name(char)})" if unicodedata.name(char, "") else "")
            if label not in found:
                found.append(label)
    return found


def visible_text(_form, field) -> None:
    """WTForms validator: refuse a name holding invisible or control characters, naming them."""
    found = hidden_characters(field.data or "")
    if found:
        raise ValidationError(f"Remove the invisible or control character {', '.join(found)}: names must show "
                              f"exactly what they hold.")
