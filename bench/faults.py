"""Fault tests under load (`make bench`): prints what it did and what it found; asserts nothing.

1. kill -9 one gunicorn worker while 50 simulated students submit quizzes (SQLite, then
   PostgreSQL): the master must replace it, no attempt may be half-stored (one transaction per
   submission), and every acknowledged submission must be in the database.
2. Stop PostgreSQL for a few seconds under load, then start it again: requests in the gap must
   fail cleanly (503), and the app must recover without being restarted.
"""

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import check_database, database_url, gunicorn, postgres, prepare, temp_folder  # noqa: E402
from students import simulate  # noqa: E402

SECONDS = 20


def workers_of(master: int) -> list[int]:
    output = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in output.split()]


def kill_a_worker(kind: str, env: dict, url: str) -> None:
    queue = multiprocessing.Queue()
    with gunicorn(env, workers=3) as (base, master):
        before = workers_of(master.pid)
        load = multiprocessing.Process(target=simulate, args=(base, 50, SECONDS, f"k{kind}", queue))
        load.start()
        time.sleep(6)
        victim = before[0]
        os.kill(victim, signal.SIGKILL)
        time.sleep(4)
        after = workers_of(master.pid)
        summary = queue.get(timeout=SECONDS + 300)
        load.join()
    lost, half = check_database(url, summary["acknowledged"])
    print(f"1. kill -9 of worker {victim} on {kind} under load (50 students, {SECONDS} s):")
    print(f"   workers before {len(before)}, after {len(after)} (replaced: {victim not in after and len(after) == len(before)})")
    print(f"   {len(summary['acknowledged'])} acknowledged submissions; lost: {lost}; half-stored attempts: {half}; "
          f"5xx: {summary['errors_5xx']}; requests cut off by the kill: {summary['exceptions']}")


def restart_postgres(server, env: dict, url: str) -> None:
    queue = multiprocessing.Queue()
    with gunicorn(env) as (base, master):
        load = multiprocessing.Process(target=simulate, args=(base, 30, SECONDS + 10, "pgr", queue))
        load.start()
        time.sleep(5)
        server.stop()
        gap_started = time.time()
        statuses = []
        while time.time() - gap_started < 4:
            statuses.append(status(base + "/healthz"))
            statuses.append(status(base + "/lessons/trade/quiz"))
            time.sleep(0.25)
        server.start()
        recovered_at = None
        while recovered_at is None and time.time() - gap_started < 60:
            if status(base + "/healthz") == 200:
                recovered_at = time.time()
            time.sleep(0.2)
        summary = queue.get(timeout=SECONDS + 300)
        load.join()
        same_master = master.poll() is None
    lost, half = check_database(url, summary["acknowledged"])
    print("2. PostgreSQL stopped for 4 s under load (30 students), then started again:")
    print(f"   during the gap: {statuses.count(503)} × 503, {sum(1 for s in statuses if s == 500)} × 500, "
          f"{sum(1 for s in statuses if s == 200)} × 200 (of {len(statuses)} probes)")
    recovery = f"{recovered_at - gap_started:.1f} s after the stop" if recovered_at else "NOT within 60 s"
    print(f"   healthy again {recovery}, with the same gunicorn master: {same_master}")
    errors = {k: v for k, v in summary["statuses"].items() if k.split()[-1].startswith("5")}
    not_503 = sum(v for k, v in errors.items() if k.split()[-1] != "503")
    print(f"   5xx seen by students: {summary['errors_5xx']}, of which not a clean 503: {not_503} {errors}; "
          f"{len(summary['acknowledged'])} acknowledged, lost: {lost}, half-stored: {half}")


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def main() -> None:
    folder = temp_folder()
    only_restart = "--restart-only" in sys.argv
    try:
        if not only_restart:
            sqlite_url = database_url("sqlite", folder, None)
            kill_a_worker("SQLite", prepare(sqlite_url, folder), sqlite_url)
        with postgres() as server:
            if server:
                pg_url = database_url("postgres", folder, server.url)
                env = prepare(pg_url, folder)
                if not only_restart:
                    kill_a_worker("PostgreSQL", env, pg_url)
                restart_postgres(server, env, pg_url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
