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

Mastery fades. Each card of the lesson (a question the learner has answered that is still live) has a
predicted recall now: FSRS's retrievability under the learner's own parameters. A Mastered lesson whose
cards' **mean** recall is below the learner's **desired retention** (90 % unless they changed it) shows as
**Needs review**. That threshold is the recall the scheduler is told to keep each card at: FSRS brings a
card back just as its recall falls to it, so a lesson averaging below it has, on the whole, reviews
waiting. **Cards to bring it back** is the fewest cards whose review lifts the mean to the threshold
again: the lowest-recall ones first (FSRS puts a card at recall 1 just after any review; a wrong answer
lowers the lesson's accuracy instead, and the card's low new stability soon fades it again), which is the
smallest such set because each review gains 1 minus that card's recall. Once they are reviewed the lesson
is Mastered again. Only Mastered fades: lower levels already say what to do next.

Course mastery rolls lessons up with Khan's points per level (0, 0, 50, 80, 100), averaged. A lesson that
needs review counts Proficient's 80: everything that made it Proficient still holds, it is only the spaced
confirmation that has worn off (as a Khan Academy skill drops from Mastered to Proficient when a later check-up
misses it), and one short review earns the 20 back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.course.scheduling import DEFAULT_RETENTION
from app.course.words import _, N_

LEVELS = ("not_started", "attempted", "familiar", "proficient", "mastered")
NEEDS_REVIEW = "needs_review"  # what a fading Mastered lesson shows; not a rung of LEVELS, its level stays "mastered"
# English names (N_ marks them); :attr:`Mastery.name` gives one in the reader's language.
LEVEL_NAMES = {"not_started": N_("Not started"), "attempted": N_("Attempted"), "familiar": N_("Familiar"),
               "proficient": N_("Proficient"), "mastered": N_("Mastered"), NEEDS_REVIEW: N_("Needs review")}
LEVEL_POINTS = {"not_started": 0, "attempted": 0, "familiar": 50, "proficient": 80, "mastered": 100, NEEDS_REVIEW: 80}
RECALLED = 1.0  # a card's predicted recall just after a review (FSRS: no time elapsed, nothing forgotten)
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
    recall: float | None = None  # mean predicted recall of the lesson's cards now; None when not worked out
    to_review: int = 0  # cards whose review brings a fading Mastered lesson back; 0 when nothing fades

    @property
    def needs_review(self) -> bool:
        return self.to_review > 0

    @property
    def shown(self) -> str:
        """What the badge shows: the level, or "needs_review" for a Mastered lesson that fades."""
        return NEEDS_REVIEW if self.needs_review else self.level

    @property
    def name(self) -> str:
        """The badge's words, in the reader's language."""
        return _(LEVEL_NAMES[self.shown])


def confirmations_needed(bank_size: int) -> int:
    return max(3, math.ceil(0.3 * bank_size))


def lesson_mastery(bank_size: int, retrievals: list[Retrieval], recall: Sequence[float] | None = None,
                   retention: float = DEFAULT_RETENTION) -> Mastery:
    """The level of one lesson from its retrievals (any order) and the size of its bank; given its cards' predicted
    recall now and the learner's desired retention, whether Mastered fades (see :func:`fade`)."""
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
    mastery = Mastery(level, coverage, accuracy, confirmed, needed)
    return mastery if recall is None else fade(mastery, recall, retention)


def fade(mastery: Mastery, recall: Sequence[float], retention: float = DEFAULT_RETENTION) -> Mastery:
    """The mastery with its cards' mean recall and, if it is Mastered and that mean is below ``retention``,
    the number of cards to review to bring it back."""
    if not recall:
        return mastery
    mean = sum(recall) / len(recall)
    return replace(mastery, recall=mean, to_review=cards_to_review(recall, retention) if mastery.level == "mastered" else 0)


def cards_to_review(recall: Sequence[float], threshold: float) -> int:
    """The fewest cards whose review (recall back to 1) lifts the mean recall to ``threshold``: lowest first."""
    target = threshold * len(recall) - 1e-9  # a mean exactly at the threshold is not below it, whatever the rounding
    total, count = sum(recall), 0
    for value in sorted(recall):
        if total >= target:
            break
        total += RECALLED - value
        count += 1
    return count


def _confirmed(history: list[Retrieval]) -> bool:
    return any(
        later.source == "review" and later.score >= 1.0 and later.when - earlier.when >= SPACING
        for earlier, later in zip(history, history[1:])
    )


def course_mastery(levels: list[str]) -> int:
    """Course mastery in percent: Khan's points per lesson level (``Mastery.shown``), averaged over the lessons."""
    if not levels:
        return 0
    return round(sum(LEVEL_POINTS[level] for level in levels) / len(levels))
