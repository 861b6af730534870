"""Daily goal and streak: which local days count as study days, and how long the current run is. Pure.

A **study day** is a calendar day, in the learner's own zone, with at least one question answered (a test
answer, a practice question's first try, a review, an essay graded) or at least ``READING_MINUTES`` of
reading. The **streak** is the run of study days ending today; while today has nothing in it yet the run
ending yesterday still stands, so a streak never reads as lost before the day is over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

READING_MINUTES = 5


@dataclass(frozen=True)
class DayProgress:
    """Today's answers against the daily goal, and the streak (each only when the learner opted in)."""

    answered_today: int
    goal: int | None  # questions a day; None when the learner set no goal
    streak: int | None  # days; None when the learner keeps streaks hidden

    @property
    def goal_met(self) -> bool:
        return self.goal is not None and self.answered_today >= self.goal


def study_days(answers_per_day: dict[date, int], reading_seconds_per_day: dict[date, int]) -> set[date]:
    """The days that count: one answer, or enough reading."""
    return ({day for day, count in answers_per_day.items() if count > 0}
            | {day for day, seconds in reading_seconds_per_day.items() if seconds >= READING_MINUTES * 60})


def current_streak(days: set[date], today: date) -> int:
    """Consecutive study days ending today, or ending yesterday while today is still empty."""
    day = today if today in days else today - timedelta(days=1)
    run = 0
    while day in days:
        run += 1
        day -= timedelta(days=1)
    return run
