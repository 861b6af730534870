"""Drawing quizzes and reading learners' responses: pure functions the quiz views call.

A *layout* fixes an attempt: for each position, the question id, the version id shown, and the
shuffled order of its choices. It is drawn once, stored with the attempt, and never redrawn,
so a reload shows the same quiz.
"""

from __future__ import annotations

import random
from typing import Any, Callable

MAX_TEXT_ANSWER = 300


class ForgedResponse(ValueError):
    """A submitted value no honest form could produce (an unknown option id, a huge text)."""


def choice_order(data: dict, rng: random.Random) -> list[str]:
    """The shuffled order in which a question's choices are shown (empty for typed answers)."""
    qtype = data["type"]
    if qtype in ("single_choice", "multiple_response"):
        ids = [option["id"] for option in data["options"]]
    elif qtype == "ordering":
        ids = [item["id"] for item in data["items"]]
        key = list(ids)
        rng.shuffle(ids)
        while ids == key:  # showing the items already in order would give the answer away
            rng.shuffle(ids)
        return ids
    elif qtype == "matching":
        first_with_text = {}
        for pair in data["pairs"]:
            first_with_text.setdefault(pair["right"], pair["id"])  # a shared answer is offered once
        ids = list(first_with_text.values()) + [d["id"] for d in data["distractors"]]
    else:
        return []
    rng.shuffle(ids)
    return ids


def draw_layout(questions: list[tuple[str, int, dict]], size: int | None, rng: random.Random) -> list[dict]:
    """Draw ``size`` questions (all when None) in random order, each with its choice order.

    ``questions`` are (question id, version id, data) for the bank's live questions.
    """
    count = len(questions) if size is None else min(size, len(questions))
    drawn = rng.sample(questions, count)
    return [{"question": ident, "version_id": version_id, "order": choice_order(data, rng)}
            for ident, version_id, data in drawn]


def _one(values: list[str], name: str) -> str | None:
    if len(values) > 1:
        raise ForgedResponse(f"Field {name} was sent {len(values)} times; it takes one answer.")
    return values[0] if values else None


def _text(values: list[str], name: str) -> str | None:
    text = (_one(values, name) or "").strip()
    if len(text) > MAX_TEXT_ANSWER:
        raise ForgedResponse(f"The answer in {name} is {len(text)} characters long; the limit is {MAX_TEXT_ANSWER}.")
    return text or None


def _choice(value: str | None, allowed: set[str], name: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        raise ForgedResponse(f"“{value}” is not one of the choices of {name}.")
    return value


def parse_response(data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
    """Read one question's response from submitted form values; None parts mean unanswered.

    ``field`` is the question's form name (``q3``); multi-part types use ``q3-<part>``.
    ``get_all(name)`` returns every value submitted under a name. Raises ForgedResponse for a
    value the form could not have offered.
    """
    qtype = data["type"]
    if qtype == "single_choice":
        return _choice(_one(get_all(field), field), {o["id"] for o in data["options"]}, field)
    if qtype == "multiple_response":
        allowed = {o["id"] for o in data["options"]}
        picks = [_choice(value, allowed, field) for value in get_all(field)]
        return sorted({pick for pick in picks if pick}) or None
    if qtype == "true_false":
        value = _choice(_one(get_all(field), field), {"true", "false"}, field)
        return None if value is None else value == "true"
    if qtype in ("short_answer", "numeric"):
        return _text(get_all(field), field)
    if qtype == "ordering":
        allowed = {item["id"] for item in data["items"]}
        slots = [_choice(_one(get_all(f"{field}-{slot}"), field), allowed, field) for slot in range(len(data["items"]))]
        return slots if any(slots) else None
    if qtype == "matching":
        allowed = {p["id"] for p in data["pairs"]} | {d["id"] for d in data["distractors"]}
        chosen = {p["id"]: _choice(_one(get_all(f"{field}-{p['id']}"), field), allowed, field) for p in data["pairs"]}
        return chosen if any(chosen.values()) else None
    if qtype == "cloze":
        filled = {b["id"]: _text(get_all(f"{field}-{b['id']}"), field) for b in data["blanks"]}
        return filled if any(filled.values()) else None
    raise ValueError(f"unknown question type {qtype}")


def form_values(data: dict, field: str, response: Any) -> dict[str, list[str]]:
    """The form values that would submit ``response``: the inverse of :func:`parse_response`."""
    if response is None:
        return {}
    qtype = data["type"]
    if qtype == "multiple_response":
        return {field: list(response)}
    if qtype == "true_false":
        return {field: ["true" if response else "false"]}
    if qtype in ("single_choice", "short_answer", "numeric"):
        return {field: [str(response)]}
    if qtype == "ordering":
        return {f"{field}-{slot}": [ident or ""] for slot, ident in enumerate(response)}
    return {f"{field}-{part}": [value or ""] for part, value in response.items()}


def form_values_from_json(data: dict, field: str, value: Any) -> dict[str, list[str]]:
    """Form values for a response sent as JSON (the API), after checking its JSON type.

    single_choice, short_answer, numeric: a string; multiple_response, ordering: a list of ids;
    true_false: a boolean; matching: {left id: right id}; cloze: {blank id: text}. null = no answer.
    The values then go through :func:`parse_response`, which refuses ids the question lacks.
    """
    if value is None:
        return {}
    qtype = data["type"]
    expected = {"single_choice": str, "short_answer": str, "numeric": str, "multiple_response": list, "ordering": list,
                "true_false": bool, "matching": dict, "cloze": dict}[qtype]
    if not isinstance(value, expected) or (expected is str and isinstance(value, bool)):
        raise ForgedResponse(f"The answer to {data['id']} must be {_JSON_NAMES[expected]} for a {qtype} question.")
    if expected is list and not all(isinstance(item, str) for item in value):
        raise ForgedResponse(f"The answer to {data['id']} must be a list of ids (strings).")
    if expected is dict and not all(isinstance(key, str) and (item is None or isinstance(item, str)) for key, item in value.items()):
        raise ForgedResponse(f"The answer to {data['id']} must map ids to strings.")
    if qtype == "ordering" and len(value) > len(data["items"]):
        raise ForgedResponse(f"The answer to {data['id']} lists more items than the question has.")
    if qtype == "matching":
        value = {pair["id"]: value.get(pair["id"]) for pair in data["pairs"]}
    if qtype == "cloze":
        value = {blank["id"]: value.get(blank["id"]) for blank in data["blanks"]}
    return form_values(data, field, value)


_JSON_NAMES = {str: "a string", list: "a list", bool: "true or false", dict: "an object"}
