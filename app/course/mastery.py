"""Mastery: how well a learner knows a lesson, in Khan Academy's spirit, by our written rules.

Pure module. The evidence is every scored retrieval of the lesson's questions (test answers,
the first try of a practice question, spaced reviews), oldest first.

For a lesson whose bank has ``n`` questions:

- **coverage** is the share of the bank's questions the learner has answered at least once;
- **accuracy** is the mean of the *latest* score of each answered question, so a later miss
  pulls the level down at once (levels fall as well as rise);
- a question is **confirmed** when a spaced review (source ``review``) scored it fully right at
  least one day after the retrieval before it.

Levels, each requiring the one before:

- **Not started**: no answer yet.
- **Attempted**: at least one answer.
- **Familiar**: coverage ≥ 50 % and accuracy ≥ 70 %.
- **Proficient**: coverage ≥ 80 % and accuracy ≥ 90 %. One lucky 10-question test covers about
  half of an 18-question bank, so it cannot make a learner Proficient on its own.
- **Mastered**: Proficient, and at least max(3, 30 % of the bank) questions confirmed in spaced
  review.

Course mastery rolls lessons up with Khan's points per level (0, 0, 50, 80, 100), averaged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

LEVELS = ("not_started", "attempted", "familiar", "proficient", "mastered")
LEVEL_NAMES = {"not_started": "Not started", "attempted": "Attempted", "familiar": "Familiar",
               "proficient": "Proficient", "mastered": "Mastered"}
LEVEL_POINTS = {"not_started": 0, "attempted": 0, "familiar": 50, "proficient": 80, "mastered": 100}
FAMILIAR = (0.5, 0.7)
PROFICIENT = (0.8, 0.9)
SPACING = timedelta(days=1)


@dataclass(frozen=True)
class Retrieval:
    question_id: str
    when: datetime
    score: float
    source: str  # "test", "practice", "review" or "self-grade" (an essay graded by its writer)


@dataclass(frozen=True)
class Mastery:
    level: str
    coverage: float
    accuracy: float
    confirmed: int
    confirmations_needed: int

    @property
    def name(self) -> str:
        return LEVEL_NAMES[self.level]


def confirmations_needed(bank_size: int) -> int:
    return max(3, math.ceil(0.3 * bank_size))


def lesson_mastery(bank_size: int, retrievals: list[Retrieval]) -> Mastery:
    """The level of one lesson from its retrievals (any order) and the size of its bank."""
    needed = confirmations_needed(bank_size)
    by_question: dict[str, list[Retrieval]] = {}
    for item in sorted(retrievals, key=lambda r: r.when):
        by_question.setdefault(item.question_id, []).append(item)
    if not by_question or bank_size <= 0:
        return Mastery("not_started", 0.0, 0.0, 0, needed)
    coverage = min(1.0, len(by_question) / bank_size)
    accuracy = sum(history[-1].score for history in by_question.values()) / len(by_question)
    confirmed = sum(1 for history in by_question.values() if _confirmed(history))
    level = "attempted"
    if coverage >= FAMILIAR[0] and accuracy >= FAMILIAR[1]:
        level = "familiar"
    if coverage >= PROFICIENT[0] and accuracy >= PROFICIENT[1]:
        level = "proficient"
        if confirmed >= needed:
            level = "mastered"
    return Mastery(level, coverage, accuracy, confirmed, needed)


def _confirmed(history: list[Retrieval]) -> bool:
    return any(
        later.source == "review" and later.score >= 1.0 and later.when - earlier.when >= SPACING
        for earlier, later in zip(history, history[1:])
    )


def course_mastery(levels: list[str]) -> int:
    """Course mastery in percent: Khan's points per lesson level, averaged over the lessons."""
    if not levels:
        return 0
    return round(sum(LEVEL_POINTS[level] for level in levels) / len(levels))
