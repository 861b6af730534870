"""Throttling (F-08, F-09, F-23) and integrity when requests race (F-05, F-14), in-process.

Each limit is set small for its test; every 429 says in words when to come back and sends
Retry-After. The same limits against a real gunicorn with 5 workers: test_races_and_limits.py.
"""

import re
from dataclasses import replace

import sqlalchemy as sa

from app.extensions import db
from app.learning import class_routes, review_routes
from app.models import Attempt, ReviewCard, ReviewLog, StudyTime, User, username_key
from tests.conftest import PASSWORD, AuthActions, csrf_token
from tests.test_progress import make_due, owner_of, shown_card, submit_test_with_key
from tests.test_teaching import course, create_assignment, start, take  # noqa: F401  (course is a fixture)

COME_BACK = re.compile(r"Try again in \d+ (second|minute|hour)s?\.")


def add_user(app, username: str, password: str = PASSWORD) -> None:
    """An account made directly in the database (its login is what these tests exercise)."""
    with app.app_context():
        user = User(username=username, username_key=username_key(username), role="student")
        user.set_password(password)
        db.session.add(user)
        db.session.commit()


def login(client, username: str, password: str, address: str | None = None):
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post("/account/login", headers=headers,
                       data={"username": username, "password": password, "csrf_token": csrf_token(client)})


def assert_told_when(response, words: str) -> None:
    """A 429 with the reason, when to come back in words, and Retry-After in seconds."""
    text = response.get_data(as_text=True)
    assert response.status_code == 429, text[-500:]
    assert words in text and COME_BACK.search(text), text[-800:]
    assert 0 < int(response.headers["Retry-After"]) <= 3601  # the reset time is rounded up


def test_the_login_limit_per_address_is_exact_and_says_when_to_come_back(make_app):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    add_user(app, "amina")
    client = app.test_client()
    assert [login(client, "amina", "wrong-password").status_code for _ in range(3)] == [400] * 3
    blocked = login(client, "amina", PASSWORD)  # even the right password: the address is throttled
    assert_told_when(blocked, "Too many login attempts from your address.")


def test_x_forwarded_for_is_ignored_without_configured_proxy_hops(make_app):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [login(client, "nobody", "wrong-password", address=f"10.0.0.{n}").status_code for n in range(5)]
    assert statuses == [400, 400, 400, 429, 429]


def test_failed_logins_lock_the_account_from_any_address_and_only_that_account(make_app):
    app = make_app(PROXY_HOPS=1, LOGIN_RATE_LIMIT="3 per minute",
                   LOGIN_ACCOUNT_RATE_LIMIT="4 per 15 minutes")
    add_user(app, "amina")
    add_user(app, "bilal")
    client = app.test_client()
    # Four addresses, one guess each, and the spellings compare as one account (case, NFKC, spaces).
    spellings = ["amina", "Amina", " AMINA ", "ａｍｉｎａ"]
    assert [login(client, name, "wrong-password", address=f"10.0.1.{n}").status_code
            for n, name in enumerate(spellings)] == [400] * 4
    assert_told_when(login(client, "amina", "wrong-password", address="10.0.2.1"), "Too many password attempts for this account")
    assert_told_when(login(client, "amina", PASSWORD, address="10.0.2.2"), "Too many password attempts for this account")
    assert login(client, "bilal", PASSWORD, address="10.0.2.2").status_code == 302


def test_every_login_counts_against_the_account_so_the_count_is_taken_before_the_check(make_app):
    """Right passwords count too: counting only refusals would count after the answer, and a burst
    of simultaneous guesses would pass the limit (test_races_and_limits.py sends one)."""
    app = make_app(LOGIN_ACCOUNT_RATE_LIMIT="2 per 15 minutes")
    add_user(app, "amina")
    assert [login(app.test_client(), "amina", PASSWORD).status_code for _ in range(2)] == [302, 302]
    assert_told_when(login(app.test_client(), "amina", PASSWORD), "Too many password attempts for this account")


