"""Spaced review with FSRS (the ``fsrs`` package, major version 6): pure scheduling functions.

A card's scheduler state is plain data (:class:`CardState`) that the database stores as it is;
nothing is recomputed from history at request time. Fuzzing is off, so a review log replays to
exactly the stored state.

How answers become ratings: a fully correct answer is Good (or the learner's own Hard/Good/Easy
after a correct review answer), a partly correct one Hard, a wrong or blank one Again.

Not being buried after a break: at most ``daily_limit`` reviews are served a day, the cards the
learner is most likely to have forgotten (lowest retrievability) first; the rest wait, and
:func:`forecast` shows how the backlog spreads over the coming days.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State

from app.course.clock import UTC, day_bounds, local_day

DEFAULT_RETENTION = 0.9
RETENTION_RANGE = (0.70, 0.97)
RATING_FOR_STATUS = {"correct": Rating.Good, "partial": Rating.Hard, "wrong": Rating.Again, "unanswered": Rating.Again}
SELF_RATINGS = {"hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}


@dataclass(frozen=True)
class CardState:
    """FSRS state of one card, as stored."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["due"] = self.due.isoformat()
        data["last_review"] = self.last_review.isoformat() if self.last_review else None
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "CardState":
        return cls(
            state=data["state"], step=data["step"], stability=data["stability"], difficulty=data["difficulty"],
            due=datetime.fromisoformat(data["due"]),
            last_review=datetime.fromisoformat(data["last_review"]) if data["last_review"] else None,
        )


def aware(moment: datetime) -> datetime:
    """The moment in UTC as an aware datetime, whatever the database returned.

    SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones in the session's
    zone. FSRS insists on ``timezone.utc`` itself, so both are normalised to it.
    """
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def scheduler(retention: float = DEFAULT_RETENTION) -> Scheduler:
    low, high = RETENTION_RANGE
    return Scheduler(desired_retention=min(high, max(low, retention)), enable_fuzzing=False)


def new_card(now: datetime) -> CardState:
    """A card that has never been reviewed, due at once."""
    return CardState(state=State.Learning.value, step=0, stability=None, difficulty=None, due=aware(now), last_review=None)


def _to_fsrs(card: CardState) -> Card:
    return Card(card_id=1, state=State(card.state), step=card.step, stability=card.stability,
                difficulty=card.difficulty, due=aware(card.due),
                last_review=aware(card.last_review) if card.last_review else None)


def _from_fsrs(card: Card) -> CardState:
    return CardState(state=card.state.value, step=card.step, stability=card.stability,
                     difficulty=card.difficulty, due=card.due, last_review=card.last_review)


def rating_for(status: str, self_rating: str | None = None) -> Rating:
    """The FSRS rating of an answer: its correctness, or the learner's own rating of a correct answer."""
    if status == "correct" and self_rating in SELF_RATINGS:
        return SELF_RATINGS[self_rating]
    return RATING_FOR_STATUS[status]


def review(card: CardState, rating: Rating, when: datetime, retention: float = DEFAULT_RETENTION) -> CardState:
    """The card after one review at ``when``; its new due date is never before ``when``."""
    updated, _log = scheduler(retention).review_card(_to_fsrs(card), rating, review_datetime=aware(when))
    return _from_fsrs(updated)


def retrievability(card: CardState, when: datetime, retention: float = DEFAULT_RETENTION) -> float:
    """Probability, by the FSRS model, that the learner still recalls the card at ``when``."""
    return scheduler(retention).get_card_retrievability(_to_fsrs(card), aware(when))


def build_queue(cards: list[tuple[int, CardState]], now: datetime, served_today: int, daily_limit: int,
                retention: float = DEFAULT_RETENTION) -> list[int]:
    """Ids of the cards to review now: those due, most-forgotten first, within today's allowance."""
    allowance = max(0, daily_limit - served_today)
    model, moment = scheduler(retention), aware(now)
    due = [(model.get_card_retrievability(_to_fsrs(card), moment), aware(card.due), ident)
           for ident, card in cards if aware(card.due) <= moment]
    due.sort()
    return [ident for _, _, ident in due[:allowance]]


