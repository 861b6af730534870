"""How many reviews a learner meets each day, with and without load balancing and easy days (issue 18, "Measured").

Run: .venv/bin/python bench/review_load.py [--learners 1000] [--days 180] [--workers 2] [--seed 18]. Prints figures.

Simulated learners work through the shipped course (its banks read by the app's own loader: eleven lessons,
their questions, types and difficulty labels, ten-question tests drawn the way the test page draws them, leaking
pairs kept apart). Every card is scheduled by the app's own ``app.course.scheduling.review`` with a ``Plan``, three
ways side by side, each learner living the same life in all three (same study days, tests and holidays):

- **no balancing**: ``Plan(load=None)``, the open day nearest FSRS's interval (the scheduler before issue 18);
- **load balancing**: the least-loaded day in the fuzz range, the daily limit (50) as the cap;
- **balancing + easy weekends**: the same, with Saturday and Sunday marked light.

A learner: studies on a day with a probability of their own (lower at weekends), at an hour of their own; on a
study day first does the reviews due (``build_queue``: most-forgotten first, up to the daily limit of 50), then,
every few days, the next lesson's test (and, for some lessons, a second test of the same lesson to cover more of
its bank), until all eleven are done; a quarter of learners take one holiday of 5–14 days, entered a few days
ahead (cards due inside move with ``clear_holidays``), and do not study during it.

Recall is drawn from a true memory model the scheduler does not know: FSRS-6 with the learner's own parameters
(initial stabilities and the growth of stability scaled per learner) and each question's own ease (its
difficulty label and some noise scale the stability; first-sight accuracy depends on the learner and the
question). A recalled answer is right (rated Good, or by the learner Hard/Easy now and then); a forgotten one
is wrong (Again), or partly right (Hard) on a question with parts. Essays are marked by a person; only a
learner's own grade of an essay makes it a card, so half the essays drawn become cards, graded like the rest.

Figures on days 1–120 as the issue asks; retention (the mean true recall probability of the cards a learner
holds, at the end of the day) at days 30, 90 and 180. Deterministic for a given seed and size.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import random
import statistics
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fsrs import Card, Rating, Scheduler, State  # noqa: E402

from app.course.leaks import leak_free_sample, leak_graph  # noqa: E402
from app.course.review_calendar import Calendar, Load, clear_holidays  # noqa: E402
from app.course.scheduling import DEFAULT_PARAMETERS, CardState, Plan, build_queue, new_card, review  # noqa: E402
from app.course_loader import read_everything  # noqa: E402

START = date(2027, 1, 4)  # a Monday: every learner starts on day 1, as a class would
DAILY_LIMIT = 50  # the app's default daily review limit (User.daily_review_limit)
LOAD_WINDOW = 120  # the issue measures load over 120 days
CHECKPOINTS = (30, 90, 180)  # the retention days
WEEKEND = frozenset({6, 7})
PARTS = frozenset({"multiple_response", "matching", "ordering", "cloze"})  # types that can be partly right
FIRST_SIGHT = {"easy": 0.12, "medium": 0.0, "hard": -0.15}  # added to a learner's first-sight accuracy
EASE = {"easy": 1.3, "medium": 1.0, "hard": 0.7}  # multiplies a question's true stability
SELF_GRADE_ESSAY = 0.5
HOLIDAY_TAKERS = 0.25


@dataclass(frozen=True)
class Way:
    name: str
    balanced: bool
    light_days: frozenset[int] = frozenset()


WAYS = (Way("no balancing", False), Way("load balancing", True), Way("balancing + easy weekends", True, WEEKEND))


@dataclass(frozen=True)
class Question:
    ident: str
    kind: str
    first_sight: float  # offset to the learner's first-sight accuracy
    ease: float  # multiplies the true stability


@dataclass(frozen=True)
class Lesson:
    slug: str
    test_size: int
    questions: tuple[Question, ...]
    apart: frozenset[frozenset[str]]


def course_mix(root: Path = ROOT, seed: int = 18) -> tuple[Lesson, ...]:
    """The shipped course's lessons in order, each with its test size, questions and leaking pairs."""
    lessons, banks, problems = read_everything(root)
    if problems:
        raise SystemExit(f"the course does not load: {problems[0]}")
    rng = random.Random(f"{seed}:questions")
    by_slug = {bank.slug: bank for bank in banks}
    mix = []
    for lesson in sorted(lessons, key=lambda lesson: lesson.order):
        bank = by_slug.get(lesson.slug)
        if bank is None:
            continue
        questions = tuple(Question(q.id, q.type, FIRST_SIGHT[q.data.get("difficulty", "medium")] + rng.gauss(0, 0.05),
                                   EASE[q.data.get("difficulty", "medium")] * math.exp(rng.gauss(0, 0.2)))
                          for q in bank.questions)
        mix.append(Lesson(lesson.slug, bank.test_size, questions, leak_graph([q.data for q in bank.questions]).pairs))
    return tuple(mix)


