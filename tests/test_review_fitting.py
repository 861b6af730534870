"""FSRS parameters fitted to the review log: items as fsrs-rs expects them, fits that predict held-out recall
better than the defaults, and ``flask review optimise`` storing a fit only when it beats the alternative."""

import math
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from fsrs import Rating
from fsrs_rs_python import FSRS

from app.course import fitting
from app.course.fitting import (LoggedReview, evaluate, examples_from_log, fit, predict, score, split_by_time)
from app.course.scheduling import DEFAULT_PARAMETERS, Plan, new_card, retrievability, review
from app.extensions import db
from app.models import Question, QuestionVersion, ReviewCard, ReviewLog, ReviewParameters
from app.review_plan import COURSE_SCOPE, fitted_parameters

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
# A class that forgets faster than FSRS's defaults expect: first stabilities about a third, slower growth (w8), so
# cards the app schedules for 90 % recall come back nearer 80 %.
TRUTH = (0.08, 0.4, 0.8, 3.0, 6.4133, 0.8334, 3.0194, 0.001, 1.4, 0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483,
         0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542)
FIRST = (Rating.Again, Rating.Hard, Rating.Good, Rating.Good, Rating.Good)


def simulate(owner: str, truth, cards: int, days: int, rng: random.Random, first_card: int = 0) -> list[LoggedReview]:
    """A learner whose recall follows ``truth``, scheduled by the app on its defaults, each review a few days late
    now and then; every review at the same time of day."""
    log = []
    for card_id in range(first_card, first_card + cards):
        now = START + timedelta(days=rng.randrange(10))
        rating = rng.choice(FIRST)
        app_card, true_card = review(new_card(now), rating, now), review(new_card(now), rating, now, Plan(parameters=truth))
        log.append(LoggedReview(owner, card_id, now, int(rating)))
        while True:
            now = app_card.due.replace(hour=9) + timedelta(days=rng.choice((0, 0, 0, 1, 3, 7)))
            if now > START + timedelta(days=days):
                break
            recalled = rng.random() < retrievability(true_card, now, Plan(parameters=truth))
            rating = rng.choice((Rating.Hard, Rating.Good, Rating.Good, Rating.Easy)) if recalled else Rating.Again
            app_card, true_card = review(app_card, rating, now), review(true_card, rating, now, Plan(parameters=truth))
            log.append(LoggedReview(owner, card_id, now, int(rating)))
    return log


@pytest.fixture(scope="module")
def synthetic_log() -> list[LoggedReview]:
    rng = random.Random(18)
    return [row for learner in range(8) for row in simulate(f"user:{900 + learner}", TRUTH, 40, 120, rng)]


# Items, as fsrs-rs builds them.

def test_items_count_days_in_the_learners_zone_and_skip_same_day_reviews():
    karachi = ZoneInfo("Asia/Karachi")  # UTC+5: 20:00 UTC is already the next day there
    rows = [
        LoggedReview("user:1", 7, datetime(2026, 3, 1, 10, tzinfo=timezone.utc), 3),
        LoggedReview("user:1", 7, datetime(2026, 3, 1, 12, tzinfo=timezone.utc), 1),  # same day: history only
        LoggedReview("user:1", 7, datetime(2026, 3, 1, 20, tzinfo=timezone.utc), 3),  # 2 March in Karachi
        LoggedReview("user:1", 7, datetime(2026, 3, 6, 8, tzinfo=timezone.utc), 2),
        LoggedReview("user:2", 7, datetime(2026, 3, 1, 20, tzinfo=timezone.utc), 4),  # another owner's card 7
        LoggedReview("user:2", 7, datetime(2026, 3, 3, 1, tzinfo=timezone.utc), 1),
    ]
    examples = examples_from_log(reversed(rows), {"user:1": karachi})

    assert [(e.owner, e.reviews) for e in examples] == [
        ("user:1", ((3, 0), (1, 0), (3, 1))),
        ("user:2", ((4, 0), (1, 2))),
        ("user:1", ((3, 0), (1, 0), (3, 1), (2, 4))),
    ]
    assert [e.recalled for e in examples] == [True, False, True]
    reviews = ["FSRSReview { rating: 3, delta_t: 0 }", "FSRSReview { rating: 1, delta_t: 0 }",
               "FSRSReview { rating: 3, delta_t: 1 }", "FSRSReview { rating: 2, delta_t: 4 }"]
    assert repr(examples[2].item()) == f"FSRSItem {{ reviews: [{', '.join(reviews)}] }}"
    assert repr(examples[2].history()) == f"FSRSItem {{ reviews: [{', '.join(reviews[:3])}] }}"


