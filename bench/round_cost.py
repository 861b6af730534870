"""What one quiz round costs the server, in process: per step (quiz page, start, attempt page, submit of every answer,
result) and for the whole round, the median and p95 server time and the SQL statements each sends, before (the
baseline commit) and after (this tree), in one run.

    .venv/bin/python bench/round_cost.py                      # 200 rounds after 20 warm-up rounds, both trees
    .venv/bin/python bench/round_cost.py --rounds 50 --no-baseline
    .venv/bin/python bench/round_cost.py --profile submit     # where this tree's time goes in one step (cProfile)
    .venv/bin/python bench/round_cost.py --baseline dc2a58a --languages en,ur,hi   # issue 20: the cost of a language

Each tree runs in its own process (the baseline extracted with ``git archive`` into a temporary folder, run with
``PYTHONPATH`` and ``cwd`` there) on its own migrated SQLite database with the course loaded, and one signed-in learner
doing rounds through Flask's test client, no server. Server time is the WSGI application's own time (a middleware
around ``app.wsgi_app``), not the test client's. The two trees take turns in batches of ``--batch`` rounds, so a busy
spell on a shared machine falls on both. The goals (issue 19) are printed beside: round median <= 15 ms, submit of
10 answers <= 5 ms.

After each round the learner also opens their other pages, printed in a second table (not part of the round): the
lesson page (which records the visit), home, the dashboard, and a review card with its answer (one card of theirs is
moved back to due first, outside the timing; the answer is a blank one, rated Again). Their statement goals: review
card <= 4, dashboard <= 8.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import BASELINE, ROOT, baseline_tree, machine  # noqa: E402
STEPS = ("quiz page", "start", "attempt", "submit", "result")
PAGES = ("lesson", "home", "dashboard", "review card", "review answer")
GOALS = {"round": 15.0, "submit": 5.0}
STATEMENT_GOALS = {"review card": 4, "review answer": 4, "dashboard": 8}


# --- the worker: one tree, one database, one learner -------------------------------------------------------------

def worker(profile: str | None) -> None:
    """Set up, then run the rounds asked for on stdin ("N"), answering each batch with one JSON line."""
    sys.path.insert(0, os.getcwd())
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app
    from app.course_loader import read_everything, store_course
    from app.extensions import db
    from app.models import ReviewCard, User
    from tests.conftest import PASSWORD, csrf_token, make_config
    from tests.test_quiz import key_form

    folder = Path(tempfile.mkdtemp(prefix="round-cost-"))
    app = create_app(make_config(f"sqlite:///{folder}/db.sqlite3"), instance_path=str(folder / "instance"))
    with app.app_context():
        upgrade()
        lessons, banks, _ = read_everything(Path(os.getcwd()))
        store_course(lessons, banks)
        engine = db.engine
    sent: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    spent: list[float] = []
    inner = app.wsgi_app

    def timed(environ, start_response):
        started = time.perf_counter()
        body = list(inner(environ, start_response))  # the whole response, as a server would send it
        spent.append((time.perf_counter() - started) * 1000)
        return body
    app.wsgi_app = timed

    client = app.test_client()
    client.post("/account/register", data={"username": "amina", "password": PASSWORD, "password2": PASSWORD,
                                           "csrf_token": csrf_token(client, "/account/register")})
    client.set_cookie("lang", os.environ.get("ROUND_COST_LANGUAGE", "en"))  # the switcher's cookie (issue 20 on)
    with app.app_context():  # a review a round for hundreds of rounds: past the default daily limit otherwise
        db.session.execute(sa.update(User).values(daily_review_limit=100_000))
        db.session.commit()

    def one_card_due() -> None:
        """Move the learner's first card back so it is due now (as tests.test_progress.make_due does)."""
        moment = datetime.now(timezone.utc)
        with app.app_context():
            first = db.session.scalar(sa.select(sa.func.min(ReviewCard.id)))
            db.session.execute(sa.update(ReviewCard).where(ReviewCard.id == first).values(
                due=moment - timedelta(days=1), last_review=moment - timedelta(days=3)))
            db.session.commit()
    profiler = None
    if profile:
        import cProfile
        profiler = cProfile.Profile()

    def step(name, send, samples):
        sent.clear()
        spent.clear()
        if profiler and name == profile:
            profiler.enable()
        response = send()
        if profiler and name == profile:
            profiler.disable()
        samples[name].append((spent[-1], len(sent)))
        return response

    def one_round(samples):
        page = step("quiz page", lambda: client.get("/lessons/trade/quiz"), samples)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
        started = step("start", lambda: client.post("/lessons/trade/quiz/start", data={"mode": "test", "csrf_token": token}),
                       samples)
        public_id = started.headers["Location"].rsplit("/", 1)[-1]
        step("attempt", lambda: client.get(f"/attempts/{public_id}"), samples)
        form = key_form(app, public_id)
        submitted = step("submit", lambda: client.post(f"/attempts/{public_id}/submit",
                                                       data={**form, "csrf_token": token}), samples)
        assert submitted.status_code == 302 and submitted.headers["Location"].endswith("/result"), submitted.status_code
        assert step("result", lambda: client.get(f"/attempts/{public_id}/result"), samples).status_code == 200
        for name, path in (("lesson", "/lessons/trade"), ("home", "/"), ("dashboard", "/me")):
            assert step(name, lambda: client.get(path), samples).status_code == 200
        one_card_due()
        page = step("review card", lambda: client.get("/review"), samples).get_data(as_text=True)
        card = re.search(r'action="/review/(\d+)"', page).group(1)
        answered = step("review answer", lambda: client.post(f"/review/{card}", data={
            "csrf_token": token, "shown_at": f"{time.time():.3f}"}), samples)
        assert answered.status_code == 302 and "/review/done/" in answered.headers["Location"], answered.status_code

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        count = int(line)
        if count == 0:
            break
        samples = {name: [] for name in STEPS + PAGES}
        for _ in range(count):
            one_round(samples)
        print(json.dumps(samples), flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    if profiler:
        import pstats
        profiler.dump_stats(Path(tempfile.gettempdir()) / f"round_cost_{profile.replace(' ', '_')}.prof")
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)


