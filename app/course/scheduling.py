"""Spaced review with FSRS (the ``fsrs`` package, major version 6): pure scheduling functions.

A card's scheduler state is plain data (:class:`CardState`) that the database stores as it is;
nothing is recomputed from history at request time. There is no randomness: py-fsrs's fuzz is off,
and the day a card comes back is chosen by :mod:`app.course.review_calendar` (the least-loaded day in
the same fuzz range, light weekdays, holidays), so a review log replays to exactly the stored state
given the same load.

Steps that fit a course rather than a vocabulary deck: there are no learning or relearning steps of
minutes. Every answer, first sight or lapse, sends the card to a day (at least tomorrow), and it is due
from the start of that day in the learner's zone, so "due Thursday" means all of Thursday.

How answers become ratings: a fully correct answer is Good (or the learner's own Hard/Good/Easy
after a correct review answer), a partly correct one Hard, a wrong or blank one Again.

Not being buried after a break: at most ``daily_limit`` reviews are served a day, the cards the
learner is most likely to have forgotten (lowest retrievability) first; the rest wait, and
:func:`forecast` shows how the backlog spreads over the coming days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS as FSRS_DEFAULTS

from app.course.clock import UTC, day_bounds, local_day
from app.course.review_calendar import Calendar, Load, choose_day
from app.course.words import _, ngettext

DEFAULT_RETENTION = 0.9
RETENTION_RANGE = (0.70, 0.97)
DEFAULT_PARAMETERS: tuple[float, ...] = tuple(FSRS_DEFAULTS)
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
        # Field by field: ``asdict`` deep-copies each value first, and every review logs one of these.
        return {"state": self.state, "step": self.step, "stability": self.stability, "difficulty": self.difficulty,
                "due": self.due.isoformat(), "last_review": self.last_review.isoformat() if self.last_review else None}

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


@lru_cache(maxsize=256)
def scheduler(retention: float = DEFAULT_RETENTION, parameters: tuple[float, ...] = DEFAULT_PARAMETERS) -> Scheduler:
    """py-fsrs with the learner's retention (kept within ``RETENTION_RANGE``) and parameters, day steps only."""
    low, high = RETENTION_RANGE
    return Scheduler(parameters=tuple(parameters), desired_retention=min(high, max(low, retention)),
                     learning_steps=(), relearning_steps=(), enable_fuzzing=False)


@dataclass
class Plan:
    """Everything that decides a learner's next review day: FSRS retention and parameters, the learner's zone and
    calendar, and how many cards each coming day already holds (``load``; None turns balancing off)."""

    retention: float = DEFAULT_RETENTION
    parameters: tuple[float, ...] = DEFAULT_PARAMETERS
    tz: ZoneInfo = field(default=UTC)
    calendar: Calendar = field(default_factory=Calendar)
    load: Load | None = None

    @property
    def model(self) -> Scheduler:
        return scheduler(self.retention, tuple(self.parameters))


def new_card(now: datetime) -> CardState:
    """A card that has never been reviewed, due at once."""
    return CardState(state=State.Learning.value, step=0, stability=None, difficulty=None, due=aware(now), last_review=None)


def day_start(moment: datetime, tz: ZoneInfo) -> datetime:
    """The start (UTC) of the learner's local day that ``moment`` falls on."""
    return day_bounds(local_day(aware(moment), tz), tz)[0]


def _to_fsrs(card: CardState, tz: ZoneInfo = UTC) -> Card:
    """The card as py-fsrs takes it, its last review moved to the start of the learner's day: py-fsrs counts whole
    24-hour periods, so with both ends on day starts the days elapsed are calendar days, as fsrs-rs (which fits the
    parameters) and Anki count them. Reviewed at 20:00 and again at 09:00 the next day is one day, not zero."""
    return Card(card_id=1, state=State(card.state), step=card.step, stability=card.stability,
                difficulty=card.difficulty, due=aware(card.due),
                last_review=day_start(card.last_review, tz) if card.last_review else None)