def test_the_split_holds_out_the_latest_fifth():
    rows = [LoggedReview("user:1", card, START + timedelta(days=day), 3) for card in range(5) for day in (0, 2, 5)]
    train, held_out = split_by_time(examples_from_log(rows))
    assert (len(train), len(held_out)) == (8, 2)
    assert max(e.reviewed_at for e in train) <= min(e.reviewed_at for e in held_out)


# The same retrievability as the app's scheduler, and the same figures as fsrs-rs's own evaluation.

@pytest.mark.parametrize("parameters", [DEFAULT_PARAMETERS, TRUTH])
def test_predictions_agree_with_py_fsrs_retrievability(parameters):
    plan, card, when, rows, expected = Plan(parameters=parameters), new_card(START), START, [], []
    for rating, gap in ((Rating.Good, 3), (Rating.Again, 1), (Rating.Good, 6), (Rating.Hard, 11), (Rating.Easy, 30)):
        if rows:
            expected.append(retrievability(card, when, plan))  # what the app predicts just before this review
        card = review(card, rating, when, plan)
        rows.append(LoggedReview("user:1", 1, when, int(rating)))
        when += timedelta(days=gap)
    examples = examples_from_log(rows)
    assert predict(parameters, examples) == pytest.approx(expected, rel=2e-4)


def test_each_reviews_log_loss_and_rmse_match_fsrs_rs_evaluate(synthetic_log):
    # One item at a time: fsrs-rs's evaluate weighs recent items more, so only single items compare exactly.
    model = FSRS(list(TRUTH))
    for example in examples_from_log(synthetic_log)[::97]:
        ours, theirs = evaluate(TRUTH, [example]), model.evaluate([example.item()])
        assert ours.log_loss == pytest.approx(theirs.log_loss, rel=1e-4)
        assert ours.rmse_bins == pytest.approx(theirs.rmse_bins, rel=1e-3)


def test_calibration_bins_hold_every_review_once(synthetic_log):
    result = evaluate(TRUTH, examples := examples_from_log(synthetic_log))
    assert sum(row.count for row in result.calibration) == len(examples)
    assert all(row.low <= row.predicted <= row.high for row in result.calibration)
    assert result.calibration == tuple(sorted(result.calibration, key=lambda row: row.low))


# Fitting.

def test_a_fit_on_earlier_reviews_predicts_later_recall_better_than_the_defaults(synthetic_log):
    train, held_out = split_by_time(examples_from_log(synthetic_log))
    result = fit(train)

    assert result.parameters is not None and not result.partial
    fitted, default = evaluate(result.parameters, held_out), evaluate(DEFAULT_PARAMETERS, held_out)
    assert fitted.log_loss < default.log_loss
    assert fitted.rmse_bins < default.rmse_bins
    # Closer to the true recall of each held-out review than the defaults, by more than half.
    true_r = predict(TRUTH, held_out)
    gap = sum(abs(a - b) for a, b in zip(predict(result.parameters, held_out), true_r))
    assert gap < sum(abs(a - b) for a, b in zip(predict(DEFAULT_PARAMETERS, held_out), true_r)) / 2


def test_too_few_reviews_keep_the_defaults_and_say_so(synthetic_log):
    result = fit(examples_from_log(synthetic_log)[:63])
    assert result.parameters is None
    assert result.reason == "too few reviews to fit (63 of the 64 needed)"


class Failing:
    def __init__(self, parameters):
        pass

    def compute_parameters(self, items):
        raise RuntimeError("invalid input")


class NotANumber(Failing):
    def compute_parameters(self, items):
        return [math.nan] * 21


class OutOfBounds(Failing):
    def compute_parameters(self, items):
        return [*TRUTH[:7], 0.9, *TRUTH[8:]]  # w7 above py-fsrs's 0.75


