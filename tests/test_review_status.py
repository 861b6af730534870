"""One answer to "how many reviews": the pure count (local days, the allowance, the next card) and, over HTTP,
the badge, the review page and the cards it actually serves agreeing at one fixed moment."""

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from fsrs import Rating
from hypothesis import HealthCheck, given, settings, strategies as st

from app.course.scoring import key_response
from app.course.scheduling import ReviewStatus, build_queue, due_status, new_card, review
from app.extensions import db
from app.learning.review_routes import live_cards
from app.models import Assignment, Classroom, Question, ReviewCard, ReviewLog, User
from tests.conftest import csrf_token
from tests.test_progress import card_data, card_values, cards_of, owner_of, submit_test_with_key

KARACHI, NEW_YORK, UTC = ZoneInfo("Asia/Karachi"), ZoneInfo("America/New_York"), ZoneInfo("UTC")
NOW = datetime(2026, 3, 1, 20, 0, tzinfo=timezone.utc)  # 1 a.m. on 2 March in Karachi
ZONES = ["UTC", "Asia/Karachi", "Asia/Kolkata", "America/New_York", "Europe/London", "Pacific/Kiritimati", "Pacific/Pago_Pago"]


def at(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)


def test_no_cards_is_all_zeros_and_no_next_card():
    assert due_status([], NOW, KARACHI, served_today=0, daily_limit=50) == ReviewStatus()


def test_a_zone_ahead_of_utc_has_its_own_today():
    """At 20:00 UTC it is already tomorrow in Karachi: a card due at 10:00 UTC the next day is "later today" there."""
    dues = [at(-1), at(-0.5), at(14), at(30)]
    karachi = due_status(dues, NOW, KARACHI, served_today=0, daily_limit=50)
    assert (karachi.due_now, karachi.due_today, karachi.tomorrow, karachi.total) == (2, 3, 1, 4)
    assert karachi.next_due == at(14)
    in_utc = due_status(dues, NOW, UTC, served_today=0, daily_limit=50)
    assert (in_utc.due_now, in_utc.due_today, in_utc.tomorrow) == (2, 2, 1)


def test_the_day_clocks_go_forward_has_23_hours():
    """New York springs forward on 8 March 2026: that local day ends at 04:00 UTC, not 05:00."""
    now = datetime(2026, 3, 8, 12, 0, tzinfo=timezone.utc)
    just_after_midnight = datetime(2026, 3, 9, 4, 30, tzinfo=timezone.utc)  # 00:30 on 9 March in New York
    status = due_status([just_after_midnight], now, NEW_YORK, served_today=0, daily_limit=50)
    assert (status.due_today, status.tomorrow) == (0, 1)
    assert status.next_due == just_after_midnight


def test_the_day_clocks_go_back_has_25_hours():
    """New York falls back on 1 November 2026: that local day ends at 05:00 UTC the next day."""
    now = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
    late_evening = datetime(2026, 11, 2, 4, 30, tzinfo=timezone.utc)  # 23:30 on 1 November in New York
    assert due_status([late_evening], now, NEW_YORK, served_today=0, daily_limit=50).due_today == 1


def test_the_allowance_caps_every_count_and_moves_the_next_card_to_tomorrow():
    dues = [at(-3), at(-2), at(-1), at(-0.5), at(0.25)]
    status = due_status(dues, NOW, KARACHI, served_today=3, daily_limit=5)
    assert (status.due_now, status.due_today, status.waiting) == (2, 2, 2)
    start_of_karachi_tomorrow = datetime(2026, 3, 2, 19, 0, tzinfo=timezone.utc)
    assert status.next_due == start_of_karachi_tomorrow  # not in 15 minutes: today's allowance is spent by then
    used_up = due_status([at(0.25)], NOW, KARACHI, served_today=5, daily_limit=5)
    assert (used_up.due_now, used_up.due_today, used_up.waiting) == (0, 0, 0)
    assert used_up.next_due == start_of_karachi_tomorrow


def test_the_next_card_is_the_first_one_not_yet_due_while_there_is_room():
    status = due_status([at(-1), at(2), at(0.1)], NOW, KARACHI, served_today=0, daily_limit=50)
    assert status.due_now == 1 and status.next_due == at(0.1)
    assert due_status([at(-1)], NOW, KARACHI, served_today=0, daily_limit=50).next_due is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=-3 * 24 * 60, max_value=3 * 24 * 60), max_size=40),
       st.sampled_from(ZONES), st.integers(min_value=0, max_value=30), st.integers(min_value=1, max_value=30))
