"""Locust profile: a student doing quiz rounds against a running Backchannel (`bench/load.py` runs it headless).

Each simulated student registers once (or logs in, when its name is already taken), then loops: lesson page,
quiz page, start a test, attempt page, hand in every answer, result page, thinking between requests. Requests
are named by step, so Locust's statistics are per step. Every acknowledged submission (the server answered the
hand-in with a redirect to the result) is appended to ``BENCH_ACK_FILE`` as "<public attempt id> <answers sent>".

Environment: BENCH_THINK_MIN / BENCH_THINK_MAX (seconds, default 5 and 20), BENCH_ACK_FILE, BENCH_LESSONS
(comma-separated lesson slugs, default "trade"), BENCH_PREFIX (names are <prefix><n>; default a random one),
BENCH_REQUEST_LOG (a file to append every request to: start time, response time, ok, step), BENCH_ROUNDS (rounds
each student tries before it stops; the run ends when all have, or at -t; default 0: no limit).

    locust -f bench/locustfile.py --headless -u 300 -r 10 -t 5m --csv out --host http://127.0.0.1:8000
"""

import itertools
import os
import random
import re
import secrets
from html.parser import HTMLParser
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

THINK = between(float(os.environ.get("BENCH_THINK_MIN", 5)), float(os.environ.get("BENCH_THINK_MAX", 20)))
LESSONS = [slug.strip() for slug in os.environ.get("BENCH_LESSONS", "trade").split(",") if slug.strip()]
PREFIX = os.environ.get("BENCH_PREFIX") or f"locust{secrets.token_hex(3)}-"
PASSWORD = "Bench-student-2026"
NUMBERS = itertools.count(1)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 0))  # rounds a student tries, then it stops (and the run, once all have)
FINISHED = itertools.count(1)
TAKEN = "That username is taken"  # the sign-up form's answer when an earlier run against this database left the name
ATTEMPT_ID = re.compile(r"/attempts/[\w-]+")
QUESTION = re.compile(r"q\d+")  # a test form's question fields are q<position>, or q<position>-<part>


def appender(variable: str) -> int | None:
    """A file named by an environment variable, opened to append.

    One process appends; each line goes out in one os.write on an O_APPEND descriptor, so lines never interleave."""
    path = os.environ.get(variable)
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644) if path else None


ACK_FD = appender("BENCH_ACK_FILE")
REQUEST_LOG_FD = appender("BENCH_REQUEST_LOG")  # every request: start (epoch s), response time (ms), ok (1/0), step

# Step names, numbered so they sort in the order a student takes them.
REGISTER_PAGE, REGISTER, LOGIN_PAGE, LOGIN = "0 register page", "0 register", "0 login page", "0 log in"
LESSON, QUIZ, START, ATTEMPT, SUBMIT, RESULT = ("1 lesson page", "2 quiz page", "3 start test", "4 attempt page",
                                                "5 submit", "6 result page")


