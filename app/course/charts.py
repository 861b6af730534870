"""Geometry for the dashboard's server-rendered SVG charts. Pure: numbers in, shapes out.

Templates draw the shapes and give every chart a title, a description and a table of the same
numbers, so nothing depends on JavaScript or on seeing the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

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


def heatmap(counts: dict[date, int], end: date, weeks: int = 26) -> dict:
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
        if day.day == 1 or offset == 0:
            months.append({"x": 30 + column * (CELL + GAP), "label": day.strftime("%b")})
    return {"cells": cells, "months": months, "width": 30 + weeks * (CELL + GAP) + 4,
            "height": 16 + 7 * (CELL + GAP) + 4, "total": sum(counts.values()), "active_days": sum(1 for c in counts.values() if c)}


def score_chart(points: list[tuple[datetime, float, str]], width: int = 640, height: int = 220) -> dict:
    """Attempt scores (percent) in time order as an evenly spaced line with labelled points."""
    left, right, top, bottom = 40, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(points) - 1)
    shapes = []
    for index, (moment, percent, label) in enumerate(points):
        x = left + (index * step if len(points) > 1 else plot_w / 2)
        y = top + plot_h * (1 - percent / 100)
        shapes.append({"x": round(x, 1), "y": round(y, 1), "percent": round(percent), "label": label, "when": moment})
    path = " ".join(f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}" for i, p in enumerate(shapes))
    ticks = [{"y": round(top + plot_h * (1 - value / 100), 1), "label": f"{value} %"} for value in (0, 50, 70, 100)]
    return {"points": shapes, "path": path, "ticks": ticks, "width": width, "height": height,
            "left": left, "right": width - right, "bottom": height - bottom}


def load_chart(loads: list, width: int = 640, height: int = 180) -> dict:
    """Reviews per coming day: what falls due (outline) and what the daily limit serves (filled)."""
    left, top, bottom = 36, 12, 34
    plot_h = height - top - bottom
    peak = max([max(load.scheduled, load.served) for load in loads] + [1])
    slot = (width - left - 8) / max(1, len(loads))
    bars = []
    for index, load in enumerate(loads):
        x = left + index * slot + 2
        served_h = plot_h * load.served / peak
        scheduled_h = plot_h * load.scheduled / peak
        bars.append({"x": round(x, 1), "w": round(slot - 4, 1), "day": load.day, "scheduled": load.scheduled,
                     "served": load.served, "served_y": round(top + plot_h - served_h, 1), "served_h": round(served_h, 1),
                     "scheduled_y": round(top + plot_h - scheduled_h, 1), "scheduled_h": round(scheduled_h, 1)})
    return {"bars": bars, "width": width, "height": height, "peak": peak, "base": top + plot_h, "top": top, "left": left}
