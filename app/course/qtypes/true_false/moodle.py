"""True / false in Moodle XML: ``truefalse``, an answer ``true`` and an answer ``false`` with their feedback. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.formats.moodle_text import answer, answers_of, question_text
from app.course.words import _

MOODLE_TYPES = ("truefalse",)


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    """Our true/false: the answer at 100 % is the key; each answer's feedback."""
    answers = answers_of(question)
    key = next((text.lower() == "true" for share, text, _, _ in answers if share >= 1), None)
    if key is None:
        raise ValueError(_("a true/false question without a right answer"))
    data: dict = {"type": "true_false", "answer": key}
    feedback = {text.lower(): said for _, text, said, _ in answers if said and text.lower() in ("true", "false")}
    if feedback:
        data["feedback"] = {choice: feedback[choice] for choice in ("true", "false") if choice in feedback}
    return data


def write(question: ET.Element, data: dict, meta: dict) -> str:
    """An answer ``true`` and an answer ``false`` with their feedback."""
    for choice in ("true", "false"):
        answer(question, 1 if (choice == "true") == data["answer"] else 0, choice, data.get("feedback", {}).get(choice, ""))
    return question_text(data)