def exact_interval(stability: float, plan: "Plan") -> float:
    """FSRS's interval in days before rounding: where recall falls to the desired retention (FSRS-6's curve)."""
    decay = -plan.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return stability / factor * (plan.model.desired_retention ** (1 / decay) - 1)


def rating_for(status: str, self_rating: str | None = None) -> Rating:
    """The FSRS rating of an answer: its correctness, or the learner's own rating of a correct answer."""
    if status == "correct" and self_rating in SELF_RATINGS:
        return SELF_RATINGS[self_rating]
    return RATING_FOR_STATUS[status]


def review(card: CardState, rating: Rating, when: datetime, plan: Plan | None = None) -> CardState:
    """The card after one review at ``when``: FSRS's memory state, and a due date at the start of the learner's day
    that :func:`~app.course.review_calendar.choose_day` picks (never before tomorrow). The plan's load is updated."""
    plan = plan or Plan()
    moment = aware(when)
    started = day_start(moment, plan.tz)
    updated, _log = plan.model.review_card(_to_fsrs(card, plan.tz), rating, review_datetime=started)
    today = local_day(moment, plan.tz)
    day = choose_day(today, round((updated.due - started) / timedelta(days=1)), plan.calendar, plan.load,
                     exact_interval(updated.stability, plan))
    if plan.load is not None:
        if local_day(aware(card.due), plan.tz) > today:
            plan.load.remove(local_day(aware(card.due), plan.tz))
        plan.load.add(day)
    return CardState(state=updated.state.value, step=updated.step, stability=updated.stability,
                     difficulty=updated.difficulty, due=day_bounds(day, plan.tz)[0], last_review=moment)


def retrievability(card: CardState, when: datetime, plan: Plan | None = None) -> float:
    """Probability, by the FSRS model, that the learner still recalls the card on ``when``'s day (whole days, as
    FSRS counts them)."""
    plan = plan or Plan()
    return plan.model.get_card_retrievability(_to_fsrs(card, plan.tz), day_start(when, plan.tz))


def build_queue(cards: list[tuple[int, CardState]], now: datetime, served_today: int, daily_limit: int,
                plan: Plan | None = None) -> list[int]:
    """Ids of the cards to review now: those due, most-forgotten first, within today's allowance."""
    allowance = max(0, daily_limit - served_today)
    plan = plan or Plan()
    moment = aware(now)
    due = [(retrievability(card, moment, plan), aware(card.due), ident) for ident, card in cards if aware(card.due) <= moment]
    due.sort()
    return [ident for _, _, ident in due[:allowance]]


def next_intervals(card: CardState, when: datetime, plan: Plan | None = None) -> dict[str, timedelta]:
    """In how many days the card comes back if a review at ``when`` is rated each of Hard, Good and Easy (the plan's
    load is not changed: only one of them will happen)."""
    plan = plan or Plan()
    trial = Plan(plan.retention, plan.parameters, plan.tz, plan.calendar,
                 None if plan.load is None else Load(plan.load.cap, plan.load.counts.copy()))
    today, gaps = local_day(aware(when), plan.tz), {}
    for name, rating in SELF_RATINGS.items():
        gaps[name] = local_day(review(card, rating, when, trial).due, plan.tz) - today
        if trial.load is not None:
            trial.load = Load(plan.load.cap, plan.load.counts.copy())
    return gaps


def interval_label(interval: timedelta) -> str:
    """A gap between reviews as a button shows it: "10 min", "5 hours", "4 days", "3 months"."""
    minutes = max(1, round(interval.total_seconds() / 60))
    if minutes < 60:
        return _("%(num)s min", num=minutes)
    hours = round(minutes / 60)
    if hours < 24:
        return ngettext("%(num)s hour", "%(num)s hours", hours)
    days = round(hours / 24)
    if days < 60:
        return ngettext("%(num)s day", "%(num)s days", days)
    if days < 365:
        return ngettext("%(num)s month", "%(num)s months", round(days / 30))
    years = round(days / 365, 1)
    return ngettext("%(num)s year", "%(num)s years", 1 if years == 1 else 2, num=format(years, "g"))


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
