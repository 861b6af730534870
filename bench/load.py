"""Load benchmarks against gunicorn on loopback (`make bench`). Prints numbers; asserts nothing.

1. Lesson page, course index and a bare "hello" endpoint in the same gunicorn setup: requests/s
   and p50/p99 latency at 50 connections for 10 s each (wrk, from Debian), and the ratio of the
   lesson page to hello (target: at least 0.5).
2. Quiz submissions: 100 simulated students (a second process) for 60 s on SQLite and on
   PostgreSQL: throughput, p50/p99 of a whole quiz round, 5xx count, "database is locked" count,
   and afterwards every acknowledged attempt looked up in the database (target: none lost).

Set BENCH_SECONDS to shorten the submission runs (default 60).
"""

import multiprocessing
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import check_database, database_url, gunicorn, postgres, prepare, temp_folder  # noqa: E402
from students import simulate  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", 60))


def wrk(url: str, seconds: int = 10, connections: int = 50) -> dict:
    output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                            capture_output=True, text=True, check=True).stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(label):
        value, suffix = re.search(rf"\s{label}\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * unit[suffix]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), "p50": latency("50%"),
            "p99": latency("99%"), "non_2xx": int(errors.group(1)) if errors else 0}


def pages(env: dict) -> None:
    if shutil.which("wrk") is None:
        print("1. pages: wrk is not installed (apt-get install wrk); skipped")
        return
    with gunicorn(env, app="hello_app:app") as (base, _):
        for path in ("/hello", "/lessons/kashmir-non-paper", "/"):  # warm every worker's caches first
            wrk(base + path, seconds=2)
        results = {path: wrk(base + path) for path in ("/hello", "/lessons/kashmir-non-paper", "/")}
    print("1. pages at 50 connections, 10 s each (wrk):")
    for path, r in results.items():
        print(f"   {path:28s} {r['rps']:8.0f} req/s   p50 {r['p50']:6.1f} ms   p99 {r['p99']:6.1f} ms   non-2xx {r['non_2xx']}")
    ratio = results["/lessons/kashmir-non-paper"]["rps"] / results["/hello"]["rps"]
    print(f"   lesson page / hello throughput: {ratio:.2f} (target ≥ 0.5)")


def submissions(kind: str, env: dict, url: str) -> None:
    queue = multiprocessing.Queue()
    with gunicorn(env) as (base, _):
        process = multiprocessing.Process(target=simulate, args=(base, 100, SECONDS, f"{kind}s", queue))
        process.start()
        summary = queue.get(timeout=SECONDS + 300)
        process.join()
    acknowledged = summary["acknowledged"]
    lost, half = check_database(url, acknowledged)
    latencies = sorted(summary["latencies"])
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")  # noqa: E731
    print(f"2. quiz submissions on {kind}: 100 students for {SECONDS:.0f} s (login, quiz page, start, attempt, submit, result)")
    print(f"   {len(acknowledged)} acknowledged submissions = {len(acknowledged) / summary['elapsed']:.1f} per s; "
          f"quiz round p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms")
    print(f"   5xx: {summary['errors_5xx']}   'database is locked' seen: {summary['locked']}   client errors: {summary['exceptions']}")
    print(f"   acknowledged but missing or incomplete in the database: {lost}; half-stored attempts: {half}")
    other = {k: v for k, v in summary["statuses"].items() if not k.endswith((" 200", " 302"))}
    if other:
        print(f"   other statuses: {other}")


def main() -> None:
    folder = temp_folder()
    try:
        sqlite_url = database_url("sqlite", folder, None)
        sqlite_env = prepare(sqlite_url, folder)
        pages(sqlite_env)
        submissions("SQLite", sqlite_env, sqlite_url)
        with postgres() as server:
            if server:
                pg_url = database_url("postgres", folder, server.url)
                submissions("PostgreSQL", prepare(pg_url, folder), pg_url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
