"""Postpone and advance, pure and on fixed clocks: which cards move, to which days, the recall figures the preview
shows, the daily limit respected, and nothing moved into a holiday or the past."""

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating

from app.course.clock import local_day
from app.course.review_calendar import Calendar, Load
from app.course.review_moves import (
    calendar_digest, card_stamp, cards_digest, midday, plan_advance, plan_postpone, queue_order,
)
from app.course.scheduling import CardState, Plan, retrievability, review

KARACHI = ZoneInfo("Asia/Karachi")
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)  # 09:00 on Tuesday 1 December in Karachi
TODAY = date(2026, 12, 1)


def card(stability: float, reviewed_days_ago: float, due_days: float) -> CardState:
    """A reviewed card with this stability, last reviewed and due so many days from NOW (negative: in the past)."""
    return CardState(state=2, step=None, stability=stability, difficulty=5.0,
                     due=NOW + timedelta(days=due_days), last_review=NOW - timedelta(days=reviewed_days_ago))


def plan(cap: int = 5, calendar: Calendar = Calendar(), counts: dict | None = None) -> Plan:
    return Plan(tz=KARACHI, calendar=calendar, load=Load(cap, Counter(counts or {})))


# Ten overdue cards: card i has stability 10 + 10 i and was last reviewed 20 days ago, so the least stable is the
# most forgotten (the queue serves it first) and the most stable loses recall slowest.
BACKLOG = [(i, card(10.0 + 10 * i, 20, -1)) for i in range(10)]


def test_postpone_keeps_the_most_forgotten_for_today_in_the_queues_order():
    preview = plan_postpone(BACKLOG, NOW, plan(), keep=3)
    kept = [ident for ident, _ in queue_order(BACKLOG, NOW, plan())[:3]]
    assert kept == [0, 1, 2]
    assert {move.card_id for move in preview.moves} == set(range(3, 10))


def test_postponed_cards_fill_the_earliest_days_under_the_limit_most_stable_furthest():
    preview = plan_postpone(BACKLOG, NOW, plan(cap=5, counts={TODAY + timedelta(days=1): 2}), keep=3)
    days = {move.card_id: move.to_day for move in preview.moves}
    # Tomorrow already holds 2 of its 5: three more fit; the next four go the day after.
    assert preview.days() == [(date(2026, 12, 2), 3), (date(2026, 12, 3), 4)]
    assert [days[i] for i in (3, 4, 5)] == [date(2026, 12, 2)] * 3
    assert [days[i] for i in (6, 7, 8, 9)] == [date(2026, 12, 3)] * 4
    assert all(move.from_day == date(2026, 11, 30) for move in preview.moves)


def test_postpone_never_lands_in_a_holiday_the_past_or_today_and_light_days_take_half():
    away = Calendar(light_days=frozenset({4}), holidays=((date(2026, 12, 2), date(2026, 12, 2)),))  # Wed off, Thu light
    preview = plan_postpone(BACKLOG, NOW, plan(cap=4, calendar=away), keep=0)
    assert all(move.to_day > TODAY and not away.on_holiday(move.to_day) for move in preview.moves)
    # Thursday 3 December is light: half of 4; Friday and Saturday take 4 each.
    assert preview.days() == [(date(2026, 12, 3), 2), (date(2026, 12, 4), 4), (date(2026, 12, 5), 4)]


def test_postpone_figures_are_fsrs_recall_now_and_at_midday_on_the_new_day():
    the_plan = plan()
    preview = plan_postpone(BACKLOG, NOW, the_plan, keep=9)
    (move,) = preview.moves
    assert move.card_id == 9
    assert move.recall_before == pytest.approx(retrievability(BACKLOG[9][1], NOW, the_plan))
    assert move.recall_after == pytest.approx(retrievability(BACKLOG[9][1], datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc)))
    assert move.recall_after < move.recall_before  # waiting costs recall: the preview says how much
    assert preview.mean(after=False) == pytest.approx(move.recall_before) and preview.worst(after=True) == move.recall_after


def test_postpone_updates_the_load_and_moves_nothing_not_yet_due():
    load_plan = plan(cap=5)
    later = BACKLOG + [(99, card(30.0, 2, 0.5))]  # due this evening: not in today's backlog
    preview = plan_postpone(later, NOW, load_plan, keep=0)
    assert 99 not in {move.card_id for move in preview.moves}
    assert load_plan.load.counts[date(2026, 12, 2)] == 5 and load_plan.load.counts[date(2026, 12, 3)] == 5
    assert plan_postpone(later, NOW, plan(), keep=50).moves == ()