@dataclass(frozen=True)
class Learner:
    """One simulated learner's life, the same in every way: traits, study days, tests, holiday."""

    index: int
    accuracy: float  # first-sight accuracy on a medium question
    parameters: tuple[float, ...]  # the true FSRS-6 parameters of their memory
    study: tuple[float | None, ...]  # per day: the hour they study, or None
    tests: dict[int, list[int]]  # day -> lessons whose test they take that day (in order)
    holiday: tuple[int, int, int] | None  # (day entered, first day, last day), day indexes from 0


def make_learner(index: int, days: int, lessons: int, seed: int, every_day: bool = False) -> Learner:
    """Draw a learner's traits and study plan from the seed alone (``every_day``: one who never misses a day)."""
    rng = random.Random(f"{seed}:learner:{index}")
    accuracy = min(0.95, max(0.4, rng.gauss(0.72, 0.08)))
    memory, growth = math.exp(rng.gauss(0, 0.3)), math.exp(rng.gauss(0, 0.15))
    parameters = list(DEFAULT_PARAMETERS)
    for position in range(4):  # initial stability after Again, Hard, Good, Easy
        parameters[position] *= memory
    parameters[8] *= growth  # how much stability grows on a successful recall
    weekday, weekend = rng.uniform(0.6, 0.95), rng.uniform(0.4, 0.9)
    holiday = None
    if rng.random() < HOLIDAY_TAKERS and not every_day:
        first = rng.randint(15, max(15, days - 30))
        holiday = (max(0, first - rng.randint(1, 7)), first, first + rng.randint(5, 14) - 1)
    study: list[float | None] = []
    for day in range(days):
        chance = weekday * (weekend if (START + timedelta(days=day)).isoweekday() in WEEKEND else 1.0)
        away = holiday is not None and holiday[1] <= day <= holiday[2]
        skips = not away and rng.random() >= chance and not every_day
        study.append(None if away or skips else rng.uniform(7, 22))
    tests: dict[int, list[int]] = {}
    plan = [lesson for position in range(lessons) for lesson in ([position, position] if rng.random() < 0.4 else [position])]
    day = 0
    while plan and day < days:
        if study[day] is not None:
            tests.setdefault(day, []).append(plan.pop(0))
            day += rng.randint(2, 5)
        else:
            day += 1
    return Learner(index, accuracy, tuple(parameters), tuple(study), tests, holiday)


@dataclass
class Run:
    """What one learner met in one way: reviews served each day, retention at the checkpoints, holiday breaches."""

    served: list[int]
    falling_due: list[int]  # cards whose due date is that day, counted at its start (what the balancer shapes)
    placed: list[int]  # answers that day (tests and reviews), each giving its card a new day
    near: list[int]  # of those, cards sent one or two days ahead: no fuzz range, so nothing to balance
    overdue: list[int]  # reviews met that day whose card was due on an earlier day (one the learner missed)
    retention: dict[int, tuple[float, int]] = field(default_factory=dict)  # day -> (sum of recall, cards)
    on_holiday: int = 0


def true_recall(stability: float, elapsed_days: float, parameters: tuple[float, ...]) -> float:
    """FSRS-6's forgetting curve: the chance of recall ``elapsed_days`` after a review that left ``stability``."""
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * max(0.0, elapsed_days) / stability) ** decay


