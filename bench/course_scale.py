"""Course load time and memory at 1×, 10× and 100× the shipped course (synthetic copies), before and after.

Run: .venv/bin/python bench/course_scale.py [--sizes 1,10,100] [--baseline-sizes 1,10] [--baseline REV | --no-baseline]
     [--no-postgres]. Prints numbers; asserts nothing. Takes a few minutes with the defaults (the baseline
at 100× adds about ten more: ask for it with --baseline-sizes 1,10,100).

For each size, a fresh process per tree (this checkout, then the baseline commit extracted with
``git archive``) reads and checks the copies once (``read_everything``), then does what ``flask course
load`` does into a new, migrated SQLite database and then a new PostgreSQL database (``_harness.postgres()``):
refuse ids the browser's authors use (``authored_conflicts``), then ``store_course``. The store is split by
timing, inside it, the rendering of new question versions (``render_question``) and the search index
(``rebuild_index``); what remains is the database work the issue's goal is about. A second load of the same
course (nothing changed) is timed too, with the statements each load sends. Peak memory is the process's
maximum RSS (one read, then both loads).
"""

import argparse
import contextlib
import importlib
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import BASELINE, ROOT, baseline_tree, database_url, postgres  # noqa: E402


def build(folder: Path, copies: int) -> None:
    """``copies`` renamed copies of every lesson and bank (ids, slugs and the ids they name made unique)."""
    (folder / "lessons").mkdir(parents=True)
    (folder / "quizzes").mkdir()
    order = 0
    for copy in range(copies):
        for lesson in sorted((ROOT / "lessons").glob("*.md")):
            if lesson.name == "README.md":
                continue
            order += 1
            slug = lesson.stem if copy == 0 else f"{lesson.stem}-c{copy}"
            text = lesson.read_text(encoding="utf-8")
            text = re.sub(r"^slug: .*$", f"slug: {slug}", text, count=1, flags=re.M)
            text = re.sub(r"^order: .*$", f"order: {order}", text, count=1, flags=re.M)
            text = re.sub(r"\]\(/lessons/([a-z0-9-]+)", lambda m, copy=copy: f"](/lessons/{m.group(1)}" + (f"-c{copy}" if copy else ""), text)
            (folder / "lessons" / f"{slug}.md").write_text(text, encoding="utf-8")
            bank = (ROOT / "quizzes" / f"{lesson.stem}.yaml").read_text(encoding="utf-8")
            if copy:
                bank = re.sub(r"^(  - id: )([a-z0-9-]+)$", lambda m, copy=copy: f"{m.group(1)}{m.group(2)}-c{copy}", bank, flags=re.M)
                bank = re.sub(r"^(    excludes: \[)(.*)\]$", lambda m, copy=copy: m.group(1) + ", ".join(
                    f"{ident.strip()}-c{copy}" for ident in m.group(2).split(",")) + "]", bank, flags=re.M)
            (folder / "quizzes" / f"{slug}.yaml").write_text(bank, encoding="utf-8")


class Stopwatch:
    """Seconds spent inside a function, summed over its calls (wraps a module's global name)."""

    def __init__(self, module, name: str):
        self.seconds = self.cpu = 0.0
        inner = getattr(module, name)

        def timed(*args, **kwargs):
            started, cpu = time.perf_counter(), time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.cpu += time.process_time() - cpu

        setattr(module, name, timed)


