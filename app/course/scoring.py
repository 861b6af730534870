"""Scoring: how each question type turns a learner's response into a mark between 0 and 1.

Pure module. Every function takes a question's canonical data (see ``bank.py``) and a response
already parsed from the form (see ``responses.py``). The rules, also written in
``quizzes/README.md``:

- single_choice, true_false: 1 for the keyed answer, else 0.
- multiple_response: with k correct options, each correct pick earns 1/k and each wrong pick
  costs 1/k; the mark never falls below 0. Picking everything therefore never earns full marks.
- short_answer: the response is compared with each accepted answer after normalising both
  (case, accents, punctuation and spacing ignored); the best matching answer's credit counts.
- numeric: the number (with an optional unit the question accepts, converted by its multiplier)
  must lie within the tolerance of the answer: 1 or 0.
- ordering: with n items, each adjacent pair the learner places in the key's order (item i
  directly followed by item i+1) earns 1/(n-1).
- matching: each left-hand item matched to its right-hand answer earns 1/(number of pairs);
  left items may share a right-hand answer.
- cloze: each blank filled with an accepted answer (normalised as for short answer) earns
  1/(number of blanks).

Practice mode (Moodle's "interactive with multiple tries"): a learner may Check up to
``PRACTICE_MAX_TRIES`` times; every try that is not fully right costs ``PRACTICE_PENALTY`` of the
marks available to later tries, and the question keeps its best penalised try.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

PRACTICE_PENALTY = 1 / 3
PRACTICE_MAX_TRIES = 3

_NUMBER = re.compile(r"^\s*(?:us\s*\$|\$|rs\.?|pkr|inr)?\s*([-+]?(?:\d[\d,]*\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(.*?)\s*$", re.I)


@dataclass(frozen=True)
class Outcome:
    """A scored response: ``score`` in [0, 1], a status for display, and which parts were right."""

    score: float
    status: str  # "correct", "partial", "wrong" or "unanswered"
    parts: dict[str, bool] = field(default_factory=dict)
    note: str = ""
    matched: str | None = None  # the accepted short answer that matched, for its feedback


def _outcome(score: float, answered: bool, parts: dict[str, bool] | None = None, note: str = "",
             matched: str | None = None) -> Outcome:
    score = min(1.0, max(0.0, score))
    if not answered:
        status = "unanswered"
    elif math.isclose(score, 1.0):
        status, score = "correct", 1.0
    elif score > 0:
        status = "partial"
    else:
        status = "wrong"
    return Outcome(score, status, parts or {}, note, matched)


def normalise_text(text: str) -> str:
    """Fold case and accents and drop everything but letters and digits: 'A. B. Vajpayee' -> 'abvajpayee'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in plain.casefold() if ch.isalnum())


def parse_number(text: str) -> tuple[float, str] | None:
    """Read '$2,180 million', '2.18 bn', '84' as (number, unit text); None when no number leads."""
    match = _NUMBER.match(text or "")
    if not match:
        return None
    digits = match.group(1).replace(",", "")
    try:
        value = float(digits)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return value, match.group(2).strip().rstrip(".").lower()


def score_single_choice(data: dict, response: str | None) -> Outcome:
    return _outcome(1.0 if response == data["answer"] else 0.0, response is not None)


def score_multiple_response(data: dict, response: list[str] | None) -> Outcome:
    picks = set(response or [])
    key = set(data["answer"])
    right, wrong = len(picks & key), len(picks - key)
    parts = {option["id"]: (option["id"] in picks) == (option["id"] in key) for option in data["options"]}
    return _outcome((right - wrong) / len(key), bool(picks), parts)


def score_true_false(data: dict, response: bool | None) -> Outcome:
    return _outcome(1.0 if response is data["answer"] else 0.0, response is not None)


def score_short_answer(data: dict, response: str | None) -> Outcome:
    given = normalise_text(response or "")
    best, matched = 0.0, None
    for answer in data["answers"]:
        if given and normalise_text(answer["text"]) == given and answer["credit"] > best:
            best, matched = answer["credit"], answer["text"]
    return _outcome(best, bool(given), matched=matched)


