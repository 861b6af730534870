"""Visitor pages against a bare view, before and after, in one run (wrk against gunicorn on loopback).

    .venv/bin/python bench/pages.py [--baseline REV | --no-baseline] [--seconds 5] [--rounds 3] [--cpu-rounds 7]
                                    [--connections 50]

Each tree (the baseline commit, extracted with ``git archive``, and the working tree) gets its own SQLite
database with the course loaded and its own gunicorn (gunicorn.conf.py, ``bench/hello_app.py``: the app plus
``/hello``). Both servers run at once (one is measured at a time), after a warm-up of every
path. A round measures, on each server in turn, /hello, every page, the 304 path (the lesson page asked with
its ETag), a search never asked before (a new query string each request: the uncached path) and /hello again; rounds alternate which server goes first, so drift on a shared machine falls on
both alike. For each path: medians over the rounds of requests/s, p50 and p99, non-2xx/3xx responses, bytes
sent, and its throughput over the same round's /hello (each round's ratio shown too). Goal: every page ≥ 0.9.
Last, each tree's CPU time per request inside the app (no network), /hello and the pages interleaved: the
figure that other work on a shared machine moves least. Prints numbers; asserts nothing.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import BASELINE, BIN, ROOT, baseline_tree, gunicorn, machine  # noqa: E402
PAGES = ("/lessons/kashmir-non-paper", "/", "/timeline", "/people", "/glossary", "/search?q=Kashmir",
         "/timeline?q=summit")
HELLO = "/hello"
HELLO_AGAIN = "/hello (after the pages)"
FRESH = "/search?q=Kashmir&fresh=N"  # a query never asked before: nothing kept can answer it
# wrk asks each request with a new `fresh` value (per thread, so two threads never repeat each other).
FRESH_SCRIPT = """
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) counter = 0 end
function request() counter = counter + 1; return wrk.format(nil, "/search?q=Kashmir&fresh=" .. id .. "-" .. counter) end
"""
CONDITIONAL = "304"
GOAL = 0.9
# gunicorn.conf.py recycles a worker after about 5,000 requests: at these rates that is every few seconds, all
# workers at once (they start together), and a 5 s measurement can fall wholly in a restart. Both trees alike.
NO_RECYCLING = {"GUNICORN_CMD_ARGS": "--max-requests 0"}
LIMITS = ("LOGIN", "LOGIN_ACCOUNT", "REGISTER", "GUEST_START", "LEARNER_START", "JOIN", "ANKI", "API")


def wrk_version() -> str:
    return subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0].split(" Copyright")[0]


def wrk(url: str, seconds: float, connections: int, headers: tuple[str, ...] = (), script: str | None = None) -> dict:
    """requests/s, p50 and p99 in ms, and responses that were neither 2xx nor 3xx."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", *(["-s", script] if script else [])]
    for header in headers:
        command += ["-H", header]
    run = subprocess.run([*command, url], capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(f"wrk failed on {url}: {run.stdout[-500:]} {run.stderr[-500:]}")
    output = run.stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(label: str) -> float:
        value, suffix = re.search(rf"\s{label}\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * unit[suffix]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), "p50": latency("50%"),
            "p99": latency("99%"), "bad": int(errors.group(1)) if errors else 0}


# Run inside each tree (its own `app`): the app's CPU time per request, no network, no wrk, same process for
# /hello and every page. CPU time is what a busy server runs out of, and, unlike wrk's figures, what other work
# on a shared machine barely moves.
CPU_CODE = """
import json, os, sys, time
from werkzeug.test import EnvironBuilder
from app import create_app

app = create_app(instance_path=os.environ["BENCH_INSTANCE"])
app.add_url_rule("/hello", "hello", lambda: "hello")
rounds, paths = int(sys.argv[1]), sys.argv[2:]

def respond(environ):
    for _ in app(dict(environ), lambda status, headers, exc_info=None: None):
        pass

def cpu(path, count=200):
    environ = EnvironBuilder(path=path).get_environ()
    start = time.process_time()
    for _ in range(count):
        respond(environ)
    return (time.process_time() - start) / count * 1e6

for path in paths:
    cpu(path, 20)  # render and keep every page first
figures = {path: [] for path in paths}
for _ in range(rounds):
    for path in paths:
        figures[path].append(cpu(path))
print(json.dumps(figures))
"""


def cpu_per_request(tree: Path, env: dict, rounds: int) -> dict[str, list[float]]:
    """Each path's CPU µs per request in ``tree``'s app, one figure per round (paths interleaved within a round)."""
    run = subprocess.run([sys.executable, "-c", CPU_CODE, str(rounds), HELLO, *PAGES], cwd=tree, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout.splitlines()[-1])


def prepare(tree: Path, folder: Path) -> dict:
    """Migrate a new SQLite database in ``folder`` and load the course with ``tree``'s code; the server's env."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}", "SECRET_KEY": secrets.token_hex(32),
           "PYTHONPATH": f"{tree}{os.pathsep}{tree / 'bench'}", "BENCH_INSTANCE": str(folder / "instance"),
           **{f"{name}_RATE_LIMIT": "100000 per minute" for name in LIMITS}}
    for command in (["db", "upgrade"], ["course", "load"]):
        subprocess.run([str(BIN / "flask"), "--app", "hello_app:app", *command], cwd=tree, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return env


def fetch(url: str) -> tuple[int, dict, int]:
    """(status, headers, body size) of one GET with no cookie."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, dict(response.headers), len(response.read())


def report(label: str, rounds: list[dict[str, dict]], sizes: dict[str, int], has_etag: bool) -> None:
    """Each path's median over the rounds, and the median of its ratio to the same round's /hello."""
    hellos = [(measured[HELLO]["rps"] + measured[HELLO_AGAIN]["rps"]) / 2 for measured in rounds]
    print(f"\n{label}: /hello {median(hellos):.0f} req/s (median over {len(rounds)} rounds; each round's /hello is the "
          f"mean of one measured before its pages and one after)")
    print(f"   {'path':36s} {'req/s':>7s}  {'p50':>9s}  {'p99':>9s}  {'non-2xx/3xx':>11s} {'bytes':>9s}  "
          f"{'/ hello':>7s} {'(each round)':s}")
    below = []
    for path in (HELLO, *PAGES, FRESH, CONDITIONAL):
        if path == CONDITIONAL and not has_etag:
            print(f"   {PAGES[0]} sends no ETag: no 304 path")
            continue
        ratios = [measured[path]["rps"] / hello for measured, hello in zip(rounds, hellos)]
        if path in PAGES and median(ratios) < GOAL:
            below.append(path)
        shown = "304 " + PAGES[0] if path == CONDITIONAL else path
        size = 0 if path == CONDITIONAL else sizes.get(path, sizes["/search?q=Kashmir"])
        print(f"   {shown:36s} {median(m[path]['rps'] for m in rounds):7.0f}  "
              f"{median(m[path]['p50'] for m in rounds):6.1f} ms  {median(m[path]['p99'] for m in rounds):6.1f} ms  "
              f"{sum(m[path]['bad'] for m in rounds):11d} {size:9d}  {median(ratios):7.2f} "
              f"({' '.join(f'{ratio:.2f}' for ratio in ratios)})")
    print(f"   pages under {GOAL} of /hello: {', '.join(below) if below else 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"the commit to compare with (default {BASELINE})")
    parser.add_argument("--no-baseline", action="store_true", help="measure the working tree alone")
    parser.add_argument("--seconds", type=float, default=5, help="seconds per measurement (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every measurement (default 3)")
    parser.add_argument("--cpu-rounds", type=int, default=7, help="rounds of the in-process CPU figures (0: none)")
    parser.add_argument("--connections", type=int, default=50, help="wrk connections (default 50)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out (the finally blocks)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk)")
    print(f"{machine()}; {wrk_version()}")
    print(f"wrk -t2 -c{args.connections}, {args.seconds:g} s per measurement, {args.rounds} rounds, 2 s warm-up per path; "
          f"gunicorn.conf.py (workers = 2 x cores + 1, gthread x 4) but --max-requests 0; wrk and the servers share the "
          f"same cores")
    scratch = Path(tempfile.mkdtemp(prefix="backchannel-pages-"))
    try:
        with contextlib.ExitStack() as stack:
            trees = {"after": ROOT}
            if not args.no_baseline:
                trees = {f"before ({args.baseline})": stack.enter_context(baseline_tree(args.baseline)), **trees}
            bases, envs = {}, {}
            for label, tree in trees.items():
                folder = scratch / label.split()[0]
                folder.mkdir()
                envs[label] = prepare(tree, folder)
                bases[label] = stack.enter_context(gunicorn({**envs[label], **NO_RECYCLING}, "hello_app:app",
                                                            root=tree))[0]
            paths = (HELLO, *PAGES)
            sizes = {label: {path: fetch(base + path)[2] for path in paths} for label, base in bases.items()}
            for path in paths:  # every worker renders every page before anything is measured
                for base in bases.values():
                    wrk(base + path, 2, args.connections)
            fresh_script = scratch / "fresh.lua"
            fresh_script.write_text(FRESH_SCRIPT, encoding="utf-8")
            etags = {label: fetch(base + PAGES[0])[1].get("ETag") for label, base in bases.items()}
            rounds: dict[str, list[dict[str, dict]]] = {label: [] for label in bases}
            for turn in range(args.rounds):
                order = list(bases) if turn % 2 == 0 else list(bases)[::-1]  # neither tree always goes first
                for label in order:
                    base, measured = bases[label], {}
                    measured[HELLO] = wrk(base + HELLO, args.seconds, args.connections)
                    for path in PAGES:
                        measured[path] = wrk(base + path, args.seconds, args.connections)
                    measured[FRESH] = wrk(base, args.seconds, args.connections, script=str(fresh_script))
                    if etags[label]:
                        measured[CONDITIONAL] = wrk(base + PAGES[0], args.seconds, args.connections,
                                                    (f"If-None-Match: {etags[label]}",))
                    measured[HELLO_AGAIN] = wrk(base + HELLO, args.seconds, args.connections)
                    rounds[label].append(measured)
            for label in bases:
                report(label, rounds[label], sizes[label], bool(etags[label]))
            if args.cpu_rounds:
                print(f"\nCPU per request inside the app (no network; {args.cpu_rounds} rounds of 200 requests per path, "
                      f"paths interleaved; median), and /hello's CPU over the page's: the throughput ratio when CPU is the limit")
                for label, tree in trees.items():
                    cpu = cpu_per_request(tree, envs[label], args.cpu_rounds)
                    hello = median(cpu[HELLO])
                    print(f"   {label}: " + "   ".join(f"{path} {median(values):.0f} µs ({hello / median(values):.2f})"
                                                      for path, values in cpu.items()))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
