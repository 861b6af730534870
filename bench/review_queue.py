"""Time to build one learner's review queue and dashboard as the number of learners grows.

Run: .venv/bin/python bench/review_queue.py [--learners 10000] (or `make bench`). Prints numbers.

Builds a migrated SQLite database holding the shipped course and synthetic learners, each with
165 cards (one per question answered), two logged reviews per card over the last 90 days and one
submitted test per lesson. After 100, 1,000 and 10,000 learners it times, for one learner, the
review queue (GET /review) and the dashboard (GET /me), medians of 30 requests through the full
Flask stack, and the queue query alone. Flat numbers as learners grow show the indexes work:
review_card (owner_key, due), review_log (owner_key, reviewed_at), attempt (owner_key).
"""

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.security import generate_password_hash  # noqa: E402

from _harness import BENCH_DATABASE, migrated_sqlite_app  # noqa: E402
from app.course_loader import read_everything, store_course  # noqa: E402
from app.extensions import db  # noqa: E402

CARDS_PER_LEARNER = 165
PASSWORD = "Bench-password-2026"


def fill(database: Path, first: int, last: int, questions: list[tuple[str, int, int]], lessons: list[int], now: datetime, password_hash: str) -> None:
    """Insert learners ``first``..``last``-1 with their cards, review logs and attempts (raw SQL, fast)."""
    rng = random.Random(first)
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    iso = lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: E731
    with connection:
        connection.executemany(
            "INSERT INTO user (id, username, username_key, password_hash, role, created_at, desired_retention, daily_review_limit) "
            "VALUES (?1, ?2, lower(?2), ?3, 'student', ?4, 0.9, 50)",
            [(n, f"learner{n}", password_hash, iso(now)) for n in range(first, last)])
        card_rows, log_rows, attempt_rows = [], [], []
        card_id = connection.execute("SELECT COALESCE(MAX(id), 0) FROM review_card").fetchone()[0]
        for n in range(first, last):
            owner = f"user:{n}"
            for question_id, version_id, _lesson in questions[:CARDS_PER_LEARNER]:
                card_id += 1
                first_seen = now - timedelta(days=rng.uniform(5, 90))
                second = first_seen + timedelta(days=rng.uniform(1, 4))
                due = second + timedelta(days=rng.uniform(0.5, 30))
                card_rows.append((card_id, owner, question_id, 2, None, rng.uniform(1, 40), rng.uniform(1, 10), iso(due), iso(second)))
                for moment, source in ((first_seen, "test"), (second, "review")):
                    log_rows.append((owner, card_id, question_id, version_id, source, 3, 1.0, iso(moment), 20, "{}"))
            for lesson in lessons:
                started = now - timedelta(days=rng.uniform(1, 90))
                attempt_rows.append((f"b{n}-{lesson}", lesson, "test", owner, "[]", iso(started), iso(started + timedelta(minutes=6)), rng.randint(3, 10), 10.0))
        connection.executemany("INSERT INTO review_card (id, owner_key, question_id, state, step, stability, difficulty, due, last_review) VALUES (?,?,?,?,?,?,?,?,?)", card_rows)
        connection.executemany("INSERT INTO review_log (owner_key, card_id, question_id, question_version_id, source, rating, score, reviewed_at, seconds_taken, card_before) VALUES (?,?,?,?,?,?,?,?,?,?)", log_rows)
        connection.executemany("INSERT INTO attempt (public_id, lesson_id, mode, owner_key, layout, started_at, submitted_at, score, max_score) VALUES (?,?,?,?,?,?,?,?,?)", attempt_rows)
    connection.execute("ANALYZE")
    connection.close()


def median_ms(client, path: str, repeats: int = 30) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=10000)
    args = parser.parse_args()
    steps = [n for n in (100, 1000, 10000, 100000) if n <= args.learners] or [args.learners]
    now = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / BENCH_DATABASE
        app = migrated_sqlite_app(folder, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="1000 per minute")
        with app.app_context():
            lessons, banks, _ = read_everything(ROOT)
            store_course(lessons, banks)
            questions = [tuple(row) for row in db.session.execute(db.text(
                "SELECT q.id, v.id, q.lesson_id FROM question q JOIN question_version v ON v.question_id = q.id AND v.version = q.version ORDER BY q.lesson_id, q.position"))]
            lesson_ids = [row[0] for row in db.session.execute(db.text("SELECT id FROM lesson ORDER BY position"))]
            db.engine.dispose()
        password_hash = generate_password_hash(PASSWORD)
        done = 1
        print(f"{CARDS_PER_LEARNER} cards, {2 * CARDS_PER_LEARNER} review logs and {len(lesson_ids)} attempts per learner")
        print(f"{'learners':>9} {'build s':>8} {'queue query ms':>15} {'GET /review ms':>15} {'GET /me ms':>11}")
        for target in steps:
            started = time.perf_counter()
            fill(database, done, target + 1, questions, lesson_ids, now, password_hash)
            built = time.perf_counter() - started
            done = target + 1
            client = app.test_client()
            client.post("/account/login", data={"username": f"learner{target // 2}", "password": PASSWORD})
            with app.test_request_context():
                from flask_login import login_user
                from app.learning.review_routes import review_queue
                from app.models import User
                login_user(db.session.get(User, target // 2))
                timings = []
                for _ in range(30):
                    t = time.perf_counter()
                    review_queue(f"user:{target // 2}", now)
                    timings.append((time.perf_counter() - t) * 1000)
                queue_ms = statistics.median(timings)
            print(f"{target:9d} {built:8.1f} {queue_ms:15.1f} {median_ms(client, '/review'):15.1f} {median_ms(client, '/me'):11.1f}")
        with app.app_context():
            plan = db.session.execute(db.text(
                "EXPLAIN QUERY PLAN SELECT * FROM review_card WHERE owner_key = 'user:5' AND due <= '2030-01-01'")).all()
            print("queue query plan:", "; ".join(row[-1] for row in plan))
            db.engine.dispose()


if __name__ == "__main__":
    main()