def score_numeric(data: dict, response: str | None) -> Outcome:
    if not (response or "").strip():
        return _outcome(0.0, False)
    parsed = parse_number(response)
    if parsed is None:
        return _outcome(0.0, True, note="That is not a number.")
    value, unit = parsed
    if unit:
        units = {**data.get("units", {})}
        if data.get("unit"):
            units.setdefault(data["unit"].lower(), 1.0)
        if unit not in units:
            known = ", ".join(sorted(units)) or "none"
            return _outcome(0.0, True, note=f"The unit “{unit}” is not one this question accepts (accepted: {known}).")
        value *= units[unit]
    margin = data["tolerance"] + 1e-9 * max(1.0, abs(data["answer"]))
    return _outcome(1.0 if abs(value - data["answer"]) <= margin else 0.0, True)


def score_ordering(data: dict, response: list[str | None] | None) -> Outcome:
    key = [item["id"] for item in data["items"]]
    rank = {ident: index for index, ident in enumerate(key)}
    placed: list[str | None] = []
    for ident in response or []:
        placed.append(ident if ident in rank and ident not in placed else None)
    pairs = {}
    for index in range(len(key) - 1):
        first = placed[index] if index < len(placed) else None
        second = placed[index + 1] if index + 1 < len(placed) else None
        pairs[str(index)] = first is not None and second is not None and rank[second] == rank[first] + 1
    return _outcome(sum(pairs.values()) / (len(key) - 1), any(placed), pairs)


def score_matching(data: dict, response: dict[str, str | None] | None) -> Outcome:
    response = response or {}
    texts = {pair["id"]: pair["right"] for pair in data["pairs"]} | {d["id"]: d["text"] for d in data["distractors"]}
    # Several left items may share one right-hand answer (as in Moodle): the text is what counts.
    parts = {pair["id"]: texts.get(response.get(pair["id"])) == pair["right"] for pair in data["pairs"]}
    return _outcome(sum(parts.values()) / len(parts), any(response.values()), parts)


def score_cloze(data: dict, response: dict[str, str] | None) -> Outcome:
    response = response or {}
    parts = {}
    for blank in data["blanks"]:
        given = normalise_text(response.get(blank["id"]) or "")
        parts[blank["id"]] = bool(given) and any(normalise_text(a) == given for a in blank["accept"])
    answered = any((value or "").strip() for value in response.values())
    return _outcome(sum(parts.values()) / len(parts), answered, parts)


SCORERS = {
    "single_choice": score_single_choice,
    "multiple_response": score_multiple_response,
    "true_false": score_true_false,
    "short_answer": score_short_answer,
    "numeric": score_numeric,
    "ordering": score_ordering,
    "matching": score_matching,
    "cloze": score_cloze,
}


def score(data: dict, response: Any) -> Outcome:
    """Score ``response`` to the question ``data`` by the rule of its type."""
    return SCORERS[data["type"]](data, response)


def key_response(data: dict) -> Any:
    """The response the answer key gives: it scores full marks."""
    qtype = data["type"]
    if qtype in ("single_choice", "true_false"):
        return data["answer"]
    if qtype == "multiple_response":
        return list(data["answer"])
    if qtype == "short_answer":
        return next(a["text"] for a in data["answers"] if a["credit"] == 1.0)
    if qtype == "numeric":
        return repr(data["answer"])
    if qtype == "ordering":
        return [item["id"] for item in data["items"]]
    if qtype == "matching":
        return {pair["id"]: pair["id"] for pair in data["pairs"]}
    return {blank["id"]: blank["accept"][0] for blank in data["blanks"]}


def practice_mark(try_scores: list[float]) -> float:
    """Mark for a practice question: the best try after penalties for the tries before it.

    Try i (counting from 0) is worth ``score_i - i * PRACTICE_PENALTY``, never below 0. Only the
    first ``PRACTICE_MAX_TRIES`` tries count.
    """
    tries = try_scores[:PRACTICE_MAX_TRIES]
    return max((max(0.0, value - index * PRACTICE_PENALTY) for index, value in enumerate(tries)), default=0.0)