@pytest.mark.parametrize("optimiser, reason", [
    (Failing, "the optimiser failed (invalid input)"),
    (NotANumber, "the optimiser returned unusable numbers (NaN or infinite)"),
    (OutOfBounds, "the optimiser returned parameters outside py-fsrs's bounds"),
])
def test_an_optimiser_error_or_nan_keeps_the_defaults(monkeypatch, synthetic_log, optimiser, reason):
    monkeypatch.setattr(fitting, "FSRS", optimiser)
    result = fit(examples_from_log(synthetic_log)[:200])
    assert (result.parameters, result.reason) == (None, reason)


def test_float32_rounding_past_a_bound_is_put_back_for_py_fsrs(monkeypatch, synthetic_log):
    class AtTheBound(Failing):
        def compute_parameters(self, items):
            return [*TRUTH[:19], 0.800000011920929, TRUTH[20]]  # fsrs-rs's 0.8 for w19, read as a double

    monkeypatch.setattr(fitting, "FSRS", AtTheBound)
    result = fit(examples_from_log(synthetic_log)[:200])
    assert result.parameters[19] == 0.8
    assert Plan(parameters=result.parameters).model.parameters[19] == 0.8  # py-fsrs accepts the set


def test_score_takes_any_predictions():
    later = START + timedelta(days=3)
    examples = examples_from_log([LoggedReview("user:1", 1, START, 3), LoggedReview("user:1", 1, later, 1),
                                  LoggedReview("user:1", 2, START, 3), LoggedReview("user:1", 2, later, 3)])
    result = score([0.5, 0.5], examples)
    assert result.log_loss == pytest.approx(math.log(2))
    assert [(row.predicted, row.observed, row.count) for row in result.calibration] == [(0.5, 0.5, 2)]


# The command.

def store_log(app, rows: list[LoggedReview]) -> None:
    """The rows as review logs, each (owner, card) a card on one of the course's questions."""
    with app.app_context():
        current = sa.and_(QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version)
        questions = db.session.execute(sa.select(Question.id, QuestionVersion.id).join(QuestionVersion, current)
                                       .order_by(Question.id)).all()
        cards = {}
        for owner, card_id in sorted({(row.owner, row.card_id) for row in rows}):
            question_id, _ = questions[card_id % len(questions)]
            card = ReviewCard(owner_key=owner, question_id=question_id, state=2, step=None, stability=1.0, difficulty=5.0,
                              due=START, last_review=START)
            db.session.add(card)
            db.session.flush()
            cards[(owner, card_id)] = (card.id, *questions[card_id % len(questions)])
        db.session.execute(sa.insert(ReviewLog), [
            dict(zip(("card_id", "question_id", "question_version_id"), cards[(row.owner, row.card_id)]),
                 owner_key=row.owner, source="review", rating=row.rating, score=1.0 if row.rating > 1 else 0.0,
                 reviewed_at=row.reviewed_at.replace(tzinfo=None), card_before={})
            for row in rows])
        db.session.commit()


def stored(app) -> dict:
    with app.app_context():
        return {row.scope: row for row in db.session.scalars(sa.select(ReviewParameters))}


# A learner who remembers far longer than the rest of the class: their own fit beats the course's on their later
# reviews.
STRONG = (1.0, 6.0, 12.0, 30.0, 6.4133, 0.8334, 3.0194, 0.001, 2.4, 0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483,
          0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542)


@pytest.fixture
def class_log(synthetic_log):
    return synthetic_log + simulate("user:950", STRONG, 80, 120, random.Random(5), first_card=100)


def test_optimise_stores_the_course_and_a_learner_who_beats_it(app, runner, class_log):
    store_log(app, class_log)
    result = runner.invoke(args=["review", "optimise"])

    assert result.exit_code == 0, result.output
    rows = stored(app)
    assert {COURSE_SCOPE, "user:950"} <= set(rows)
    assert rows[COURSE_SCOPE].loss_fitted < rows[COURSE_SCOPE].loss_default
    assert len(rows["user:950"].parameters) == 21 and rows["user:950"].reviews >= 64
    for row in rows.values():
        assert Plan(parameters=tuple(row.parameters)).model  # py-fsrs takes every stored set
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.startswith(("course", "user:"))}
    assert lines["course"].endswith("stored")
    assert lines["user:950"].endswith("stored") and "(course)" in lines["user:950"]
    with app.app_context():
        assert fitted_parameters("user:950") == tuple(rows["user:950"].parameters)
        classmate = next(f"user:{900 + n}" for n in range(8) if f"user:{900 + n}" not in rows)
        assert fitted_parameters(classmate) == tuple(rows[COURSE_SCOPE].parameters)
        assert fitted_parameters("user:9999") == tuple(rows[COURSE_SCOPE].parameters)

    again = runner.invoke(args=["review", "optimise"])  # idempotent: the same rows, the same numbers
    assert {scope: row.parameters for scope, row in stored(app).items()} == {s: r.parameters for s, r in rows.items()}
    assert again.output.splitlines()[1:] == result.output.splitlines()[1:]


