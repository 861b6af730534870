"""Progress, spaced review and the dashboard over HTTP, with cards moved in time through the database."""

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.course.quiz import form_values
from app.course.scheduling import aware
from app.course.scoring import key_response
from app.extensions import db
from app.models import LessonProgress, QuestionVersion, ReviewCard, ReviewLog, User
from tests.conftest import csrf_token
from tests.test_quiz import grade_essays, is_essay, key_form, layout_data, start_drawing, wrong_response


def submit_test_with_key(app, client, slug="trade", essay=None):
    """A test answered with its key, its essay (if drawn; ``essay`` says whether it must be) graded fully by the learner."""
    token = csrf_token(client, f"/lessons/{slug}/quiz")
    if essay is None:
        location = client.post(f"/lessons/{slug}/quiz/start", data={"mode": "test", "csrf_token": token}).headers["Location"]
        public_id = location.rsplit("/", 1)[-1]
    else:
        public_id = start_drawing(app, client, essay, slug)
    client.post(f"/attempts/{public_id}/submit", data={**key_form(app, public_id), "csrf_token": token})
    grade_essays(app, client, public_id)
    return public_id


def owner_of(app, username="amina"):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username)).owner_key


def cards_of(app, owner):
    with app.app_context():
        cards = list(db.session.scalars(sa.select(ReviewCard).where(ReviewCard.owner_key == owner).order_by(ReviewCard.id)))
        for card in cards:
            db.session.expunge(card)
        return cards


def make_due(app, owner, count=None, days_ago=3):
    """Move some of a learner's cards back in time so they are due now."""
    with app.app_context():
        cards = list(db.session.scalars(sa.select(ReviewCard).where(ReviewCard.owner_key == owner).order_by(ReviewCard.id)))
        for index, card in enumerate(cards[:count]):
            card.last_review = datetime.now(timezone.utc) - timedelta(days=days_ago + index)
            card.due = datetime.now(timezone.utc) - timedelta(days=1 + index)
        db.session.commit()


def shown_card(client) -> int:
    html = client.get("/review").get_data(as_text=True)
    match = re.search(r'action="/review/(\d+)"', html)
    assert match, "no card is shown on /review"
    return int(match.group(1))


def card_data(app, card_id):
    with app.app_context():
        card = db.session.get(ReviewCard, card_id)
        version = db.session.scalar(sa.select(QuestionVersion).where(QuestionVersion.question_id == card.question_id))
        return version.data


def card_values(app, card_id, response) -> dict[str, list[str]]:
    """The review form's values for ``response`` (real ids), as the card's page shows them: opaque."""
    from app.learning.review_routes import review_item

    with app.test_request_context():
        item = review_item(db.session.get(ReviewCard, card_id))
        return item["form"].shown_values(form_values(item["data"], "q0", response))


@pytest.mark.parametrize("essay", [False, True])
def test_answers_become_cards_with_their_reviews_logged(app, client, auth, essay):
    """Each answer of a test is a retrieval; an essay's is the learner's grade of it, once given."""
    auth.register()
    public_id = submit_test_with_key(app, client, essay=essay)
    owner = owner_of(app)
    cards = cards_of(app, owner)
    assert len(cards) == 10
    assert all(aware(card.due) > datetime.now(timezone.utc) for card in cards)
    with app.app_context():
        logs = db.session.scalars(sa.select(ReviewLog).where(ReviewLog.owner_key == owner).order_by(ReviewLog.id)).all()
        essays = {data["id"] for data in layout_data(app, public_id) if is_essay(data)}
    assert len(logs) == 10 and {log.rating for log in logs} == {3}
    assert [log.source for log in logs] == ["test"] * (10 - essay) + ["self-grade"] * essay
    assert {log.question_id for log in logs if log.source == "self-grade"} == essays


