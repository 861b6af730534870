"""Numeric in Moodle XML: ``numerical``, its answers with their fractions and tolerances, and its units. Pure.

The first 100 % answer is ours (value and tolerance); another answer with credit is an other answer
(its own tolerance kept when it differs), a 0 % one a known wrong answer, the ``*`` answer (0 %) the
feedback for any other answer. Our export also keeps the other and known wrong answers as they were
typed ("2 lakh") in the metadata, and our import prefers those.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.answers import read_number
from app.course.formats.moodle_text import answer, answers_of, question_text, text_of, value
from app.course.qtypes.numeric import number_frame
from app.course.qtypes.typed import number_text
from app.course.words import _

MOODLE_TYPES = ("numerical",)


def sort_answers(found: list[tuple[float, str, float, str]], meta: dict, notes: list[str]) -> dict:
    """Our numeric from Moodle's (credit, value, tolerance, feedback) answers, GIFT's or XML's (value "*": any other)."""
    key = next((entry for entry in found if entry[0] >= 1 and entry[1] != "*"), None)
    if key is None:
        raise ValueError(_("a numerical question without a full-credit number"))
    _share, key_value, key_tolerance, key_feedback = key
    data: dict = {"type": "numeric", "answer": number(key_value), "tolerance": key_tolerance}
    if key_feedback:
        notes.append(_("the right answer's feedback dropped: the explanation says why it is right"))
    other, wrong = [], []
    for share, text, tolerance, said in (entry for entry in found if entry is not key):
        if text == "*":
            if share > 0:
                raise ValueError(_("a “*” answer worth %(share)s gives credit for any number; that has no equivalent "
                                   "here", share=format(share, ".0%")))
            if said:
                data["other_feedback"] = said
        elif share > 0:
            other.append({"text": number_text(number(text)), "credit": min(1.0, share), **({"feedback": said} if said else {}),
                          **({"tolerance": tolerance} if tolerance != key_tolerance else {})})
        elif share == 0:
            wrong.append({"text": number_text(number(text)), **({"feedback": said} if said else {})})
            if tolerance != key_tolerance:
                notes.append(_("the tolerance of the wrong answer %(given)s became the question's (%(key_tolerance)s)",
                               given=text, key_tolerance=format(key_tolerance, "g")))
        else:
            notes.append(_("answer %(given)s (%(share)s) dropped: negative credit has no equivalent here",
                           given=text, share=format(share, ".0%")))
    if "other_answers" not in meta and "wrong_answers" not in meta:  # else ours, as typed, come back from the metadata
        data.update({key: entries for key, entries in (("other_answers", other), ("wrong_answers", wrong)) if entries})
    return data


def number(text: str) -> float:
    """A number as Moodle writes one (a decimal comma too); ValueError otherwise."""
    return float(text.strip().replace(",", "."))


def units_of(question: ET.Element, meta: dict) -> dict:
    """The unit a bare number is read in and the other units: ours from the metadata, else Moodle's ``<units>``."""
    units = {text_of(unit, "unit_name"): float(text_of(unit, "multiplier") or 1) for unit in question.findall("units/unit")}
    base = next((name for name, factor in units.items() if factor == 1), None)
    return {"unit": meta.get("unit", base), "units": meta.get("units", {name.lower(): factor for name, factor in units.items() if name})}


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    """Our numeric from Moodle's answers and units."""
    found = [(share, text or "*", float(text_of(element, "tolerance") or 0), said) for share, text, said, element in answers_of(question)]
    return {**sort_answers(found, meta, notes), **units_of(question, meta)}


def entries(data: dict) -> list[tuple[float, str, float, str]]:
    """(credit, value, tolerance, feedback) of every answer Moodle holds, in the order our marker reads them (Moodle
    takes the first that matches, so it marks alike): known wrong answers, other answers (as numbers in the
    question's unit), the answer, and ``*`` for any other answer."""
    frame = number_frame(data)

    def value_of(text: str) -> str:
        """A known answer's text as a number in the question's unit."""
        return number_text(read_number(text, frame).values[0][0])

    found = [(0.0, value_of(w["text"]), data["tolerance"], w.get("feedback", "")) for w in data.get("wrong_answers", [])]
    found += [(o["credit"], value_of(o["text"]), o.get("tolerance", data["tolerance"]), o.get("feedback", ""))
              for o in data.get("other_answers", [])]
    found.append((1.0, number_text(data["answer"]), data["tolerance"], ""))
    return found + ([(0.0, "*", 0.0, data["other_feedback"])] if "other_feedback" in data else [])


def write(question: ET.Element, data: dict, meta: dict) -> str:
    """Every answer with its tolerance, and the units; unit and units in the metadata."""
    meta["unit"], meta["units"] = data.get("unit"), data.get("units", {})
    for share, text, tolerance, said in entries(data):
        answer(question, share, text, said, tolerance=number_text(tolerance))
    if data.get("unit"):
        units = ET.SubElement(question, "units")
        for name, factor in {data["unit"]: 1.0, **data.get("units", {})}.items():
            unit = ET.SubElement(units, "unit")
            value(unit, "multiplier", number_text(factor))
            value(unit, "unit_name", name)
    return question_text(data)
