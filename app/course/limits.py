"""How much one author's input may hold, and how long one request may work on it (audit F-06).

Pure module. Every parser and renderer here is linear, but a request must also end: the caps keep
each step (one field, one passage, one question) short, and a :class:`Budget` checked between steps
stops an import or a preview that has run too long. Gunicorn's threaded workers cannot interrupt a
thread, so the work itself asks the budget; a signal-based timeout would not work there.
"""

from __future__ import annotations

import re
import time
from typing import Callable

MAX_FIELD_CHARS = 20_000  # any one text of a question: prompt, explanation, option, feedback, answer
MAX_LESSON_CHARS = 100_000  # a whole lesson file, front matter included (the longest shipped is 25,000)
# Lesson text between two blank lines (the longest shipped is 3,300): Python-Markdown's inline work on
# one passage grows faster than its length (its elements are re-listed for each one it inserts).
MAX_PASSAGE_CHARS = 10_000
MAX_QUESTIONS_PER_FILE = 1_000  # one GIFT or Moodle XML import
MAX_QUESTIONS_PER_LESSON = 2_000  # every question of a lesson, shipped and authored
# Options, items, pairs, blanks, accepted answers or tags of one question (the shipped longest: 17). Each is rendered,
# drawn, exported and read back one by one, so ten thousand of them cost an import, a preview or an export minutes.
MAX_LIST_ITEMS = 100
MAX_TAG_CHARS = 200  # a Moodle category path becomes one tag (``History/Trade/2015``)
# Lists and quotes inside each other: Python-Markdown parses each level by recursion, and a few hundred
# levels (2 KB of "- ") exhaust Python's stack. No honest text nests more than a handful.
MAX_NESTING = 16

# One container opening at the start of a line: a quote marker, a bullet or a numbered item.
_CONTAINER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))")


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


def nesting_depth(line: str) -> int:
    """How many lists and quotes a line opens or sits in: one per marker at its start (``- - 1. > x``)
    and one per four columns of its indentation (a tab counts four), as Markdown nests blocks."""
    indent = len(line[:len(line) - len(line.lstrip(" \t"))].expandtabs(4))
    depth = position = 0
    while match := _CONTAINER.match(line, position):
        depth, position = depth + 1, match.end()
    return depth + indent // 4


def too_deep(text: str, limit: int = MAX_NESTING) -> str | None:
    """A message when some line of ``text`` nests lists or quotes over ``limit`` levels, else None."""
    deepest = max((nesting_depth(line) for line in text.splitlines()), default=0)
    if deepest <= limit:
        return None
    return f"nests lists or quotes {deepest} levels deep; the most it may is {limit}"


def oversized(text: str, limit: int) -> str | None:
    """Why one authored text is too big to render safely (too long, or nested too deep), else None."""
    return too_long(text, limit) or too_deep(text)
