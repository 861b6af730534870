"""Geometry for the dashboard's server-rendered SVG charts. Pure: numbers in, shapes out.

Templates draw the shapes and give every chart a title, a description and a table of the same
numbers, so nothing depends on JavaScript or on seeing the picture. Each chart's viewBox is about
the size it is shown at, so its text is never scaled down to a few pixels on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

CELL = 12  # heatmap square, px
GAP = 2


@dataclass(frozen=True)
class HeatCell:
    day: date
    count: int
    level: int  # 0 (none) to 4 (busiest quarter)
    x: int
    y: int

    @property
    def label(self) -> str:
        return f"{self.day:%a %d %b %Y}: {self.count}"


def heatmap(counts: dict[date, int], end: date, weeks: int = 20) -> dict:
    """A GitHub-style calendar: one column per week (Monday on top), ``weeks`` columns ending at ``end``."""
    start = end - timedelta(days=end.weekday()) - timedelta(weeks=weeks - 1)
    busiest = max(counts.values(), default=0)
    cells, months = [], []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        count = counts.get(day, 0)
        level = 0 if count == 0 or busiest == 0 else min(4, 1 + (4 * (count - 1)) // busiest)
        column = offset // 7
        cells.append(HeatCell(day, count, level, 30 + column * (CELL + GAP), 16 + day.weekday() * (CELL + GAP)))
        if day.day == 1 or (offset == 0 and day.day <= 14):  # a month begun late gets no label: it would run into the next
            months.append({"x": 30 + column * (CELL + GAP), "label": day.strftime("%b")})
    return {"cells": cells, "months": months, "width": 30 + weeks * (CELL + GAP) + 4,
            "height": 16 + 7 * (CELL + GAP) + 4, "total": sum(counts.values()), "active_days": sum(1 for c in counts.values() if c)}


@dataclass(frozen=True)
class ScorePoint:
    x: float
    y: float
    percent: int
    label: str  # the date, as the learner reads it
    kind: str  # "test" or "practice"


def lesson_sparkline(points: list[tuple[str, float, str]], width: int = 300, height: int = 96) -> dict:
    """One lesson's finished scores (date label, percent, kind), oldest first, as a small line with each point labelled.

    Drawn at about the size it is shown (a narrow viewBox), so its labels stay readable on a phone; the first
    and last dates sit under the line, the rest are in the table beside it.
    """
    left, right, top, bottom = 14, 14, 20, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(points) - 1)
    shapes = [ScorePoint(round(left + (index * step if len(points) > 1 else plot_w / 2), 1),
                         round(top + plot_h * (1 - percent / 100), 1), round(percent), label, kind)
              for index, (label, percent, kind) in enumerate(points)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(shapes))
    return {"points": shapes, "path": path, "width": width, "height": height, "left": left, "right": width - right,
            "top": top, "base": top + plot_h, "date_y": height - 6}
