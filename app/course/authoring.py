"""Question authoring forms as plain text fields, and back. Pure.

The browser edits a question through simple fields: one line per option, pair or item, with
parts separated by `` | `` (space, bar, space). Each type declares its rows and reads them
(``QuestionType.form_rows``, ``from_fields``, ``to_fields``); :func:`fields_to_data` adds the fields
every question has and gives the same plain data a bank file gives, which
``bank.check_question_data`` then checks with the file rules. The two are inverse:
``fields_to_data(data_to_fields(d)) == d`` for every valid question.
"""

from __future__ import annotations

from app.course import qtypes
from app.course.qtypes.rows import SEPARATOR

__all__ = ["SEPARATOR", "type_fields", "fields_to_data", "data_to_fields"]


def type_fields(qtype: str) -> tuple[str, ...]:
    """The names of the form fields a type adds to the common ones (``excludes`` is on every form)."""
    return tuple(row.name for row in qtypes.get(qtype).form_rows()) + ("excludes",)


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
