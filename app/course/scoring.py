"""Scoring: how a learner's response becomes a mark between 0 and 1, by the rule of its question's type.

Pure module. Each type's package (``app/course/qtypes/<type>/``) holds its rule; this module asks
the registry. Each rule is written in its type's docstring and in ``quizzes/README.md``.

Practice mode (Moodle's "interactive with multiple tries"): a learner may Check up to
``PRACTICE_MAX_TRIES`` times; every try that is not fully right costs ``PRACTICE_PENALTY`` of the
marks available to later tries, and the question keeps its best penalised try.
"""

from __future__ import annotations

from typing import Any

from app.course import qtypes
from app.course.qtypes.base import Outcome, outcome

__all__ = ["Outcome", "outcome", "score", "key_response", "practice_mark", "PRACTICE_PENALTY", "PRACTICE_MAX_TRIES"]

PRACTICE_PENALTY = 1 / 3
PRACTICE_MAX_TRIES = 3


def score(data: dict, response: Any) -> Outcome:
    """Score ``response`` to the question ``data`` by the rule of its type."""
    return qtypes.of(data).score(data, response)


def key_response(data: dict) -> Any:
    """The response the answer key gives: it scores full marks."""
    return qtypes.of(data).key_response(data)


def practice_mark(try_scores: list[float]) -> float:
    """Mark for a practice question: the best try after penalties for the tries before it.

    Try i (counting from 0) is worth ``score_i - i * PRACTICE_PENALTY``, never below 0. Only the
    first ``PRACTICE_MAX_TRIES`` tries count.
    """
    tries = try_scores[:PRACTICE_MAX_TRIES]
    return max((max(0.0, value - index * PRACTICE_PENALTY) for index, value in enumerate(tries)), default=0.0)
