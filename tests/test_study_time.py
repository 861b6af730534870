"""The lesson page's server side: reading time (POST /study-time) and "Check yourself" without JavaScript."""

import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.course.paper import mark_background, section_of
from app.extensions import db
from app.models import Lesson, QuestionVersion, ReviewCard, ReviewLog, StudyTime
from app.study_time import MAX_SECONDS_PER_DAY, add_seconds, reading_seconds, seconds_on
from tests.conftest import csrf_token


def guest(client) -> str:
    """Make the client a guest (as starting a quiz does) and return a CSRF token of its session."""
    token = csrf_token(client, "/lessons/trade/quiz")
    assert client.post("/lessons/trade/quiz/start", data={"mode": "practice", "csrf_token": token}).status_code == 302
    return token


def rows(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        return [(owner, slug, seconds) for owner, slug, seconds in db.session.execute(
            sa.select(StudyTime.owner_key, Lesson.slug, StudyTime.seconds).join(Lesson, Lesson.id == StudyTime.lesson_id)
            .order_by(Lesson.slug))]


# --- Reading time -------------------------------------------------------------------------------

def test_reading_time_adds_up_per_lesson_with_the_token_in_the_header_or_the_body(app, client):
    token = guest(client)
    assert client.post("/study-time", json={"lesson": "trade", "seconds": 30}, headers={"X-CSRFToken": token}).status_code == 204
    assert client.post("/study-time", json=[{"lesson": "trade", "seconds": 12, "csrf_token": token},
                                            {"lesson": "saarc", "seconds": 5}]).status_code == 204
    # sendBeacon sends a Blob; its type may not be JSON, so the body is read whatever the header says.
    assert client.post("/study-time", data='{"lesson": "trade", "seconds": 3, "csrf_token": "%s"}' % token,
                       content_type="text/plain;charset=UTF-8").status_code == 204
    assert [(slug, seconds) for _, slug, seconds in rows(app)] == [("saarc", 5), ("trade", 45)]


def test_a_batch_is_capped_and_a_day_never_holds_more_than_a_day(app, client):
    token = guest(client)
    assert client.post("/study-time", json={"lesson": "trade", "seconds": 100000}, headers={"X-CSRFToken": token}).status_code == 204
    assert [seconds for _, _, seconds in rows(app)] == [300]
    with app.app_context():
        owner = db.session.scalar(sa.select(StudyTime.owner_key))
        lesson_id = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "trade"))
        for _ in range(300):
            add_seconds(owner, lesson_id, 300)
        db.session.commit()
    assert [seconds for _, _, seconds in rows(app)] == [MAX_SECONDS_PER_DAY]