class Forms(HTMLParser):
    """Every <form> on a page: its action and its fields as a browser would see them."""

    def __init__(self, html: str, path: str):
        super().__init__()
        self.path = path  # where a form without an action posts
        self.forms: list[dict] = []
        self._select: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form":
            self.forms.append({"action": urlsplit(a.get("action") or self.path).path, "fields": []})
        elif not self.forms:
            return
        elif tag in ("input", "textarea") and a.get("name"):
            field = {"tag": tag, "type": a.get("type", "text").lower(), "name": a["name"], "value": a.get("value", ""),
                     "inputmode": a.get("inputmode", "")}
            self.forms[-1]["fields"].append(field)
        elif tag == "select" and a.get("name"):
            self._select = {"tag": "select", "type": "select", "name": a["name"], "options": []}
            self.forms[-1]["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None

    def find(self, action: str, **hidden: str) -> dict | None:
        """The first form that posts to ``action`` and whose hidden fields hold ``hidden``."""
        for form in self.forms:
            values = {field["name"]: field.get("value") for field in form["fields"] if field["type"] == "hidden"}
            if form["action"] == action and all(values.get(k) == v for k, v in hidden.items()):
                return form
        return None


def fill(form: dict) -> tuple[list[tuple[str, str]], int]:
    """A hand-in for ``form``: the first choice of every choice, some text in every text box; and how many
    questions got an answer. Buttons are left out, as a script's hand-in (or the timer at 0:00) sends none."""
    data, chosen, answered = [], set(), set()
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        if kind in ("submit", "button", "reset", "image", "file"):
            continue
        if kind == "hidden":
            data.append((name, field["value"]))
            continue
        if kind in ("radio", "checkbox"):
            if name in chosen:
                continue
            chosen.add(name)
            value = field["value"]
        elif kind == "select":
            value = next((option for option in field["options"] if option), "")
        else:  # text boxes, number boxes, essays
            value = "1999" if field["inputmode"] in ("decimal", "numeric") or kind == "number" else "the Lahore process"
        data.append((name, value))
        question = QUESTION.match(name)
        if question and value:
            answered.add(question.group(0))
    return data, len(answered)


if REQUEST_LOG_FD is not None:
    @events.request.add_listener
    def log_request(name: str, response_time: float, exception: Exception | None, start_time: float, **_) -> None:
        """One line per request, so a run can be cut where everyone has signed up (bench/load.py)."""
        os.write(REQUEST_LOG_FD, f"{start_time:.3f} {response_time:.1f} {int(exception is None)} {name}\n".encode())


def problem(response) -> str:
    """What went wrong, without ids, so that Locust counts each kind of failure on one line."""
    if not response.status_code:  # no answer at all: a refused or dropped connection, a timeout
        return f"no response ({type(response.error).__name__})"
    return f"HTTP {response.status_code}"


class Student(HttpUser):
    """A student: one account, then quiz rounds with think time between requests."""

    wait_time = THINK

    def on_start(self) -> None:
        self.name, self.rounds = f"{PREFIX}{next(NUMBERS)}", 0
        self.signed_in = self.sign_in()

    def page(self, path: str, name: str):
        """GET ``path``; a failure unless 200. Returns the response, or None on failure."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(problem(response))
                return None
            return response

    def post(self, path: str, data: list, name: str, location: str, taken_ok: bool = False):
        """POST ``data`` to ``path``; a failure unless the server redirects to a path matching ``location``
        (or, with ``taken_ok``, says the user name is taken: then TAKEN)."""
        with self.client.post(path, data=data, name=name, allow_redirects=False, catch_response=True) as response:
            target = urlsplit(response.headers.get("Location", "")).path
            if taken_ok and response.status_code in (200, 400) and TAKEN in response.text:
                response.success()
                return TAKEN
            if response.status_code != 302:
                response.failure(problem(response))
                return None
            if not re.fullmatch(location, target):
                response.failure("redirected to " + ATTEMPT_ID.sub("/attempts/<id>", target))
                return None
            return target

    def send(self, path: str, page_name: str, action: str, fields: dict, name: str, location: str, **options):
        """Fetch the page holding a form, then post it with ``fields`` and its CSRF token."""
        response = self.page(path, page_name)
        form = Forms(response.text, path).find(action) if response is not None else None
        if not form:
            return None
        token = next(f["value"] for f in form["fields"] if f["name"] == "csrf_token")
        return self.post(action, [*fields.items(), ("csrf_token", token)], name, location, **options)

    def sign_in(self) -> bool:
        """Register; log in instead when the name is taken (an earlier run with the same BENCH_PREFIX).
        A sign-up that got no answer is tried again next round: it may not have reached the database."""
        fields = {"username": self.name, "password": PASSWORD, "password2": PASSWORD}
        registered = self.send("/account/register", REGISTER_PAGE, "/account/register", fields, REGISTER,
                               r"/account/.*|/me", taken_ok=True)
        if registered != TAKEN:
            return registered is not None
        fields = {"username": self.name, "password": PASSWORD}
        return self.send("/account/login", LOGIN_PAGE, "/account/login", fields, LOGIN, r"/.*") is not None

    @task
    def quiz_round(self) -> None:
        """Sign in if not yet signed in, else one round; with BENCH_ROUNDS, stop after that many rounds."""
        if not self.signed_in:
            self.signed_in = self.sign_in()
            return
        self.one_round()
        self.rounds += 1
        if ROUNDS and self.rounds >= ROUNDS:
            if next(FINISHED) >= self.environment.runner.target_user_count:
                # The last student done ends the run, after Locust's CSV (written each second) has caught up.
                gevent.spawn_later(2, self.environment.runner.quit)
            raise StopUser()

    def one_round(self) -> None:
        """Lesson, quiz page, start, attempt page, hand-in, result; a failed step ends the round."""
        slug = random.choice(LESSONS)
        if self.page(f"/lessons/{slug}", LESSON) is None:
            return
        self.wait()
        quiz_path = f"/lessons/{slug}/quiz"
        quiz = self.page(quiz_path, QUIZ)
        start = Forms(quiz.text, quiz_path).find(quiz_path + "/start", mode="test") if quiz is not None else None
        if not start:
            return
        self.wait()
        data, _ = fill(start)
        attempt_path = self.post(quiz_path + "/start", data, START, r"/attempts/[\w-]+")
        if not attempt_path:
            return
        self.wait()
        attempt = self.page(attempt_path, ATTEMPT)
        form = Forms(attempt.text, attempt_path).find(attempt_path + "/submit") if attempt is not None else None
        if not form:
            return
        self.wait()
        data, answers = fill(form)
        result_path = self.post(attempt_path + "/submit", data, SUBMIT, re.escape(attempt_path) + "/result")
        if not result_path:
            return
        if ACK_FD is not None:
            os.write(ACK_FD, f"{attempt_path.rsplit('/', 1)[-1]} {answers}\n".encode())
        self.wait()
        self.page(result_path, RESULT)
