"""What to do next (app/next_steps.py) and the home page built on it: each kind of step when it should show, and no more queries for a busy learner than for a new one."""

import re
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.course.quiz import form_values
from app.course.scoring import key_response
from app.course.streaks import current_streak, study_days
from app.extensions import db
from app.models import Attempt, User
from app.next_steps import up_next
from tests.test_progress import make_due, owner_of, submit_test_with_key
from tests.test_quiz import check, csrf_token, is_essay, layout_data, start, wrong_response
from tests.statements import count_statements


def steps_for(app, owner):
    with app.test_request_context():
        return up_next(owner)


def kinds(steps) -> list[str]:
    return [step.kind for step in steps]


def test_a_visitor_is_asked_to_start_the_first_lesson(client):
    html = client.get("/").get_data(as_text=True)
    assert "Start the first lesson" in html and 'class="button large" href="/lessons/abstract"' in html
    assert "Up next" not in html and "<progress" not in html  # nothing personal: the page is cached for every visitor


def test_a_new_account_sees_the_course_and_the_start_button(client, auth):
    auth.register()
    html = client.get("/").get_data(as_text=True)
    assert "Start the first lesson" in html and "Your lessons" not in html


def test_after_one_test_the_home_page_shows_up_next_and_the_lessons_bar(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    html = client.get("/").get_data(as_text=True)
    assert "Up next" in html and "Your lessons" in html
    bank = re.search(r"Attempted · 10 of (\d+) questions, 100 % right", html)
    assert "Practise: Trade" in html and bank
    assert f'value="{round(1000 / int(bank.group(1)))}"' in html  # the bar: 10 right of the whole bank
    assert "Quiz best 100 %" in html
    assert html.count("<progress") == 11  # a bar on every lesson of the map


def test_an_unfinished_quiz_comes_first_with_how_far_it_got(app, client, auth):
    auth.register()
    client.get("/lessons/trade")
    public_id = start(client, "trade", mode="practice")
    data = layout_data(app, public_id)
    position = next(i for i, item in enumerate(data) if not is_essay(item))
    check(client, public_id, position, 1, form_values(data[position], f"q{position}", wrong_response(data[position])), csrf_token(client))
    steps = steps_for(app, owner_of(app))
    assert steps[0].kind == "continue-quiz" and steps[0].url == f"/attempts/{public_id}"
    assert steps[0].detail == f"1 of {len(data)} answered" and steps[0].action == "Continue the practice"


def test_a_timed_out_test_is_not_offered_again(app, client, auth):
    auth.register()
    public_id = start(client, "trade")
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        attempt.deadline = datetime.now(timezone.utc) - timedelta(hours=1)
        db.session.commit()
    assert "continue-quiz" not in kinds(steps_for(app, owner_of(app)))


def test_reviews_ready_now_are_a_step(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    owner = owner_of(app)
    assert not any("ready now" in step.title for step in steps_for(app, owner))  # the cards just made are not due yet
    make_due(app, owner)
    steps = steps_for(app, owner)
    assert steps[0].kind == "reviews" and steps[0].title == "10 reviews ready now" and steps[0].url == "/review"


def test_a_lesson_left_unread_is_continued_and_the_next_lesson_offered(app, client, auth):
    auth.register()
    client.get("/lessons/introduction")
    steps = steps_for(app, owner_of(app))
    assert kinds(steps) == ["continue-lesson", "start"]
    assert steps[0].title == "Continue reading: Introduction" and steps[0].url == "/lessons/introduction"
    assert steps[1].url == "/lessons/cultural-diplomacy" and steps[1].action == "Start lesson 3"
    token = csrf_token(client, "/lessons/introduction")
    client.post("/lessons/introduction/read", data={"csrf_token": token})
    assert kinds(steps_for(app, owner_of(app))) == ["start"]


def test_a_lesson_read_to_the_end_with_check_yourself_answered_is_not_continue_reading(app, client, auth):
    from tests.test_study_time import answer_all

    auth.register()
    page = answer_all(client, "trade")  # Check yourself sits below the text: its answers come at the end
    token = re.search(r'class="inline mark-read">\s*<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "the lesson page offers the form lesson.js posts at the end of the text"
    client.post("/lessons/trade/read", data={"csrf_token": token.group(1)})
    steps = steps_for(app, owner_of(app))
    assert "continue-lesson" not in kinds(steps) and not any("Continue reading" in step.title for step in steps)
    assert any(step.kind == "weakest" and step.url == "/lessons/trade/quiz" for step in steps)


def test_the_weakest_lesson_says_why(app, client, auth):
    auth.register()
    submit_test_with_key(app, client, "trade")
    public_id = start(client, "role-of-sports")
    client.post(f"/attempts/{public_id}/submit", data={"csrf_token": csrf_token(client, "/lessons/role-of-sports/quiz")})  # all blank
    # An essay left unwritten never becomes a card (nothing to rate until a person grades it), so it is not "attempted".
    rated = sum(not is_essay(data) for data in layout_data(app, public_id))
    weakest = next(step for step in steps_for(app, owner_of(app)) if step.kind == "weakest")
    assert weakest.url == "/lessons/role-of-sports/quiz" and weakest.detail.startswith(f"Attempted · {rated} of ")
    assert weakest.detail.endswith("questions, 0 % right")


def test_at_most_three_steps(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    make_due(app, owner_of(app))
    client.get("/lessons/saarc")
    start(client, "saarc", mode="practice")
    steps = steps_for(app, owner_of(app))
    assert kinds(steps) == ["continue-quiz", "reviews", "continue-lesson"]


def test_the_statements_do_not_grow_with_the_learners_history(app, client, auth):
    auth.register()
    client.get("/lessons/introduction")
    owner = owner_of(app)
    with count_statements(app) as light:
        steps_for(app, owner)
    for slug in ("trade", "role-of-sports", "saarc"):
        submit_test_with_key(app, client, slug)
        client.get(f"/lessons/{slug}")
    start(client, "conclusion", mode="practice")
    make_due(app, owner)
    with count_statements(app) as heavy:
        assert len(steps_for(app, owner)) == 3
    # 12 today (six for the standings, the open quiz and its answers, the review counts): room for two more, no growth
    assert len(heavy) <= 14 and len(heavy) - len(light) <= 2


def test_goal_and_streak_show_only_when_asked_for(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    html = client.get("/").get_data(as_text=True)
    assert "Streak" not in html and "questions today" not in html
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "amina"))
        user.daily_goal, user.show_streak = 20, True
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "10 of 20" in html and "questions today" in html and "1 day" in html and "Streak" in html


def test_a_streak_counts_back_from_today_or_from_yesterday_while_today_is_empty():
    today = date(2026, 3, 10)
    days = study_days({date(2026, 3, 9): 3, date(2026, 3, 8): 1, date(2026, 3, 6): 2}, {date(2026, 3, 7): 299})
    assert current_streak(days, today) == 2  # the 7th had under 5 minutes of reading: the run stops there
    assert current_streak(days | {today}, today) == 3
    assert current_streak(study_days({}, {date(2026, 3, 7): 300}) | days, today) == 4
    assert current_streak(days, date(2026, 3, 12)) == 0