def live(learner: Learner, lessons: tuple[Lesson, ...], way: Way, days: int, seed: int) -> Run:
    """Simulate one learner for ``days`` days, scheduled one way."""
    truth = Scheduler(parameters=learner.parameters, desired_retention=0.9, learning_steps=(), relearning_steps=(),
                      enable_fuzzing=False)
    calendar = Calendar(way.light_days)
    plan = Plan(calendar=calendar, load=Load(DAILY_LIMIT) if way.balanced else None)
    questions = {q.ident: q for lesson in lessons for q in lesson.questions}
    cards: dict[str, CardState] = {}
    memory: dict[str, Card] = {}
    due_on: dict[str, date] = {}
    run = Run(*([0] * days for _ in range(5)))
    outcomes = random.Random(f"{seed}:outcomes:{learner.index}")

    def answer(ident: str, moment: datetime, from_review: bool) -> None:
        question = questions[ident]
        if ident in memory:
            card = memory[ident]
            elapsed = (moment - card.last_review) / timedelta(days=1)
            chance = true_recall(card.stability * question.ease, elapsed, learner.parameters)
        else:
            chance = min(0.98, max(0.05, learner.accuracy + question.first_sight))
        if outcomes.random() < chance:
            pick = outcomes.random()
            rating = Rating.Good if not from_review or 0.15 <= pick else (Rating.Hard if pick < 0.07 else Rating.Easy)
        else:
            rating = Rating.Hard if question.kind in PARTS and outcomes.random() < 0.4 else Rating.Again
        before = cards.get(ident) or new_card(moment)
        after = review(before, rating, moment, plan)
        cards[ident] = after
        due_on[ident] = after.due.date()
        day = (moment.date() - START).days
        run.placed[day] += 1
        run.near[day] += (due_on[ident] - moment.date()).days <= 2
        if calendar.on_holiday(due_on[ident]):
            run.on_holiday += 1
        memory[ident], _ = truth.review_card(memory.get(ident) or Card(card_id=1, state=State.Learning, step=0, due=moment),
                                             rating, review_datetime=moment)

    for day in range(days):
        today = START + timedelta(days=day)
        if learner.holiday and day == learner.holiday[0]:
            calendar = Calendar(way.light_days, ((START + timedelta(days=learner.holiday[1]),
                                                  START + timedelta(days=learner.holiday[2])),))
            plan.calendar = calendar
            load = plan.load or Load(DAILY_LIMIT)
            if plan.load is None:  # the holiday still moves cards; the app counts the load from the due dates
                for due in due_on.values():
                    load.add(due)
            for ident, moved in clear_holidays([(ident, due) for ident, due in due_on.items()], today, calendar, load).items():
                cards[ident] = replace(cards[ident], due=datetime.combine(moved, datetime.min.time(), timezone.utc))
                due_on[ident] = moved
                run.on_holiday += calendar.on_holiday(moved)
        run.falling_due[day] = sum(1 for due in due_on.values() if due == today)
        hour = learner.study[day]
        if hour is not None:
            moment = datetime.combine(today, datetime.min.time(), timezone.utc) + timedelta(hours=hour)
            waiting = [(ident, cards[ident]) for ident, due in due_on.items() if due <= today]
            for step, ident in enumerate(build_queue(waiting, moment, 0, DAILY_LIMIT, plan)):
                run.overdue[day] += due_on[ident] < today
                answer(ident, moment + timedelta(seconds=30 * step), True)
                run.served[day] += 1
            for number, position in enumerate(learner.tests.get(day, [])):
                lesson = lessons[position]
                drawn = leak_free_sample([q.ident for q in lesson.questions], lesson.test_size, lesson.apart,
                                         random.Random(f"{seed}:test:{learner.index}:{day}:{number}"))
                finished = moment + timedelta(minutes=40 + 15 * number)
                for ident in drawn:
                    if questions[ident].kind == "essay" and outcomes.random() >= SELF_GRADE_ESSAY:
                        continue
                    answer(ident, finished, False)
        if day + 1 in CHECKPOINTS:
            end = datetime.combine(today + timedelta(days=1), datetime.min.time(), timezone.utc)
            recall = [true_recall(card.stability * questions[ident].ease, (end - card.last_review) / timedelta(days=1),
                                  learner.parameters) for ident, card in memory.items()]
            run.retention[day + 1] = (sum(recall), len(recall))
    return run