@pytest.mark.parametrize("essay", [False, True])
def test_due_cards_are_announced_and_reviewed_one_at_a_time(app, client, auth, essay):
    """An essay card (graded last, so the most overdue here) is rated by the grade given after writing it."""
    auth.register()
    submit_test_with_key(app, client, essay=essay)
    owner = owner_of(app)
    make_due(app, owner)
    assert "<strong>10 ready now</strong>" in client.get("/review").get_data(as_text=True)
    card_id = shown_card(client)
    data = card_data(app, card_id)
    assert is_essay(data) == essay
    token = csrf_token(client, "/review")
    before = next(card for card in cards_of(app, owner) if card.id == card_id)
    response = client.post(f"/review/{card_id}", data={**card_values(app, card_id, key_response(data)), "csrf_token": token})
    if essay:  # written: the model answer and the rubric show, and the grade posted from there rates the card
        assert response.status_code == 200 and "Grade your essay" in response.get_data(as_text=True)
        assert next(card for card in cards_of(app, owner) if card.id == card_id).due == before.due
        stamp = re.search(r'name="reviewing" type="hidden" value="([^"]*)"', response.get_data(as_text=True)).group(1)
        response = client.post(f"/review/{card_id}/grade", data={
            "q0": key_response(data), "reviewing": stamp, "csrf_token": token,
            **{f"level-{c['id']}": len(c["levels"]) - 1 for c in data["rubric"]}})
    assert response.status_code == 302 and "/review/done/" in response.headers["Location"]
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Correct" in feedback and "Read this in the lesson" in feedback
    assert ("How did that feel?" in feedback) != essay  # an essay's grade is its rating
    after = next(card for card in cards_of(app, owner) if card.id == card_id)
    assert aware(after.due) > aware(before.due) and aware(after.due) > datetime.now(timezone.utc)
    assert "<strong>9 ready now</strong>" in client.get("/review").get_data(as_text=True)


def test_a_repeated_review_post_changes_nothing(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    owner = owner_of(app)
    make_due(app, owner, count=1)
    card_id = shown_card(client)
    data = card_data(app, card_id)
    token = csrf_token(client, "/review")
    values = {**card_values(app, card_id, wrong_response(data)), "csrf_token": token}
    client.post(f"/review/{card_id}", data=values)
    due_after_first = next(c.due for c in cards_of(app, owner) if c.id == card_id)
    again = client.post(f"/review/{card_id}", data=values)
    assert again.status_code == 302 and again.headers["Location"] == "/review"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.source == "review")) == 1
    assert next(c.due for c in cards_of(app, owner) if c.id == card_id) == due_after_first


def test_self_rating_easy_pushes_the_next_review_further_than_good(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    owner = owner_of(app)
    make_due(app, owner, count=2)
    token = csrf_token(client, "/review")
    dues = {}
    for rating in ("good", "easy"):
        card_id = shown_card(client)
        data = card_data(app, card_id)
        location = client.post(f"/review/{card_id}", data={**card_values(app, card_id, key_response(data)), "csrf_token": token}).headers["Location"]
        if rating == "easy":
            assert client.post(location + "/rate", data={"rating": "easy", "csrf_token": token}).status_code == 302
        card = next(c for c in cards_of(app, owner) if c.id == card_id)
        dues[rating] = card.due - card.last_review
    assert dues["easy"] > dues["good"]


def test_a_wrong_review_cannot_be_rated_up(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    make_due(app, owner_of(app), count=1)
    card_id = shown_card(client)
    data = card_data(app, card_id)
    token = csrf_token(client, "/review")
    location = client.post(f"/review/{card_id}", data={**card_values(app, card_id, wrong_response(data)), "csrf_token": token}).headers["Location"]
    assert "How did that feel?" not in client.get(location).get_data(as_text=True)
    assert client.post(location + "/rate", data={"rating": "easy", "csrf_token": token}).status_code == 400


def test_the_daily_limit_holds_back_the_rest_most_forgotten_first(app, client, auth):
    auth.register()
    client.post("/account/", data={"desired_retention": "0.9", "daily_review_limit": "5", "csrf_token": csrf_token(client, "/account/")})
    submit_test_with_key(app, client)
    owner = owner_of(app)
    make_due(app, owner, count=8)
    first = shown_card(client)
    most_overdue = cards_of(app, owner)[7].id  # moved furthest back in time
    assert first == most_overdue
    token = csrf_token(client, "/review")
    for _ in range(5):
        card_id = shown_card(client)
        data = card_data(app, card_id)
        client.post(f"/review/{card_id}", data={**card_values(app, card_id, key_response(data)), "csrf_token": token})
    page = client.get("/review").get_data(as_text=True)
    assert "up to your daily limit" in page and "3 more cards are waiting" in page


def test_another_learners_card_is_forbidden(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    make_due(app, owner_of(app), count=1)
    card_id = shown_card(client)
    stranger = app.test_client()
    token = csrf_token(stranger, "/account/login")
    response = stranger.post(f"/review/{card_id}", data={"q0": "x", "csrf_token": token})
    assert response.status_code == 403 and "belongs to another learner" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.source == "review")) == 0
        log_id = db.session.scalar(sa.select(ReviewLog.id).limit(1))
    assert stranger.get(f"/review/done/{log_id}").status_code == 403


def test_reading_a_lesson_is_recorded_and_can_be_marked_read(app, client, auth):
    auth.register()
    client.get("/lessons/saarc")
    client.get("/lessons/saarc")
    token = csrf_token(client, "/lessons/saarc")
    assert client.post("/lessons/saarc/read", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        progress = db.session.scalar(sa.select(LessonProgress).where(LessonProgress.owner_key == owner_of(app)))
    assert progress.visits == 3 and progress.read_at is not None
    assert "You marked this lesson as read" in client.get("/lessons/saarc").get_data(as_text=True)


def test_anonymous_reading_creates_no_rows(app, client):
    client.get("/lessons/saarc")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LessonProgress.id))) == 0


