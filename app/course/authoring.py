"""Question authoring forms as plain fields, and back. Pure.

The browser edits a question through simple fields: single ones (the prompt, a number) and rows
(one per option, item, pair or answer, posted as ``<group>-<n>-<column>``). Each type declares them
(``QuestionType.form_rows``) and reads them (``from_fields``, ``to_fields``); :func:`fields_to_data`
adds the fields every question has and gives the same plain data a bank file gives, which
``bank.check_question_data`` then checks with the file rules. The two are inverse:
``fields_to_data(data_to_fields(d)) == d`` for every valid question.
"""

from __future__ import annotations

import re

from app.course import qtypes
from app.course.qtypes.base import FormRow
from app.course.qtypes.rows import Column

__all__ = ["row_groups", "fields_to_data", "data_to_fields", "id_from_prompt"]

MAX_ID_WORDS, MAX_ID_CHARS = 6, 60  # an id made from a prompt: short enough to read in a list
_WORDS = re.compile(r"[a-z0-9]+")
_MARKUP = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[\[[^\]]*\]\]|<[^>]*>|\(media:[^)]*\)")
_SMALL_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "to", "and", "or", "is", "was", "did", "do", "does", "which",
                          "what", "who", "when", "why", "how", "this", "that", "its", "it", "be", "by", "for", "with"})


def row_groups(qtype: str) -> dict[str, tuple[Column, ...]]:
    """The type's row groups: each group's name and its columns."""
    return {row.name: row.columns for row in qtypes.get(qtype).form_rows() if row.widget == "rows"}


def form_rows(qtype: str) -> tuple[FormRow, ...]:
    """Every field a type adds to the common ones, in the order the form shows them."""
    return qtypes.get(qtype).form_rows()


def fields_to_data(qtype: str, common: dict, fields: dict[str, str]) -> dict:
    """Plain question data (as a bank file would give it) from the authoring form's fields."""
    data = {"id": common.get("id", ""), "type": qtype, "prompt": common.get("prompt", ""),
            "explanation": common.get("explanation", ""), "lesson_anchor": common.get("lesson_anchor", ""),
            "tags": [tag.strip() for tag in (common.get("tags") or "").split(",") if tag.strip()],
            "difficulty": common.get("difficulty", "")}
    if (common.get("hint") or "").strip():  # an empty box means no hint, as a bank file without the key does
        data["hint"] = common["hint"]
    data.update(qtypes.get(qtype).from_fields(fields))
    if excludes := [ident.strip() for ident in (fields.get("excludes") or "").split(",") if ident.strip()]:
        data["excludes"] = excludes
    return data


def data_to_fields(data: dict) -> tuple[dict, dict[str, str]]:
    """The authoring form's (common, type) fields for a stored question's canonical data."""
    common = {"id": data["id"], "prompt": data["prompt"], "explanation": data["explanation"],
              "lesson_anchor": data["lesson_anchor"], "tags": ", ".join(data["tags"]), "difficulty": data["difficulty"],
              "hint": data.get("hint", "")}
    fields = qtypes.of(data).to_fields(data)
    fields["excludes"] = ", ".join(data.get("excludes", []))
    return common, fields


def id_from_prompt(prompt: str, prefix: str, taken: set[str]) -> str:
    """A question id made from its prompt: ``<prefix>-`` and its first few telling words, unique among ``taken``.

    "Which year did India grant MFN status?" in the trade lesson gives ``trade-year-india-grant-mfn-status``;
    a second one ``…-2``. Small words go (they tell questions apart least); a prompt of none gives ``<prefix>-question``.
    """
    words = _WORDS.findall(_MARKUP.sub(" ", prompt.lower()))
    telling = [word for word in words if word not in _SMALL_WORDS] or words
    stem = "-".join([prefix, *telling[:MAX_ID_WORDS]] if prefix else telling[:MAX_ID_WORDS])[:MAX_ID_CHARS].strip("-")
    stem = stem if len(stem) > len(prefix) + 1 else f"{prefix}-question".lstrip("-")
    ident, number = stem, 2
    while ident in taken:
        ident, number = f"{stem}-{number}", number + 1
    return ident
