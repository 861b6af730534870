"""The field checks question types share: typed fields with their file lines, and every problem at once. Pure.

A type's ``check`` reads its fields from a :class:`LineDict` (a YAML mapping that remembers lines)
through a :class:`Checker`, which names the line of each field at fault.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from app.course.answers import NumberFrame, read_number, text_form
from app.course.lessons import Problem
from app.course.limits import MAX_FIELD_CHARS, MAX_LIST_ITEMS, oversized
from app.course.markup import image_problems

SPELLING_RULES = ("lenient", "strict")
MAX_KNOWN_ANSWERS = 100  # known wrong answers, other numeric answers: a teacher's list, not a dictionary
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class LineDict(dict):
    """A mapping from YAML that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Checker:
    """Collects problems for one file; each check names the line of the field at fault."""

    def __init__(self, path: str, media: Mapping[str, str] | None = None):
        self.path = path
        self.problems: list[Problem] = []
        # The stored images a text may show (SHA-256 to media type); None when there is no database to ask.
        self.media = media

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def text(self, mapping: LineDict, key: str, where: str, required: bool = True) -> str | None:
        """A non-empty string field; numbers are accepted as text (YAML reads `1996` as a number).

        An optional field given as null counts as absent.
        """
        if key not in mapping or (not required and mapping[key] is None):
            if required:
                self.add(mapping.line, f"{where} is missing '{key}'")
            return None
        value = mapping[key]
        if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
            self.add(mapping.line_of(key), f"{where}: '{key}' must be text" + (" (quote yes/no/true/false)" if isinstance(value, bool) else ""))
            return None
        text = str(value).strip()
        if not text:
            self.add(mapping.line_of(key), f"{where}: '{key}' must not be empty")
            return None
        if problem := oversized(text, MAX_FIELD_CHARS):
            self.add(mapping.line_of(key), f"{where}: '{key}' {problem}")
            return None
        if images := image_problems(text, self.media):
            for problem in images:
                self.add(mapping.line_of(key), f"{where}: '{key}' {problem}")
            return None
        return text

    def items(self, mapping: LineDict, key: str, where: str, minimum: int) -> list | None:
        if key not in mapping:
            self.add(mapping.line, f"{where} is missing '{key}'")
            return None
        value = mapping[key]
        if not isinstance(value, list) or len(value) < minimum:
            self.add(mapping.line_of(key), f"{where}: '{key}' must be a list of at least {minimum}")
            return None
        if len(value) > MAX_LIST_ITEMS:
            self.add(mapping.line_of(key), f"{where}: '{key}' holds {len(value):,} entries; the most it may hold is {MAX_LIST_ITEMS}")
            return None
        return value

    def mapping(self, value: Any, line: int, where: str) -> LineDict | None:
        if not isinstance(value, LineDict):
            self.add(line, f"{where} must be a mapping of fields")
            return None
        return value

    def identifier(self, mapping: LineDict, where: str, seen: dict[str, int]) -> str | None:
        ident = self.text(mapping, "id", where)
        if ident is None:
            return None
        if not ID_PATTERN.match(ident):
            self.add(mapping.line_of("id"), f"{where}: id '{ident}' must use lowercase letters, digits and hyphens")
            return None
        if ident in seen:
            place = f"on line {seen[ident]}" if seen[ident] else "by another question"
            self.add(mapping.line_of("id"), f"{where}: id '{ident}' is already used {place}")
            return None
        seen[ident] = mapping.line_of("id")
        return ident


def labelled_items(check: Checker, raw: list, line: int, where: str, label: str,
                    fields: tuple[str, ...]) -> tuple[list[dict], dict[str, int]]:
    """Check a list of ``{id, <fields>}`` mappings (options, items, pairs); return them and their ids' lines."""
    items, seen = [], {}
    for index, item in enumerate(raw, start=1):
        name = f"{where}, {label} {index}"
        mapping = check.mapping(item, line, name)
        if mapping is None:
            continue
        ident = check.identifier(mapping, name, seen)
        values = {key: check.text(mapping, key, name) for key in fields}
        for key in mapping:
            if key != "id" and key not in fields:
                check.add(mapping.line_of(key), f"{name}: unknown field '{key}'")
        if ident and all(values.values()):
            items.append({"id": ident, **values})
    return items, seen