# --- the driver --------------------------------------------------------------------------------------------------

class Tree:
    """A worker process for one tree."""

    def __init__(self, label: str, folder: Path, profile: str | None = None, language: str = "en"):
        self.label = label
        env = {**os.environ, "PYTHONPATH": str(folder), "ROUND_COST_LANGUAGE": language}
        command = [sys.executable, str(Path(__file__).resolve()), "--worker"] + (["--profile", profile] if profile else [])
        self.process = subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=None if profile else subprocess.DEVNULL, text=True)
        self.samples = {name: [] for name in STEPS + PAGES}
        assert json.loads(self.process.stdout.readline()).get("ready"), f"the {label} tree did not start"

    def run(self, rounds: int, keep: bool = True) -> None:
        self.process.stdin.write(f"{rounds}\n")
        self.process.stdin.flush()
        batch = json.loads(self.process.stdout.readline())
        if keep:
            for name in STEPS + PAGES:
                self.samples[name].extend(batch[name])

    def close(self) -> None:
        self.process.stdin.write("0\n")
        self.process.stdin.close()
        self.process.wait()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def summary(tree: Tree) -> dict[str, tuple[float, float, float]]:
    """Per step and for the round: (median ms, p95 ms, median statements)."""
    out = {}
    for name in STEPS + PAGES:
        times = [ms for ms, _ in tree.samples[name]]
        counts = [count for _, count in tree.samples[name]]
        out[name] = (statistics.median(times), p95(times), statistics.median(counts))
    rounds = [sum(tree.samples[name][i][0] for name in STEPS) for i in range(len(tree.samples["start"]))]
    counts = [sum(tree.samples[name][i][1] for name in STEPS) for i in range(len(tree.samples["start"]))]
    out["round"] = (statistics.median(rounds), p95(rounds), statistics.median(counts))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--batch", type=int, default=20, help="rounds per turn when the two trees alternate")
    parser.add_argument("--baseline", default=BASELINE, help=f"the commit to compare with (default {BASELINE})")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--profile", choices=STEPS + PAGES, help="profile this step in this tree (cProfile, on stderr)")
    parser.add_argument("--languages", default="en",
                        help="this tree's interface languages to time, comma-separated (en,ur,hi); the baseline's is English")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.profile)
        return
    print(f"# bench/round_cost.py · {machine()}")
    print(f"# {args.rounds} rounds after {args.warmup} warm-up rounds; one signed-in learner; lesson 'trade' (10-question test)")
    with contextlib.ExitStack() as stack:
        languages = [code.strip() for code in args.languages.split(",") if code.strip()]
        trees = [Tree("after" if code == "en" else f"after, {code}", ROOT, args.profile, code) for code in languages]
        if not (args.no_baseline or args.profile):
            trees.insert(0, Tree(f"before ({args.baseline})", stack.enter_context(baseline_tree(args.baseline))))
        for tree in trees:
            tree.run(args.warmup, keep=False)
        done = 0
        while done < args.rounds:
            batch = min(args.batch, args.rounds - done)
            for tree in trees:
                tree.run(batch)
            done += batch
        for tree in trees:
            tree.close()
    results = {tree.label: summary(tree) for tree in trees}
    judged = next((tree for tree in trees if tree.label == "after"), trees[-1]).label  # the goals: this tree, English
    print(f"\n{'step':10s}" + "".join(f" | {label:>34s}" for label in results) + " | goal")
    print(f"{'':10s}" + " | median ms   p95 ms   statements    " * len(results))
    for name in (*STEPS, "round"):
        goal = GOALS.get(name)
        cells = "".join(f" | {median:9.2f} {high:8.2f} {count:10.0f}    " for median, high, count in
                        (results[label][name] for label in results))
        verdict = ""
        if goal is not None:
            median = results[judged][name][0]
            verdict = f"median <= {goal:g} ms: {'met' if median <= goal else 'NOT met'} ({median:.2f})"
        print(f"{name:10s}{cells} | {verdict}")
    print(f"\n{'page':13s}" + "".join(f" | {label:>34s}" for label in results) + " | goal")
    print(f"{'':13s}" + " | median ms   p95 ms   statements    " * len(results))
    for name in PAGES:
        cells = "".join(f" | {median:9.2f} {high:8.2f} {count:10.0f}    " for median, high, count in
                        (results[label][name] for label in results))
        goal = STATEMENT_GOALS.get(name)
        count = results[judged][name][2]
        verdict = f"statements <= {goal}: {'met' if count <= goal else 'NOT met'} ({count:.0f})" if goal else ""
        print(f"{name:13s}{cells} | {verdict}")


if __name__ == "__main__":
    main()
