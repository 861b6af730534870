"""The day a card comes back (pure, app/course/review_calendar.py): properties over any load, light days and holidays.

The rules a learner relies on: a balanced day is inside FSRS's fuzz range and never before tomorrow; a holiday
never gets a card (a range wholly inside one goes to the first open days after it); a day at the daily limit is
taken only when every day in range is; light days get a smaller share; and ``scheduling.review`` keeps the
learner's day counts right as cards come and go.
"""

import statistics
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from fsrs import Rating
from hypothesis import HealthCheck, given, settings, strategies as st

from app.course.clock import local_day
from app.course.review_calendar import (
    HOLIDAY_SPREAD, LIGHT_SHARE, Calendar, Load, choose_day, clear_holidays, fuzz_range,
)
from app.course.scheduling import Plan, exact_interval, new_card, review

TODAY = date(2027, 3, 1)
KARACHI = ZoneInfo("Asia/Karachi")
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

intervals = st.integers(min_value=1, max_value=400)  # FSRS intervals in days, as the realistic range
caps = st.integers(min_value=1, max_value=200)  # the daily review limit's range (setting)
light_weekdays = st.frozensets(st.integers(min_value=1, max_value=7), max_size=7)


@st.composite
def holidays(draw, max_count: int = 3) -> tuple[tuple[date, date], ...]:
    """Up to ``max_count`` holidays of 1-60 days, starting from 10 days ago to 420 days ahead (they may overlap)."""
    found = []
    for _ in range(draw(st.integers(min_value=0, max_value=max_count))):
        start = TODAY + timedelta(days=draw(st.integers(min_value=-10, max_value=420)))
        found.append((start, start + timedelta(days=draw(st.integers(min_value=0, max_value=59)))))
    return tuple(sorted(found))


@st.composite
def loads(draw, cap: int, first: int = 1, last: int = 480) -> Load:
    """Counts of 0 to cap+10 cards on days ``first``..``last`` after today (runs of days share a count)."""
    counts, offset = Counter(), first
    while offset <= last:
        width = draw(st.one_of(st.integers(min_value=1, max_value=3), st.integers(min_value=1, max_value=60)))
        count = draw(st.one_of(st.integers(min_value=0, max_value=cap + 10),  # and often just under or at the cap
                               st.integers(min_value=max(0, cap - 2), max_value=cap + 1)))
        for day in range(offset, min(last, offset + width - 1) + 1):
            counts[TODAY + timedelta(days=day)] = count
        offset += width
    return Load(cap, counts)


def away(day: date, ranges) -> bool:
    return any(start <= day <= end for start, end in ranges)


def open_days_after(day: date, ranges, count: int) -> list[date]:
    """The first ``count`` days after ``day`` that are in no holiday (written out here, not the module's own)."""
    found = []
    while len(found) < count:
        day += timedelta(days=1)
        if not away(day, ranges):
            found.append(day)
    return found


def in_range(interval: int) -> list[date]:
    low, high = fuzz_range(interval)
    return [TODAY + timedelta(days=offset) for offset in range(low, high + 1)]


@PROPERTY
@given(interval=intervals, cap=caps, light=light_weekdays, ranges=holidays(), data=st.data())
def test_a_balanced_day_is_in_the_fuzz_range_in_the_future_and_never_on_a_holiday(interval, cap, light, ranges, data):
    load = data.draw(loads(cap))
    calendar = Calendar(light, ranges)
    chosen = choose_day(TODAY, interval, calendar, load)
    days = in_range(interval)
    assert chosen > TODAY
    assert not away(chosen, ranges)
    if any(not away(day, ranges) for day in days):
        assert chosen in days
    else:  # the whole range is a holiday: the first open days after it, spread over at least HOLIDAY_SPREAD
        assert chosen in open_days_after(days[-1], ranges, max(HOLIDAY_SPREAD, len(days)))


def test_cards_whose_whole_range_is_a_holiday_share_out_the_first_days_after_it():
    """Ten cards of a week's interval (days 5-9) during a break from day 3 to day 20: two on each of days 21-25."""
    break_ = ((TODAY + timedelta(days=3), TODAY + timedelta(days=20)),)
    load = Load(50)
    for _ in range(10):
        load.add(choose_day(TODAY, 7, Calendar(holidays=break_), load))
    assert +load.counts == {TODAY + timedelta(days=day): 2 for day in range(21, 26)}
    assert choose_day(TODAY, 7, Calendar(holidays=break_), None) == TODAY + timedelta(days=21)  # unbalanced: the first


