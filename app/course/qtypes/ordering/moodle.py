"""Ordering in Moodle XML: the ``ordering`` plugin's question, graded relative to the next item as ours is. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.interop.moodle_xml import answer, answers_of, question_text, value

MOODLE_TYPES = ("ordering",)


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    texts = [text for _, text, _, _ in answers_of(question)]
    ids = meta.get("items") if len(meta.get("items", [])) == len(texts) else [f"i{n + 1}" for n in range(len(texts))]
    return {"type": "ordering", "items": [{"id": i, "text": t} for i, t in zip(ids, texts, strict=True)]}


def write(question: ET.Element, data: dict, meta: dict) -> str:
    meta["items"] = [item["id"] for item in data["items"]]
    value(question, "layouttype", "VERTICAL")
    value(question, "selecttype", "ALL")
    value(question, "gradingtype", "RELATIVE_NEXT_EXCLUDE_LAST")
    for number, item in enumerate(data["items"], start=1):
        answer(question, number, item["text"])
    return question_text(data)
