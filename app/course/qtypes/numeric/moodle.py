"""Numeric in Moodle XML: ``numerical``, its answers with tolerances and its units. Pure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.interop.moodle_xml import answer, answers_of, question_text, text_of, value

MOODLE_TYPES = ("numerical",)


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    answers = answers_of(question)
    full = [(text, element) for fraction, text, _, element in answers if fraction >= 100 and text != "*"]
    if not full:
        raise ValueError("a numerical question without a full-credit number")
    text, element = full[0]
    if len(answers) > 1:
        notes.append("other numerical answers (partial credit, any-other-answer) dropped")
    units = {text_of(unit, "unit_name"): float(text_of(unit, "multiplier") or 1) for unit in question.findall("units/unit")}
    base = next((name for name, factor in units.items() if factor == 1), None)
    return {"type": "numeric", "answer": float(text), "tolerance": float(text_of(element, "tolerance") or 0),
            "unit": meta.get("unit", base), "units": meta.get("units", {name.lower(): factor for name, factor in units.items() if name})}


def write(question: ET.Element, data: dict, meta: dict) -> str:
    meta["unit"], meta["units"] = data.get("unit"), data.get("units", {})
    answer(question, 100, repr(data["answer"]), "", tolerance=repr(data["tolerance"]))
    if data.get("unit"):
        units = ET.SubElement(question, "units")
        for name, factor in {data["unit"]: 1.0, **data.get("units", {})}.items():
            unit = ET.SubElement(units, "unit")
            value(unit, "multiplier", repr(factor))
            value(unit, "unit_name", name)
    return question_text(data)