@PROPERTY
@given(interval=intervals, ranges=holidays())
def test_without_balancing_the_card_goes_to_the_open_day_nearest_fsrss_own(interval, ranges):
    chosen = choose_day(TODAY, interval, Calendar(holidays=ranges), None)
    target = TODAY + timedelta(days=interval)
    assert chosen > TODAY and not away(chosen, ranges)
    open_in_range = [day for day in in_range(interval) if not away(day, ranges)]
    if not ranges:
        assert chosen == target
    elif open_in_range:
        assert abs((chosen - target).days) == min(abs((day - target).days) for day in open_in_range)


@PROPERTY
@given(interval=intervals, cap=caps, light=light_weekdays, ranges=holidays(), data=st.data())
def test_a_full_day_is_taken_only_when_every_day_in_range_is_full(interval, cap, light, ranges, data):
    load = data.draw(loads(cap))
    calendar = Calendar(light, ranges)
    chosen = choose_day(TODAY, interval, calendar, load)
    candidates = [day for day in in_range(interval) if not away(day, ranges)]
    roomy = [day for day in candidates if load.counts[day] < cap]
    if roomy:
        assert load.counts[chosen] < cap, "a day in range had room, yet the card went to a full one"
        fewest = min(load.counts[day] / calendar.share(day) for day in roomy)
        assert load.counts[chosen] / calendar.share(chosen) == fewest, "a day with room and fewer cards was passed over"


def test_a_light_day_with_room_beats_a_full_normal_day():
    """Room under the cap comes before the light share: six cards on a light day (twelve, weighed) and the cap
    of ten reached on every other day of the range, the card goes to the light day."""
    days = in_range(30)
    light = days[0].isoweekday()
    load = Load(10, Counter({day: 6 if day.isoweekday() == light else 10 for day in days}))
    chosen = choose_day(TODAY, 30, Calendar(frozenset({light})), load)
    assert chosen.isoweekday() == light and load.counts[chosen] == 6


@settings(max_examples=40, deadline=None)
@given(light=st.frozensets(st.integers(min_value=1, max_value=7), min_size=1, max_size=6),
       order=st.randoms(use_true_random=False), cap=st.integers(min_value=50, max_value=200))
def test_light_days_get_a_smaller_share_of_many_cards(light, order, cap):
    """612 cards reviewed today, twelve of each interval from 10 to 60 days in any order: a light weekday ends up
    with fewer cards than a normal one, about ``LIGHT_SHARE`` as many."""
    calendar, load = Calendar(light), Load(cap)
    spread = list(range(10, 61)) * 12
    order.shuffle(spread)
    for interval in spread:
        load.add(choose_day(TODAY, interval, calendar, load))
    middle = [TODAY + timedelta(days=offset) for offset in range(15, 50)]  # days that ranges reach from both sides
    light_mean = statistics.fmean(load.counts[day] for day in middle if day.isoweekday() in light)
    normal_mean = statistics.fmean(load.counts[day] for day in middle if day.isoweekday() not in light)
    assert light_mean < normal_mean
    assert light_mean <= LIGHT_SHARE * normal_mean + 1


@st.composite
def due_cards(draw) -> list[tuple[int, date]]:
    """Cards due from 20 days ago to 120 days ahead (ids 1..n)."""
    offsets = draw(st.lists(st.integers(min_value=-20, max_value=120), max_size=150))
    return [(ident, TODAY + timedelta(days=offset)) for ident, offset in enumerate(offsets, start=1)]


def counted(cards: list[tuple[int, date]], cap: int) -> Load:
    """The load the app counts for these cards: those due today or later, by day."""
    return Load(cap, Counter(day for _, day in cards if day >= TODAY))