def test_due_now_is_what_the_queue_serves_one_card_after_another(offsets, zone_name, served, limit):
    """Review whatever the queue offers first (rated Good, at the same moment) until it offers nothing: as many
    cards as ``due_now`` said, and no more than ``due_today``."""
    learnt = review(new_card(NOW - timedelta(days=30)), Rating.Good, NOW - timedelta(days=30))
    cards = {ident: replace(learnt, due=NOW + timedelta(minutes=offset)) for ident, offset in enumerate(offsets)}
    status = due_status([card.due for card in cards.values()], NOW, ZoneInfo(zone_name), served, limit)
    reviewed = 0
    while queue := build_queue(list(cards.items()), NOW, served + reviewed, limit):
        cards[queue[0]] = review(cards[queue[0]], Rating.Good, NOW)
        reviewed += 1
    assert reviewed == status.due_now <= status.due_today
    assert status.due_now + status.waiting == sum(1 for offset in offsets if offset <= 0)


# Over HTTP: a learner with the ten cards of a trade test (no essay: every card is answered and checked at once).

def set_dues(app, owner, minutes: list[int], now: datetime) -> None:
    """Give the learner's cards these due times (minutes from ``now``) and forget their reviews on the review page."""
    with app.app_context():
        db.session.execute(sa.delete(ReviewLog).where(ReviewLog.owner_key == owner, ReviewLog.source == "review"))
        cards = list(db.session.scalars(sa.select(ReviewCard).where(ReviewCard.owner_key == owner).order_by(ReviewCard.id)))
        for card, offset in zip(cards, minutes):
            card.due = now + timedelta(minutes=offset)
            card.last_review = now - timedelta(days=3)
        db.session.commit()


def badge(html: str) -> int:
    """The number on the navigation's Review badge (0 when it shows none)."""
    match = re.search(r'class="badge">(\d+)<', html)
    return int(match.group(1)) if match else 0


def ready_now(html: str) -> int:
    return int(re.search(r"<strong>(\d+) ready now</strong>", html).group(1))


@pytest.fixture
def learner(app, client, auth):
    """A learner registered, tested and reviewing at ``NOW``: the clock stands still there (sessions stay valid)."""
    with time_machine.travel(NOW, tick=False):
        auth.register()
        submit_test_with_key(app, client, essay=False)
        yield owner_of(app)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=-2 * 24 * 60, max_value=2 * 24 * 60), min_size=10, max_size=10),
       st.sampled_from(ZONES), st.integers(min_value=1, max_value=12))
def test_the_badge_counts_the_cards_the_review_page_serves(app, client, learner, offsets, zone_name, limit):
    """At one fixed moment: the badge's number on every page, the review page's "N ready now" and the number of
    cards it serves one after another before it says nothing is due are all the same."""
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "amina")).daily_review_limit = limit
        db.session.commit()
    client.set_cookie("tz", zone_name)
    set_dues(app, learner, offsets, NOW)
    expected = min(limit, sum(1 for offset in offsets if offset <= 0))
    assert badge(client.get("/lessons/trade").get_data(as_text=True)) == expected
    token = csrf_token(client, "/review")
    served = 0
    while 'action="/review/' in (page := client.get("/review").get_data(as_text=True)):
        assert badge(page) == ready_now(page) == expected - served
        card_id = int(re.search(r'action="/review/(\d+)"', page).group(1))
        data = card_data(app, card_id)
        client.post(f"/review/{card_id}", data={**card_values(app, card_id, key_response(data)), "csrf_token": token})
        served += 1
    assert served == expected and badge(page) == 0
    assert "Nothing to review right now" in page or "up to your daily limit" in page


def test_the_review_page_in_karachi_says_later_today_by_karachi_s_day(app, client, learner):
    """20:00 UTC is 01:00 in Karachi: a card due at 10:00 UTC the next day is later today there, not tomorrow."""
    client.set_cookie("tz", "Asia/Karachi")
    set_dues(app, learner, [-60, -30, 14 * 60] + [5 * 24 * 60] * 7, NOW)
    page = client.get("/review").get_data(as_text=True)
    assert "<strong>2 ready now</strong> · 1 more later today" in page
    client.set_cookie("tz", "UTC")
    assert "later today" not in client.get("/review").get_data(as_text=True)


