"""Multiple response in Moodle XML: a ``multichoice`` with ``<single>false``, its options' credits as fractions;
and the Open University's ``oumultiresponse`` plugin, read in. Pure.

``oumultiresponse`` marks each right option 100 % and each wrong one 0, and grades a pick the way our
per-pick rule does (a right pick earns, a wrong pick costs): it comes in as per-pick multiple response.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.formats.moodle_text import answers_of
from app.course.qtypes import choice_moodle

MOODLE_TYPES = (*choice_moodle.MOODLE_TYPES, "oumultiresponse")


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    """A ``multichoice`` as the choice types read it; an ``oumultiresponse`` as per-pick multiple response."""
    if question.get("type") != "oumultiresponse":
        return choice_moodle.read(question, meta, notes)
    answers = answers_of(question)
    ids = choice_moodle.options_ids(meta, len(answers))
    options = [{"id": ident, "text": text, "feedback": said or choice_moodle.option_feedback(share)}
               for ident, (share, text, said, _) in zip(ids, answers, strict=True)]
    return {"type": "multiple_response", "options": options,
            "answer": [ident for ident, (share, *_) in zip(ids, answers, strict=True) if share > 0]}


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