@pytest.mark.parametrize("body, reason", [
    ({"lesson": "trade", "seconds": -5}, "seconds must be a whole number"),
    ({"lesson": "trade", "seconds": "30"}, "seconds must be a whole number"),
    ({"lesson": "trade", "seconds": True}, "seconds must be a whole number"),
    ({"lesson": "trade", "seconds": 2.5}, "seconds must be a whole number"),
    ({"lesson": "no-such-lesson", "seconds": 5}, "There is no lesson called"),
    ({"lesson": ["trade"], "seconds": 5}, "lesson must be a lesson's slug"),
    ({"seconds": 5}, "lesson must be a lesson's slug"),
    ([], "Send"),
    ("trade", "Send"),
    ([{"lesson": "trade", "seconds": 1}] * 21, "Send"),
])
def test_bad_reading_time_is_a_400_with_the_reason_and_records_nothing(app, client, body, reason):
    token = guest(client)
    response = client.post("/study-time", json=body, headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert response.status_code == 400 and reason in response.get_json()["reason"]
    assert rows(app) == []


def test_without_a_csrf_token_nothing_is_recorded(app, client):
    guest(client)
    for headers in ({}, {"X-CSRFToken": "forged"}):
        response = client.post("/study-time", json={"lesson": "trade", "seconds": 30}, headers={**headers, "Accept": "application/json"})
        assert response.status_code == 400 and "CSRF" in response.get_json()["reason"]
    assert rows(app) == []


def test_a_visitor_who_only_reads_gets_no_guest_and_no_reading_token(app, client):
    page = client.get("/lessons/trade").get_data(as_text=True)
    assert "data-study-token" not in page
    token = csrf_token(client, "/account/login")  # a session, but no guest yet
    assert "data-study-token" not in client.get("/lessons/trade").get_data(as_text=True)
    assert client.post("/study-time", json={"lesson": "trade", "seconds": 30}, headers={"X-CSRFToken": token}).status_code == 204
    assert rows(app) == []
    with client.session_transaction() as session:
        assert "guest" not in session


def test_two_tabs_posting_at_once_lose_no_seconds(app):
    clients = [app.test_client() for _ in range(2)]
    token = guest(clients[0])
    with clients[0].session_transaction() as first, clients[1].session_transaction() as second:
        second.update(dict(first))  # two tabs of one browser: the same session cookie
    start, failures = threading.Barrier(8), []

    def post(client):
        start.wait()
        for _ in range(5):
            response = client.post("/study-time", json={"lesson": "trade", "seconds": 7}, headers={"X-CSRFToken": token})
            if response.status_code != 204:
                failures.append(response.status_code)

    threads = [threading.Thread(target=post, args=(clients[n % 2],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert [seconds for _, _, seconds in rows(app)] == [8 * 5 * 7]


def test_reading_seconds_and_a_local_day(app, client):
    token = guest(client)
    client.post("/study-time", json=[{"lesson": "trade", "seconds": 40}, {"lesson": "saarc", "seconds": 20}],
                headers={"X-CSRFToken": token})
    with app.app_context():
        owner = db.session.scalar(sa.select(StudyTime.owner_key))
        ids = dict(db.session.execute(sa.select(Lesson.slug, Lesson.id)).all())
        assert reading_seconds(owner) == {ids["trade"]: 40, ids["saarc"]: 20}
        today = datetime.now(timezone.utc).date()
        start = datetime.combine(today, datetime.min.time(), tzinfo=timezone.utc)
        assert seconds_on(owner, start, start + timedelta(days=1)) == 60
        assert seconds_on(owner, start - timedelta(days=1), start) == 0
        # A learner at UTC+5 (their day starts at 19:00 UTC the day before): today's UTC day is theirs.
        assert seconds_on(owner, start - timedelta(hours=5), start + timedelta(hours=19)) == 60
        assert reading_seconds("guest:nobody") == {}


def test_guest_reading_moves_into_the_account_on_registration(app, client, auth):
    token = guest(client)
    client.post("/study-time", json={"lesson": "trade", "seconds": 40}, headers={"X-CSRFToken": token})
    assert auth.register().status_code in (200, 302)
    assert [(owner.split(":")[0], slug, seconds) for owner, slug, seconds in rows(app)] == [("user", "trade", 40)]


# --- The page: source, background marks ---------------------------------------------------------

def test_the_lesson_names_its_paper_section_and_explains_background_once(client):
    page = client.get("/lessons/introduction").get_data(as_text=True)
    assert "Based on section 2 of 11, “Introduction”" in page and "the paper's lines 37" not in page
    assert "(context)" not in page
    assert page.count('id="about-background"') == 1
    assert page.count('<a href="#about-background">background</a>') >= 3
    assert "Log in (or take a quiz)" not in page and "create an account" in page


def test_paper_sections_and_marks():
    assert section_of(37, 89).number == 2 and section_of(654, 899).title == 'Kashmir "Non paper" diplomacy'
    assert section_of(2000, 2100) is None
    html, count = mark_background("<p>A (context).</p><li>B (context)</li>")
    assert count == 2 and "(context)" not in html and html.count('href="#about-background"') == 2


# --- Check yourself without JavaScript ------------------------------------------------------------

def check_forms(page: str) -> list[dict]:
    """Each unanswered question's form on the page: its hidden fields and its choice values."""
    forms = []
    for form in re.findall(r'<form method="post" action="/lessons/[^"]+/check-yourself"[^>]*>(.*?)</form>', page, re.S):
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        radios = re.findall(r'<input type="radio" name="(c\d)" value="([^"]+)"', form)
        typed = re.findall(r'<input[^>]*type="text"[^>]*name="(c\d)"|<input[^>]*name="(c\d)"[^>]*type="text"', form)
        forms.append({"hidden": hidden, "radios": radios, "typed": [a or b for a, b in typed]})
    return forms


def answer_all(client, slug: str = "trade") -> str:
    page = client.get(f"/lessons/{slug}?check=1").get_data(as_text=True)
    for form in check_forms(page):
        data = dict(form["hidden"])
        if form["radios"]:
            name, value = form["radios"][0]
            data[name] = value
        else:
            data[form["typed"][0] if form["typed"] else f"c{form['hidden']['place']}"] = "something"
        response = client.post(f"/lessons/{slug}/check-yourself", data=data)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/lessons/{slug}#check-yourself")
    return client.get(f"/lessons/{slug}").get_data(as_text=True)


def test_a_first_time_visitor_asks_for_the_questions_and_the_page_stays_cacheable(client):
    page = client.get("/lessons/trade").get_data(as_text=True)
    assert "Show me three questions" in page and "check-form" not in page
    with client.session_transaction() as session:
        assert not dict(session)
    asked = client.get("/lessons/trade?check=1").get_data(as_text=True)
    assert len(check_forms(asked)) == 3


def test_check_yourself_answers_in_place_count_as_practice_and_are_not_recorded_twice(app, client):
    page = answer_all(client)
    assert page.count('class="check-verdict') == 3 and "You got" in page and "Try three other questions" in page
    assert "Your answer" in page and "Read this part of the lesson again" in page
    with app.app_context():
        logs = db.session.execute(sa.select(ReviewLog.source, ReviewLog.question_id)).all()
        assert len(logs) == 3 and {source for source, _ in logs} == {"practice"}
        assert db.session.scalar(sa.select(sa.func.count(ReviewCard.id))) == 3
    # The back button and a second click: the same answers again change nothing.
    forms_before = check_forms(client.get("/lessons/trade?check=1").get_data(as_text=True))
    assert forms_before == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 3
    # The learner now sees their level by the title.
    assert "mastery-badge" in page and "questions tried" in page


def test_after_fewer_than_two_right_practising_the_lesson_leads_the_next_step(client):
    """Under two of three right, "Practise this lesson" is the primary button and the next lesson secondary; else as before."""
    seen = set()
    for _ in range(15):
        page = answer_all(client)
        right = int(re.search(r"You got (\d) of 3 right", page).group(1))
        step = page[page.index('id="next-step-title"'):page.index('class="pager"')]
        shaky = right < 2
        seen.add(shaky)
        assert ('<button class="button" type="submit">Practise this lesson</button>' in step) == shaky
        assert ('<a class="button secondary" href="/lessons/' in step and "Next lesson:" in step) == shaky
        if shaky:
            assert 'name="mode" value="practice"' in step and step.index("Practise this lesson") < step.index("Next lesson:")
            break
        client.post("/lessons/trade/check-yourself/new", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)})
    assert True in seen


def test_practise_this_lesson_starts_a_practice(client):
    page = answer_all(client)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    started = client.post("/lessons/trade/quiz/start", data={"csrf_token": token, "mode": "practice"})
    assert started.status_code == 302 and "/attempts/" in started.headers["Location"]


def test_a_repeated_post_of_one_answer_counts_once(app, client):
    page = client.get("/lessons/trade?check=1").get_data(as_text=True)
    form = next(f for f in check_forms(page) if f["radios"])
    data = {**form["hidden"], form["radios"][0][0]: form["radios"][0][1]}
    for _ in range(3):
        assert client.post("/lessons/trade/check-yourself", data=data).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 1


def test_no_answer_asks_for_one_and_saves_nothing(app, client):
    page = client.get("/lessons/trade?check=1").get_data(as_text=True)
    form = check_forms(page)[0]
    assert client.post("/lessons/trade/check-yourself", data=form["hidden"]).status_code == 302
    assert "Choose or type an answer to question 1" in client.get("/lessons/trade").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 0


@pytest.mark.parametrize("change, reason", [
    ({"draw": "forged"}, "could not be read back"),
    ({"place": "7"}, "not part of this check"),
    ({"place": "x"}, "does not say which question"),
])
def test_forged_check_yourself_posts_are_400_and_save_nothing(app, client, change, reason):
    page = client.get("/lessons/trade?check=1").get_data(as_text=True)
    form = next(f for f in check_forms(page) if f["radios"])
    data = {**form["hidden"], form["radios"][0][0]: form["radios"][0][1], **change}
    response = client.post("/lessons/trade/check-yourself", data=data)
    assert response.status_code == 400 and reason in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 0


def test_a_real_option_id_or_another_draws_token_is_refused(app, client):
    page = client.get("/lessons/trade?check=1").get_data(as_text=True)
    form = next(f for f in check_forms(page) if f["radios"])
    other = next(f for f in check_forms(client.get("/lessons/saarc?check=1").get_data(as_text=True)) if f["radios"])
    for forged in ("a", "b", other["radios"][0][1]):
        response = client.post("/lessons/trade/check-yourself", data={**form["hidden"], form["radios"][0][0]: forged})
        assert response.status_code == 400 and "Nothing was saved" in response.get_data(as_text=True)
    # Another lesson's draw posted to this lesson.
    response = client.post("/lessons/trade/check-yourself", data={**other["hidden"], other["radios"][0][0]: other["radios"][0][1]})
    assert response.status_code == 400 and "another lesson" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 0


def test_the_page_holds_no_key_and_no_real_option_id(app, client):
    page = client.get("/lessons/trade?check=1").get_data(as_text=True)
    forms = [f for f in check_forms(page) if f["radios"]]
    assert forms
    with app.app_context():
        ids = {option["id"] for v in db.session.scalars(sa.select(QuestionVersion)) for option in v.data.get("options", [])}
    for form in forms:
        values = {value for _, value in form["radios"]}
        assert not values & ids, "a real option id is a form value"
    section = page.split('id="check-yourself"')[1].split("</section>")[0]
    assert 'class="explanation"' not in section and "Right answer" not in section
    answer_all(client)
    # The session cookie a learner can read keeps the questions, the answers given and when they were drawn, never a choice order.
    with client.session_transaction() as session:
        assert set(session["check_yourself"]) == {"l", "n", "q", "a", "t"}