def test_the_dashboard_shows_mastery_scores_reviews_and_activity(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    html = client.get("/me").get_data(as_text=True)
    assert "1 of 11 lessons started" in html and "Up next" in html
    assert re.search(r"Attempted</span>.*10 of \d+ questions, 100 % right", html, re.S)  # 10 of 21: under half the bank
    assert ">Trade: scores over time</title>" in html and ">100 % on " in html  # the lesson's own score chart, dated
    assert "Reviews ahead" in html and len(re.findall(r'<li>\s*<span class="review-day">', html)) == 14
    assert ">Calendar of activity</title>" in html and html.count('role="img"') == 2 and html.count("<desc") == 2


def test_a_learner_sees_only_their_own_progress(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    other = app.test_client()
    html = other.get("/me").get_data(as_text=True)
    assert "Nothing here yet" in html
    assert "ready now" not in other.get("/review").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/me", "/review"])
def test_pages_work_for_a_visitor_with_no_history(client, path):
    assert client.get(path).status_code == 200


def test_the_review_log_replays_to_the_stored_card(app, client, auth, shipped_course):
    """Reviews are logged so the schedule can be replayed (or re-optimised) later: replaying a
    card's whole log from a new card gives exactly the stored memory state; the due day also depends on
    how full the learner's days were (load balancing), so it is within the range FSRS allows."""
    from fsrs import Rating

    from dataclasses import replace

    from app.course.scheduling import aware, new_card, review
    from app.progress import card_state
    from tests.test_quiz import shown

    auth.register()
    submit_test_with_key(app, client)  # first retrieval of 10 questions (an essay drawn: the learner's grade of it)
    token = csrf_token(client, "/lessons/trade/quiz")
    practice = client.post("/lessons/trade/quiz/start", data={"mode": "practice", "csrf_token": token}).headers["Location"].rsplit("/", 1)[-1]
    for position, data in enumerate(layout_data(app, practice)):  # a second retrieval of the same 10, and the rest new
        # The essay is written: one left blank is no retrieval (it is rated only by a grade).
        answer = key_response(data) if position % 2 or is_essay(data) else wrong_response(data)
        client.post(f"/attempts/{practice}/check", data={**shown(app, practice, form_values(data, f"q{position}", answer)),
                                                        "position": position, "try_number": 1, "csrf_token": token})
    grade_essays(app, client, practice)  # a written essay is retrieved when graded
    with app.app_context():
        cards = db.session.scalars(sa.select(ReviewCard).where(ReviewCard.owner_key == owner_of(app))).all()
        replayed_twice = 0
        for card in cards:
            logs = db.session.scalars(sa.select(ReviewLog).where(ReviewLog.card_id == card.id).order_by(ReviewLog.id)).all()
            state = new_card(aware(logs[0].reviewed_at))
            for log in logs:
                state = review(state, Rating(log.rating), aware(log.reviewed_at))
            stored = card_state(card)
            assert replace(state, due=stored.due) == stored
            assert abs((state.due - stored.due).days) <= 1 and stored.due > stored.last_review
            replayed_twice += len(logs) == 2
    assert len(cards) == len(shipped_course.bank("trade").questions) and replayed_twice == 10
