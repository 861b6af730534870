"""Numeric in GIFT: ``{#=value:tolerance =%50%value:tolerance#feedback =%0%value#known wrong ~#any other}``. Pure.

A value may be a range, ``min..max``. The answers are sorted as Moodle XML's are (``moodle.py``).
"""

from __future__ import annotations

from app.course.formats.gift_text import clean, escape, feedback, percent, split_answers, unprotect, weight
from app.course.qtypes.numeric.moodle import entries, number, sort_answers
from app.course.qtypes.typed import number_text


def reads(answers: str) -> bool:
    """Whether the block opens with ``#``."""
    return answers.startswith("#")


def value_and_tolerance(text: str) -> tuple[str, float]:
    """``value:tolerance``, ``min..max`` or ``value`` as (value, tolerance)."""
    text = unprotect(text)
    if ".." in text:
        low, high = (number(v) for v in text.split("..", 1))
        return repr((low + high) / 2), (high - low) / 2
    value, _, tolerance = text.partition(":")
    return value.strip(), number(tolerance) if tolerance.strip() else 0.0


def read(answers: str, meta: dict, notes: list[str]) -> dict:
    """Our numeric from the block's answers; unit and units from the metadata."""
    found = []
    for marker, text in split_answers(answers.strip()[1:]):
        share, rest = weight(text)
        answer, said = feedback(rest)
        if marker == "~":  # Moodle: what follows a "~" is the feedback for any other answer
            found.append((0.0, "*", 0.0, clean(said)))
        elif answer.strip():
            found.append((1.0 if share is None else share, *value_and_tolerance(answer), clean(said)))
    return {**sort_answers(found, meta, notes), "unit": meta.get("unit"), "units": meta.get("units", {})}


def write(data: dict, meta: dict) -> str:
    """Every answer Moodle holds (``moodle.entries``); unit and units in the metadata."""
    meta["unit"], meta["units"] = data.get("unit"), data.get("units", {})
    lines = []
    for share, text, tolerance, said in entries(data):
        if text == "*":
            lines.append(f"\t~#{escape(said)}")
            continue
        weight_text = "" if share == 1 else f"%{percent(share)}%"
        lines.append(f"\t={weight_text}{text}:{number_text(tolerance)}{f'#{escape(said)}' if said else ''}")
    return "#\n" + "\n".join(lines) + "\n"
