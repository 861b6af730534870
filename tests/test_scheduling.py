"""Spaced review scheduling (pure): FSRS ratings, queue order, the daily limit, and backlog spreading."""

from datetime import datetime, timedelta, timezone

from fsrs import Rating
from hypothesis import given, settings, strategies as st

from app.course.scheduling import (
    build_queue, forecast, new_card, rating_for, retrievability, review,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(Rating)), st.integers(min_value=0, max_value=90 * 24 * 60)), min_size=1, max_size=12),
       st.floats(min_value=0.70, max_value=0.97))
def test_a_review_never_moves_a_due_date_into_the_past(steps, retention):
    card, now = new_card(T0), T0
    for rating, minutes_later in steps:
        now = now + timedelta(minutes=minutes_later)
        card = review(card, rating, now, retention)
        assert card.due >= now
        assert card.last_review == now


def test_ratings_follow_correctness_and_self_rating():
    assert rating_for("correct") == Rating.Good
    assert rating_for("partial") == Rating.Hard
    assert rating_for("wrong") == Rating.Again and rating_for("unanswered") == Rating.Again
    assert rating_for("correct", "easy") == Rating.Easy
    assert rating_for("wrong", "easy") == Rating.Again  # a wrong answer cannot be self-rated up


def graduated(rating=Rating.Good, retention=0.9):
    card = review(new_card(T0), Rating.Good, T0, retention)
    return review(card, rating, card.due, retention)


def test_easier_ratings_and_lower_retention_give_longer_intervals():
    good, easy, hard = graduated(Rating.Good), graduated(Rating.Easy), graduated(Rating.Hard)
    assert hard.due < good.due < easy.due
    assert graduated(retention=0.97).due < graduated(retention=0.80).due


def test_a_wrong_answer_brings_the_card_back_soon():
    card = graduated()
    again = review(card, Rating.Again, card.due)
    assert again.due - card.due <= timedelta(minutes=10)


def test_the_queue_serves_the_most_forgotten_due_cards_first_within_the_limit():
    fresh = graduated()                                         # due a few days after T0
    now = fresh.due + timedelta(days=30)
    older = review(new_card(T0 - timedelta(days=60)), Rating.Good, T0 - timedelta(days=60))
    cards = [(1, fresh), (2, older), (3, review(new_card(now), Rating.Good, now))]  # 3 is not due yet
    order = build_queue(cards, now, served_today=0, daily_limit=10)
    assert order == sorted([1, 2], key=lambda ident: retrievability(dict(cards)[ident], now))
    assert 3 not in order
    assert len(build_queue(cards, now, served_today=9, daily_limit=10)) == 1
    assert build_queue(cards, now, served_today=10, daily_limit=10) == []


def test_a_backlog_is_spread_over_the_coming_days():
    overdue = [T0 - timedelta(days=d) for d in range(1, 121)]   # 120 cards overdue after a break
    later = [T0 + timedelta(days=2)] * 10
    loads = forecast(overdue + later, T0, days=7, daily_limit=50)
    assert [load.served for load in loads] == [50, 50, 30, 0, 0, 0, 0]
    assert loads[0].scheduled == 120 and loads[2].scheduled == 10
    assert sum(load.served for load in loads) == 130


def test_reviews_already_done_today_count_against_the_limit():
    loads = forecast([T0] * 30, T0, days=3, daily_limit=20, served_today=15)
    assert [load.served for load in loads] == [5, 20, 5]
