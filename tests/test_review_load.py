"""The load benchmark at a tiny size (bench/review_load.py): what a learner would notice of load balancing.

Twenty simulated learners for sixty days on the shipped course, each living the same life three ways (no
balancing, load balancing, balancing with easy weekends). The full-size figures are in bench/RESULTS.md.
"""

import importlib.util
import sys

import pytest

from app.config import PROJECT_ROOT

_SPEC = importlib.util.spec_from_file_location("bench_review_load", PROJECT_ROOT / "bench" / "review_load.py")
review_load = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = review_load  # dataclasses look their module up by name
_SPEC.loader.exec_module(review_load)

LEARNERS, DAYS = 20, 60


@pytest.fixture(scope="module")
def simulated():
    """(learners, runs[learner][way], figures per way) for the tiny run."""
    learners, runs = review_load.simulate(LEARNERS, DAYS, workers=1, seed=18)
    figures = [review_load.figures(way, learners, [runs[index][position] for index in range(LEARNERS)], DAYS)
               for position, way in enumerate(review_load.WAYS)]
    return learners, runs, figures


def test_balancing_evens_out_the_reviews_a_learner_meets_each_day(simulated):
    _, _, (plain, balanced, easy_weekends) = simulated
    assert balanced.due_spread < plain.due_spread  # the cards falling due each day
    assert balanced.spread < plain.spread  # the reviews met on the days the learner studies
    assert easy_weekends.spread < plain.spread


def test_easy_weekends_get_fewer_cards(simulated):
    _, _, (plain, balanced, easy_weekends) = simulated
    assert easy_weekends.weekend < balanced.weekend and easy_weekends.weekend < plain.weekend


def test_balancing_keeps_the_number_of_reviews_close(simulated):
    """The issue's bound: at most 3 % more reviews (and not many fewer: nothing is skipped)."""
    _, _, (plain, balanced, easy_weekends) = simulated
    for way in (balanced, easy_weekends):
        assert 0.9 * plain.reviews <= way.reviews <= 1.03 * plain.reviews


def test_no_card_ever_falls_on_a_holiday(simulated):
    learners, runs, _ = simulated
    away = [learner for learner in learners if learner.holiday and learner.holiday[1] < DAYS]
    assert away, "no learner took a holiday: the check would prove nothing"
    assert sum(run.on_holiday for per_learner in runs for run in per_learner) == 0
    for learner in away:  # nor is anything reviewed while they are away
        first, last = learner.holiday[1], min(learner.holiday[2], DAYS - 1)
        assert all(run.served[day] == 0 for run in runs[learner.index] for day in range(first, last + 1))


def test_the_same_seed_gives_the_same_figures(simulated):
    _, runs, _ = simulated
    _, again = review_load.simulate(3, DAYS, workers=1, seed=18)
    assert [[run.served for run in per_learner] for per_learner in again] == \
        [[run.served for run in per_learner] for per_learner in runs[:3]]
