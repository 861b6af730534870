"""How well FSRS parameters predict recall on reviews they were not fitted on: defaults, course-fitted, per learner.

Run: .venv/bin/python bench/review_eval.py [--learners 200 --cards 120 --days 180 --seed 18] [--database URL]
Prints figures. The default size takes under a minute on two shared cores.

(a) Synthetic learners. The course's true memory model is a known FSRS-6 parameter set (``COURSE_TRUTH``, not the
defaults); each learner's own truth varies around it (initial stabilities scaled by one log-normal factor per
learner, ``--spread``, and the stability-growth parameter w8 shifted). Each learner studies at their own fixed time
of day (so the 24-hour days py-fsrs counts for the truth and the calendar days fsrs-rs counts agree), skips about
one day in seven, now and then takes a break of up to three weeks, meets ``--new`` new cards a study day (first
answers Again/Hard/Good as a test marks them: the app never rates a first answer Easy), and is scheduled by the app
itself (``app.course.scheduling.review`` with a ``Plan`` on FSRS's defaults and load balancing, as before any fit).
Whether a due card is recalled is drawn (seeded RNG) from the learner's *true* retrievability; a recalled card is
rated Hard/Good/Easy 10/80/10 %. The log is cut in time: the latest fifth of the reviews (fitting.HELD_OUT_SHARE)
is held out; fits see only the earlier ones.

Recovery criterion: on the held-out reviews the course fit's retrievability is within ``R_TOLERANCE`` of the
learners' true retrievability on average and closer to it than the defaults' (added after the first run showed the
defaults within 0.03 too), and its initial stabilities for Again, Hard and Good are within ``S0_TOLERANCE`` of the
course's true ones (Easy's cannot be recovered from this app's log: no first answer is ever rated Easy, so fsrs-rs
fills it in from the others).

(b) The app's own log (``--database``, default the instance SQLite): the same figures for the defaults, a course fit
and the command's per-learner choice on whatever reviews are there, or "no reviews".
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fsrs import Rating  # noqa: E402

from app.course.fitting import (MIN_ITEMS, Evaluation, Example, LoggedReview, evaluate,  # noqa: E402
                                examples_from_log, fit, predict, score, split_by_time)
from app.course.review_calendar import Load  # noqa: E402
from app.course.scheduling import DEFAULT_PARAMETERS, Plan, new_card, retrievability, review  # noqa: E402
from app.review_cli import judge  # noqa: E402

# The course's true model: FSRS-6's defaults perturbed (initial stabilities about 1.5-2x, easier growth, faster
# decay), all inside fsrs-rs's parameter bounds.
COURSE_TRUTH = (0.40, 2.0, 4.2, 14.0, 6.8, 0.7, 2.6, 0.004, 1.6, 0.2, 0.9, 1.7, 0.08, 0.3, 1.9, 0.5, 2.1, 0.5, 0.1,
                0.06, 0.25)
R_TOLERANCE = 0.03  # mean |R_fitted - R_true| over the held-out reviews
S0_TOLERANCE = 0.25  # initial stabilities of Again, Hard and Good within 25 % of the truth
FIRST_ANSWERS = ((Rating.Again, 0.25), (Rating.Hard, 0.15), (Rating.Good, 0.60))  # a first test answer's marking
RECALLED = ((Rating.Hard, 0.1), (Rating.Good, 0.8), (Rating.Easy, 0.1))
BREAK_CHANCE, BREAK_DAYS = 0.03, (3, 21)  # a study day may start a break of 3 to 21 days (exams, holidays, illness)
START = datetime(2026, 1, 5, tzinfo=timezone.utc)


def draw(rng: random.Random, choices) -> Rating:
    return rng.choices([rating for rating, _ in choices], weights=[weight for _, weight in choices])[0]


def learner_truth(rng: random.Random, spread: float) -> tuple[float, ...]:
    """A learner's own parameters around the course's: initial stabilities scaled together, w8 shifted."""
    truth = list(COURSE_TRUTH)
    scale = math.exp(rng.gauss(0, spread))
    for index in range(4):
        truth[index] = min(100.0, max(0.01, truth[index] * scale))
    truth[8] = min(4.5, max(0.0, truth[8] + rng.gauss(0, spread / 2)))
    return tuple(truth)


def simulate(learner: int, truth: tuple[float, ...], cards: int, new_per_day: int, days: int, rng: random.Random,
             true_r: dict) -> list[LoggedReview]:
    """One learner's review log; ``true_r`` gets the true retrievability at each review, keyed (owner, card, time)."""
    owner = f"sim:{learner}"
    study_time = timedelta(hours=rng.randint(7, 21), minutes=rng.randint(0, 59))
    app_plan = Plan(parameters=DEFAULT_PARAMETERS, load=Load(cap=200))
    true_plan = Plan(parameters=truth)
    app_cards, true_cards, log, back_on = {}, {}, [], 0
    for day in range(days):
        if day and rng.random() < BREAK_CHANCE:
            back_on = day + rng.randint(*BREAK_DAYS)
        if day and (day < back_on or rng.random() < 1 / 7):
            continue
        now = START + timedelta(days=day) + study_time
        for card_id, card in list(app_cards.items()):
            if card.due > now:
                continue
            chance = retrievability(true_cards[card_id], now, true_plan)
            rating = draw(rng, RECALLED) if rng.random() < chance else Rating.Again
            true_r[(owner, card_id, now)] = chance
            app_cards[card_id] = review(card, rating, now, app_plan)
            true_cards[card_id] = review(true_cards[card_id], rating, now, true_plan)
            log.append(LoggedReview(owner, card_id, now, int(rating)))
        for card_id in range(len(app_cards), min(cards, len(app_cards) + new_per_day)):
            rating = draw(rng, FIRST_ANSWERS)
            app_cards[card_id] = review(new_card(now), rating, now, app_plan)
            true_cards[card_id] = review(new_card(now), rating, now, true_plan)
            log.append(LoggedReview(owner, card_id, now, int(rating)))
    return log


