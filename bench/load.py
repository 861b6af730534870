"""Students under load against gunicorn on loopback (`make bench`). Prints numbers; asserts nothing.
(Page throughput under wrk, once part 1 of this script, is bench/pages.py.)

Students: the Locust profile bench/locustfile.py (headless, its own process) against gunicorn, first on the
baseline commit and then on the working tree, back to back with the same settings: per step p50/p95/p99,
failures and requests/s from Locust's CSV (and again for the requests after the last sign-up, from the
profile's request log), then every acknowledged hand-in looked up in the database (none may be missing or
half-stored). Goal: p99 of every quiz-round step ≤ 300 ms, 0 failures, 0 lost answers.

    .venv/bin/python bench/load.py                      # 300 students, think 5–20 s, 5 min, SQLite, vs f78cc11
    .venv/bin/python bench/load.py --students 50 --minutes 1 --think 0-2 --database both --no-baseline
"""

import argparse
import contextlib
import csv
import dataclasses
import math
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import (BASELINE, BIN, RATE_LIMITS, ROOT, baseline_tree, check_database, database_url, gunicorn, keep_csv,  # noqa: E402
                      locust_stats, machine, postgres, prepare, read_acknowledged, run_locust, temp_folder)

GOAL_P99_MS = 300


@dataclasses.dataclass
class Run:
    """One Locust run against one tree on one database, and what the database check found."""

    label: str
    steps: list[dict]      # Locust's _stats.csv rows, "Aggregated" last
    history: list[dict]    # Locust's _stats_history.csv rows: all requests, over the previous 10 s, each second
    failures: list[dict]   # Locust's _failures.csv rows
    requests: list[tuple[float, float, bool, str]]  # every request: start (epoch s), response time (ms), ok, step
    exit_code: int
    load: tuple[float, float, float]  # the machine's load average as the run ended: other engineers' work shows here
    acknowledged: int
    lost: int
    half: int


def students(label: str, root: Path, kind: str, server: str | None, args: argparse.Namespace) -> Run:
    """A fresh database for ``root``'s code, gunicorn on it, the Locust profile, then the database check."""
    folder = temp_folder()
    try:
        url = database_url(kind, folder, server)
        env = prepare(url, folder, root)
        prefix = folder / "locust"
        think = {"BENCH_THINK_MIN": f"{args.think[0]:g}", "BENCH_THINK_MAX": f"{args.think[1]:g}",
                 "BENCH_PREFIX": f"{label.split()[0]}-"}
        with gunicorn(env, root=root) as (base, _):
            code = run_locust(base, args.students, args.spawn_rate, args.minutes * 60, prefix, think)
            load = os.getloadavg()
        if not Path(f"{prefix}_stats.csv").exists():
            sys.exit(f"Locust wrote no statistics for {label}:\n" + Path(f"{prefix}.log").read_text()[-3000:])
        keep_csv(prefix, f"load-{label.split()[0]}-{kind}")
        acknowledged = read_acknowledged(f"{prefix}_acknowledged.txt")
        lost, half = check_database(url, acknowledged)
        return Run(label, locust_stats(prefix), read_csv(f"{prefix}_stats_history.csv"), read_csv(f"{prefix}_failures.csv"),
                   read_requests(f"{prefix}_requests.txt"), code, load, len(acknowledged), lost, half)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_csv(path: str) -> list[dict]:
    if not Path(path).exists():
        return []
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def read_requests(path: str) -> list[tuple[float, float, bool, str]]:
    """The locustfile's request log (BENCH_REQUEST_LOG): "<start> <ms> <ok> <step name>" a line."""
    if not Path(path).exists():
        return []
    rows = []
    for line in Path(path).read_text().splitlines():
        start, milliseconds, ok, name = line.split(" ", 3)
        rows.append((float(start), float(milliseconds), ok == "1", name))
    return rows


def after_sign_up(run: Run) -> tuple[float, list[dict]]:
    """Seconds into the run when the last student's sign-up was answered, and the quiz-round steps' figures
    from the requests started after it, in the rows of Locust's CSV (nearest-rank percentiles)."""
    if not run.requests:
        return math.nan, []
    began = min(start for start, *_ in run.requests)
    cut = max((start + ms / 1000 for start, ms, _, name in run.requests if name.startswith("0 ")), default=began)
    later = [(ms, ok, name) for start, ms, ok, name in run.requests if start >= cut and not name.startswith("0 ")]
    span = max((start + ms / 1000 for start, ms, *_ in run.requests), default=cut) - cut
    rows = []
    for name in [*sorted({name for _, _, name in later}), "Aggregated"]:
        times = sorted(ms for ms, _, step in later if name in (step, "Aggregated"))
        rank = lambda q: times[min(len(times) - 1, math.ceil(q * len(times)) - 1)]  # noqa: E731
        rows.append({"Name": name, "Request Count": str(len(times)),
                     "Failure Count": str(sum(1 for _, ok, step in later if not ok and name in (step, "Aggregated"))),
                     "50%": rank(0.5), "95%": rank(0.95), "99%": rank(0.99), "Requests/s": len(times) / span if span else math.nan})
    return cut - began, rows


def number(row: dict, field: str) -> float:
    """A figure from a Locust CSV row; Locust writes "N/A" for a step with no requests."""
    try:
        return float(row[field])
    except (ValueError, KeyError):
        return math.nan


def table(rows: list[dict]) -> None:
    print(f"     {'step':18s} {'requests':>8s} {'failed':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s} {'req/s':>7s}")
    for row in rows:
        name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        print(f"     {name:18s} {row['Request Count']:>8s} {row['Failure Count']:>7s} {number(row, '50%'):7.0f} "
              f"{number(row, '95%'):7.0f} {number(row, '99%'):7.0f} {number(row, 'Requests/s'):7.1f}")