def measure(tree: Path, course: Path, databases: dict[str, str]) -> dict:
    """In this process, on ``tree``'s code: read once, then a first and a second load into each database."""
    sys.path.insert(0, str(tree))
    import sqlalchemy as sa
    from flask_migrate import upgrade

    import app as application
    from app.config import Config
    from app.extensions import db

    loader = importlib.import_module("app.course_loader")
    # Finding a question's images is part of rendering it (the baseline does it inside a query per question).
    renders = [Stopwatch(loader, name) for name in ("render_question", "media_hashes") if hasattr(loader, name)]
    index = Stopwatch(loader, "rebuild_index")
    started = time.perf_counter()
    lessons, banks, problems = loader.read_everything(course)
    result = {"read": time.perf_counter() - started, "questions": sum(len(bank.questions) for bank in banks),
              "lessons": len(lessons)}
    assert not problems, problems[:3]
    for kind, url in databases.items():
        config = type("BenchConfig", (Config,), {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
        app = application.create_app(config, instance_path=str(course / f"instance-{kind}"))
        with app.app_context():
            upgrade()
            statements = []
            sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
            for attempt in ("first", "again"):
                statements.clear()
                for watch in (*renders, index):
                    watch.seconds = watch.cpu = 0.0
                started, cpu = time.perf_counter(), time.process_time()
                conflicts = loader.authored_conflicts(lessons, banks)
                assert not conflicts, conflicts[:3]
                loader.store_course(lessons, banks)
                total = time.perf_counter() - started
                cpu = time.process_time() - cpu
                rendering = sum(watch.seconds for watch in renders)
                rendering_cpu = sum(watch.cpu for watch in renders)
                result[f"{kind}.{attempt}"] = {
                    "store": total, "cpu": cpu, "render": rendering, "render_cpu": rendering_cpu, "index": index.seconds,
                    "index_cpu": index.cpu, "database": total - rendering - index.seconds,
                    "database_cpu": cpu - rendering_cpu - index.cpu, "statements": len(statements)}
            db.session.remove()
            db.engine.dispose()
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run_tree(tree: Path, course: Path, server: str | None) -> dict:
    """``measure`` in a fresh process on ``tree``'s code, with a new SQLite and (where there is a server) PostgreSQL database."""
    databases = {"sqlite": f"sqlite:///{course / 'bench.sqlite3'}"}
    if server:
        databases["postgresql"] = database_url("postgresql", course, server)
    for leftover in course.glob("bench.sqlite3*"):
        leftover.unlink()
    for leftover in course.glob("instance-*"):
        shutil.rmtree(leftover)
    worker = subprocess.run([sys.executable, __file__, "--measure", str(tree), str(course), json.dumps(databases)],
                            capture_output=True, text=True, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})
    if worker.returncode:
        raise SystemExit(worker.stderr[-3000:])
    return json.loads(worker.stdout.strip().splitlines()[-1])


def machine(server: str | None) -> str:
    """Cores, Python, SQLite and PostgreSQL versions, and the date."""
    postgres = "not installed"
    if server:
        import sqlalchemy as sa

        engine = sa.create_engine(f"{server}/postgres")
        with engine.connect() as connection:
            postgres = connection.exec_driver_sql("SHOW server_version").scalar()
        engine.dispose()
    load = os.getloadavg()[0]
    return (f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores (shared: load average {load:.1f} at the start), "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL {postgres}")


def report(label: str, copies: int, result: dict, kinds: list[str], first: dict | None) -> None:
    """One tree at one size: read, then each database's first load split up, its reload, and the per-question cost."""
    questions = result["questions"]
    print(f"{copies:4d}× {label:6s} {result['lessons']:5d} lessons {questions:6d} questions: read + check {result['read']:6.2f} s, "
          f"peak memory {result['peak_mb']:5.0f} MB")
    for kind in kinds:
        load, again = result[f"{kind}.first"], result[f"{kind}.again"]
        per, per_cpu = (load["database"] / questions * 1e6, load["database_cpu"] / questions * 1e6)
        linear = (f" ({per / first[kind][0]:4.2f}× the smallest size's; CPU {per_cpu:5.1f} µs, {per_cpu / first[kind][1]:4.2f}×)"
                  if first and kind in first else f" (CPU {per_cpu:5.1f} µs)")
        print(f"    {kind:10s} store {load['store']:6.2f} s = database {load['database']:6.2f} s + render {load['render']:6.2f} s "
              f"+ search index {load['index']:5.2f} s, {load['statements']} statements; whole load {result['read'] + load['store']:6.2f} s")
        print(f"    {'  CPU here':10s} store {load['cpu']:6.2f} s = database {load['database_cpu']:6.2f} s + render "
              f"{load['render_cpu']:6.2f} s + search index {load['index_cpu']:5.2f} s")
        print(f"    {'':10s} database {per:6.1f} µs per question{linear}; reload of the same course {again['store']:5.2f} s, "
              f"{again['statements']} statements")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--measure":
        print(json.dumps(measure(Path(sys.argv[2]), Path(sys.argv[3]), json.loads(sys.argv[4]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100", help="copies of the shipped course (default 1,10,100)")
    parser.add_argument("--baseline-sizes", default="1,10", help="sizes the baseline runs at too (default 1,10)")
    parser.add_argument("--baseline", default=BASELINE, help=f"the commit before the change (default {BASELINE})")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    baseline_sizes = set() if options.no_baseline else {int(size) for size in options.baseline_sizes.split(",")}
    scratch = Path(tempfile.mkdtemp(prefix="backchannel-scale-"))
    try:
        trees = [("after", ROOT)]
        with contextlib.ExitStack() as stack:
            if baseline_sizes:
                trees.insert(0, (f"before {options.baseline}", stack.enter_context(baseline_tree(options.baseline))))
            server = None if options.no_postgres else stack.enter_context(postgres())
            url = server.url if server else None
            kinds = ["sqlite"] + (["postgresql"] if url else [])
            print(machine(url))
            print("Wall-clock seconds, then the CPU this process spent (all of SQLite's work, not PostgreSQL server's); "
                  "database = the store's statements and the work between them, render = new versions' HTML, "
                  "whole load = read + store (what `flask course load` does).")
            first: dict[str, dict] = {}
            for copies in sizes:
                course = scratch / f"course-{copies}"
                build(course, copies)
                for label, tree in trees:
                    if tree is not ROOT and copies not in baseline_sizes:
                        continue
                    result = run_tree(tree, course, url)
                    if copies == min(sizes):
                        first[label] = {kind: (result[f"{kind}.first"]["database"] / result["questions"] * 1e6,
                                               result[f"{kind}.first"]["database_cpu"] / result["questions"] * 1e6) for kind in kinds}
                    report(label.split(" ")[0], copies, result, kinds, first.get(label) if copies != min(sizes) else None)
                shutil.rmtree(course, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
