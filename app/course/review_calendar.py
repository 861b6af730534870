"""Which day a card comes back: load balancing inside FSRS's fuzz range, light weekdays and holidays. Pure.

FSRS gives each card an interval in days. Instead of a random day near it (py-fsrs's fuzz), the card goes to
the day in that same fuzz range with the fewest of the learner's cards due, as Anki 24.11's load balancer does:

- never outside the fuzz range, never before tomorrow. py-fsrs does not fuzz intervals under 2.5 days; here such
  an interval may take either whole day around FSRS's unrounded one (2.31 days: day 2 or 3), since 43 % of answers
  (every first answer) fall there and would otherwise all land on the same one or two days after a test;
- a day that is already at the learner's daily limit is chosen only when every day in the range is;
- a **light** weekday counts as fuller than it is (its load is divided by ``LIGHT_SHARE``), so it gets a smaller
  share of the cards;
- a **holiday** (a range of dates the learner is away) is never chosen. A card whose whole range falls inside
  one goes to the first days after it, spread over at least ``HOLIDAY_SPREAD`` days by the same rule.

Ties go to the day nearest FSRS's own interval, then the earlier day.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.course.words import N_

LIGHT_SHARE = 0.5
HOLIDAY_SPREAD = 3
MAXIMUM_INTERVAL = 36500
# py-fsrs's fuzz: (from day, to day, share of the interval in that band added either side), plus one day.
FUZZ_BANDS = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.10), (20.0, math.inf, 0.05))
WEEKDAY_NAMES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))  # English; _() where shown


def fuzz_range(interval_days: int, maximum: int = MAXIMUM_INTERVAL, exact: float | None = None) -> tuple[int, int]:
    """The days (inclusive) py-fsrs's fuzz could move an interval to. py-fsrs leaves an interval under 2.5 days
    alone; given FSRS's ``exact`` (unrounded) interval, such a one may take either whole day around it: a first right
    answer's 2.31 days may come back on day 2 or 3, a wrong one's 0.2 days only on day 1."""
    if interval_days < 2.5:
        if exact is None:
            return interval_days, interval_days
        return max(1, min(interval_days, math.floor(exact))), max(1, interval_days, math.ceil(exact))
    delta = 1.0 + sum(share * max(min(float(interval_days), end) - start, 0.0) for start, end, share in FUZZ_BANDS)
    low, high = max(2, round(interval_days - delta)), min(round(interval_days + delta), maximum)
    return min(low, high), high


@dataclass(frozen=True)
class Calendar:
    """A learner's week and breaks: light weekdays (ISO numbers, 1 is Monday) and holidays (inclusive date ranges)."""

    light_days: frozenset[int] = frozenset()
    holidays: tuple[tuple[date, date], ...] = ()

    def on_holiday(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.holidays)

    def share(self, day: date) -> float:
        """How much of a normal day's reviews this day should get: 0 on a holiday, ``LIGHT_SHARE`` on a light day."""
        if self.on_holiday(day):
            return 0.0
        return LIGHT_SHARE if day.isoweekday() in self.light_days else 1.0

    def first_open_day(self, day: date) -> date:
        """``day``, or the first day after it that is not in a holiday (holidays may touch or overlap)."""
        while self.on_holiday(day):
            day = max(end for start, end in self.holidays if start <= day <= end) + timedelta(days=1)
        return day

    def open_days(self, first: date, count: int) -> list[date]:
        """The first ``count`` days from ``first`` on that are not holidays."""
        days, day = [], first
        while len(days) < count:
            day = self.first_open_day(day)
            days.append(day)
            day += timedelta(days=1)
        return days


@dataclass
class Load:
    """A learner's cards due on each local day, kept up to date as cards are placed; ``cap`` is the daily limit."""

    cap: int
    counts: Counter = field(default_factory=Counter)

    def add(self, day: date) -> None:
        self.counts[day] += 1

    def remove(self, day: date) -> None:
        if self.counts[day] > 0:
            self.counts[day] -= 1


def candidate_days(today: date, interval_days: int, calendar: Calendar,
                   exact: float | None = None) -> tuple[list[date], date]:
    """The days a card reviewed ``today`` with this FSRS interval may come back on, and the day FSRS itself meant
    (the first day after the holiday when its whole range falls inside one)."""
    low, high = fuzz_range(max(1, interval_days), exact=exact)
    days = [today + timedelta(days=offset) for offset in range(max(1, low), max(1, high) + 1)]
    open_days = [day for day in days if not calendar.on_holiday(day)]
    if open_days:
        return open_days, today + timedelta(days=max(1, interval_days))
    after = calendar.first_open_day(days[-1] + timedelta(days=1))
    return calendar.open_days(after, max(HOLIDAY_SPREAD, len(days))), after


def least_loaded(days: list[date], target: date, calendar: Calendar, load: Load) -> date:
    """The day with the fewest cards for its share, among those under the cap if any; ties nearest ``target``."""
    roomy = [day for day in days if load.counts[day] < load.cap] or days
    return min(roomy, key=lambda day: (load.counts[day] / calendar.share(day), abs((day - target).days), day))


def choose_day(today: date, interval_days: int, calendar: Calendar, load: Load | None, exact: float | None = None) -> date:
    """The day a card comes back on; without a ``load`` (balancing off) the open day nearest FSRS's interval."""
    days, target = candidate_days(today, interval_days, calendar, exact)
    if load is None:
        return min(days, key=lambda day: (abs((day - target).days), day))
    return least_loaded(days, target, calendar, load)


def clear_holidays(due_days: list[tuple[int, date]], today: date, calendar: Calendar, load: Load) -> dict[int, date]:
    """New days for the cards that would be served on a holiday (an overdue card is served today), spread over the
    first open days after it, never above the cap while a day in reach has room. ``load`` is updated."""
    moves: dict[int, date] = {}
    stuck = sorted(((max(today, day), ident, day) for ident, day in due_days if calendar.on_holiday(max(today, day))))
    for served, ident, day in stuck:
        after = calendar.first_open_day(served)
        days = calendar.open_days(after, HOLIDAY_SPREAD)
        while all(load.counts[d] >= load.cap for d in days) and len(days) < HOLIDAY_SPREAD + len(stuck):
            days = calendar.open_days(after, len(days) + 1)  # widen until a day has room (or every card could have one)
        chosen = least_loaded(days, after, calendar, load)
        if day >= today:
            load.remove(day)
        load.add(chosen)
        moves[ident] = chosen
    return moves