def test_a_learner_fit_that_loses_is_not_written_and_an_old_one_is_removed(app, runner, class_log, monkeypatch):
    store_log(app, class_log)
    with app.app_context():
        db.session.add(ReviewParameters(scope="user:950", parameters=list(STRONG), reviews=100,
                                        loss_default=None, loss_fitted=None))
        db.session.commit()
    real_fit = fitting.fit

    def worse_for_learners(examples):
        result = real_fit(examples)
        if examples and examples[0].owner == "user:950" and all(e.owner == "user:950" for e in examples):
            # First stabilities a hundredth of the fit's: it predicts nearly every card forgotten.
            return fitting.Fit(tuple(value / 100 if index < 4 else value for index, value in enumerate(result.parameters)),
                               result.items)
        return result

    monkeypatch.setattr("app.review_cli.fit", worse_for_learners)
    result = runner.invoke(args=["review", "optimise"])

    assert COURSE_SCOPE in stored(app) and "user:950" not in stored(app)
    line = next(line for line in result.output.splitlines() if line.startswith("user:950"))
    assert line.endswith("keeps the course: the fit did not beat the course on held-out reviews")


def test_a_course_fit_that_loses_to_the_defaults_is_not_kept(app, runner, class_log, monkeypatch):
    store_log(app, class_log)
    with app.app_context():
        db.session.add(ReviewParameters(scope=COURSE_SCOPE, parameters=list(TRUTH), reviews=500,
                                        loss_default=0.4, loss_fitted=0.3))
        db.session.commit()
    monkeypatch.setattr("app.review_cli.fit", lambda examples: fitting.Fit(
        tuple(value / 100 if index < 4 else value for index, value in enumerate(TRUTH)), len(examples)))
    result = runner.invoke(args=["review", "optimise", "--course-only"])

    assert stored(app) == {}
    line = next(line for line in result.output.splitlines() if line.startswith("course"))
    assert "(defaults)" in line
    assert line.endswith("keeps the defaults: the fit did not beat the defaults on held-out reviews")
    with app.app_context():
        assert fitted_parameters("user:900") == DEFAULT_PARAMETERS


def test_course_only_leaves_learners_alone_and_dry_run_writes_nothing(app, runner, class_log):
    store_log(app, class_log)
    dry = runner.invoke(args=["review", "optimise", "--dry-run"])
    assert dry.exit_code == 0 and "dry run: nothing stored or removed" in dry.output
    assert "user:950" in dry.output and stored(app) == {}

    course_only = runner.invoke(args=["review", "optimise", "--course-only"])
    assert set(stored(app)) == {COURSE_SCOPE} and "user:950" not in course_only.output
    assert "dry run" not in course_only.output


def test_too_few_reviews_keep_the_defaults_and_the_command_says_so(app, runner, synthetic_log):
    with app.app_context():
        db.session.add(ReviewParameters(scope=COURSE_SCOPE, parameters=list(TRUTH), reviews=500,
                                        loss_default=0.4, loss_fitted=0.3))
        db.session.commit()
    store_log(app, [row for row in synthetic_log if row.card_id < 3][:40])
    result = runner.invoke(args=["review", "optimise"])

    assert result.exit_code == 0
    assert stored(app) == {}  # the old course row no longer has a log to back it
    assert "keeps the defaults: too few reviews to fit" in result.output
    assert ("2 learners with fewer than 64 reviews to fit (fsrs-rs's minimum) keep FSRS's default parameters"
            in result.output)
    with app.app_context():
        assert fitted_parameters("user:900") == DEFAULT_PARAMETERS


def test_an_empty_log_says_so(app, runner):
    result = runner.invoke(args=["review", "optimise"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "0 reviews in the log, 0 a day or more after the card's previous review"
    assert "too few reviews to fit (0 of the 64 needed)" in result.output
