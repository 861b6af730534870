"""Drawing quizzes and reading learners' responses: pure functions the quiz views call.

A *layout* fixes an attempt: for each position, the question id, the version id shown, and the
shuffled order of its choices. It is drawn once, stored with the attempt, and never redrawn,
so a reload shows the same quiz. What the learner's form shows of it is an *answer form*:
every option, item and matching value (and matching field name) an opaque per-attempt token.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from typing import Any, Callable

from app.course import qtypes
from app.course.leaks import leak_free_sample
from app.course.qtypes.forms import MAX_TEXT_ANSWER, TOKEN_BYTES, AnswerForm, ForgedResponse, opaque_token

__all__ = ["MAX_TEXT_ANSWER", "TOKEN_BYTES", "AnswerForm", "ForgedResponse", "opaque_token", "choice_order", "draw_layout",
           "answer_form", "parse_response", "form_values", "form_values_from_json"]

def choice_order(data: dict, rng: random.Random) -> list[str]:
    """The shuffled order in which a question's choices are shown (empty for typed answers)."""
    ids = qtypes.of(data).choice_ids(data)
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


def answer_form(data: dict, field: str, order: list[str], key: bytes, scope: str) -> AnswerForm:
    """The opaque form of one question: ``order`` (from :func:`choice_order`) with token values."""
    return qtypes.of(data).answer_form(data, field, order, lambda kind, ident: opaque_token(key, scope, field, kind, ident))


def parse_response(data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
    """Read one question's response from submitted form values; None parts mean unanswered.

    ``field`` is the question's form name (``q3``); multi-part types use ``q3-<part>``.
    ``get_all(name)`` returns every value submitted under a name. Raises ForgedResponse for a
    value the form could not have offered.
    """
    return qtypes.of(data).parse_response(data, field, get_all)


def form_values(data: dict, field: str, response: Any) -> dict[str, list[str]]:
    """The form values that would submit ``response``: the inverse of :func:`parse_response`."""
    return {} if response is None else qtypes.of(data).form_values(data, field, response)


def form_values_from_json(data: dict, form: AnswerForm, value: Any) -> dict[str, list[str]]:
    """Form values, as ``form`` shows them, for a response sent as JSON (the API), after checking its JSON type.

    Each type names its JSON type (``json_type``: a string, a list of choice ids, true/false or an
    object) and null is no answer. Ids are the opaque ones the quiz handed out; the values then go
    through ``form.reader`` and :func:`parse_response`, which refuse ids the question lacks.
    """
    if value is None:
        return {}
    qtype = qtypes.of(data)
    expected = qtype.json_type
    if not isinstance(value, expected) or (expected is str and isinstance(value, bool)):
        raise ForgedResponse(f"The answer to {data['id']} must be {_JSON_NAMES[expected]} for a {qtype.name} question.")
    if expected is list and not all(isinstance(item, str) for item in value):
        raise ForgedResponse(f"The answer to {data['id']} must be a list of ids (strings).")
    if expected is dict and not all(isinstance(key, str) and (item is None or isinstance(item, str) or (
            qtype.json_item_lists and isinstance(item, list) and all(isinstance(one, str) for one in item))) for key, item in value.items()):
        raise ForgedResponse(f"The answer to {data['id']} must map ids to strings"
                             f"{' or lists of strings' if qtype.json_item_lists else ''}.")
    return qtype.json_values(data, form, value)


_JSON_NAMES = {str: "a string", list: "a list", bool: "true or false", dict: "an object"}
