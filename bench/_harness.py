"""Shared by the benchmarks: a throw-away database (SQLite app or PostgreSQL server) and a gunicorn server on loopback."""

import contextlib
import dataclasses
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# What the benchmarks compare with: the last landed commit before issue 19, the code its figures were measured on.
BASELINE = "f78cc11"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclasses.dataclass
class Postgres:
    url: str
    folder: str

    def _pg_ctl(self, *args: str) -> None:
        pg_ctl = subprocess.run(["bash", "-c", "readlink -f $(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | tail -1)"],
                                capture_output=True, text=True, check=True).stdout.strip()
        prefix = ["runuser", "-u", "bc-postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, pg_ctl, "-D", f"{self.folder}/data", *args], check=True, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        self._pg_ctl("-l", f"{self.folder}/server.log", "-w", "start")


@contextlib.contextmanager
def postgres():
    """A throw-away PostgreSQL server (.ci/postgres-up), or None where PostgreSQL is not installed."""
    try:
        started = subprocess.run([str(ROOT / ".ci" / "postgres-up")], capture_output=True, text=True, check=True,
                                 env={**os.environ, "PGPORT_TEST": str(free_port())})
    except (subprocess.CalledProcessError, FileNotFoundError) as error:
        print(f"(PostgreSQL not available: {error}; skipping its runs)")
        yield None
        return
    folder = started.stderr.split("running from ")[1].split(" ")[0]
    try:
        yield Postgres(started.stdout.strip(), folder)
    finally:
        subprocess.run([str(ROOT / ".ci" / "postgres-down"), folder], check=False)


BENCH_DATABASE = "bench.sqlite3"  # the SQLite file migrated_sqlite_app creates in its folder


def migrated_sqlite_app(folder, **settings):
    """An app on a new SQLite database in ``folder``, migrated to head, with no course loaded yet."""
    from flask_migrate import upgrade

    from app import create_app
    from app.config import Config

    config = type("BenchConfig", (Config,), {"SECRET_KEY": "bench",
                                             "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / BENCH_DATABASE}", **settings})
    app = create_app(config, instance_path=str(folder))
    with app.app_context():
        upgrade()
    return app


def database_url(kind: str, folder: Path, server: str | None) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    name = f"bench_{secrets.token_hex(4)}"
    subprocess.run([str(BIN / "python"), "-c", f"import sqlalchemy as sa; e = sa.create_engine('{server}/postgres', "
                    f"isolation_level='AUTOCOMMIT'); c = e.connect(); c.exec_driver_sql('CREATE DATABASE {name}')"], check=True)
    return f"{server}/{name}"


RATE_LIMITS = ("LOGIN", "LOGIN_ACCOUNT", "REGISTER", "GUEST_START", "LEARNER_START", "JOIN", "ANKI", "API", "STUDY_TIME")


def prepare(url: str, instance: Path, root: Path = ROOT) -> dict:
    """Migrate and load the course into ``url`` with the code in ``root`` (a baseline extracted with
    `git archive`, or this tree); return the environment a server needs."""
    # Simulated students all come from 127.0.0.1: the benchmarks measure throughput, not the limits.
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
           **{f"{name}_RATE_LIMIT": "100000 per minute" for name in RATE_LIMITS}}
    if root != ROOT:  # the baseline's own code and course, with this virtualenv's packages
        env |= {"PYTHONPATH": str(root), "BACKCHANNEL_COURSE_DIR": str(root)}
    for command in (["db", "upgrade"], ["course", "load"]):
        subprocess.run([str(BIN / "flask"), "--app", "app", *command], cwd=root, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return env


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def gunicorn(env: dict, app: str = "app:create_app()", workers: int | None = None, root: Path = ROOT):
    """gunicorn with ``root``'s gunicorn.conf.py on a free loopback port; yields (base URL, process)."""
    port = free_port()
    server_env = {**env, "BIND": f"127.0.0.1:{port}"}
    if workers:
        server_env["WEB_CONCURRENCY"] = str(workers)
    # The server's log goes to a file: an undrained pipe fills up and blocks every worker that logs.
    log = open(Path(tempfile.gettempdir()) / f"backchannel-gunicorn-{port}.log", "w+b")  # noqa: SIM115
    process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--pythonpath", "bench", app],
                               cwd=root, env=server_env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120  # importing the app takes seconds; minutes when the shared cores are busy
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    if time.time() >= deadline or process.poll() is not None:
        process.kill()
        log.seek(0)
        raise RuntimeError("gunicorn did not start: " + log.read().decode(errors="replace")[-2000:])
    try:
        yield base, process
    finally:
        stop(process)
        log.close()
        if not os.environ.get("BENCH_KEEP_LOGS"):
            os.unlink(log.name)


def temp_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="backchannel-bench-"))


