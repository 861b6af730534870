"""The Locust profile (bench/locustfile.py), run for real: a few students against gunicorn for a few seconds.

Locust runs in its own process, as bench/load.py runs it (importing it here would monkey-patch this process
with gevent). The database check is the one the benchmark prints after every run.
"""

import importlib.util
import os
import secrets
from pathlib import Path

import pytest

from bench._harness import BIN, RATE_LIMITS, check_database, gunicorn, locust_stats, read_acknowledged, run_locust

pytestmark = pytest.mark.skipif(importlib.util.find_spec("locust") is None or not (BIN / "locust").exists(),
                                reason="Locust is not installed: .venv/bin/python -m pip install -e '.[dev]'")

ROUND = ["1 lesson page", "2 quiz page", "3 start test", "4 attempt page", "5 submit", "6 result page"]


@pytest.fixture(scope="module")
def server(database_templates, tmp_path_factory):
    """gunicorn (two workers) on a copy of the loaded course database; yields (base URL, database URL)."""
    url = database_templates.copy("loaded", tmp_path_factory.mktemp("locust"), 0)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16),
           **{f"{name}_RATE_LIMIT": "100000 per minute" for name in RATE_LIMITS}}
    with gunicorn(env, workers=2) as (base, _):
        yield base, url


def by_step(prefix) -> dict[str, dict]:
    return {row["Name"]: row for row in locust_stats(prefix)}


@pytest.fixture(scope="module")
def first_run(server, tmp_path_factory):
    """Four students ("first-1" to "first-4"), two rounds each, no think time; Locust's exit code and CSV prefix."""
    prefix = tmp_path_factory.mktemp("first") / "run"
    code = run_locust(server[0], 4, 4, 60, prefix, {"BENCH_THINK_MIN": "0", "BENCH_THINK_MAX": "0", "BENCH_ROUNDS": "2",
                                                    "BENCH_PREFIX": "first-"})
    return code, prefix


def test_students_finish_rounds_and_every_acknowledged_answer_is_stored(server, first_run):
    code, prefix = first_run
    steps = by_step(prefix)
    assert code == 0, prefix.with_suffix(".log").read_text()[-2000:]
    assert all(steps[name]["Request Count"] == "8" and steps[name]["Failure Count"] == "0" for name in ROUND)
    assert steps["0 register"]["Request Count"] == "4"
    lines = Path(f"{prefix}_acknowledged.txt").read_text().splitlines()
    # Every hand-in was acknowledged and is on file, each with all ten of the test's questions answered.
    assert len(lines) == 8 and {line.split()[1] for line in lines} == {"10"}
    assert check_database(server[1], read_acknowledged(f"{prefix}_acknowledged.txt")) == (0, 0)


def test_a_taken_name_logs_in_and_a_step_that_fails_is_counted_as_a_failure(server, first_run, tmp_path):
    # "first-1" was registered by the first run: this student logs in, then finds no such lesson.
    code = run_locust(server[0], 1, 1, 60, tmp_path / "run", {"BENCH_THINK_MIN": "0", "BENCH_THINK_MAX": "0", "BENCH_ROUNDS": "2",
                                                               "BENCH_PREFIX": "first-", "BENCH_LESSONS": "no-such-lesson"})
    steps = by_step(tmp_path / "run")
    assert code == 1
    assert steps["0 register"]["Failure Count"] == "0" and steps["0 log in"]["Request Count"] == "1"
    assert steps["0 log in"]["Failure Count"] == "0"
    assert steps["1 lesson page"]["Failure Count"] == steps["1 lesson page"]["Request Count"] == "2"
    assert "2 quiz page" not in steps  # a failed step ends the round
    assert "HTTP 404" in (tmp_path / "run_failures.csv").read_text()
    assert read_acknowledged(tmp_path / "run_acknowledged.txt") == []