def test_nothing_due_says_when_the_next_card_comes_in_local_time(app, client, learner):
    client.set_cookie("tz", "Asia/Karachi")
    set_dues(app, learner, [14 * 60, 20 * 60, 30 * 60, 31 * 60] + [9 * 24 * 60] * 6, NOW)
    page = client.get("/review").get_data(as_text=True)
    # 10:00 UTC tomorrow is 15:00 today in Karachi; 02:00 and 03:00 UTC the day after fall on Karachi's tomorrow
    assert "Your next card is due today at 15:00 (2 cards tomorrow)." in " ".join(page.split())
    assert "UTC" not in page.split("<main", 1)[1]
    assert "/review/anki.apkg" in page and "Download today's 2 cards for Anki" in page
    assert "When do cards come back?" in page and "Never within minutes" in page


def test_a_visitor_with_no_cards_is_told_what_review_is(client):
    page = client.get("/review").get_data(as_text=True)
    assert "Nothing to review yet" in page and "Start the first lesson" in page and 'href="/lessons/' in page
    assert badge(page) == 0


def make_hold(app, question_id: str) -> None:
    """An assignment that keeps this question's answers from its class for ever: it is held back from review."""
    with app.app_context():
        teacher = User(username="teacher", password_hash="x", role="instructor")
        db.session.add(teacher)
        db.session.flush()
        classroom = Classroom(name="Hold", instructor_id=teacher.id, join_code="HOLD1234")
        db.session.add(classroom)
        db.session.flush()
        lesson_id = db.session.scalar(sa.select(Question.lesson_id).where(Question.id == question_id))
        db.session.add(Assignment(classroom_id=classroom.id, title="Exam", lesson_id=lesson_id, question_ids=[question_id],
                                  review_option="never"))
        db.session.commit()


def test_retired_and_held_back_questions_are_not_counted(app, client, learner):
    cards = cards_of(app, learner)
    set_dues(app, learner, [-60] * 10, NOW)
    with app.app_context():
        db.session.get(Question, cards[0].question_id).retired = True
        db.session.commit()
    make_hold(app, cards[1].question_id)
    page = client.get("/review").get_data(as_text=True)
    assert badge(page) == ready_now(page) == 8
    with app.test_request_context():
        assert len(live_cards(learner)) == 8


def test_the_badge_costs_a_fixed_number_of_queries(app, client, learner):
    """The context processor runs on every page: its queries do not grow with the learner's cards."""
    from flask_login import login_user

    from app.review_status import inject_review

    def statements() -> int:
        seen = []
        with app.test_request_context("/lessons/trade"):
            login_user(db.session.scalar(sa.select(User).where(User.username == "amina")))
            engine = db.engine
            listener = lambda *args: seen.append(args[2])  # noqa: E731
            sa.event.listen(engine, "before_cursor_execute", listener)
            try:
                inject_review()
            finally:
                sa.event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    few = statements()
    submit_test_with_key(app, client, slug="saarc", essay=False)
    submit_test_with_key(app, client, slug="introduction", essay=False)
    assert len(cards_of(app, learner)) > 20
    assert statements() == few <= 4


def test_the_daily_allowance_starts_again_at_the_learner_s_midnight(app, client, learner):
    """Two reviews at 23:30 in Karachi (18:30 UTC) were yesterday's there, but today's by UTC's day."""
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "amina")).daily_review_limit = 3
        db.session.commit()
    set_dues(app, learner, [-3 * 60] * 10, NOW)
    token = csrf_token(client, "/review")
    for _ in range(2):
        card_id = int(re.search(r'action="/review/(\d+)"', client.get("/review").get_data(as_text=True)).group(1))
        data = card_data(app, card_id)
        client.post(f"/review/{card_id}", data={**card_values(app, card_id, key_response(data)), "csrf_token": token})
    with app.app_context():  # as if those two had been done an hour and a half ago
        db.session.execute(sa.update(ReviewLog).where(ReviewLog.source == "review").values(reviewed_at=NOW - timedelta(minutes=90)))
        db.session.commit()
    client.set_cookie("tz", "Asia/Karachi")
    assert ready_now(client.get("/review").get_data(as_text=True)) == 3
    client.set_cookie("tz", "UTC")
    assert ready_now(client.get("/review").get_data(as_text=True)) == 1
