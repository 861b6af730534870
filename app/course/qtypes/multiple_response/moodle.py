"""Multiple response in Moodle XML: a ``multichoice`` with ``<single>false``. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.qtypes import choice_moodle

MOODLE_TYPES, read = choice_moodle.MOODLE_TYPES, choice_moodle.read


def write(question: ET.Element, data: dict, meta: dict) -> str:
    return choice_moodle.write(question, data, meta, set(data["answer"]), single=False)