def test_postpone_needs_the_load():
    with pytest.raises(ValueError):
        plan_postpone(BACKLOG, NOW, Plan(tz=KARACHI), keep=0)


EXAM = date(2026, 12, 8)  # a Tuesday: the window is Wednesday 2 to Monday 7 December


def exam_cards() -> list[tuple[int, CardState, str]]:
    """Cards due after the exam: 0–3 fading by then (low stability), 4 still strong, 5 already due before it."""
    return [(0, card(5.0, 3, 10), "trade"), (1, card(8.0, 3, 12), "trade"), (2, card(6.0, 2, 9), "kargil"),
            (3, card(7.0, 1, 7), "kargil"), (4, card(400.0, 3, 60), "trade"), (5, card(5.0, 3, 2), "trade")]


def test_advance_picks_cards_not_seen_before_the_exam_whose_recall_falls_below_retention():
    the_plan = plan()
    preview = plan_advance(exam_cards(), NOW, EXAM, the_plan)
    assert {move.card_id for move in preview.moves} == {0, 1, 2, 3}
    exam_noon = midday(EXAM, KARACHI)
    for move in preview.moves:
        state = dict((i, c) for i, c, _ in exam_cards())[move.card_id]
        assert move.recall_before == pytest.approx(retrievability(state, exam_noon, the_plan))
        assert move.recall_before < 0.9
        good = review(state, Rating.Good, midday(move.to_day, KARACHI), Plan(tz=KARACHI))
        assert move.recall_after == pytest.approx(retrievability(good, exam_noon, the_plan))
        assert move.recall_after > move.recall_before


def test_advance_spreads_over_the_least_loaded_days_before_the_exam_never_a_holiday():
    away = Calendar(holidays=((date(2026, 12, 6), date(2026, 12, 7)),))
    busy = {date(2026, 12, 5): 3, date(2026, 12, 4): 1}
    preview = plan_advance(exam_cards(), NOW, EXAM, plan(calendar=away, counts=busy))
    days = sorted(move.to_day for move in preview.moves)
    assert all(TODAY < day < EXAM and not away.on_holiday(day) for day in days)
    # The emptiest day each time, nearest the exam on a tie: Thursday 3 and Wednesday 2 (empty), then Friday 4 (one
    # already, as they now have), then Thursday again; Saturday 5 holds three and gets none.
    assert days == [date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 3), date(2026, 12, 4)]


def test_advance_respects_the_limit_where_there_is_room():
    full = {date(2026, 12, day): 5 for day in range(2, 7)}
    preview = plan_advance(exam_cards(), NOW, EXAM, plan(cap=5, counts=full))
    assert {move.to_day for move in preview.moves} == {date(2026, 12, 7)}  # the one day under the limit


def test_advance_only_the_lessons_chosen_and_nothing_when_the_exam_is_tomorrow():
    assert {m.card_id for m in plan_advance(exam_cards(), NOW, EXAM, plan(), lessons={"kargil"}).moves} == {2, 3}
    assert plan_advance(exam_cards(), NOW, TODAY + timedelta(days=1), plan()).moves == ()


def test_a_stamp_changes_when_a_card_is_reviewed_or_moved_and_the_digests_follow():
    state = BACKLOG[0][1]
    reviewed = review(state, Rating.Good, NOW, Plan(tz=KARACHI))
    moved = replace(state, due=state.due + timedelta(days=1))
    assert len({card_stamp(state), card_stamp(reviewed), card_stamp(moved)}) == 3
    assert cards_digest(BACKLOG) != cards_digest([(0, moved)] + BACKLOG[1:])
    assert cards_digest(BACKLOG) == cards_digest(list(reversed(BACKLOG)))
    light = Calendar(light_days=frozenset({6}))
    assert calendar_digest(Calendar(), 50) != calendar_digest(light, 50) != calendar_digest(light, 40)


def test_midday_is_noon_where_the_learner_is():
    assert midday(TODAY, KARACHI) == datetime(2026, 12, 1, 7, 0, tzinfo=timezone.utc)
    assert local_day(midday(TODAY, KARACHI), KARACHI) == TODAY
