"""Postpone a review backlog, or advance cards before an exam, with the effect on recall worked out first. Pure.

These are the FSRS helper add-on's two moves for Anki, done here by day and by the learner's daily limit:

- **Postpone**: of the cards due now, the ``keep`` most-forgotten stay for today (the review queue's own order);
  each of the rest goes to the earliest day from tomorrow that still has room under the daily limit (a light day
  has ``LIGHT_SHARE`` of it, a holiday none), the cards whose recall falls slowest (highest stability) going
  furthest. So every card waits the least it can, and the waiting is borne by the cards that lose least by it.
- **Advance**: the cards that would come back only on or after an exam day, and whose predicted recall on that day
  is below the learner's desired retention, are brought forward to the least-loaded open days from tomorrow to
  the day before the exam (nearest the exam on a tie: a review closer to the exam leaves more recall on the day).

Only the due day changes: FSRS's memory state (stability, difficulty, last review) is left as it is, as the
add-on does, so the review log still replays. Recall figures are FSRS's retrievability at midday in the learner's
zone on the day in question; "with the advance" assumes the early review is answered right (FSRS's Good).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from statistics import fmean
from typing import Collection, Sequence
from zoneinfo import ZoneInfo

from fsrs import Rating

from app.course.clock import local_day
from app.course.review_calendar import Calendar, Load, least_loaded
from app.course.scheduling import CardState, Plan, aware, retrievability, review

# The furthest a postponed card is looked ahead for room: a year of full days means the limit, not the calendar,
# is the problem, and the card then goes to the least-loaded day of that year.
POSTPONE_HORIZON = 365


@dataclass(frozen=True)
class Move:
    """One card's new due day, and its predicted recall before and after the move."""

    card_id: int
    from_day: date  # the learner's local day the card was due on
    to_day: date
    recall_before: float  # postpone: now; advance: on the exam day without the advance
    recall_after: float  # postpone: on the new day; advance: on the exam day after a Good review on the new day


@dataclass(frozen=True)
class Preview:
    """What a postpone or advance would do, before anything changes."""

    moves: tuple[Move, ...]

    def days(self) -> list[tuple[date, int]]:
        """How many cards go to each day, earliest first."""
        return sorted(Counter(move.to_day for move in self.moves).items())

    def mean(self, after: bool) -> float | None:
        if not self.moves:
            return None
        return fmean(move.recall_after if after else move.recall_before for move in self.moves)

    def worst(self, after: bool) -> float | None:
        if not self.moves:
            return None
        return min(move.recall_after if after else move.recall_before for move in self.moves)


def midday(day: date, tz: ZoneInfo) -> datetime:
    """Noon of a local day, in UTC: the moment a day's recall is figured at (a review happens some time that day)."""
    return datetime.combine(day, time(12), tzinfo=tz).astimezone(timezone.utc)


def queue_order(cards: list[tuple[int, CardState]], now: datetime, plan: Plan) -> list[tuple[int, CardState]]:
    """The cards due at ``now`` in the review queue's order: most-forgotten first, then the longest due."""
    moment = aware(now)
    due = [(retrievability(card, moment, plan), aware(card.due), ident, card) for ident, card in cards
           if aware(card.due) <= moment]
    return [(ident, card) for _, _, ident, card in sorted(due, key=lambda entry: entry[:3])]


def room(day: date, calendar: Calendar, load: Load) -> float:
    """Cards a day can still take under the daily limit: its share of the limit less what it holds."""
    return load.cap * calendar.share(day) - load.counts[day]


