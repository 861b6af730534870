"""The gradebook's arithmetic: each student's grade per assignment in points and percent, lateness, class
averages, sorting and filtering. Pure: plain data in, plain data out.

A grade follows the assignment's grading method over the student's submitted attempts, exactly as
``grading.grade`` does on percentages; its points are that percentage of the points the counted attempt was
out of, so "7.5 / 10" and "75 %" always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.course.grading import GRACE_SECONDS, grade


@dataclass(frozen=True)
class Sitting:
    """One attempt as the gradebook sees it (every moment an aware UTC datetime)."""

    public_id: str
    number: int
    score: float | None
    max_score: float
    started_at: datetime
    submitted_at: datetime | None
    deadline: datetime | None = None
    to_grade: int = 0  # essays in it still waiting for a person's grade

    @property
    def percent(self) -> float:
        return 100 * (self.score or 0.0) / self.max_score if self.max_score else 0.0

    @property
    def handed_in(self) -> datetime | None:
        """When the work stopped: an attempt closed after its deadline counts what was saved by the deadline."""
        if self.submitted_at is None:
            return None
        return min(self.submitted_at, self.deadline) if self.deadline else self.submitted_at


@dataclass(frozen=True)
class Cell:
    """One student's standing on one assignment."""

    points: float | None
    max_points: float | None
    percent: float | None
    counted: Sitting | None  # the attempt the grade links to (for "average", the latest)
    submitted: tuple[Sitting, ...] = ()
    in_progress: int = 0
    attempt_limit: int | None = None
    late: tuple[int, ...] = ()  # the numbers of the attempts handed in after the student's own due date
    override: tuple[str, ...] = ()  # the override in words, empty without one

    @property
    def used(self) -> int:
        return len(self.submitted) + self.in_progress

    @property
    def to_grade(self) -> int:
        return sum(sitting.to_grade for sitting in self.submitted)


@dataclass
class Row:
    """A student's line: their name, group and a cell per assignment id."""

    user_id: int
    name: str
    group: str = ""
    cells: dict[int, Cell] = field(default_factory=dict)


def is_late(sitting: Sitting, due_at: datetime | None) -> bool:
    """Handed in after the student's own due date (with the same grace a time limit allows)."""
    moment = sitting.handed_in
    return due_at is not None and moment is not None and (moment - due_at).total_seconds() > GRACE_SECONDS


def counted(method: str, submitted: list[Sitting]) -> tuple[float, float, float, Sitting] | None:
    """(points, out of, percent, attempt to show) by the grading method, or None before any submission."""
    if not submitted:
        return None
    percent = grade(method, [sitting.percent for sitting in submitted])
    if method == "highest":
        shown = max(submitted, key=lambda sitting: sitting.percent)  # the first of equals, as max() keeps it
    elif method == "first":
        shown = submitted[0]
    else:
        shown = submitted[-1]
    out_of = sum(s.max_score for s in submitted) / len(submitted) if method == "average" else shown.max_score
    return percent * out_of / 100, out_of, percent, shown


def make_cell(method: str, sittings: list[Sitting], due_at: datetime | None = None, attempt_limit: int | None = None,
              override: tuple[str, ...] = ()) -> Cell:
    """A cell from a student's attempts, oldest first (submitted or not) and their own rules."""
    submitted = [s for s in sittings if s.submitted_at is not None]
    result = counted(method, submitted)
    points, out_of, percent, shown = result if result else (None, None, None, None)
    return Cell(points, out_of, percent, shown, tuple(submitted), len(sittings) - len(submitted), attempt_limit,
                tuple(s.number for s in submitted if is_late(s, due_at)), override)


@dataclass(frozen=True)
class Average:
    """A class average over the students with a grade."""

    points: float | None
    max_points: float | None
    percent: float | None
    graded: int
    of: int


def class_average(cells: list[Cell | None]) -> Average:
    """The mean points, out-of and percent of the cells with a grade; ``of`` counts every student."""
    graded = [cell for cell in cells if cell is not None and cell.percent is not None]
    if not graded:
        return Average(None, None, None, 0, len(cells))
    n = len(graded)
    return Average(sum(c.points for c in graded) / n, sum(c.max_points for c in graded) / n,
                   sum(c.percent for c in graded) / n, n, len(cells))


def sort_rows(rows: list[Row], column: str, descending: bool = False) -> list[Row]:
    """Rows by "student", "group" or an assignment's id as text; students without a grade (or a group) stay last
    either way, then go by name, so a sorted list never starts with blanks."""
    def by_name(row: Row) -> str:
        return row.name.casefold()

    ordered = sorted(rows, key=by_name)
    if column == "student":
        return list(reversed(ordered)) if descending else ordered
    if column == "group":
        present = [row for row in ordered if row.group]
        present.sort(key=lambda row: row.group.casefold(), reverse=descending)
        return present + [row for row in ordered if not row.group]
    assignment_id = int(column)

    def percent(row: Row) -> float | None:
        cell = row.cells.get(assignment_id)
        return cell.percent if cell else None

    present = [row for row in ordered if percent(row) is not None]
    present.sort(key=percent, reverse=descending)
    return present + [row for row in ordered if percent(row) is None]


def matches(row: Row, words: str) -> bool:
    """Whether a row's name or group holds ``words`` (any case); blank words match everyone."""
    needle = words.strip().casefold()
    return not needle or needle in row.name.casefold() or needle in row.group.casefold()


def number_text(value: float) -> str:
    """A number as a person writes it: 7.5, 10, 6.67 (at most two decimals, no trailing zeros)."""
    return f"{round(value, 2):g}"


def percent_text(value: float) -> str:
    """A percentage to one decimal, as the exports hold it: "37.5 %", "100 %"."""
    return f"{round(value, 1):g} %"
