"""Ordering in Moodle XML: the ``ordering`` plugin's question, graded relative to the next item as ours is. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.formats.moodle_text import answers_of, question_text, sub, text_of, value
from app.course.words import _

MOODLE_TYPES = ("ordering",)
# Our rule: each adjacent pair in the key's order earns 1/(n-1). The plugin's other rules have no equivalent.
GRADING = "RELATIVE_NEXT_EXCLUDE_LAST"


def items(texts: list[str], meta: dict) -> dict:
    """Our ordering of ``texts`` in the right order, with the item ids our export kept in the metadata."""
    ids = meta.get("items") if isinstance(meta.get("items"), list) and len(meta["items"]) == len(texts) \
        else [f"i{n + 1}" for n in range(len(texts))]
    return {"type": "ordering", "items": [{"id": ident, "text": text} for ident, text in zip(ids, texts, strict=True)]}


def grading_note(grading: str, notes: list[str]) -> None:
    """Say so when the file grades by another rule than ours."""
    if grading and grading.upper() not in (GRADING, "RELATIVE", "REL"):
        notes.append(_("graded %(grading)s in Moodle; here each pair of neighbours in the right order earns its share",
                       grading=grading))


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    """Our ordering from the answers, in the right order."""
    grading_note(text_of(question, "gradingtype"), notes)
    return items([text for _, text, _, _ in answers_of(question)], meta)


def write(question: ET.Element, data: dict, meta: dict) -> str:
    """The plugin's settings and an answer per item, its position as the fraction."""
    meta["items"] = [item["id"] for item in data["items"]]
    for tag, setting in (("layouttype", "VERTICAL"), ("selecttype", "ALL"), ("selectcount", str(len(data["items"]))),
                         ("gradingtype", GRADING), ("showgrading", "SHOW")):
        value(question, tag, setting)
    for position, item in enumerate(data["items"], start=1):  # the plugin keeps the right order in the fraction
        sub(question, "answer", item["text"], fraction=position, format="markdown")
    return question_text(data)