def test_registration_is_limited_per_address(make_app):
    """F-09: "That username is taken" cannot be asked about a name list at will."""
    app = make_app(REGISTER_RATE_LIMIT="2 per hour")
    add_user(app, "amina")
    client = app.test_client()
    auth = AuthActions(client)
    assert auth.register("amina").status_code == 400
    assert auth.register("amina").status_code == 400
    assert_told_when(auth.register("zainab"), "Too many accounts were asked for from your address.")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def start_quiz(client, mode: str = "practice", slug: str = "trade"):
    token = csrf_token(client, f"/lessons/{slug}/quiz")
    return client.post(f"/lessons/{slug}/quiz/start", data={"mode": mode, "csrf_token": token})


def test_guests_start_few_attempts_and_accounts_more(make_app):
    app = make_app(GUEST_START_RATE_LIMIT="2 per hour", LEARNER_START_RATE_LIMIT="4 per hour")
    guest = app.test_client()
    assert [start_quiz(guest).status_code for _ in range(2)] == [302, 302]
    assert_told_when(start_quiz(guest, "test"), "You have started a great many quizzes")
    assert_told_when(start_quiz(app.test_client()), "You have started a great many quizzes")  # a new cookie, the same address
    add_user(app, "amina")
    learner = app.test_client()
    assert login(learner, "amina", PASSWORD).status_code == 302
    assert [start_quiz(learner).status_code for _ in range(5)] == [302] * 4 + [429]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 6


def test_a_practice_start_stores_at_most_the_configured_number_of_questions(make_app):
    """F-23: a 5,000-question bank must not write 278 KB per anonymous start."""
    app = make_app(PRACTICE_MAX_QUESTIONS=4)
    client = app.test_client()
    public_id = start_quiz(client).headers["Location"].rsplit("/", 1)[-1]
    with app.app_context():
        assert len(db.session.scalar(sa.select(Attempt.layout).where(Attempt.public_id == public_id))) == 4
    assert client.get(f"/attempts/{public_id}").status_code == 200


def test_wrong_join_codes_are_limited(make_app):
    app = make_app(JOIN_RATE_LIMIT="2 per 15 minutes")
    add_user(app, "amina")
    client = app.test_client()
    assert login(client, "amina", PASSWORD).status_code == 302

    def join(code: str):
        return client.post("/classes/join", data={"code": code, "csrf_token": csrf_token(client, "/classes/join")})

    assert [join("WRONG001").status_code, join("WRONG002").status_code] == [400, 400]
    assert_told_when(join("WRONG003"), "Too many wrong class codes")


def test_a_right_join_code_does_not_count(app, course):  # noqa: F811
    app.config["JOIN_RATE_LIMIT"] = "1 per 15 minutes"
    student = course["student"]
    for _ in range(3):  # already in the class: each a redirect, none counted
        assert student.post("/classes/join", data={"code": course["code"],
                                                   "csrf_token": csrf_token(student, "/classes/join")}).status_code == 302


def test_anki_decks_share_one_limit(make_app):
    app = make_app(ANKI_RATE_LIMIT="2 per hour")
    client = app.test_client()
    assert client.get("/lessons/trade/anki.apkg").status_code == 200
    assert client.get("/lessons/kashmir-non-paper/anki.apkg").status_code == 200
    assert_told_when(client.get("/review/anki.apkg"), "downloaded many Anki decks")


def test_the_api_is_limited_per_token_with_a_json_429(make_app):
    app = make_app(API_RATE_LIMIT="3 per minute")
    add_user(app, "amina")
    with app.app_context():
        from app.api.auth import new_token
        token = new_token(db.session.scalar(sa.select(User).where(User.username == "amina")), "script")
        db.session.commit()
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert [client.get("/api/v1/me/progress", headers=bearer).status_code for _ in range(3)] == [200] * 3
    blocked = client.get("/api/v1/me/progress", headers=bearer)
    assert blocked.status_code == 429 and blocked.json["status"] == 429
    assert "with this token" in blocked.json["reason"] and COME_BACK.search(blocked.json["reason"])
    assert int(blocked.headers["Retry-After"]) > 0
    # Without a token, or with invented ones, requests count by address: a separate counter, and one.
    assert [client.get("/api/v1/lessons", headers={"Authorization": f"Bearer bc_made-up-{n}"}).status_code
            for n in range(4)] == [200, 200, 200, 429]


