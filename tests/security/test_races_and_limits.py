"""Against a real gunicorn with 5 workers (``gunicorn -c gunicorn.conf.py``, as ``make serve``):
login limits counted exactly across workers (F-08), racing Starts (F-05), racing review answers
(F-14), racing registrations (F-11's race), and what a 429 says (F-23).

The server runs on a free loopback port, on a private copy of the migrated, loaded test database
(SQLite, or PostgreSQL when BACKCHANNEL_TEST_POSTGRES is set), with the README's default limits and
one trusted proxy hop (so a test can speak from several addresses with X-Forwarded-For). Skipped,
with the reason, only where gunicorn is not installed; a server that fails to start fails the tests.
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from app import create_app
from app.config import PROJECT_ROOT
from app.extensions import db
from app.models import (Assignment, Attempt, Classroom, Enrollment, Lesson, Question, ReviewCard, ReviewLog, User,
                        username_key)
from tests.conftest import PASSWORD, make_config

GUNICORN = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
WORKERS = 5
RACERS = 8
TIMEOUT = 30  # seconds for any one request: the whole file stays well under a minute
COME_BACK = re.compile(r"Try again in \d+ (second|minute)s?\.")

pytestmark = pytest.mark.skipif(GUNICORN is None, reason="gunicorn is not installed in this environment")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(app) -> dict:
    """Accounts, a class with two assignments (attempt limits 1 and 3, the second with two attempts
    already handed in) and a review card due now."""
    with app.app_context():
        users = {}
        for name, role in (("racer", "student"), ("teacher", "instructor"), ("victim", "student"), ("bystander", "student"),
                           ("guarded", "student")):
            user = User(username=name, username_key=username_key(name), role=role)
            user.set_password(PASSWORD)
            db.session.add(user)
            users[name] = user
        db.session.flush()
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "trade"))
        question_ids = list(db.session.scalars(sa.select(Question.id).where(Question.lesson_id == lesson.id,
                                                                             Question.bank == "course")
                                               .order_by(Question.position).limit(5)))
        classroom = Classroom(name="Race class", instructor_id=users["teacher"].id, join_code=secrets.token_hex(4).upper())
        db.session.add(classroom)
        db.session.flush()
        db.session.add(Enrollment(classroom_id=classroom.id, user_id=users["racer"].id))
        assignments = {}
        for limit in (1, 3):
            assignment = Assignment(classroom_id=classroom.id, title=f"Limit {limit}", lesson_id=lesson.id,
                                    question_ids=question_ids, attempt_limit=limit, review_option="immediately",
                                    opens_at=datetime.now(timezone.utc) - timedelta(days=1))
            db.session.add(assignment)
            db.session.flush()
            assignments[limit] = assignment.id
        now = datetime.now(timezone.utc)
        for number in (1, 2):
            db.session.add(Attempt(public_id=secrets.token_urlsafe(12), lesson_id=lesson.id, mode="test",
                                   owner_key=users["racer"].owner_key, layout=[], max_score=5.0, score=1.0,
                                   assignment_id=assignments[3], attempt_number=number, submitted_at=now))
        card = ReviewCard(owner_key=users["racer"].owner_key, question_id=question_ids[0], state=2, step=None,
                          stability=3.0, difficulty=5.0, due=now - timedelta(days=1), last_review=now - timedelta(days=5))
        db.session.add(card)
        db.session.commit()
        return {"assignments": assignments, "card": card.id, "racer": users["racer"].owner_key}


@pytest.fixture(scope="module")
def site(database_templates, tmp_path_factory):
    """(base URL, database URL, seeded ids) of a gunicorn serving a private copy of the loaded database."""
    folder = tmp_path_factory.mktemp("gunicorn")
    database = database_templates.copy("loaded", folder, 0)
    app = create_app(make_config(database), instance_path=str(folder / "instance"))
    ids = seed(app)
    with app.app_context():
        db.engine.dispose()
    port = free_port()
    environment = {name: value for name, value in os.environ.items()
                   if not name.endswith("_RATE_LIMIT") and name not in ("RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY")}
    environment.update(DATABASE_URL=database, SECRET_KEY=secrets.token_hex(32), BIND=f"127.0.0.1:{port}",
                       WEB_CONCURRENCY=str(WORKERS), BACKCHANNEL_PROXY_HOPS="1")
    log_path = folder / "gunicorn.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen([GUNICORN, "-c", "gunicorn.conf.py", "app:create_app()"], cwd=PROJECT_ROOT,
                                  env=environment, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # five workers import the app on a busy machine
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start:\n" + log_path.read_text(errors="replace")[-3000:])
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or no worker booted yet
                time.sleep(0.2)
        yield base, database, ids
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        database_templates.drop(database)


def new_session(cookies=None) -> requests.Session:
    """A client that opens a new connection for every request, so requests spread over the workers
    as a browser's would (one kept-alive connection would talk to one worker only)."""
    session = requests.Session()
    session.headers["Connection"] = "close"
    if cookies is not None:
        session.cookies.update(cookies)
    return session


