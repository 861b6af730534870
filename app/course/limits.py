"""How much one author's input may hold, and how long one request may work on it (audit F-06).

Pure module. Every parser and renderer here is linear, but a request must also end: the caps keep
each step (one field, one passage, one question) short, and a :class:`Budget` checked between steps
stops an import or a preview that has run too long. Gunicorn's threaded workers cannot interrupt a
thread, so the work itself asks the budget; a signal-based timeout would not work there.
"""

from __future__ import annotations

import time
from typing import Callable

MAX_FIELD_CHARS = 20_000  # any one text of a question: prompt, explanation, option, feedback, answer
MAX_LESSON_CHARS = 100_000  # a whole lesson file, front matter included (the longest shipped is 25,000)
# Lesson text between two blank lines (the longest shipped is 3,300): Python-Markdown's inline work on
# one passage grows faster than its length (its elements are re-listed for each one it inserts).
MAX_PASSAGE_CHARS = 10_000
MAX_QUESTIONS_PER_FILE = 1_000  # one GIFT or Moodle XML import
MAX_QUESTIONS_PER_LESSON = 2_000  # every question of a lesson, shipped and authored


class OverBudget(Exception):
    """The work ran past its time budget; whatever it built must be thrown away."""


class Budget:
    """A wall-clock allowance for one piece of work, asked between its steps."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.ends = clock() + seconds

    def check(self) -> None:
        """Raise :class:`OverBudget` once the allowance is spent (a budget of 0 is spent at once)."""
        if self.clock() >= self.ends:
            raise OverBudget(f"this took longer than the {self.seconds:g} seconds one request may take")


UNLIMITED = Budget(float("inf"))


def too_long(text: str, limit: int) -> str | None:
    """A message when ``text`` is over ``limit`` characters, else None."""
    if len(text) <= limit:
        return None
    return f"is {len(text):,} characters; the most it may hold is {limit:,}"