def report(run: Run, seconds: float) -> None:
    print(f"   {run.label} (Locust exit code {run.exit_code}: 0 all went well, 1 some request failed; load average "
          f"{', '.join(f'{value:.1f}' for value in run.load)} as it ended, on {os.cpu_count()} cores); whole run:")
    table(run.steps)
    cut, rows = after_sign_up(run)
    if rows:
        print(f"     requests started after the last sign-up was answered ({cut:.0f} s in), from the locustfile's "
              "request log:")
        table(rows)
    print(f"     acknowledged hand-ins: {run.acknowledged} ({run.acknowledged / seconds:.1f} per s); acknowledged but "
          f"missing or incomplete in the database: {run.lost}; half-stored attempts: {run.half}")
    if run.history and seconds >= 30:  # the start (everyone signing up) against the steady state
        start = int(run.history[0]["Timestamp"])
        marks = [mark for mark in (30, *range(60, int(seconds) + 1, 60)) if mark <= seconds]
        at = {mark: min(run.history, key=lambda row: abs(int(row["Timestamp"]) - start - mark)) for mark in marks}
        print("     p99 of all requests in the 10 s before: " + " · ".join(
            f"{mark // 60}:{mark % 60:02d} {number(row, '99%'):.0f} ms" for mark, row in at.items()))
    for failure in sorted(run.failures, key=lambda f: -int(f["Occurrences"]))[:6]:
        print(f"     failed: {failure['Name']}: {failure['Error']} × {failure['Occurrences']}")


def verdict(run: Run, rows: list[dict]) -> str:
    """Whether ``rows`` (a run's steps) meet the goal, and if not, which step is slowest. Signing up (the "0 …"
    steps, once per student) is not judged itself: its password hashing is slow on purpose."""
    steps = [row for row in rows if row["Name"] != "Aggregated" and not row["Name"].startswith("0 ")]
    if not steps:
        return "no quiz-round request"
    slowest = max(steps, key=lambda row: number(row, "99%"))
    failed = int(rows[-1]["Failure Count"])
    met = number(slowest, "99%") <= GOAL_P99_MS and failed == 0 and run.lost == 0 and run.half == 0
    return (f"{'met' if met else 'not met'}: slowest step {slowest['Name']} p99 {number(slowest, '99%'):.0f} ms "
            f"(goal ≤ {GOAL_P99_MS} for each quiz-round step), {failed} failed requests, {run.lost} lost, {run.half} half-stored")


def compare(before: Run, after: Run) -> None:
    """The p99 of each step, baseline and tree side by side."""
    old = {row["Name"]: row for row in before.steps}
    print(f"     {'step':18s} {'p99 before':>10s} {'p99 after':>10s} {'req/s before':>12s} {'req/s after':>12s}")
    for row in after.steps:
        name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        was = old.get(row["Name"], {"99%": "nan", "Requests/s": "nan"})
        print(f"     {name:18s} {number(was, '99%'):10.0f} {number(row, '99%'):10.0f} "
              f"{number(was, 'Requests/s'):12.1f} {number(row, 'Requests/s'):12.1f}")


def think_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--spawn-rate", type=float, help="students started per second (default: all in within 30 s)")
    parser.add_argument("--minutes", type=float, default=float(os.environ.get("BENCH_SECONDS", 300)) / 60)
    parser.add_argument("--think", type=think_range, default=(5.0, 20.0), help="seconds between requests, MIN-MAX")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--baseline", default=BASELINE, help=f"commit to measure first (default {BASELINE})")
    parser.add_argument("--no-baseline", action="store_true", help="measure the working tree only")
    args = parser.parse_args()
    args.spawn_rate = args.spawn_rate or max(1.0, args.students / 30)
    if not (BIN / "locust").exists():
        sys.exit("Locust is not installed in this virtualenv: .venv/bin/python -m pip install -e '.[dev]'")
    seconds = args.minutes * 60
    print(machine())
    print(f"Students (Locust, bench/locustfile.py, its own process): {args.students} students started "
          f"{args.spawn_rate:g} per s, think time {args.think[0]:g}–{args.think[1]:g} s between requests, "
          f"{seconds:.0f} s a run; each round: lesson page, quiz page, start a test, attempt page, submit, result.")
    print(f"   Rate limits raised to 100000 per minute ({', '.join(RATE_LIMITS)}): every student comes from "
          "127.0.0.1, and this measures the server, not the limits. gunicorn with gunicorn.conf.py's defaults; "
          "Locust runs on the same cores.")
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    with baseline_tree(args.baseline) if not args.no_baseline else contextlib.nullcontext() as base:
        for kind in kinds:
            with postgres() if kind == "postgresql" else contextlib.nullcontext() as server:
                if kind == "postgresql" and server is None:
                    continue
                title = "SQLite" if kind == "sqlite" else "PostgreSQL"
                runs = []
                if base is not None:
                    runs.append(students(f"baseline {args.baseline} on {title}", base, kind, server and server.url, args))
                    report(runs[-1], seconds)
                runs.append(students(f"working tree on {title}", ROOT, kind, server and server.url, args))
                report(runs[-1], seconds)
                if len(runs) == 2:
                    print(f"   {title}: p99 per step, baseline {args.baseline} then working tree (same run):")
                    compare(*runs)
                for run in runs:
                    tree = run.label.split(" on ")[0]
                    print(f"   goal on {title}, {tree}, whole run: {verdict(run, run.steps)}")
                    print(f"   goal on {title}, {tree}, after the last sign-up: {verdict(run, after_sign_up(run)[1])}")


if __name__ == "__main__":
    main()