def token_of(session: requests.Session, url: str) -> str:
    html = session.get(url, timeout=TIMEOUT).text
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(base: str, username: str, password: str, address: str | None = None, session: requests.Session | None = None,
          **headers) -> requests.Response:
    session = session or new_session()
    if address:
        headers["X-Forwarded-For"] = address
    token = token_of(session, base + "/account/login")
    return session.post(base + "/account/login", data={"username": username, "password": password, "csrf_token": token},
                        headers=headers, allow_redirects=False, timeout=TIMEOUT)


def signed_in(base: str, username: str, address: str) -> requests.Session:
    session = new_session()
    response = login(base, username, PASSWORD, address, session)
    assert response.status_code == 302, response.text[-500:]
    return session


def at_once(count: int, request) -> list[requests.Response]:
    """``request(i)`` from ``count`` threads released together by a barrier."""
    barrier = threading.Barrier(count)
    responses: list = [None] * count

    def run(index: int) -> None:
        barrier.wait(timeout=TIMEOUT)
        try:
            responses[index] = request(index)
        except requests.RequestException as error:
            responses[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
    assert all(isinstance(response, requests.Response) for response in responses), responses
    return responses


def count_rows(database: str, statement) -> int:
    engine = sa.create_engine(database)
    try:
        with engine.connect() as connection:
            return connection.scalar(statement)
    finally:
        engine.dispose()


def assert_told_when(response: requests.Response, words: str) -> None:
    assert response.status_code == 429, response.text[-500:]
    assert words in response.text and COME_BACK.search(response.text), response.text[-800:]
    assert 0 < int(response.headers["Retry-After"]) <= 60 * 15 + 1  # the reset time is rounded up


def test_login_limit_per_address_is_exactly_the_readme_number_across_five_workers(site):
    """README: 10 login posts a minute per address. 15 wrong passwords: 10 answered, 5 refused."""
    base, _, _ = site
    session = new_session()
    statuses = [login(base, "nobody-at-all", "wrong-password", session=session).status_code for _ in range(15)]
    assert Counter(statuses) == {400: 10, 429: 5}, statuses
    assert statuses[:10] == [400] * 10
    right = login(base, "bystander", PASSWORD, session=session)  # counted for bystander too: 2 of its 10
    assert_told_when(right, "Too many login attempts from your address.")
    as_json = login(base, "bystander", PASSWORD, session=session, Accept="application/json")
    assert as_json.status_code == 429 and as_json.json()["status"] == 429 and COME_BACK.search(as_json.json()["reason"])
    assert int(as_json.headers["Retry-After"]) > 0


def test_failures_from_many_addresses_lock_that_account_only(site):
    """README: 10 password attempts per account in 15 minutes, from whatever addresses."""
    base, _, _ = site
    statuses = [login(base, "victim", "wrong-password", address=f"10.1.0.{n}").status_code for n in range(1, 13)]
    assert statuses == [400] * 10 + [429] * 2
    assert_told_when(login(base, "victim", PASSWORD, address="10.1.0.50"), "Too many password attempts for this account")
    assert login(base, "bystander", PASSWORD, address="10.1.0.50").status_code == 302


def test_simultaneous_guesses_from_many_addresses_never_pass_the_account_limit(site):
    """24 wrong passwords for one account at the same moment, each from its own address: exactly 10
    are checked (400), the rest refused (429); the right password then waits out the window too."""
    base, _, _ = site
    guessers = 24
    tokens = [(session, token_of(session, base + "/account/login")) for session in (new_session() for _ in range(guessers))]
    responses = at_once(guessers, lambda index: tokens[index][0].post(
        base + "/account/login", data={"username": "guarded", "password": f"guess-{index}", "csrf_token": tokens[index][1]},
        headers={"X-Forwarded-For": f"10.4.{index}.1"}, allow_redirects=False, timeout=TIMEOUT))
    assert Counter(response.status_code for response in responses) == {400: 10, 429: guessers - 10}
    assert_told_when(login(base, "guarded", PASSWORD, address="10.4.99.1"), "Too many password attempts for this account")


@pytest.mark.parametrize("limit, expected", [(1, 1), (3, 3)])
def test_eight_simultaneous_starts_never_beat_the_attempt_limit(site, limit, expected):
    """F-05. Limit 1 and no attempt yet: one attempt, the other seven resume it. Limit 3 with two
    attempts handed in: one more, never eight more."""
    base, database, ids = site
    session = signed_in(base, "racer", f"10.2.0.{limit}")
    token = token_of(session, base + "/assignments")
    assignment = ids["assignments"][limit]
    racers = [new_session(session.cookies) for _ in range(RACERS)]
    responses = at_once(RACERS, lambda index: racers[index].post(f"{base}/assignments/{assignment}/start", data={"csrf_token": token},
                                                       allow_redirects=False, timeout=TIMEOUT))
    assert all(response.status_code < 500 for response in responses), [r.status_code for r in responses]
    assert {response.status_code for response in responses} <= {302, 403, 409}
    assert count_rows(database, sa.select(sa.func.count(Attempt.id)).where(Attempt.assignment_id == assignment)) == expected
    opened = {response.headers["Location"] for response in responses if response.status_code == 302}
    assert len(opened) == 1  # every request that got in was sent to the same, one new attempt


def test_a_review_answered_eight_times_at_once_is_scheduled_once(site):
    """F-14: one review-log row (so "served today" counts one), the card moved once."""
    base, database, ids = site
    session = signed_in(base, "racer", "10.3.0.1")
    token = token_of(session, base + "/review")
    card = ids["card"]
    racers = [new_session(session.cookies) for _ in range(RACERS)]
    responses = at_once(RACERS, lambda index: racers[index].post(f"{base}/review/{card}", data={"csrf_token": token},
                                                       allow_redirects=False, timeout=TIMEOUT))
    assert [response.status_code for response in responses] == [302] * RACERS
    assert count_rows(database, sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.card_id == card)) == 1
    feedback = [response for response in responses if "/review/done/" in response.headers["Location"]]
    assert len(feedback) == 1  # the others were told the card was already reviewed
    assert count_rows(database, sa.select(sa.func.count(ReviewCard.id)).where(
        ReviewCard.id == card, ReviewCard.due > datetime.now(timezone.utc) - timedelta(minutes=5))) == 1


def test_eight_simultaneous_registrations_of_one_name_make_one_account(site):
    """The name race ends in one account and seven clear 400s (that name is taken), never a 500."""
    base, database, _ = site
    sessions = [new_session() for _ in range(RACERS)]
    tokens = [token_of(session, base + "/account/register") for session in sessions]

    def register(index: int) -> requests.Response:
        return sessions[index].post(base + "/account/register", allow_redirects=False, timeout=TIMEOUT,
                                    headers={"X-Forwarded-For": f"10.4.0.{index}"},
                                    data={"username": "dupracer", "password": PASSWORD, "password2": PASSWORD,
                                          "csrf_token": tokens[index]})

    responses = at_once(RACERS, register)
    assert sorted(response.status_code for response in responses) == [302] + [400] * (RACERS - 1)
    assert all("taken" in response.text for response in responses if response.status_code == 400)
    assert count_rows(database, sa.select(sa.func.count(User.id)).where(User.username_key == "dupracer")) == 1