def check_database(url: str, acknowledged: list[str]) -> tuple[int, int]:
    """(acknowledged attempts missing or incomplete in the database, submitted attempts without all 10 answers)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        complete = set(connection.execute(sa.text(
            "SELECT a.public_id FROM attempt a WHERE a.submitted_at IS NOT NULL AND "
            "(SELECT COUNT(*) FROM answer an WHERE an.attempt_id = a.id) = 10")).scalars())
        half = connection.execute(sa.text(
            "SELECT COUNT(*) FROM attempt a WHERE a.submitted_at IS NOT NULL AND "
            "(SELECT COUNT(*) FROM answer an WHERE an.attempt_id = a.id) <> 10")).scalar()
    engine.dispose()
    return sum(1 for pid in acknowledged if pid not in complete), half


def machine() -> str:
    """The first line of a result: date, cores (and how busy they were), Python, SQLite and PostgreSQL."""
    import platform
    import sqlite3
    from datetime import datetime, timezone

    postgres_version = subprocess.run(["bash", "-c", "pg_config --version 2>/dev/null || echo none"],
                                      capture_output=True, text=True).stdout.strip()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores (shared with other engineers' work: "
            f"load average {load} at the start); Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
            f"PostgreSQL {postgres_version.removeprefix('PostgreSQL ')}")


@contextlib.contextmanager
def baseline_tree(rev: str):
    """The tree at ``rev`` in a temporary folder (`git archive`, so .git and the working tree are left alone)."""
    import shutil

    folder = Path(tempfile.mkdtemp(prefix="backchannel-baseline-"))
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_locust(host: str, students: int, spawn_rate: float, seconds: float, prefix: Path, env: dict | None = None,
               extra: tuple[str, ...] = ()) -> int:
    """bench/locustfile.py headless in its own process against ``host``; CSV files and a log under ``prefix``.

    Returns Locust's exit code (1 when any request failed). Acknowledged hand-ins go to ``prefix``_acknowledged.txt,
    every request to ``prefix``_requests.txt."""
    command = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "--host", host,
               "-u", str(students), "-r", f"{spawn_rate:g}", "-t", f"{seconds:g}s", "--csv", str(prefix),
               "--only-summary", "--loglevel", "WARNING", *extra]
    env = {**os.environ, "BENCH_ACK_FILE": f"{prefix}_acknowledged.txt", "BENCH_REQUEST_LOG": f"{prefix}_requests.txt",
           **(env or {})}
    with open(f"{prefix}.log", "wb") as log:
        return subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False).returncode


def locust_stats(prefix: Path) -> list[dict]:
    """The rows of Locust's ``prefix``_stats.csv: one per step, then "Aggregated"."""
    import csv

    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def keep_csv(prefix: Path, name: str) -> Path:
    """Copy a Locust run's CSV files (``prefix``_stats.csv, _stats_history.csv, _failures.csv) to
    test-output/bench/``name``_*.csv, where they outlive the run's temporary folder; returns that prefix."""
    import shutil

    kept = ROOT / "test-output" / "bench" / name
    kept.parent.mkdir(parents=True, exist_ok=True)
    for found in Path(prefix).parent.glob(f"{Path(prefix).name}_*.csv"):
        shutil.copyfile(found, f"{kept}{found.name.removeprefix(Path(prefix).name)}")
    return kept


def read_acknowledged(path: Path | str) -> list[str]:
    """The public ids of the hand-ins a Locust run saw acknowledged (lines "<public id> <answers sent>")."""
    path = Path(path)
    return [line.split()[0] for line in path.read_text().splitlines() if line.strip()] if path.exists() else []
