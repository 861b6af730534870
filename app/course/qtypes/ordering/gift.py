"""Ordering in GIFT: the ordering plugin's ``{>count ALL VERTICAL RELATIVE_NEXT_EXCLUDE_LAST SHOW`` then one item a line. Pure.

Moodle reads it with qtype_ordering installed (as it reads that plugin's Moodle XML); the plugin
takes every line in the braces for an item, so the explanation rides in the metadata, not ``####``.
"""

from __future__ import annotations

import re

from app.course.formats.gift_text import clean
from app.course.qtypes.ordering.moodle import GRADING, grading_note, items

GENERAL_FEEDBACK = False
# The header's words after the count: selection, layout, grading, whether to show it, numbering.
_HEADER = re.compile(r"^>\s*\d+((?:[ \t]+[A-Za-z_0-9]+)*)[ \t]*(?:\n|$)")
_GRADINGS = re.compile(r"^(ALL_OR_NOTHING|ABSOLUTE\w*|ABS|RELATIVE\w*|REL|LONGEST_\w+)$")


def reads(answers: str) -> bool:
    """Whether the block opens with the plugin's ``>count`` header."""
    return _HEADER.match(answers) is not None


def read(answers: str, meta: dict, notes: list[str]) -> dict:
    """Our ordering from the items, one a line, in the right order."""
    header = _HEADER.match(answers.strip())
    for word in header.group(1).split():
        if _GRADINGS.match(word.upper()):
            grading_note(word, notes)
    texts = [clean(line) for line in answers.strip()[header.end():].split("\n") if clean(line)]
    return items(texts, meta)


def item_text(text: str) -> str:
    """An item as one line of GIFT: the plugin reads lines as they are, so only what would end the line or the
    braces is escaped (``\\``, ``{``, ``}``, a line break)."""
    return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("\n", "\\n")


def write(data: dict, meta: dict) -> str:
    """The header and one item a line; the item ids in the metadata."""
    meta["items"] = [item["id"] for item in data["items"]]
    return f">{len(data['items'])} ALL VERTICAL {GRADING} SHOW\n" + "".join(f"{item_text(item['text'])}\n" for item in data["items"])
