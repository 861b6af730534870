"""Matching in Moodle XML: ``matching``; a subquestion without text is a distractor. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.formats.moodle_text import question_text, sub, text_of, value

MOODLE_TYPES = ("matching", "match")


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    """Our matching from the subquestions."""
    pairs, distractors = [], []
    for subquestion in question.findall("subquestion"):
        left, right = text_of(subquestion), text_of(subquestion.find("answer"))
        (pairs if left else distractors).append((left, right))
    pair_ids = meta.get("pairs") or [f"p{i + 1}" for i in range(len(pairs))]
    distractor_ids = meta.get("distractors") or [f"d{i + 1}" for i in range(len(distractors))]
    return {"type": "matching",
            "pairs": [{"id": i, "left": left, "right": right} for i, (left, right) in zip(pair_ids, pairs, strict=True)],
            **({"distractors": [{"id": i, "text": right} for i, (_, right) in zip(distractor_ids, distractors, strict=True)]}
               if distractors else {})}


def write(question: ET.Element, data: dict, meta: dict) -> str:
    """A subquestion per pair, then one without text per distractor."""
    meta["pairs"], meta["distractors"] = [p["id"] for p in data["pairs"]], [d["id"] for d in data["distractors"]]
    value(question, "shuffleanswers", "true")
    for left, right in [(p["left"], p["right"]) for p in data["pairs"]] + [("", d["text"]) for d in data["distractors"]]:
        sub(sub(question, "subquestion", left, format="markdown"), "answer", right)
    return question_text(data)
