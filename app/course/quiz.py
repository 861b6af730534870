"""Drawing quizzes and reading learners' responses: pure functions the quiz views call.

A *layout* fixes an attempt: for each position, the question id, the version id shown, and the
shuffled order of its choices. It is drawn once, stored with the attempt, and never redrawn,
so a reload shows the same quiz. What the learner's form shows of it is an *answer form*:
every option, item and matching value (and matching field name) an opaque per-attempt token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
from collections.abc import Collection
from dataclasses import dataclass, field as dataclass_field
from typing import Any, Callable

from app.course.leaks import leak_free_sample

MAX_TEXT_ANSWER = 300
TOKEN_BYTES = 9  # 72 bits, 12 url-safe characters: no two ids of one question share a token in practice


class ForgedResponse(ValueError):
    """A submitted value no honest form could produce (an unknown option id, a huge text)."""


def choice_order(data: dict, rng: random.Random) -> list[str]:
    """The shuffled order in which a question's choices are shown (empty for typed answers)."""
    qtype = data["type"]
    if qtype in ("single_choice", "multiple_response"):
        ids = [option["id"] for option in data["options"]]
    elif qtype == "ordering":
        # Every order may be shown, the right one too (as often as any other): an order that never
        # appeared would name the key to anyone who fetched the quiz a few hundred times.
        ids = [item["id"] for item in data["items"]]
    elif qtype == "matching":
        first_with_text = {}
        for pair in data["pairs"]:
            first_with_text.setdefault(pair["right"], pair["id"])  # a shared answer is offered once
        ids = list(first_with_text.values()) + [d["id"] for d in data["distractors"]]
    else:
        return []
    rng.shuffle(ids)
    return ids


def draw_layout(questions: list[tuple[str, int, dict]], size: int | None, rng: random.Random,
                apart: Collection[frozenset[str]] = ()) -> list[dict]:
    """Draw ``size`` questions (all when None) in random order, each with its choice order.

    ``questions`` are (question id, version id, data) for the bank's live questions. ``apart``
    holds pairs of ids never drawn into one attempt (a test's leaking pairs, from
    :func:`app.course.leaks.leak_graph`); with them the draw may hold fewer than ``size`` questions,
    but only when no leak-free set that large exists.
    """
    count = len(questions) if size is None else min(size, len(questions))
    if apart:
        by_id = {question[0]: question for question in questions}
        drawn = [by_id[ident] for ident in leak_free_sample(list(by_id), count, apart, rng)]
    else:
        drawn = rng.sample(questions, count)
    return [{"question": ident, "version_id": version_id, "order": choice_order(data, rng)}
            for ident, version_id, data in drawn]


def opaque_token(key: bytes, scope: str, field: str, kind: str, ident: str) -> str:
    """The stand-in a form shows for a real option, item or pair id: HMAC-SHA256 over
    (scope, field, kind, id) under ``key``, truncated to 12 url-safe characters.

    ``scope`` is the attempt (or review, or API quiz), so the same option has unrelated tokens in
    two attempts; ``field`` is the question's place in it; ``kind`` separates a matching pair's
    left item from its answer, which share one id. Without ``key`` a token says nothing of its id.
    """
    message = json.dumps([scope, field, kind, ident]).encode("utf-8")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode("ascii")


