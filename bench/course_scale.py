"""Course load time and memory at 1×, 10× and 100× the shipped course (synthetic copies).

Run: .venv/bin/python bench/course_scale.py (or `make bench`). Prints numbers; asserts nothing.
Each size runs in a fresh process: read + check + render (`course check`) and storing into an
empty SQLite database (`course load`), with the process's peak memory (max RSS).
"""

import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(folder: Path, copies: int) -> None:
    """``copies`` renamed copies of every lesson and bank (ids and slugs made unique)."""
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
            (folder / "quizzes" / f"{slug}.yaml").write_text(bank, encoding="utf-8")


def measure(folder: Path) -> str:
    """In this process: time to read and check, then to store, and the peak memory."""
    sys.path.insert(0, str(ROOT))
    from _harness import migrated_sqlite_app
    from app.course_loader import read_everything, store_course
    from app.extensions import db

    started = time.perf_counter()
    lessons, banks, problems = read_everything(folder)
    checked = time.perf_counter() - started
    assert not problems, problems[:3]
    app = migrated_sqlite_app(folder)
    with app.app_context():
        started = time.perf_counter()
        store_course(lessons, banks)
        stored = time.perf_counter() - started
        db.engine.dispose()
    questions = sum(len(b.questions) for b in banks)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return f"{len(lessons):5d} lessons {questions:6d} questions: check {checked:6.2f} s, load {stored:6.2f} s, peak memory {peak:5.0f} MB"


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(measure(Path(sys.argv[2])))
        return
    for copies in (1, 10, 100):
        folder = Path(tempfile.mkdtemp(prefix="backchannel-scale-"))
        try:
            build(folder, copies)
            result = subprocess.run([sys.executable, __file__, "--measure", str(folder)], capture_output=True, text=True)
            if result.returncode:
                raise SystemExit(result.stderr[-3000:])
            print(f"{copies:3d}× {result.stdout.strip()}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
