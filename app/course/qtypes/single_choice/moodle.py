"""Single choice in Moodle XML: a ``multichoice`` with ``<single>true``, its options' credits as fractions. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.qtypes import choice_moodle

MOODLE_TYPES, read = choice_moodle.MOODLE_TYPES, choice_moodle.read


def write(question: ET.Element, data: dict, meta: dict) -> str:
    """The key at 100 %, the other options at their credit."""
    credits = {o["id"]: 1.0 if o["id"] == data["answer"] else o.get("credit", 0.0) for o in data["options"]}
    return choice_moodle.write(question, data, meta, credits, one_key=True)