@dataclass(frozen=True)
class AnswerForm:
    """How one question's answer fields appear in a learner's form, and how to read them back.

    ``choices``: (value sent, real id) of each option, ordering item or matching answer, in the
    order shown. ``selects``: (field name, label key) of each ordering place (the key is the place
    number) or matching left item (the key is the pair id). Real ids never reach the form: values
    and matching field names are opaque tokens (:func:`opaque_token`).
    """

    field: str
    choices: tuple[tuple[str, str], ...] = ()
    selects: tuple[tuple[str, str], ...] = ()
    tokens: dict[str, str] = dataclass_field(default_factory=dict)  # real id -> token
    names: dict[str, str] = dataclass_field(default_factory=dict)  # real field name -> name shown

    def part(self, name: str) -> str:
        """What follows the question's field in a select's name: the API's id of a left item."""
        return name.removeprefix(f"{self.field}-")

    def shown_values(self, values: dict[str, list[str]]) -> dict[str, list[str]]:
        """Form values in real ids (from :func:`form_values`) as this form shows them."""
        return {self.names.get(name, name): [self.tokens.get(value, value) for value in sent]
                for name, sent in values.items()}

    def reader(self, get_all: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
        """``get_all`` of the submitted form, answering in real names and ids for :func:`parse_response`.

        A value that is no token of this form is forged (a real id included) and raises ForgedResponse.
        """
        real = {token: ident for ident, token in self.tokens.items()}

        def get_real(name: str) -> list[str]:
            sent = get_all(self.names.get(name, name))
            if not real:  # typed answers and true/false: nothing to translate
                return sent
            unknown = next((value for value in sent if value and value not in real), None)
            if unknown is not None:
                raise ForgedResponse(f"“{unknown[:40]}” is not one of the choices of {self.field}.")
            return [real.get(value, "") for value in sent]
        return get_real


_TOKEN_KIND = {"single_choice": "option", "multiple_response": "option", "ordering": "item", "matching": "right"}


def answer_form(data: dict, field: str, order: list[str], key: bytes, scope: str) -> AnswerForm:
    """The opaque form of one question: ``order`` (from :func:`choice_order`) with token values.

    Matching selects are named by a token of their left item, never by the pair id that is also
    the id of their answer; ordering places keep their numbers, which say nothing of the key.
    """
    kind = _TOKEN_KIND.get(data["type"])
    if kind is None:
        return AnswerForm(field)
    if kind == "option":
        idents = [option["id"] for option in data["options"]]
    elif kind == "item":
        idents = [item["id"] for item in data["items"]]
    else:
        idents = [pair["id"] for pair in data["pairs"]] + [d["id"] for d in data["distractors"]]
    tokens = {ident: opaque_token(key, scope, field, kind, ident) for ident in idents}
    choices = tuple((tokens[ident], ident) for ident in order)
    if kind == "item":
        return AnswerForm(field, choices, tuple((f"{field}-{slot}", str(slot)) for slot in range(len(idents))), tokens)
    if kind == "right":
        names = {f"{field}-{pair['id']}": f"{field}-{opaque_token(key, scope, field, 'left', pair['id'])}" for pair in data["pairs"]}
        selects = tuple((names[f"{field}-{pair['id']}"], pair["id"]) for pair in data["pairs"])
        return AnswerForm(field, choices, selects, tokens, names)
    return AnswerForm(field, choices, (), tokens)


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


def form_values_from_json(data: dict, form: AnswerForm, value: Any) -> dict[str, list[str]]:
    """Form values, as ``form`` shows them, for a response sent as JSON (the API), after checking its JSON type.

    single_choice, short_answer, numeric: a string; multiple_response, ordering: a list of choice ids;
    true_false: a boolean; matching: {left id: right id}; cloze: {blank id: text}. null = no answer.
    Ids are the opaque ones the quiz handed out; the values then go through ``form.reader`` and
    :func:`parse_response`, which refuse ids the question lacks.
    """
    if value is None:
        return {}
    qtype, field = data["type"], form.field
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
        lefts = {form.part(name): name for name, _ in form.selects}
        unknown = next((key for key in value if key not in lefts), None)
        if unknown is not None:
            raise ForgedResponse(f"“{unknown[:40]}” is not one of the left items of {data['id']}.")
        return {name: [value.get(left) or ""] for left, name in lefts.items()}
    if qtype == "cloze":
        value = {blank["id"]: value.get(blank["id"]) for blank in data["blanks"]}
    return form_values(data, field, value)


_JSON_NAMES = {str: "a string", list: "a list", bool: "true or false", dict: "an object"}
