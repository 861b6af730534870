"""Multiple response in Moodle XML: a ``multichoice`` with ``<single>false``, its options' credits as fractions. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.qtypes import choice_moodle

MOODLE_TYPES, read = choice_moodle.MOODLE_TYPES, choice_moodle.read


def credits(data: dict) -> dict[str, float]:
    """Each option's credit: its own under weights scoring; per pick, +1/k for the k right ones and -1/k for the rest."""
    if data.get("scoring") == "weights":
        return {option["id"]: option["credit"] for option in data["options"]}
    k = len(data["answer"])
    return {option["id"]: (1 if option["id"] in data["answer"] else -1) / k for option in data["options"]}


def write(question: ET.Element, data: dict, meta: dict) -> str:
    """Every option at its credit; the scoring rule in the metadata."""
    meta["scoring"] = data.get("scoring", "per_pick")
    return choice_moodle.write(question, data, meta, credits(data), one_key=False)
