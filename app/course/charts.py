"""Geometry for the dashboard's server-rendered SVG charts. Pure: numbers in, shapes out.

Templates draw the shapes and give every chart a title, a description and a table of the same
numbers, so nothing depends on JavaScript or on seeing the picture. Each chart's viewBox is about
the size it is shown at, so its text is never scaled down to a few pixels on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.course.words import _

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
            months.append({"x": 30 + column * (CELL + GAP), "day": day, "label": day.strftime("%b")})
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


ITEM_FACILITY_X, ITEM_DISCRIMINATION_X, ITEM_PANEL = 34, 206, 150  # two panels of a 364-wide viewBox
ITEM_TOP, ITEM_ROW = 36, 22


@dataclass(frozen=True)
class ItemRow:
    """One question's row of the item-analysis chart: its label, bar and marker, as the template draws them."""

    label: str  # "Q3": the same number as the table's row
    name: str  # the question's id, for the tooltip
    y: float
    facility: int | None  # per cent; None when nobody answered
    bar_width: float | None  # facility bar from ITEM_FACILITY_X
    facility_settled: bool
    discrimination: float | None  # None when it could not be computed (no spread, or under 2 answers)
    marker_x: float | None
    discrimination_settled: bool

    @property
    def negative(self) -> bool:
        """Weaker students did better on it: drawn as a diamond, not a dot."""
        return self.discrimination is not None and self.discrimination < 0


def _facility_x(share: float) -> float:
    """Where a facility share sits on its panel."""
    return round(ITEM_FACILITY_X + ITEM_PANEL * share, 1)


def _discrimination_x(value: float) -> float:
    """Where a discrimination index (−1 to 1) sits on its panel."""
    return round(ITEM_DISCRIMINATION_X + ITEM_PANEL * (value + 1) / 2, 1)


def item_chart(items: list, too_hard: float, too_easy: float, weak: float) -> dict:
    """Facility and discrimination per question, side by side on their own scales (0–100 % and −1 to 1).

    ``items`` are ``statistics.ItemStats``. Two panels, not one shared axis, so a negative discrimination
    never runs into the labels; rows are numbered Q1… like the table, so the chart stays narrow enough to
    read on a phone. The dashed lines are the thresholds a question is flagged at.
    """
    rows = [ItemRow(_("Q%(num)s", num=index), item.item, ITEM_TOP + ITEM_ROW * (index - 1),
                    None if item.facility is None else round(100 * item.facility),
                    None if item.facility is None else max(1.0, round(ITEM_PANEL * item.facility, 1)), item.facility_settled,
                    item.discrimination, None if item.discrimination is None else _discrimination_x(item.discrimination),
                    item.discrimination_settled)
            for index, item in enumerate(items, start=1)]
    bottom = ITEM_TOP + ITEM_ROW * len(rows) - 4
    return {
        "rows": rows, "width": ITEM_DISCRIMINATION_X + ITEM_PANEL + 8, "height": bottom + 6,
        "top": ITEM_TOP - 6, "bottom": bottom, "facility_x": ITEM_FACILITY_X, "discrimination_x": ITEM_DISCRIMINATION_X,
        "panel": ITEM_PANEL, "zero_x": _discrimination_x(0),
        "facility_ticks": [(_facility_x(share), f"{round(100 * share)} %") for share in (0, 0.5, 1)],
        "discrimination_ticks": [(_discrimination_x(value), label) for value, label in ((-1, "−1"), (0, "0"), (1, "1"))],
        "thresholds": [_facility_x(too_hard), _facility_x(too_easy), _discrimination_x(weak)],
    }
