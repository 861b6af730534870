"""Authoring rows: one row of form fields per option, item, pair or answer, and back. Pure.

A group of rows posts flat fields named ``<group>-<n>-<column>`` (``options-0-text``). Reading keeps
the rows in their posted order and drops the empty ones (a row added and left blank), so row n of
the form is entry n of the question's data and a checker message about "option 2" points at row 2.
Hidden ids keep a stored option's id through edits; a new row gets the next free id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import ascii_lowercase

from app.course.words import N_

SEPARATOR = " | "  # cloze blank settings and answers keep their short syntax inside one row
MAX_FORM_ROWS = 200  # above any list the checker allows (limits.MAX_LIST_ITEMS): the rest are not read
SPELLING_CHOICES = (("", N_("Lenient (the default): one typo forgiven in answers of 8+ letters")),
                    ("lenient", N_("Lenient")), ("strict", N_("Strict: a typo scores 0, with a spelling hint")))
_ROW_FIELD = re.compile(r"^([a-z_]+)-(\d{1,4})-([a-z_]+)$")


@dataclass(frozen=True)
class Column:
    """One field of a row: ``widget`` is "line", "text", "number", "select", "check" or "hidden"."""

    name: str
    label: str
    widget: str = "line"
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()


def row_name(group: str, index: int, column: str) -> str:
    """The posted name of one row field: ``options-0-text``."""
    return f"{group}-{index}-{column}"


def read_rows(fields: dict[str, str], group: str, columns: tuple[Column, ...]) -> list[dict[str, str]]:
    """The non-empty rows of ``group`` in ``fields``, in posted order, each with every column (missing: "")."""
    names = {column.name for column in columns}
    indices = sorted({int(match.group(2)) for key in fields if (match := _ROW_FIELD.match(key))
                      and match.group(1) == group and match.group(3) in names})[:MAX_FORM_ROWS]
    found = []
    for index in indices:
        row = {column.name: (fields.get(row_name(group, index, column.name)) or "").strip() for column in columns}
        if any(row[column.name] for column in columns if column.widget not in ("hidden", "check", "select")):
            found.append(row)
    return found


def write_rows(group: str, found: list[dict[str, str]]) -> dict[str, str]:
    """Flat fields for rows (the inverse of :func:`read_rows` for rows that are not empty)."""
    return {row_name(group, index, name): value for index, row in enumerate(found) for name, value in row.items()}


def fresh_id(taken: set[str]) -> str:
    """The first id of a, b, …, z, aa, ab, … not in ``taken`` (and now taken)."""
    for length in (1, 2, 3):
        for number in range(len(ascii_lowercase) ** length):
            ident = "".join(ascii_lowercase[number // len(ascii_lowercase) ** place % len(ascii_lowercase)]
                            for place in reversed(range(length)))
            if ident not in taken:
                taken.add(ident)
                return ident
    raise ValueError("no free id")  # 18,278 ids: far beyond MAX_FORM_ROWS


def with_ids(found: list[dict[str, str]], taken: set[str], key: str = "id") -> list[dict[str, str]]:
    """Rows whose empty or repeated ``key`` is given a fresh id; ``taken`` gains every id used."""
    done = []
    for row in found:
        ident = row.get(key, "")
        if not ident or ident in taken:
            ident = fresh_id(taken)
        taken.add(ident)
        done.append({**row, key: ident})
    return done


def number(text: str | None):
    """A number if the text is one; otherwise the text itself, so the checker names the problem."""
    value = (text or "").strip()
    try:
        found = float(value)
    except ValueError:
        return value
    return int(found) if found.is_integer() and "." not in value else found


def fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def known(found: list[dict[str, str]], with_credit: bool) -> list[dict]:
    """Rows of ``text`` (``credit``) ``feedback`` as known-answer entries; an empty credit is 1."""
    entries = []
    for row in found:
        entry: dict = {"text": row["text"]}
        if with_credit:
            entry["credit"] = number(row["credit"]) if row.get("credit") else 1
        if row.get("feedback"):
            entry["feedback"] = row["feedback"]
        entries.append(entry)
    return entries


def known_rows(entries: list[dict], with_credit: bool) -> list[dict[str, str]]:
    """Known-answer entries as rows (the inverse of :func:`known`)."""
    return [{"text": entry["text"], **({"credit": fmt(entry["credit"])} if with_credit else {}),
             "feedback": entry.get("feedback", "")} for entry in entries]


def apply_action(fields: dict[str, str], action: str, columns_of: dict[str, tuple[Column, ...]]) -> dict[str, str] | None:
    """``fields`` after a row button (``add:options``, ``remove:options:2``, ``up:…``, ``down:…``); None for a forged action.

    Empty rows are kept here (a row just added is empty), so the author sees what they asked for.
    """
    verb, _, rest = action.partition(":")
    group, _, place = rest.partition(":")
    if group not in columns_of or verb not in ("add", "remove", "up", "down"):
        return None
    columns = columns_of[group]
    indices = sorted({int(match.group(2)) for key in fields if (match := _ROW_FIELD.match(key)) and match.group(1) == group})
    kept = [{c.name: (fields.get(row_name(group, i, c.name)) or "") for c in columns} for i in indices[:MAX_FORM_ROWS]]
    others = {key: value for key, value in fields.items() if not ((match := _ROW_FIELD.match(key)) and match.group(1) == group)}
    if verb == "add":
        if len(kept) >= MAX_FORM_ROWS:
            return None
        kept.append({c.name: "" for c in columns})
    else:
        if not place.isdigit() or not 0 <= int(place) < len(kept):
            return None
        at = int(place)
        if verb == "remove":
            kept.pop(at)
        else:
            other = at - 1 if verb == "up" else at + 1
            if 0 <= other < len(kept):
                kept[at], kept[other] = kept[other], kept[at]
    return {**others, **write_rows(group, kept)}


def shown_rows(fields: dict[str, str], group: str, columns: tuple[Column, ...], at_least: int) -> list[dict[str, str]]:
    """The rows the form shows: every posted row (empty ones too), padded with empty rows to ``at_least``."""
    indices = sorted({int(match.group(2)) for key in fields if (match := _ROW_FIELD.match(key)) and match.group(1) == group})
    found = [{c.name: (fields.get(row_name(group, i, c.name)) or "") for c in columns} for i in indices[:MAX_FORM_ROWS]]
    return found + [{c.name: "" for c in columns} for _ in range(at_least - len(found))]
