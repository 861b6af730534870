"""Spaced review scheduling (pure): FSRS ratings, queue order, the daily limit, and backlog spreading."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating
from hypothesis import given, settings, strategies as st

from app.course.scheduling import (
    Plan, build_queue, forecast, interval_label, new_card, next_intervals, rating_for, retrievability, review,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(Rating)), st.integers(min_value=0, max_value=90 * 24 * 60)), min_size=1, max_size=12),
       st.floats(min_value=0.70, max_value=0.97))
def test_a_review_never_moves_a_due_date_into_the_past(steps, retention):
    card, now = new_card(T0), T0
    for rating, minutes_later in steps:
        now = now + timedelta(minutes=minutes_later)
        card = review(card, rating, now, Plan(retention=retention))
        assert card.due > now
        assert card.last_review == now


def test_ratings_follow_correctness_and_self_rating():
    assert rating_for("correct") == Rating.Good
    assert rating_for("partial") == Rating.Hard
    assert rating_for("wrong") == Rating.Again and rating_for("unanswered") == Rating.Again
    assert rating_for("correct", "easy") == Rating.Easy
    assert rating_for("wrong", "easy") == Rating.Again  # a wrong answer cannot be self-rated up


def graduated(rating=Rating.Good, retention=0.9):
    card = review(new_card(T0), Rating.Good, T0, Plan(retention=retention))
    return review(card, rating, card.due, Plan(retention=retention))


def test_easier_ratings_and_lower_retention_give_longer_intervals():
    good, easy, hard = graduated(Rating.Good), graduated(Rating.Easy), graduated(Rating.Hard)
    assert hard.due < good.due < easy.due
    assert graduated(retention=0.97).due < graduated(retention=0.80).due


def test_a_wrong_answer_brings_the_card_back_within_two_days():
    """No relearning step of minutes: a lapse comes back at the start of a day soon after, far sooner than a Good."""
    card = graduated()
    answered = card.due + timedelta(hours=15)
    again, good = review(card, Rating.Again, answered), review(card, Rating.Good, answered)
    today = datetime(answered.year, answered.month, answered.day, tzinfo=timezone.utc)
    assert today + timedelta(days=1) <= again.due <= today + timedelta(days=2) and again.due.hour == 0
    assert good.due - again.due >= timedelta(days=5)


def test_days_elapsed_are_calendar_days_as_the_optimiser_counts_them():
    """Reviewed at 20:00 and again at 09:00 the next day is one day, as a full 24 hours later would be."""
    first = review(new_card(T0), Rating.Good, T0.replace(hour=20))
    next_morning = review(first, Rating.Good, T0.replace(hour=9) + timedelta(days=1))
    a_day_later = review(first, Rating.Good, T0.replace(hour=20) + timedelta(days=1))
    assert next_morning.stability == a_day_later.stability
    same_day = review(first, Rating.Good, T0.replace(hour=23))
    assert same_day.stability != next_morning.stability


def test_a_card_right_on_first_sight_does_not_come_back_within_minutes():
    """A course, not a vocabulary deck: no learning steps. Right first time, the card waits days; wrong, one day."""
    assert review(new_card(T0), Rating.Good, T0).due == datetime(2026, 3, 3, tzinfo=timezone.utc)  # FSRS's 2.3 days: 2
    assert review(new_card(T0), Rating.Again, T0).due == datetime(2026, 3, 2, tzinfo=timezone.utc)


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


def test_rating_buttons_show_the_gap_each_rating_would_give():
    """The same scheduler decides the labels and the stored due date, in whole days from the learner's today."""
    card = new_card(T0)
    gaps = next_intervals(card, T0)
    assert gaps["hard"] < gaps["good"] < gaps["easy"]
    assert gaps["good"] == review(card, Rating.Good, T0).due.date() - T0.date() == timedelta(days=2)
    assert [interval_label(gaps[name]) for name in ("hard", "good", "easy")] == ["1 day", "2 days", "8 days"]


@pytest.mark.parametrize("gap,label", [
    (timedelta(seconds=20), "1 min"), (timedelta(minutes=5, seconds=30), "6 min"), (timedelta(minutes=59), "59 min"),
    (timedelta(hours=1), "1 hour"), (timedelta(hours=5, minutes=10), "5 hours"), (timedelta(days=1), "1 day"),
    (timedelta(days=4), "4 days"), (timedelta(days=75), "2 months"), (timedelta(days=365), "1 year"),
    (timedelta(days=550), "1.5 years"),
])
def test_interval_labels_are_short_and_plain(gap, label):
    assert interval_label(gap) == label


def test_the_forecast_counts_the_learner_s_own_days():
    """At 20:00 UTC it is 01:00 the next day in Karachi: a card due at 21:00 UTC falls on Karachi's today."""
    now = datetime(2026, 3, 1, 20, 0, tzinfo=timezone.utc)
    due = [now + timedelta(hours=1), now + timedelta(hours=22)]
    assert [load.scheduled for load in forecast(due, now, days=2, daily_limit=50)] == [1, 1]
    assert [load.scheduled for load in forecast(due, now, days=2, daily_limit=50, tz=ZoneInfo("Asia/Karachi"))] == [2, 0]


def test_a_due_day_is_said_as_a_day_and_a_moment_with_its_time():
    """Cards fall due at the start of the learner's day: "tomorrow", not "tomorrow at 00:00"."""
    from app.course.clock import relative, relative_day

    karachi, now = ZoneInfo("Asia/Karachi"), datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # Tue 15:00 there
    midnight = datetime(2026, 12, 1, 19, 0, tzinfo=timezone.utc)  # 00:00 on Wednesday in Karachi
    assert relative(midnight, now, karachi) == relative_day(midnight, now, karachi) == "tomorrow"
    assert relative(midnight + timedelta(days=2), now, karachi) == "on Friday"
    assert relative_day(midnight + timedelta(days=9), now, karachi) == "on 11 Dec 2026"
    assert relative(now + timedelta(hours=20), now, karachi) == "tomorrow at 11:00"  # not a day's start: its time
    assert relative_day(now - timedelta(days=3), now, karachi) == "today"  # overdue: due now
