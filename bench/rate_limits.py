"""What the rate limits cost, and what one practice start may write.

Run: .venv/bin/python bench/rate_limits.py (or `make bench`). Prints numbers; asserts nothing.

1. The database storage's ``incr`` (one upsert on its own connection, what every limited request
   pays once per limit): the median of 500 sequential calls, and 8 threads x 200 calls at once
   (the total must come out exact), on a migrated SQLite file and on a throw-away PostgreSQL.
2. The bytes one practice start stores in ``attempt.layout`` for banks of 200 and 5,000 questions,
   drawn whole (as before F-23) and capped at PRACTICE_MAX_QUESTIONS (100).
"""

import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _harness import migrated_sqlite_app, postgres, temp_folder  # noqa: E402
from app.config import Config  # noqa: E402
from app.course.quiz import draw_layout  # noqa: E402
from app.extensions import db  # noqa: E402
from app.ratelimit_storage import DatabaseStorage  # noqa: E402

SEQUENTIAL, THREADS, PER_THREAD = 500, 8, 200


def time_storage(label: str, engine) -> None:
    storage = DatabaseStorage("database://", engine=engine)
    times = []
    for _ in range(SEQUENTIAL):
        started = time.perf_counter()
        storage.incr("bench/sequential", 600)
        times.append(time.perf_counter() - started)
    barrier = threading.Barrier(THREADS)

    def hammer() -> None:
        barrier.wait()
        for _ in range(PER_THREAD):
            storage.incr("bench/contended", 600)

    threads = [threading.Thread(target=hammer) for _ in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    total = storage.get("bench/contended")
    print(f"{label:<11} incr median {statistics.median(times) * 1000:.2f} ms (p95 "
          f"{sorted(times)[int(0.95 * len(times))] * 1000:.2f} ms); {THREADS} threads x {PER_THREAD}: "
          f"{THREADS * PER_THREAD / elapsed:.0f} incr/s, total {total} (expected {THREADS * PER_THREAD})")


def sqlite_run() -> None:
    app = migrated_sqlite_app(temp_folder())
    with app.app_context():
        time_storage("SQLite", db.engine)


def postgres_run() -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from app import create_app

    with postgres() as server:
        if server is None:
            return
        admin = sa.create_engine(f"{server.url}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql("CREATE DATABASE bench_limits")
        admin.dispose()
        config = type("BenchConfig", (Config,), {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"{server.url}/bench_limits"})
        app = create_app(config, instance_path=str(temp_folder()))
        with app.app_context():
            upgrade()
            time_storage("PostgreSQL", db.engine)
            db.engine.dispose()


def layout_bytes() -> None:
    rng = random.Random(7)
    for bank_size in (200, 5000):
        questions = [(f"bank-question-{number:05d}", 100_000 + number,
                      {"type": "single_choice", "options": [{"id": f"option-{letter}"} for letter in "abcd"]})
                     for number in range(bank_size)]
        whole = len(json.dumps(draw_layout(questions, None, rng)))
        capped = len(json.dumps(draw_layout(questions, Config.PRACTICE_MAX_QUESTIONS, rng)))
        print(f"practice start, bank of {bank_size:>5}: whole bank {whole / 1024:7.1f} KB, "
              f"capped at {Config.PRACTICE_MAX_QUESTIONS}: {capped / 1024:5.1f} KB")


if __name__ == "__main__":
    sqlite_run()
    postgres_run()
    layout_bytes()