def credit_field(check: Checker, mapping: LineDict, where: str) -> float | None:
    credit = mapping.get("credit", 1)
    if isinstance(credit, bool) or not isinstance(credit, (int, float)) or not 0 < credit <= 1:
        check.add(mapping.line_of("credit"), f"{where}: 'credit' must be a number above 0 and at most 1")
        return None
    return float(credit)


def known_answers(check: Checker, mapping: LineDict, key: str, where: str, with_credit: bool) -> list[dict] | None:
    """A list of ``{text, feedback}`` (and ``credit`` when asked): known wrong or other answers."""
    listed = mapping.get(key)
    if isinstance(listed, list) and len(listed) > MAX_KNOWN_ANSWERS:  # every one is read again for each answer marked
        check.add(mapping.line_of(key), f"{where}: at most {MAX_KNOWN_ANSWERS} {key.replace('_', ' ')} (this has {len(listed)})")
        return None
    raw = check.items(mapping, key, where, 1)
    if raw is None:
        return None
    found = []
    for index, item in enumerate(raw, start=1):
        label = f"{where}, {key.replace('_', ' ')[:-1]} {index}"
        if not isinstance(item, LineDict):
            item = with_lines({"text": item})
            item.line = mapping.line_of(key)
        for field_name in item:
            if field_name not in ({"text", "feedback", "credit"} if with_credit else {"text", "feedback"}):
                check.add(item.line_of(field_name), f"{label}: unknown field '{field_name}'")
                return None
        text = check.text(item, "text", label)
        if text is None:
            return None
        entry = {"text": text}
        if with_credit:
            if (credit := credit_field(check, item, label)) is None:
                return None
            entry["credit"] = credit
        if "feedback" in item:
            if (feedback := check.text(item, "feedback", label)) is None:
                return None
            entry["feedback"] = feedback
        found.append(entry)
    return found


def plain_value(text: str) -> float | None:
    """The one number a text reads as with no unit in mind, as the marker reads a typed answer, or None."""
    reading = read_number(text, NumberFrame())
    return reading.values[0][0] if not reading.problem and len(reading.values) == 1 else None


def wrong_and_spelling(check: Checker, q: LineDict, holder: LineDict, where: str, accepted: list[str]) -> dict | None:
    """The optional ``wrong_answers`` of ``holder`` (a question or a cloze blank) and the question's ``spelling``.

    A wrong answer that reads as an accepted one would make the question contradict itself.
    """
    extra: dict[str, Any] = {}
    if "wrong_answers" in holder:
        wrong = known_answers(check, holder, "wrong_answers", where, with_credit=False)
        if wrong is None:
            return None
        # As the marker reads them: the same words, or the same number however written ("two thousand five", "2005").
        forms = [(text, text_form(text), plain_value(text)) for text in accepted]
        for entry in wrong:
            value = plain_value(entry["text"])
            clash = next((text for text, form, number in forms
                          if form.same(text_form(entry["text"])) or (value is not None and number == value)), None)
            if clash is not None:
                check.add(holder.line_of("wrong_answers"), f"{where}: wrong answer '{entry['text']}' reads the same as the accepted '{clash}'")
                return None
        extra["wrong_answers"] = wrong
    if holder is q and "spelling" in q:
        spelling = check.text(q, "spelling", where)
        if spelling not in SPELLING_RULES:
            if spelling is not None:
                check.add(q.line_of("spelling"), f"{where}: 'spelling' is 'lenient' or 'strict', not '{spelling}'")
            return None
        extra["spelling"] = spelling
    return extra


def number_field(check: Checker, q: LineDict, key: str, where: str) -> float | None:
    value = q.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        check.add(q.line_of(key), f"{where}: '{key}' must be a number")
        return None
    return float(value)


def with_lines(value: Any) -> Any:
    """Wrap plain dicts (recursively) as LineDicts with no line, so the file checks apply as they are."""
    if isinstance(value, dict):
        mapping = LineDict((key, with_lines(item)) for key, item in value.items())
        mapping.line = 0
        mapping.key_lines = {}
        return mapping
    if isinstance(value, list):
        return [with_lines(item) for item in value]
    return value
