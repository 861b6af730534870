"""Short answer in Moodle XML: ``shortanswer``. A 0 % answer with feedback is a known wrong answer, Moodle's
``*`` answer (0 %) the feedback for any other answer. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.formats.moodle_text import answer, answers_of, question_text, text_of, value
from app.course.words import _

MOODLE_TYPES = ("shortanswer",)


def sort_answers(found: list[tuple[float, str, str]], notes: list[str]) -> dict:
    """Our short answer from Moodle's (credit, text, feedback) answers, GIFT's or XML's.

    Credit above 0 accepts; 0 is a known wrong answer; ``*`` at 0 is the feedback for any other
    answer, and ``*`` with credit is refused (anything typed would earn it). Below 0 has no place here.
    """
    accepted, wrong, data = [], [], {"type": "short_answer"}
    for share, text, said in found:
        if text == "*":
            if share > 0:
                raise ValueError(_("a “*” answer worth %(share)s gives credit for anything typed; that has no "
                                   "equivalent here", share=format(share, ".0%")))
            if said:
                data["other_feedback"] = said
        elif share < 0:
            notes.append(_("answer “%(given)s” (%(share)s) dropped: negative credit has no equivalent here",
                           given=text, share=format(share, ".0%")))
        elif share == 0:
            wrong.append({"text": text, **({"feedback": said} if said else {})})
        else:
            accepted.append({"text": text, "credit": min(1.0, share), **({"feedback": said} if said else {})})
    return {**data, "answers": accepted, **({"wrong_answers": wrong} if wrong else {})}


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    """Our short answer from Moodle's answers."""
    if text_of(question, "usecase") == "1":
        notes.append(_("case-sensitive matching became case-insensitive"))
    return sort_answers([(share, text, said) for share, text, said, _ in answers_of(question)], notes)


def write(question: ET.Element, data: dict, meta: dict) -> str:
    """Accepted answers at their credit, known wrong ones and ``*`` at 0 %."""
    meta.pop("wrong_answers", None)  # Moodle holds them: its zero-credit answers with feedback
    value(question, "usecase", "0")
    for entry in data["answers"]:
        answer(question, entry["credit"], entry["text"], entry.get("feedback", ""))
    for entry in data.get("wrong_answers", []):
        answer(question, 0, entry["text"], entry.get("feedback", ""))
    if "other_feedback" in data:
        answer(question, 0, "*", data["other_feedback"])
    return question_text(data)
