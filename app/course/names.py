"""One rule for every free-text name (classes, assignments, tokens, lessons, tags, imported tags):
a name shows exactly what it holds. Pure: the forms' validator and the bank checks both call it."""

import unicodedata

from app.course.words import _

# Unicode categories that never belong in a one-line name: controls (Cc: NUL, tab, newline...),
# formatting characters (Cf: bidirectional overrides and isolates U+202A–202E and U+2066–2069,
# zero-width spaces and joiners, the byte-order mark, tag characters U+E0001–E007F), surrogates,
# private use, unassigned code points, and the line and paragraph separators.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}

# Characters that draw nothing but sit in letter, mark or symbol categories, so the categories above
# miss them: Unicode's default-ignorable code points outside Cf (Hangul fillers, the combining
# grapheme joiner, Khmer inherent vowels, Mongolian and other variation selectors), and the blank
# braille pattern, a symbol that prints as a space.
INVISIBLE_RANGES = (
    (0x034F, 0x034F),    # COMBINING GRAPHEME JOINER
    (0x115F, 0x1160),    # HANGUL CHOSEONG / JUNGSEONG FILLER
    (0x17B4, 0x17B5),    # KHMER VOWEL INHERENT AQ / AA
    (0x180B, 0x180F),    # MONGOLIAN FREE VARIATION SELECTORS (and the vowel separator)
    (0x2800, 0x2800),    # BRAILLE PATTERN BLANK
    (0x3164, 0x3164),    # HANGUL FILLER
    (0xFE00, 0xFE0F),    # VARIATION SELECTORS 1–16
    (0xFFA0, 0xFFA0),    # HALFWIDTH HANGUL FILLER
    (0xE0100, 0xE01EF),  # VARIATION SELECTORS 17–256
)

# More combining marks than this on one character is "zalgo" text, drawn over its neighbours.
# Counted on the NFD form, so a letter's accents count the same however they were typed (a
# Vietnamese letter carries at most two).
MAX_COMBINING_MARKS = 2


def is_hidden(char: str) -> bool:
    """Whether ``char`` draws nothing, or reorders or hides what follows it."""
    code = ord(char)
    return (unicodedata.category(char) in HIDDEN_CATEGORIES
            or any(low <= code <= high for low, high in INVISIBLE_RANGES))


def label(char: str) -> str:
    """``U+XXXX (NAME)``, or ``U+XXXX`` for a character without a name."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def hidden_characters(text: str) -> list[str]:
    """Each distinct invisible or control character of ``text``, labelled, in order of appearance."""
    found: list[str] = []
    for char in text:
        if is_hidden(char) and label(char) not in found:
            found.append(label(char))
    return found


def longest_mark_run(text: str) -> int:
    """The most combining marks (categories Mn, Mc, Me) in a row in ``text``'s NFD form."""
    longest = run = 0
    for char in unicodedata.normalize("NFD", text):
        run = run + 1 if unicodedata.category(char).startswith("M") else 0
        longest = max(longest, run)
    return longest


def name_problem(text: str) -> str | None:
    """Why ``text`` cannot be a name (hidden characters, stacked marks, nothing visible), or None."""
    found = hidden_characters(text)
    if found:
        return _("Remove the invisible or control character %(characters)s: names must show exactly what "
                 "they hold.", characters=', '.join(found))
    if longest_mark_run(text) > MAX_COMBINING_MARKS:
        return _("Remove the stacked accents: at most %(most)s combining marks may sit on one "
                 "letter, so a name cannot be drawn over its neighbours.", most=MAX_COMBINING_MARKS)
    if text and not any(not char.isspace() and not unicodedata.category(char).startswith("M") for char in text):
        return _("Write a name with something visible in it: spaces and accents alone show nothing.")
    return None
