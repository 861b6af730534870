"""Grades for class assignments: the grading methods and when answers may be reviewed. Pure."""

from __future__ import annotations

from datetime import datetime

GRACE_SECONDS = 30  # a submit this late after a time limit still counts (network, slow clicks)


def grade(method: str, percents: list[float]) -> float | None:
    """A student's grade for an assignment from their submitted attempts' percentages, oldest first.

    highest: the best attempt; average: the mean of all; first: the first; last: the latest.
    None when nothing has been submitted.
    """
    if not percents:
        return None
    if method == "highest":
        return max(percents)
    if method == "average":
        return sum(percents) / len(percents)
    if method == "first":
        return percents[0]
    if method == "last":
        return percents[-1]
    raise ValueError(f"unknown grading method {method!r}")


def may_review(option: str, due_at: datetime | None, now: datetime) -> bool:
    """Whether a student may see the answer key and explanations of a submitted assignment attempt."""
    if option == "immediately":
        return True
    if option == "after_due":
        return due_at is not None and now >= due_at
    return False


def is_late(deadline: datetime | None, now: datetime) -> bool:
    """True once a timed attempt is past its deadline and the grace period."""
    return deadline is not None and (now - deadline).total_seconds() > GRACE_SECONDS
