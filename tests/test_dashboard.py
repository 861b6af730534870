"""The dashboard (/me) over HTTP: an empty state to start from, scores that are real scores, time that includes reading."""

import re
from datetime import datetime, timezone

from app.course.quiz import form_values
from app.extensions import db
from app.models import Lesson, StudyTime
from tests.test_progress import owner_of, submit_test_with_key
from tests.test_quiz import check, csrf_token, is_essay, layout_data, start, wrong_response


def test_a_new_account_gets_a_start_button_not_charts_of_zeros(client, auth):
    auth.register()
    html = client.get("/me").get_data(as_text=True)
    assert "Nothing here yet" in html and 'href="/lessons/abstract">Start lesson 1</a>' in html
    assert "<svg" not in html.split("<main", 1)[1] and "<progress" not in html


def test_a_practice_finished_early_is_never_plotted_as_a_score(app, client, auth):
    auth.register()
    public_id = start(client, "trade", mode="practice")
    data = layout_data(app, public_id)
    position = next(i for i, item in enumerate(data) if not is_essay(item))
    token = csrf_token(client)
    check(client, public_id, position, 1, form_values(data[position], f"q{position}", wrong_response(data[position])), token)
    client.post(f"/attempts/{public_id}/finish", data={"csrf_token": token, "confirmed": "yes"})
    html = client.get("/me").get_data(as_text=True)
    assert "No finished quiz yet" in html and "Quiz best" not in html
    assert "Attempted" in html and re.search(r"1 of \d+ questions, 0 % right", html)  # the answer still counts for mastery


def test_time_spent_adds_reading_to_answering(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    with app.app_context():
        trade = db.session.scalar(db.select(Lesson).where(Lesson.slug == "trade"))
        db.session.add(StudyTime(owner_key=owner_of(app), lesson_id=trade.id, day=datetime.now(timezone.utc).date(), seconds=720))
        db.session.commit()
    html = client.get("/me").get_data(as_text=True)
    assert "Quiz best 100 % · 12 min" in html and '<span class="stat-value">12 min</span>' in html


def test_the_dashboard_says_lessons_started_once_and_what_each_bar_counts(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    html = client.get("/me").get_data(as_text=True)
    assert html.count("lessons started") == 1
    assert html.count(" right now</span>") == 11 and re.search(r'aria-label="Trade: 1\d of \d+ right now"', html)
    assert '<a href="/account/#preferences">Set a daily goal or show your streak</a>' in html
    client.post("/account/preferences", data={"csrf_token": csrf_token(client, "/account/"), "show_streak": "y"})
    assert "Set a daily goal" not in client.get("/me").get_data(as_text=True)
