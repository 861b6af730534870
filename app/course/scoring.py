"""Scoring: how each question type turns a learner's response into a mark between 0 and 1.

Pure module. Every function takes a question's canonical data (see ``bank.py``) and a response
already parsed from the form (see ``responses.py``). The rules, also written in
``quizzes/README.md``:

- single_choice, true_false: 1 for the keyed answer, else 0.
- multiple_response: with k correct options, each correct pick earns 1/k and each wrong pick
  costs 1/k; the mark never falls below 0. Picking everything therefore never earns full marks.
- short_answer: the response is read as a marker reads it (``answers.py``: case, accents,
  punctuation, leading filler, plural, other spellings of names, both forms of an answer, words of
  the prompt said again, one typo in a long answer) and compared with the known wrong answers
  first, then the accepted ones; the best credit counts.
- numeric: the number, read with the course's scale words, measures and currencies
  (``answers.py``), is compared with the known wrong answers, then the other answers, then the
  answer: the first within the tolerance gives its credit.
- ordering: with n items, each adjacent pair the learner places in the key's order (item i
  directly followed by item i+1) earns 1/(n-1).
- matching: each left-hand item matched to its right-hand answer earns 1/(number of pairs);
  left items may share a right-hand answer.
- cloze: each blank filled with an accepted answer (read as for short answer, its known wrong
  answers first) earns 1/(number of blanks).

Practice mode (Moodle's "interactive with multiple tries"): a learner may Check up to
``PRACTICE_MAX_TRIES`` times; every try that is not fully right costs ``PRACTICE_PENALTY`` of the
marks available to later tries, and the question keeps its best penalised try.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from dataclasses import dataclass, field
from typing import Any

from app.course.answers import Answer, NumberFrame, match_text, read_number, same_number, seen_words, shown_number

_BLANKS = re.compile(r"\[\[[^\]]*\]\]")  # a cloze's blanks: their ids are never shown to the learner

PRACTICE_PENALTY = 1 / 3
PRACTICE_MAX_TRIES = 3

@dataclass(frozen=True)
class Outcome:
    """A scored response: ``score`` in [0, 1], a status for display, and which parts were right."""

    score: float
    status: str  # "correct", "partial", "wrong" or "unanswered"
    parts: dict[str, bool] = field(default_factory=dict)
    note: str = ""
    matched: str | None = None  # the answer (accepted or known wrong) that matched, for its feedback
    blanks: dict[str, str] = field(default_factory=dict)  # cloze: blank id -> the answer it matched


def _outcome(score: float, answered: bool, parts: dict[str, bool] | None = None, note: str = "",
             matched: str | None = None, blanks: dict[str, str] | None = None) -> Outcome:
    score = min(1.0, max(0.0, score))
    if not answered:
        status = "unanswered"
    elif math.isclose(score, 1.0):
        status, score = "correct", 1.0
    elif score > 0:
        status = "partial"
    else:
        status = "wrong"
    return Outcome(score, status, parts or {}, note, matched, blanks or {})


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


def _text_answers(accepted: list[dict], wrong: list[dict]) -> list[Answer]:
    return ([Answer(w["text"], 0.0, w.get("feedback")) for w in wrong]
            + [Answer(a["text"], a["credit"], a.get("feedback")) for a in accepted])


def score_short_answer(data: dict, response: str | None) -> Outcome:
    if not (response or "").strip():
        return _outcome(0.0, False)
    found = match_text(response, _text_answers(data["answers"], data.get("wrong_answers", [])), data.get("spelling", "lenient"),
                       seen=seen_words(data.get("prompt", "")))
    return _outcome(found.credit, True, note=found.note, matched=found.matched)


def number_frame(data: dict) -> NumberFrame:
    """What a numeric question tells the number reader."""
    return NumberFrame(data.get("unit") or "", data.get("units", {}), data.get("prompt", ""))


def score_numeric(data: dict, response: str | None) -> Outcome:
    if not (response or "").strip():
        return _outcome(0.0, False)
    frame = number_frame(data)
    reading = read_number(response, frame)
    if reading.problem:
        return _outcome(0.0, True, note=reading.problem)
    tolerance = data["tolerance"]
    targets = [(w, 0.0) for w in data.get("wrong_answers", [])] + [(o, o["credit"]) for o in data.get("other_answers", [])]
    for value, assumed in reading.values:
        read_as = f"Read as {shown_number(value)} {assumed}, the question's unit." if assumed else ""
        for target, credit in targets:
            known = read_number(target["text"], frame).values
            if known and same_number(value, known[0][0], tolerance):
                return _outcome(credit, True, note=read_as, matched=target["text"])
        if same_number(value, data["answer"], tolerance):
            return _outcome(1.0, True, note=read_as)
    value, assumed = reading.values[0]
    note = ""
    if assumed and len(reading.values) > 1:  # a bare number in a question with a scale (million)
        note = (f"Read as {shown_number(value)} {assumed}, the question's unit; if you meant another scale, "
                "write it (thousand, lakh, crore, billion…).")
    return _outcome(0.0, True, note=note)


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
    parts, notes, matched = {}, [], {}
    seen = seen_words(f"{data.get('prompt', '')}\n{_BLANKS.sub(' ', data.get('text', ''))}")
    for number, blank in enumerate(data["blanks"], start=1):
        given = response.get(blank["id"]) or ""
        if not given.strip():
            parts[blank["id"]] = False
            continue
        answers = _text_answers([{"text": text, "credit": 1.0} for text in blank["accept"]], blank.get("wrong_answers", []))
        found = match_text(given, answers, data.get("spelling", "lenient"), seen=seen)
        parts[blank["id"]] = found.credit == 1.0
        if found.note:
            notes.append(f"Blank {number}: {found.note}")
        if found.matched:
            matched[blank["id"]] = found.matched
    answered = any((value or "").strip() for value in response.values())
    return _outcome(sum(parts.values()) / len(parts), answered, parts, " ".join(notes), blanks=matched)


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
        return format(Decimal(repr(data["answer"])), "f")  # never "1e-05", which reads as two numbers
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
