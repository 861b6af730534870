"""Simulated students on loopback: register, then loop fetch quiz → start → fetch → submit → result.

Runs in its own process (the load comes from outside the server). Each student is a thread with
its own cookies. Returns what happened: acknowledged attempts (the server answered the submit
with a redirect to the result), latencies and every status code. bench/faults.py uses it (it kills
workers mid-run and counts dropped connections itself); bench/load.py uses Locust (bench/locustfile.py).
"""

import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
RADIO = re.compile(r'name="(q\d+)" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Student:
    def __init__(self, base: str, name: str):
        self.base, self.name = base, name
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def call(self, path: str, data: dict | None = None, timeout: float = 30):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode(errors="replace")

    def register(self) -> int:
        _, _, html = self.call("/account/register")
        password = "Bench-student-2026"
        status, _, _ = self.call("/account/register", {"username": self.name, "password": password, "password2": password,
                                                       "csrf_token": TOKEN.search(html).group(1)})
        return status

    def one_quiz(self, record) -> None:
        started = time.perf_counter()
        status, _, html = self.call("/lessons/trade/quiz")
        record("quiz page", status, html)
        token = TOKEN.search(html).group(1) if status == 200 else None
        if token is None:
            time.sleep(0.5)  # a student whose page failed waits a moment before trying again
            return
        status, headers, body = self.call("/lessons/trade/quiz/start", {"mode": "test", "csrf_token": token})
        record("start", status, body)
        if status != 302:
            return
        attempt_path = urllib.parse.urlparse(headers["Location"]).path
        status, _, html = self.call(attempt_path)
        record("attempt page", status, html)
        answers = {}
        for field, value in RADIO.findall(html):
            answers.setdefault(field, value)  # the first choice of each choice question
        status, headers, body = self.call(attempt_path + "/submit", {**answers, "csrf_token": token})
        record("submit", status, body)
        if status == 302 and headers["Location"].endswith("/result"):
            record("acknowledged", attempt_path.rsplit("/", 1)[-1], time.perf_counter() - started)
            status, _, body = self.call(attempt_path + "/result")
            record("result", status, body)


def simulate(base: str, students: int, seconds: float, prefix: str, queue) -> None:
    """Run ``students`` concurrent students for ``seconds``; put a summary dict on ``queue``."""
    lock = threading.Lock()
    summary = {"statuses": {}, "acknowledged": [], "latencies": [], "errors_5xx": 0, "locked": 0, "exceptions": 0}

    def record(step, status, body_or_latency):
        with lock:
            if step == "acknowledged":
                summary["acknowledged"].append(status)
                summary["latencies"].append(body_or_latency)
                return
            summary["statuses"][f"{step} {status}"] = summary["statuses"].get(f"{step} {status}", 0) + 1
            if isinstance(status, int) and status >= 500:
                summary["errors_5xx"] += 1
            if "database is locked" in body_or_latency:
                summary["locked"] += 1

    def run(number: int):
        student = Student(base, f"{prefix}{number}")
        if student.register() != 302:
            with lock:
                summary["exceptions"] += 1
            return
        stop_at = time.time() + seconds
        while time.time() < stop_at:
            try:
                student.one_quiz(record)
            except Exception:  # noqa: BLE001 - a dropped connection is counted, not fatal, during fault tests
                with lock:
                    summary["exceptions"] += 1
                time.sleep(0.2)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(students)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    summary["elapsed"] = time.perf_counter() - started
    queue.put(summary)