def per_owner(parameters_of, held_out: list[Example]) -> list[float]:
    """Each held-out review's predicted recall under its owner's parameters."""
    by_owner: dict[str, list[Example]] = {}
    for example in held_out:
        by_owner.setdefault(example.owner, []).append(example)
    predicted = {}
    for owner, mine in by_owner.items():
        predicted.update(zip(((e.owner, e.card_id, e.reviewed_at) for e in mine), predict(parameters_of(owner), mine)))
    return [predicted[(e.owner, e.card_id, e.reviewed_at)] for e in held_out]


def command_choice(train: list[Example], owners, course: tuple[float, ...]) -> dict[str, tuple[float, ...]]:
    """What `flask review optimise` would store for each learner: a fit on their earlier reviews that beats the
    course's on their later ones (all before the cut, so the held-out reviews stay unseen), else the course's."""
    return {owner: judge(owner, [e for e in train if e.owner == owner], course, "course").parameters or course
            for owner in owners}


def calibration_lines(name: str, evaluation: Evaluation) -> list[str]:
    lines = [f"  {name}: predicted recall bin, mean predicted, share recalled, reviews"]
    for row in evaluation.calibration:
        lines.append(f"    {row.low:4.0%}-{row.high:4.0%}  {row.predicted:6.3f}  {row.observed:6.3f}  {row.count:6d}")
    return lines


def report(results: dict[str, Evaluation]) -> list[str]:
    """The comparison table, then each calibration table."""
    lines = [f"  {'parameters':<34} {'log loss':>9} {'RMSE (bins)':>12} {'reviews':>8}"]
    for name, evaluation in results.items():
        lines.append(f"  {name:<34} {evaluation.log_loss:9.4f} {evaluation.rmse_bins:12.4f} {evaluation.count:8d}")
    for name, evaluation in results.items():
        lines.extend(calibration_lines(name, evaluation))
    return lines