_LESSONS: tuple[Lesson, ...] = ()


def _remember(lessons: tuple[Lesson, ...]) -> None:
    global _LESSONS
    _LESSONS = lessons


def learner_runs(job: tuple[int, int, int, bool]) -> list[Run]:
    """One learner's life in every way (a worker's unit of work)."""
    index, days, seed, every_day = job
    learner = make_learner(index, days, len(_LESSONS), seed, every_day)
    return [live(learner, _LESSONS, way, days, seed) for way in WAYS]


def simulate(learners: int, days: int, workers: int = 2, seed: int = 18, lessons: tuple[Lesson, ...] | None = None,
             every_day: bool = False) -> tuple[list[Learner], list[list[Run]]]:
    """Every learner in every way: (learners, runs[learner][way])."""
    lessons = lessons or course_mix(seed=seed)
    jobs = [(index, days, seed, every_day) for index in range(learners)]
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_remember, initargs=(lessons,)) as pool:
            runs = pool.map(learner_runs, jobs, chunksize=max(1, learners // (workers * 8)))
    else:
        _remember(lessons)
        runs = [learner_runs(job) for job in jobs]
    return [make_learner(index, days, len(lessons), seed, every_day) for index in range(learners)], runs


def on_weekend(day: int) -> bool:
    """Whether day ``day`` (from 0) of the simulation is a Saturday or Sunday."""
    return (START + timedelta(days=day)).isoweekday() in WEEKEND


@dataclass(frozen=True)
class Figures:
    """One way's figures over the load window."""

    name: str
    mean: float  # reviews per learner per study day
    spread: float  # per learner: standard deviation of their reviews over the days they studied, averaged
    due_spread: float  # per learner: standard deviation of the cards falling due each day (every day), averaged
    peak_share: float  # share of learners with a study day above twice their own mean
    worst_ratio: float  # the highest of (a learner's busiest day / their mean), over learners
    total_mean: float  # all learners' reviews per calendar day
    total_max: int
    total_spread: float  # standard deviation, day to day, of all learners' reviews per calendar day
    idle: float  # study days with nothing to review, per learner
    reviews: int  # every review served in the window
    near: float  # share of answers whose card went one or two days ahead
    overdue: float  # share of reviews met a day or more after their due day
    weekend: float  # share of the cards falling due that fall due on a Saturday or Sunday
    retention: dict[int, float]


def figures(way: Way, learners: list[Learner], runs: list[Run], window: int) -> Figures:
    """Summarise one way's runs (the same learners in the same order as ``learners``)."""
    means, spreads, ratios, idle = [], [], [], []
    due_spread = statistics.fmean(statistics.pstdev(run.falling_due[:window]) for run in runs)
    for learner, run in zip(learners, runs):
        counts = [run.served[day] for day in range(window) if learner.study[day] is not None]
        if not counts:
            continue
        mean = statistics.fmean(counts)
        means.append(mean)
        spreads.append(statistics.pstdev(counts))
        ratios.append(max(counts) / mean if mean else 0.0)
        idle.append(sum(1 for count in counts if count == 0))
    totals = [sum(run.served[day] for run in runs) for day in range(window)]
    retention = {}
    for checkpoint in CHECKPOINTS:
        held = [run.retention[checkpoint] for run in runs if checkpoint in run.retention]
        cards = sum(count for _, count in held)
        if cards:
            retention[checkpoint] = sum(recall for recall, _ in held) / cards
    return Figures(way.name, statistics.fmean(means), statistics.fmean(spreads), due_spread,
                   sum(r > 2 for r in ratios) / len(ratios), max(ratios),
                   statistics.fmean(totals), max(totals), statistics.pstdev(totals), statistics.fmean(idle), sum(totals),
                   sum(sum(run.near[:window]) for run in runs) / max(1, sum(sum(run.placed[:window]) for run in runs)),
                   sum(sum(run.overdue[:window]) for run in runs) / max(1, sum(totals)),
                   sum(run.falling_due[day] for run in runs for day in range(window) if on_weekend(day))
                   / max(1, sum(sum(run.falling_due[:window]) for run in runs)), retention)


def report(all_figures: list[Figures], learners: int, days: int, window: int) -> list[str]:
    """The printed table and the issue's goal, one line each."""
    base = all_figures[0]
    lines = [f"{learners} learners, {days} days simulated; load on days 1-{window}; daily limit {DAILY_LIMIT}",
             f"{'':28}" + "".join(f"{f.name:>28}" for f in all_figures)]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"{label:28}" + "".join(f"{value:>28}" for value in values))

    row("reviews per study day", [f"{f.mean:.2f}" for f in all_figures])
    row("sd per learner (study days)", [f"{f.spread:.2f} ({f.spread / base.spread - 1:+.1%})" for f in all_figures])
    row("sd of cards falling due", [f"{f.due_spread:.2f} ({f.due_spread / base.due_spread - 1:+.1%})" for f in all_figures])
    row("learners with a day > 2x", [f"{f.peak_share:.1%}" for f in all_figures])
    row("busiest day / mean, worst", [f"{f.worst_ratio:.1f}" for f in all_figures])
    row("all learners: mean a day", [f"{f.total_mean:.0f}" for f in all_figures])
    row("all learners: max day", [f"{f.total_max} ({f.total_max / f.total_mean:.2f}x)" for f in all_figures])
    row("all learners: sd", [f"{f.total_spread:.0f} ({f.total_spread / base.total_spread - 1:+.1%})" for f in all_figures])
    row("idle study days per learner", [f"{f.idle:.2f}" for f in all_figures])
    row("answers sent 1-2 days ahead", [f"{f.near:.1%}" for f in all_figures])
    row("reviews met overdue", [f"{f.overdue:.1%}" for f in all_figures])
    row("falling due at weekends", [f"{f.weekend:.1%}" for f in all_figures])
    row("reviews in the window", [f"{f.reviews} ({f.reviews / base.reviews - 1:+.1%})" for f in all_figures])
    for checkpoint in CHECKPOINTS:
        if checkpoint <= days:
            row(f"retention at day {checkpoint}", [f"{f.retention.get(checkpoint, 0):.3f}" for f in all_figures])
    for f in all_figures[1:]:
        cost = f.reviews / base.reviews - 1 <= 0.03
        peaks = f.total_max <= 2 * f.total_mean
        # Two readings of "day-to-day standard deviation": of the reviews a learner does on the days they study
        # (their own missed days pile up on the next one, whatever the scheduler does), and of the cards the
        # scheduler makes fall due each day (what balancing controls).
        for measure, now_, before in (("reviews done", f.spread, base.spread), ("cards falling due", f.due_spread, base.due_spread)):
            spread_down = now_ / before - 1 <= -0.20
            lines.append(f"goal, {f.name}, sd of {measure}: {'down' if spread_down else 'NOT down'} by 20 % "
                         f"({now_ / before - 1:+.1%}), {'within' if cost else 'NOT within'} +3 % reviews "
                         f"({f.reviews / base.reviews - 1:+.1%}), all-learners max {'within' if peaks else 'ABOVE'} twice the "
                         f"mean -> {'holds' if spread_down and cost and peaks else 'does not hold'}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--every-day", action="store_true",
                        help="learners who never miss a day nor take a holiday: how much of the spread is their absences")
    args = parser.parse_args()
    started = time.perf_counter()
    learners, runs = simulate(args.learners, args.days, args.workers, args.seed, every_day=args.every_day)
    window = min(LOAD_WINDOW, args.days)
    all_figures = [figures(way, learners, [runs[index][position] for index in range(len(learners))], window)
                   for position, way in enumerate(WAYS)]
    for line in report(all_figures, args.learners, args.days, window):
        print(line)
    breaches = sum(run.on_holiday for per_learner in runs for run in per_learner)
    print(f"cards placed on a holiday: {breaches}; {time.perf_counter() - started:.0f} s with {args.workers} workers")


if __name__ == "__main__":
    main()
