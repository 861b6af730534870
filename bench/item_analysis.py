"""Item analysis for a class of 500 students × 30 questions × 3 attempts: how long it takes.

Run: .venv/bin/python bench/item_analysis.py (or `make bench`). Prints numbers; asserts nothing.

Times (1) the pure statistics (``app.course.statistics.analyse``) on the 500 × 30 matrix of first
attempts, and (2) the whole item-analysis page through Flask on a SQLite database holding the
1,500 attempts and 45,000 answers (medians of 10 requests). Target: well under a second.
"""

import json
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
from app.course.statistics import analyse  # noqa: E402
from app.course_loader import read_everything, store_course  # noqa: E402
from app.extensions import db  # noqa: E402

STUDENTS, QUESTIONS, ATTEMPTS = 500, 30, 3
PASSWORD = "Bench-password-2026"


def synthetic_rows(rng: random.Random, item_ids: list[str]) -> list[dict[str, float]]:
    """Scores from a simple ability model, so the statistics have something to find."""
    difficulty = {item: rng.uniform(-1.5, 1.5) for item in item_ids}
    rows = []
    for _ in range(STUDENTS):
        ability = rng.gauss(0, 1)
        rows.append({item: float(rng.random() < 1 / (1 + pow(2.718, difficulty[item] - ability))) for item in item_ids})
    return rows


def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / BENCH_DATABASE
        app = migrated_sqlite_app(folder, WTF_CSRF_ENABLED=False, LOGIN_RATE_LIMIT="1000 per minute")
        with app.app_context():
            lessons, banks, _ = read_everything(ROOT)
            store_course(lessons, banks)
            questions = [tuple(row) for row in db.session.execute(db.text(
                "SELECT q.id, v.id, v.data FROM question q JOIN question_version v ON v.question_id = q.id "
                "AND v.version = q.version ORDER BY q.lesson_id, q.position LIMIT :n"), {"n": QUESTIONS})]
            lesson_id = db.session.execute(db.text("SELECT id FROM lesson ORDER BY position LIMIT 1")).scalar()
            db.engine.dispose()
        item_ids = [qid for qid, _, _ in questions]

        rows = synthetic_rows(rng, item_ids)
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            result = analyse(item_ids, rows)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"pure analyse(): {STUDENTS} first attempts × {QUESTIONS} questions: median {statistics.median(timings):.1f} ms "
              f"(alpha {result.test.alpha:.3f}, mean {result.test.mean:.2f})")

        now = datetime.now(timezone.utc)
        iso = lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: E731
        connection = sqlite3.connect(database)
        with connection:
            connection.execute("INSERT INTO user (id, username, username_key, password_hash, role, created_at, desired_retention, "
                               "daily_review_limit) VALUES (1, 'teacher', 'teacher', ?, 'instructor', ?, 0.9, 50)", (generate_password_hash(PASSWORD), iso(now)))
            connection.execute("INSERT INTO classroom (id, name, instructor_id, join_code, created_at) VALUES (1, 'Bench', 1, 'BENCH123', ?)", (iso(now),))
            connection.execute(
                "INSERT INTO assignment (id, classroom_id, title, lesson_id, question_ids, opens_at, grading_method, shuffle, review_option, created_at) "
                "VALUES (1, 1, 'Bench', ?, ?, ?, 'highest', 1, 'immediately', ?)", (lesson_id, json.dumps(item_ids), iso(now), iso(now)))
            users, enrollments, attempts, answers = [], [], [], []
            attempt_id = answer_id = 0
            for student in range(STUDENTS):
                user_id = student + 2
                users.append((user_id, f"s{student}", "x", iso(now)))
                enrollments.append((1, user_id, iso(now)))
                for number in range(ATTEMPTS):
                    attempt_id += 1
                    started = now - timedelta(days=10 - number)
                    scores = rows[student] if number == 0 else synthetic_rows(rng, item_ids)[0]
                    attempts.append((attempt_id, f"a{attempt_id}", lesson_id, "test", f"user:{user_id}", "[]", iso(started),
                                     iso(started + timedelta(minutes=20)), sum(scores.values()), float(QUESTIONS), 1))
                    for position, (qid, version_id, data) in enumerate(questions):
                        answer_id += 1
                        options = json.loads(data).get("options")
                        response = json.dumps(rng.choice(options)["id"]) if options else "null"
                        score = scores[qid]
                        answers.append((answer_id, attempt_id, position, 1, qid, version_id, response, score,
                                        "correct" if score else "wrong", iso(started)))
            connection.executemany("INSERT INTO user (id, username, username_key, password_hash, role, created_at, desired_retention, daily_review_limit) VALUES (?1, ?2, lower(?2), ?3, 'student', ?4, 0.9, 50)", users)
            connection.executemany("INSERT INTO enrollment (classroom_id, user_id, joined_at) VALUES (?, ?, ?)", enrollments)
            connection.executemany("INSERT INTO attempt (id, public_id, lesson_id, mode, owner_key, layout, started_at, submitted_at, score, max_score, assignment_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)", attempts)
            connection.executemany("INSERT INTO answer (id, attempt_id, position, try_number, question_id, question_version_id, response, score, status, answered_at) VALUES (?,?,?,?,?,?,?,?,?,?)", answers)
        connection.execute("ANALYZE")
        connection.close()

        client = app.test_client()
        client.post("/account/login", data={"username": "teacher", "password": PASSWORD})
        page_times, gradebook_times = [], []
        for _ in range(10):
            started = time.perf_counter()
            response = client.get("/teach/assignments/1/analysis")
            page_times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            started = time.perf_counter()
            assert client.get("/teach/classes/1/gradebook").status_code == 200
            gradebook_times.append((time.perf_counter() - started) * 1000)
        print(f"item-analysis page ({STUDENTS * ATTEMPTS} attempts, {len(answers)} answers in the database): "
              f"median {statistics.median(page_times):.0f} ms")
        print(f"gradebook page ({STUDENTS} students): median {statistics.median(gradebook_times):.0f} ms")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