def synthetic(args: argparse.Namespace) -> bool:
    """Part (a); returns whether the recovery criterion holds."""
    rng = random.Random(args.seed)
    started = time.perf_counter()
    truths, true_r, log = {}, {}, []
    for learner in range(args.learners):
        truths[f"sim:{learner}"] = learner_truth(rng, args.spread)
        log.extend(simulate(learner, truths[f"sim:{learner}"], args.cards, args.new, args.days, rng, true_r))
    examples = examples_from_log(log)
    train, held_out = split_by_time(examples)
    cutoff = held_out[0].reviewed_at
    simulated = time.perf_counter() - started
    print(f"(a) synthetic: {args.learners} learners x {args.cards} cards x {args.days} days (seed {args.seed}, "
          f"spread {args.spread}): {len(log)} reviews, {len(examples)} items; fitted on {len(train)} before "
          f"{cutoff:%Y-%m-%d %H:%M}, {len(held_out)} held out (simulated in {simulated:.1f} s)")

    started = time.perf_counter()
    course = fit(train)
    if course.parameters is None:
        print(f"  course fit failed: {course.reason}")
        return False
    own, learner_fits = {}, 0
    for owner in truths:
        mine = [example for example in train if example.owner == owner]
        result = fit(mine) if len(mine) >= MIN_ITEMS else None
        own[owner] = result.parameters if result and result.parameters else course.parameters
        learner_fits += bool(result and result.parameters)
    kept = command_choice(train, truths, course.parameters)
    kept_count = sum(kept[owner] is not course.parameters for owner in truths)
    fitted = time.perf_counter() - started
    print(f"  course fit, {learner_fits} per-learner fits (learners with >= {MIN_ITEMS} items) and the command's "
          f"choice for each ({kept_count} learners keep their own) in {fitted:.1f} s")

    truth_r = [true_r[(e.owner, e.card_id, e.reviewed_at)] for e in held_out]
    course_r = predict(course.parameters, held_out)
    results = {
        "FSRS defaults": evaluate(DEFAULT_PARAMETERS, held_out),
        "course-fitted": score(course_r, held_out),
        "per learner (every own fit)": score(per_owner(own.__getitem__, held_out), held_out),
        "per learner (the command's choice)": score(per_owner(kept.__getitem__, held_out), held_out),
        "true (each learner's own)": score(truth_r, held_out),
    }
    for line in report(results):
        print(line)

    gap = statistics.fmean(abs(a - b) for a, b in zip(course_r, truth_r))
    gap_default = statistics.fmean(abs(a - b) for a, b in zip(predict(DEFAULT_PARAMETERS, held_out), truth_r))
    gap_own = statistics.fmean(abs(a - b) for a, b in zip(per_owner(own.__getitem__, held_out), truth_r))
    gap_kept = statistics.fmean(abs(a - b) for a, b in zip(per_owner(kept.__getitem__, held_out), truth_r))
    s0_errors = [abs(course.parameters[index] / COURSE_TRUTH[index] - 1) for index in range(4)]
    print(f"  mean |R - R_true| on held-out reviews: defaults {gap_default:.4f}, course fit {gap:.4f}, "
          f"every own fit {gap_own:.4f}, the command's choice {gap_kept:.4f}")
    print("  initial stabilities (days)  Again   Hard   Good   Easy")
    print("    true (course)           " + " ".join(f"{value:6.2f}" for value in COURSE_TRUTH[:4]))
    print("    course fit              " + " ".join(f"{value:6.2f}" for value in course.parameters[:4]))
    print("    FSRS defaults           " + " ".join(f"{value:6.2f}" for value in DEFAULT_PARAMETERS[:4]))
    print("    error of the fit        " + " ".join(f"{value:6.0%}" for value in s0_errors) + "  (Easy: not identifiable)")
    holds = gap <= R_TOLERANCE and gap < gap_default and all(error <= S0_TOLERANCE for error in s0_errors[:3])
    print(f"  recovery criterion (mean |R - R_true| <= {R_TOLERANCE} and below the defaults', S0 Again/Hard/Good "
          f"within {S0_TOLERANCE:.0%}): "
          f"{'holds' if holds else 'does NOT hold'}")
    return holds


def app_log(url: str | None) -> None:
    """Part (b): defaults against a course fit on the app's own review log."""
    import sqlalchemy as sa

    from app import create_app
    from app.config import Config
    from app.review_cli import logged_reviews, owner_zones

    class Settings(Config):
        SQLALCHEMY_DATABASE_URI = url or Config.SQLALCHEMY_DATABASE_URI

    app = create_app(Settings)
    with app.app_context():
        shown = app.config["SQLALCHEMY_DATABASE_URI"].split("@")[-1]
        try:
            rows = logged_reviews()
        except sa.exc.SQLAlchemyError:
            print(f"(b) the app's log ({shown}): no reviews (no review log table: the database is not migrated)")
            return
        examples = examples_from_log(rows, owner_zones({row.owner for row in rows}))
    if not examples:
        print(f"(b) the app's log ({shown}): no reviews" + (f" a day or more apart ({len(rows)} logged)" if rows else ""))
        return
    train, held_out = split_by_time(examples)
    print(f"(b) the app's log ({shown}): {len(rows)} reviews, {len(examples)} items; {len(train)} to fit, "
          f"{len(held_out)} held out")
    results = {"FSRS defaults": evaluate(DEFAULT_PARAMETERS, held_out)}
    course = fit(train)
    if course.parameters is None:
        print(f"  no course fit: {course.reason}")
    else:
        results["course-fitted"] = evaluate(course.parameters, held_out)
        kept = command_choice(train, {example.owner for example in examples}, course.parameters)
        results["per learner (the command's choice)"] = score(per_owner(kept.__getitem__, held_out), held_out)
    for line in report(results):
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--cards", type=int, default=120, help="cards per learner")
    parser.add_argument("--new", type=int, default=10, help="new cards a study day")
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--spread", type=float, default=0.3, help="log-normal spread of learners' initial stabilities")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--database", help="the app's database URL (default: the instance SQLite)")
    parser.add_argument("--synthetic-only", action="store_true")
    args = parser.parse_args()
    synthetic(args)
    if not args.synthetic_only:
        print()
        app_log(args.database)


if __name__ == "__main__":
    main()
