"""Matching in Moodle XML: ``matching``; a subquestion without text is a distractor. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.formats.moodle_text import question_text, sub, text_of, value
from app.course.qtypes.matching import from_sides

MOODLE_TYPES = ("matching", "match")


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    """Our matching from the subquestions."""
    return from_sides([(text_of(sub), text_of(sub.find("answer"))) for sub in question.findall("subquestion")], meta)


def write(question: ET.Element, data: dict, meta: dict) -> str:
    """A subquestion per pair, then one without text per distractor."""
    meta["pairs"], meta["distractors"] = [p["id"] for p in data["pairs"]], [d["id"] for d in data["distractors"]]
    value(question, "shuffleanswers", "true")
    for left, right in [(p["left"], p["right"]) for p in data["pairs"]] + [("", d["text"]) for d in data["distractors"]]:
        sub(sub(question, "subquestion", left, format="markdown"), "answer", right)
    return question_text(data)
