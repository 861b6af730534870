"""Short answer in Moodle XML: ``shortanswer``; a 0 % answer with feedback is a known wrong answer. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.interop.moodle_xml import answer, answers_of, question_text, text_of, value

MOODLE_TYPES = ("shortanswer",)


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    accepted, wrong = [], []
    if text_of(question, "usecase") == "1":
        notes.append("case-sensitive matching became case-insensitive")
    for fraction, text, feedback, _ in answers_of(question):
        if text == "*" or fraction < 0:
            notes.append(f"answer “{text}” ({fraction:g} %) dropped: any-other-answer and negative-credit answers have no equivalent")
            continue
        if fraction == 0:  # Moodle's specific feedback for a wrong response: a known wrong answer here
            wrong.append({"text": text, **({"feedback": feedback} if feedback else {})})
            continue
        entry = {"text": text, "credit": min(1.0, fraction / 100)}
        if feedback:
            entry["feedback"] = feedback
        accepted.append(entry)
    return {"type": "short_answer", "answers": accepted, **({"wrong_answers": wrong} if wrong else {})}


def write(question: ET.Element, data: dict, meta: dict) -> str:
    meta.pop("wrong_answers", None)  # Moodle holds them: its zero-credit answers with feedback
    value(question, "usecase", "0")
    for entry in data["answers"]:
        answer(question, entry["credit"] * 100, entry["text"], entry.get("feedback", ""))
    for entry in data.get("wrong_answers", []):
        answer(question, 0, entry["text"], entry.get("feedback", ""))
    return question_text(data)