def plan_postpone(cards: list[tuple[int, CardState]], now: datetime, plan: Plan, keep: int) -> Preview:
    """Keep the ``keep`` most-forgotten due cards for today; postpone the rest each to the earliest day with room,
    lowest stability first, so the most stable go furthest. ``plan.load`` (required) is updated."""
    if plan.load is None:
        raise ValueError("postponing needs the learner's load (learner_plan with balanced=True)")
    moment, load, calendar = aware(now), plan.load, plan.calendar
    today = local_day(moment, plan.tz)
    later = queue_order(cards, moment, plan)[max(0, keep):]
    later.sort(key=lambda entry: (entry[1].stability or 0.0, entry[0]))
    moves, day = [], today + timedelta(days=1)
    horizon = [today + timedelta(days=offset) for offset in range(1, POSTPONE_HORIZON + 1)]
    open_days = [d for d in horizon if not calendar.on_holiday(d)] or [calendar.first_open_day(horizon[-1])]
    for ident, card in later:
        while day <= horizon[-1] and room(day, calendar, load) < 1:
            day += timedelta(days=1)
        # No day with room within the horizon: the least-loaded open one (or, breaks filling it, the first after).
        chosen = day if day <= horizon[-1] else least_loaded(open_days, open_days[0], calendar, load)
        before = local_day(aware(card.due), plan.tz)
        if before == today:
            load.remove(today)
        load.add(chosen)
        moves.append(Move(ident, before, chosen, retrievability(card, moment, plan),
                          retrievability(card, midday(chosen, plan.tz), plan)))
    return Preview(tuple(moves))


def plan_advance(cards: list[tuple[int, CardState, str]], now: datetime, exam_day: date, plan: Plan,
                 lessons: Collection[str] = ()) -> Preview:
    """Bring forward the cards (id, state, lesson slug; only ``lessons`` if given) that are not due before
    ``exam_day`` and whose recall that day would be below the desired retention, each to the least-loaded open day
    from tomorrow to the day before the exam. ``plan.load`` (required) is updated."""
    if plan.load is None:
        raise ValueError("advancing needs the learner's load (learner_plan with balanced=True)")
    moment, load, calendar = aware(now), plan.load, plan.calendar
    today, exam = local_day(moment, plan.tz), midday(exam_day, plan.tz)
    window = [day for offset in range(1, (exam_day - today).days)
              if not calendar.on_holiday(day := today + timedelta(days=offset))]
    if not window:
        return Preview(())
    fading = []
    for ident, card, lesson in cards:
        if (lessons and lesson not in lessons) or card.stability is None:
            continue
        due_day = local_day(aware(card.due), plan.tz)
        recall = retrievability(card, exam, plan)
        if due_day >= exam_day and recall < plan.retention:
            fading.append((recall, ident, card, due_day))
    moves = []
    answered = Plan(plan.retention, plan.parameters, plan.tz, plan.calendar, None)  # a trial review: no load change
    for recall, ident, card, due_day in sorted(fading, key=lambda entry: entry[:2]):
        chosen = least_loaded(window, window[-1], calendar, load)
        load.remove(due_day)
        load.add(chosen)
        after = review(card, Rating.Good, midday(chosen, plan.tz), answered)
        moves.append(Move(ident, due_day, chosen, recall, retrievability(after, exam, plan)))
    return Preview(tuple(moves))


def card_stamp(card: CardState) -> str:
    """A short fingerprint of one card's schedule: it changes when the card is reviewed or moved."""
    text = f"{aware(card.due).isoformat()}|{aware(card.last_review).isoformat() if card.last_review else ''}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cards_digest(cards: list[tuple[int, CardState]]) -> str:
    """A fingerprint of all of a learner's cards: any review, move or new card changes it."""
    text = json.dumps(sorted((ident, card_stamp(card)) for ident, card in cards))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def calendar_digest(calendar: Calendar, cap: int, retention: float = 0.9, parameters: Sequence[float] = ()) -> str:
    """A fingerprint of what a preview's days and recall figures depend on besides the cards: light days, breaks, the
    daily limit, the desired retention and the FSRS parameters (a fit may land between preview and confirm)."""
    text = json.dumps([sorted(calendar.light_days), [[s.isoformat(), e.isoformat()] for s, e in calendar.holidays], cap,
                       round(retention, 6), [round(float(value), 6) for value in parameters]])
    return hashlib.sha256(text.encode()).hexdigest()[:32]
