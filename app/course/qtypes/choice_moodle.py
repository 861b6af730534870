"""Moodle XML for single choice and multiple response: both are Moodle's ``multichoice``. Pure.

``<single>true`` is a single choice: the first 100 % answer is the key and every other fraction is an
option's credit. ``<single>false`` is a multiple response: Moodle's fractions are the options'
credits (``scoring: weights``), or our per-pick rule when our own export says so and the fractions
are still ±1/k.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from app.course.formats.moodle_text import answer, answers_of, question_text, text_of, value
from app.course.words import _

MOODLE_TYPES = ("multichoice",)


def options_ids(meta: dict, count: int) -> list[str]:
    """The option ids our export kept in the metadata, or a, b, c..."""
    ids = meta.get("options")
    if isinstance(ids, list) and len(ids) == count and all(isinstance(i, str) for i in ids):
        return ids
    return [chr(ord("a") + i) if i < 26 else f"o{i + 1}" for i in range(count)]


def option_feedback(credit: float) -> str:
    """What an option without feedback of its own says when chosen (an option needs feedback here)."""
    return "Correct." if credit >= 1 else "Partly right." if credit > 0 else "Not correct."


def per_pick(credits: dict[str, float]) -> bool:
    """Whether ``credits`` are our per-pick rule's: +1/k for each of the k right options, -1/k for each wrong one."""
    k = sum(1 for share in credits.values() if share > 0)
    return k > 0 and all(math.isclose(share, (1 if share > 0 else -1) / k, abs_tol=1e-9) for share in credits.values())


def responses(options: list[dict], credits: dict[str, float], meta: dict) -> dict:
    """A multiple response: weights, with every option's credit, unless our metadata asks for per pick and the credits fit it."""
    body = {"type": "multiple_response", "answer": [o["id"] for o in options if credits[o["id"]] > 0]}
    if meta.get("scoring") == "per_pick" and per_pick(credits):
        return {**body, "options": options}
    return {**body, "options": [{**o, "credit": credits[o["id"]]} for o in options], "scoring": "weights"}


def single(options: list[dict], credits: dict[str, float], key: str) -> dict:
    """A single choice keyed ``key``: every other option with a credit carries it (the checker refuses a second full one)."""
    return {"type": "single_choice", "answer": key,
            "options": [{**o, "credit": credits[o["id"]]} if o["id"] != key and credits[o["id"]] else o for o in options]}


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    """Our single choice or multiple response from a ``multichoice``."""
    answers = answers_of(question)
    ids = options_ids(meta, len(answers))
    credits = {ident: share for ident, (share, *_) in zip(ids, answers, strict=True)}
    options = [{"id": ident, "text": text, "feedback": said or option_feedback(share)}
               for ident, (share, text, said, _) in zip(ids, answers, strict=True)]
    if text_of(question, "single").lower() in ("false", "0"):
        return responses(options, credits, meta)
    key = next((ident for ident, share in credits.items() if share >= 1), None)
    if key is None:
        raise ValueError(_("a single-choice multichoice with no answer worth 100 %"))
    return single(options, credits, key)


def write(question: ET.Element, data: dict, meta: dict, credits: dict[str, float], one_key: bool) -> str:
    """``<single>``, shuffling, numbering and one ``<answer>`` per option at its credit; the question text."""
    meta["options"] = [option["id"] for option in data["options"]]
    value(question, "single", "true" if one_key else "false")
    value(question, "shuffleanswers", "true")
    value(question, "answernumbering", "abc")
    value(question, "showstandardinstruction", "0")
    for option in data["options"]:
        answer(question, credits[option["id"]], option["text"], option["feedback"])
    return question_text(data)