def next_intervals(card: CardState, when: datetime, retention: float = DEFAULT_RETENTION) -> dict[str, timedelta]:
    """How long until the card comes back if a review at ``when`` is rated each of Hard, Good and Easy."""
    return {name: review(card, rating, when, retention).due - aware(when) for name, rating in SELF_RATINGS.items()}


def interval_label(interval: timedelta) -> str:
    """A gap between reviews as a button shows it: "10 min", "5 hours", "4 days", "3 months"."""
    minutes = max(1, round(interval.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = round(minutes / 60)
    if hours < 24:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(hours / 24)
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 365:
        return f"{round(days / 30)} months"
    years = round(days / 365, 1)
    return f"{years:g} year{'s' if years != 1 else ''}"


@dataclass(frozen=True)
class ReviewStatus:
    """What the review page has for a learner at one moment; the badge, home, dashboard and review page all show it."""

    due_now: int = 0  # cards the review page serves now, one after another, within today's allowance
    due_today: int = 0  # cards due by the end of the learner's local day, within the allowance (>= due_now)
    next_due: datetime | None = None  # UTC: when the page next has a card beyond ``due_now`` (see due_status)
    total: int = 0  # cards in review
    waiting: int = 0  # cards due now that today's allowance holds back: they come first tomorrow
    tomorrow: int = 0  # cards due by the end of the learner's tomorrow that today leaves, within tomorrow's allowance


def due_status(due_dates: list[datetime], now: datetime, tz: ZoneInfo, served_today: int, daily_limit: int) -> ReviewStatus:
    """Count a learner's cards the way the review page serves them (:func:`build_queue`): due by ``now``, within
    what is left of ``daily_limit`` after ``served_today``; "today" and "tomorrow" are the learner's local days.

    ``next_due`` is when the page next has something new: the next card to come due while today's allowance
    has room for it, else the start of the learner's tomorrow (when the allowance starts again) or the first
    due date after it. None when no card is waiting to come due.
    """
    moment = aware(now)
    dues = sorted(aware(due) for due in due_dates)
    allowance = max(0, daily_limit - served_today)
    today = local_day(moment, tz)
    _, end_of_today = day_bounds(today, tz)
    _, end_of_tomorrow = day_bounds(today + timedelta(days=1), tz)
    ready = sum(1 for due in dues if due <= moment)
    by_tonight = min(allowance, sum(1 for due in dues if due < end_of_today))
    future = [due for due in dues if due > moment]
    if allowance > ready:
        next_due = future[0] if future else None
    elif ready > allowance:
        next_due = end_of_today
    else:
        next_due = max(end_of_today, future[0]) if future else None
    return ReviewStatus(
        due_now=min(ready, allowance), due_today=by_tonight, next_due=next_due, total=len(dues),
        waiting=ready - min(ready, allowance),
        tomorrow=min(daily_limit, sum(1 for due in dues if due < end_of_tomorrow) - by_tonight))


@dataclass(frozen=True)
class DayLoad:
    day: date
    scheduled: int  # cards whose FSRS due date falls on this day (overdue ones count on day 0)
    served: int  # reviews the daily limit lets through on this day, backlog included


def forecast(due_dates: list[datetime], now: datetime, days: int, daily_limit: int, served_today: int = 0,
             tz: ZoneInfo = UTC) -> list[DayLoad]:
    """Reviews for each of the next ``days`` days (the learner's local days in ``tz``): what falls due, and
    what the limit serves.

    Whatever exceeds a day's limit rolls over to the next day, so a backlog after a break is
    spread over the coming days instead of arriving at once.
    """
    today = local_day(now, tz)
    scheduled = [0] * days
    for due in due_dates:
        offset = max(0, (local_day(due, tz) - today).days)
        if offset < days:
            scheduled[offset] += 1
    loads, carried = [], 0
    for offset in range(days):
        waiting = carried + scheduled[offset]
        allowance = max(0, daily_limit - (served_today if offset == 0 else 0))
        served = min(waiting, allowance)
        carried = waiting - served
        loads.append(DayLoad(today + timedelta(days=offset), scheduled[offset], served))
    return loads