def test_racing_starts_never_open_more_attempts_than_the_limit(app, course, monkeypatch):  # noqa: F811
    """F-05, the losing side of the race made deterministic: the request read the attempts before
    another Start committed, so it tries the number that one took; the unique key refuses it and
    the request looks again: no attempts left (a 403 that says so), never a second attempt or a 500."""
    limited = create_assignment(app, course["teacher"], course["classroom"], attempt_limit=1, title="Once only")
    take(app, course["student"], limited)
    token = csrf_token(course["student"], "/assignments")
    real = class_routes.my_attempts
    calls = []

    def stale_first(assignment):
        calls.append(1)
        return [] if len(calls) == 1 else real(assignment)

    monkeypatch.setattr(class_routes, "my_attempts", stale_first)
    second = course["student"].post(f"/assignments/{limited}/start", data={"csrf_token": token})
    assert second.status_code == 403 and "used all 1 attempts" in second.get_data(as_text=True)
    with app.app_context():
        numbers = db.session.scalars(sa.select(Attempt.attempt_number).where(Attempt.assignment_id == limited)).all()
    assert numbers == [1] and len(calls) == 2


def test_a_racing_start_resumes_the_attempt_that_won(app, course, monkeypatch):  # noqa: F811
    limited = create_assignment(app, course["teacher"], course["classroom"], attempt_limit=3, title="Three tries")
    first = start(course["student"], limited)
    token = csrf_token(course["student"], "/assignments")
    real = class_routes.my_attempts
    calls = []
    monkeypatch.setattr(class_routes, "my_attempts", lambda a: (calls.append(1), [] if len(calls) == 1 else real(a))[1])
    second = course["student"].post(f"/assignments/{limited}/start", data={"csrf_token": token})
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id)).where(Attempt.assignment_id == limited)) == 1


def test_a_review_answered_twice_at_once_is_scheduled_and_logged_once(app, client, auth, monkeypatch):
    """F-14, the second of two simultaneous answers made deterministic: it read the card before the
    first one rescheduled it; the conditional update refuses it, so one log and one schedule."""
    auth.register()
    submit_test_with_key(app, client)
    owner = owner_of(app)
    make_due(app, owner, count=1)
    card_id = shown_card(client)
    with app.app_context():
        card = db.session.get(ReviewCard, card_id)
        stale = (card.due, card.last_review)
        logs_before = db.session.scalar(sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.card_id == card_id))
    token = csrf_token(client, "/review")
    assert client.post(f"/review/{card_id}", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        scheduled = db.session.get(ReviewCard, card_id).due
    real = review_routes.own_card

    def as_read_before_the_first_answer(ident: int) -> review_routes.Card:
        return replace(real(ident), due=stale[0], last_review=stale[1])

    monkeypatch.setattr(review_routes, "own_card", as_read_before_the_first_answer)
    late = client.post(f"/review/{card_id}", data={"csrf_token": token}, follow_redirects=True)
    assert late.status_code == 200 and "already reviewed" in late.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.card_id == card_id)) == logs_before + 1
        assert db.session.get(ReviewCard, card_id).due == scheduled


def test_reading_time_posts_are_limited_per_learner_and_the_refused_one_records_nothing(make_app):
    app = make_app(STUDY_TIME_RATE_LIMIT="3 per minute")
    client = app.test_client()
    token = csrf_token(client, "/lessons/trade/quiz")
    assert client.post("/lessons/trade/quiz/start", data={"mode": "practice", "csrf_token": token}).status_code == 302
    post = lambda: client.post("/study-time", json={"lesson": "trade", "seconds": 10}, headers={"X-CSRFToken": token})
    assert [post().status_code for _ in range(3)] == [204] * 3
    assert_told_when(post(), "Reading time is arriving faster than anyone reads")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.sum(StudyTime.seconds))) == 30
