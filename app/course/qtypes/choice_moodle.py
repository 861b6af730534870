"""Moodle XML for single choice and multiple response: both are Moodle's ``multichoice``. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.interop.moodle_xml import answer, answers_of, question_text, text_of, value

MOODLE_TYPES = ("multichoice",)


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    """``<single>true`` → single choice (the best answer is the key), else multiple response (fraction > 0 is right)."""
    answers = answers_of(question)
    ids = meta.get("options") if len(meta.get("options", [])) == len(answers) else [chr(ord("a") + i) for i in range(len(answers))]
    options = [{"id": ident, "text": text, "feedback": feedback or ("Correct." if fraction > 0 else "Not correct.")}
               for ident, (fraction, text, feedback, _) in zip(ids, answers, strict=True)]
    if text_of(question, "single").lower() in ("true", "1"):
        best = max(range(len(answers)), key=lambda i: answers[i][0])
        if any(0 < fraction < 100 for fraction, *_ in answers):
            notes.append("partial-credit choices became wrong choices: a single-choice question has one key here")
        return {"type": "single_choice", "options": options, "answer": ids[best]}
    if any(fraction != 0.0 for fraction, *_ in answers):
        notes.append("fractions were read as right (positive) or wrong; our rule scores ±1/k per pick")
    return {"type": "multiple_response", "options": options,
            "answer": [ident for ident, (fraction, *_) in zip(ids, answers, strict=True) if fraction > 0]}


def write(question: ET.Element, data: dict, meta: dict, keyed: set[str], single: bool) -> str:
    """``<single>``, shuffling, numbering and one ``<answer>`` per option; the question text."""
    meta["options"] = [option["id"] for option in data["options"]]
    value(question, "single", "true" if single else "false")
    value(question, "shuffleanswers", "true")
    value(question, "answernumbering", "abc")
    for option in data["options"]:
        right = option["id"] in keyed
        fraction = (100 if right else 0) if single else (100 if right else -100) / len(keyed)
        answer(question, fraction, option["text"], option["feedback"])
    return question_text(data)