@PROPERTY
@given(cards=due_cards(), cap=caps, light=light_weekdays, ranges=holidays(), extra=st.integers(min_value=0, max_value=30))
def test_clearing_holidays_moves_exactly_the_cards_they_hold_to_open_days_after_them(cards, cap, light, ranges, extra):
    calendar = Calendar(light, ranges)
    load = counted(cards, cap)
    for offset in range(extra):  # other cards already due after the holidays
        load.add(TODAY + timedelta(days=offset))
    before = load.counts.copy()
    moves = clear_holidays(cards, TODAY, calendar, load)
    stuck = {ident: max(TODAY, day) for ident, day in cards if away(max(TODAY, day), ranges)}
    assert set(moves) == set(stuck), "a card was moved that no holiday held, or a held card stayed"
    for ident, moved in moves.items():
        assert not away(moved, ranges)
        assert moved >= open_days_after(stuck[ident], ranges, 1)[0], "a card was moved before its holiday ended"
    expected = before.copy()
    for ident, day in cards:
        if ident in moves:
            if day >= TODAY:
                expected[day] -= 1
            expected[moves[ident]] += 1
    assert +load.counts == +expected, "the load does not match the cards' new days"


@PROPERTY
@given(first=st.integers(min_value=0, max_value=30), length=st.integers(min_value=1, max_value=60),
       stuck=st.integers(min_value=1, max_value=120), cap=caps, data=st.data())
def test_after_a_holiday_no_day_goes_over_the_cap_while_the_days_after_it_have_room(first, length, stuck, cap, data):
    start = TODAY + timedelta(days=first)
    end = start + timedelta(days=length - 1)
    ranges = ((start, end),)
    cards = [(ident, start + timedelta(days=ident % length)) for ident in range(stuck)]
    load = data.draw(loads(cap, first=first + length, last=first + length + 40))
    for _, day in cards:
        load.add(day)
    reach = open_days_after(end, ranges, max(HOLIDAY_SPREAD, -(-stuck // cap)))
    room = sum(max(0, cap - load.counts[day]) for day in reach)
    under = {day for day in reach if load.counts[day] < cap}
    empty = not any(load.counts[day] for day in reach)
    moves = clear_holidays(cards, TODAY, Calendar(holidays=ranges), load)
    if room >= stuck:
        assert all(load.counts[day] <= cap for day in set(moves.values()) | under)
    if empty:  # nothing due there before: the cards are spread out, not piled on the first day back
        assert len(set(moves.values())) >= min(stuck, HOLIDAY_SPREAD)


def fsrs_day(card, rating, moment) -> tuple[date, float]:
    """The day FSRS itself would bring the card back (no balancing, no holidays), and its unrounded interval."""
    alone = review(card, rating, moment, Plan(tz=KARACHI))
    return local_day(alone.due, KARACHI), exact_interval(alone.stability, Plan(tz=KARACHI))


@PROPERTY
@given(steps=st.lists(st.tuples(st.integers(min_value=0, max_value=9), st.sampled_from(list(Rating)),
                                st.integers(min_value=1, max_value=40 * 24)), min_size=1, max_size=60),
       cap=caps, light=light_weekdays, ranges=holidays(max_count=2))
def test_reviews_through_a_plan_book_and_unbook_each_cards_day(steps, cap, light, ranges):
    """Ten cards reviewed in any order at any times: after each review, every coming day's count is exactly the number
    of cards due on it, and the card's new day is in range (or after a holiday that holds it all), never today."""
    moment = datetime(2027, 3, 1, 6, tzinfo=timezone.utc)
    plan = Plan(tz=KARACHI, calendar=Calendar(light, ranges), load=Load(cap))
    cards = {}
    for ident, rating, hours_later in steps:
        moment += timedelta(hours=hours_later)
        today = local_day(moment, KARACHI)
        card = cards.get(ident) or new_card(moment)
        own, exact = fsrs_day(card, rating, moment)
        cards[ident] = review(card, rating, moment, plan)
        chosen = local_day(cards[ident].due, KARACHI)
        assert chosen > today and not away(chosen, ranges)
        low, high = fuzz_range((own - today).days, exact=exact)
        if any(not away(today + timedelta(days=n), ranges) for n in range(low, high + 1)):
            assert low <= (chosen - today).days <= high
        else:
            assert chosen in open_days_after(today + timedelta(days=high), ranges, max(HOLIDAY_SPREAD, high - low + 1))
        due = Counter(local_day(card.due, KARACHI) for card in cards.values())
        coming = {day for day in set(due) | set(plan.load.counts) if day > today}
        assert {day: plan.load.counts[day] for day in coming} == {day: due[day] for day in coming}
